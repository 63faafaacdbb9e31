// Packs entries into batch request bodies (`{"<list>":[…]}`) as full as the batch operation
// allows: a body stays within its byte limit. Entries keep their place, so each result maps back
// to the item it came from; an entry too large on its own is reported by the caller, never dropped.

export interface PackedItem<R = number> {
  /** What the caller knows the entry by (an item's position, a line of a file…). */
  ref: R;
  entry: Record<string, unknown>;
  /** The entry's size as JSON, in bytes. */
  bytes: number;
}

export interface Batch<R = number> {
  items: PackedItem<R>[];
  /** Size of the request body in bytes. */
  bytes: number;
}

export class BatchPacker<R = number> {
  private items: PackedItem<R>[] = [];
  private readonly envelopeBytes: number;
  private bytes: number;

  /** `maxBatchBytes`: the largest body; `listInput`: the body's key that holds the list. */
  constructor(private readonly maxBatchBytes: number, listInput = 'batch') {
    this.envelopeBytes = Buffer.byteLength(JSON.stringify({ [listInput]: [] }));
    this.bytes = this.envelopeBytes;
  }

  /** Adds an entry; returns the batch it closed, when the entry did not fit in the open one. */
  add(item: PackedItem<R>): Batch<R> | undefined {
    const added = item.bytes + (this.items.length > 0 ? 1 : 0); // the comma
    if (this.items.length > 0 && this.bytes + added > this.maxBatchBytes) {
      const full = this.flush();
      this.add(item);
      return full;
    }
    this.items.push(item);
    this.bytes += added;
    return undefined;
  }

  /** The open batch, if it holds anything. */
  flush(): Batch<R> | undefined {
    if (this.items.length === 0) return undefined;
    const batch = { items: this.items, bytes: this.bytes };
    this.items = [];
    this.bytes = this.envelopeBytes;
    return batch;
  }
}
