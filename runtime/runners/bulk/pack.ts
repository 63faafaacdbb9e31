// Packs entries into batch request bodies (`{"<list>":[…]}`) as full as the batch operation
// allows: a body stays within its byte limit. Packing goes by the byte length each entry's JSON
// has, which the caller counted once (bulk runners pack the entry's JSON text itself). Entries
// keep their place, so each result maps back to the item it came from; an entry too large on
// its own is reported by the caller, never dropped.

export interface PackedItem<R = number, E = unknown> {
  /** What the caller knows the entry by (an item's position, a line of a file…). */
  ref: R;
  entry: E;
  /** The entry's size as JSON, in bytes. */
  bytes: number;
}

export interface Batch<R = number, E = unknown> {
  items: PackedItem<R, E>[];
  /** Size of the request body in bytes. */
  bytes: number;
}

export class BatchPacker<R = number, E = unknown> {
  private items: PackedItem<R, E>[] = [];
  private readonly envelopeBytes: number;
  private bytes: number;

  /** `maxBatchBytes`: the largest body; `listInput`: the body's key that holds the list. */
  constructor(private readonly maxBatchBytes: number, listInput = 'batch') {
    this.envelopeBytes = Buffer.byteLength(JSON.stringify({ [listInput]: [] }));
    this.bytes = this.envelopeBytes;
  }

  /** Adds an entry; returns the batch it closed, when the entry did not fit in the open one. */
  add(item: PackedItem<R, E>): Batch<R, E> | undefined {
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
  flush(): Batch<R, E> | undefined {
    if (this.items.length === 0) return undefined;
    const batch = { items: this.items, bytes: this.bytes };
    this.items = [];
    this.bytes = this.envelopeBytes;
    return batch;
  }
}
