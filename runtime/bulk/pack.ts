// Packs v2 entity operations into /v2/batch bodies as full as Customer.io allows: a batch body
// stays under 500 KB and every item under 32 KB. Items keep their position in the input, so
// each result maps back to it; an item too large on its own is reported, never dropped.

/** Customer.io: a batch request under 500 KB (each operation under 32 KB is the entity schema's rule). */
export const MAX_BATCH_BYTES = 500 * 1024 - 1;
const ENVELOPE_BYTES = Buffer.byteLength('{"batch":[]}');

export interface PackedItem {
  index: number;
  entity: Record<string, unknown>;
  bytes: number;
}

export interface Batch {
  items: PackedItem[];
  /** Size of the request body `{"batch":[…]}` in bytes. */
  bytes: number;
}

export class BatchPacker {
  private items: PackedItem[] = [];
  private bytes = ENVELOPE_BYTES;

  constructor(private readonly maxBatchBytes = MAX_BATCH_BYTES) {}

  /** Adds an item; returns the batch it closed, when the item did not fit in the open one. */
  add(item: PackedItem): Batch | undefined {
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
  flush(): Batch | undefined {
    if (this.items.length === 0) return undefined;
    const batch = { items: this.items, bytes: this.bytes };
    this.items = [];
    this.bytes = ENVELOPE_BYTES;
    return batch;
  }
}
