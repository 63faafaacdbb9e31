// The bytes of one batch request body, `{"<list>":[entry,entry,…]}`, written as entries are
// packed: each entry's JSON text is encoded once, into the buffer the request is sent from. The
// packer (pack.ts) decides what fits; this only writes what it let in, so the two agree on every
// byte (the envelope, the entries, the commas between them).

export class BatchBody {
  private buffer: Buffer;
  private at: number;
  private entries = 0;
  private readonly suffix: string;

  /**
   * `listInput`: the body's key that holds the list; `capacity`: the largest body (the batch
   * operation's limit), allocated at once (or `reuse`, a buffer of a batch that has landed), or a
   * start that grows when there is no limit.
   */
  constructor(listInput: string, private readonly capacity: number, reuse?: Buffer) {
    const envelope = JSON.stringify({ [listInput]: [] }); // {"batch":[]}
    this.suffix = envelope.slice(-2);
    this.buffer = reuse && reuse.length >= Math.min(capacity, 64 * 1024) ? reuse : Buffer.allocUnsafe(Number.isFinite(capacity) ? capacity : 64 * 1024);
    this.at = this.buffer.write(envelope.slice(0, -2), 0);
  }

  /** The whole buffer the body is written in, to be reused once its request is done. */
  get storage(): Buffer {
    return this.buffer;
  }

  /** Appends an entry's JSON text, `bytes` long in UTF-8 (counted by the caller, who packed it). */
  add(json: string, bytes: number): void {
    const comma = this.entries++ > 0 ? 1 : 0;
    this.room(comma + bytes);
    if (comma) this.buffer[this.at++] = 0x2c; // ,
    this.at += this.buffer.write(json, this.at);
  }

  /** The finished body: the bytes written, closed with `]}`. */
  finish(): Buffer {
    this.room(this.suffix.length);
    this.at += this.buffer.write(this.suffix, this.at);
    return this.buffer.subarray(0, this.at);
  }

  /** A body without a limit grows as it must; one with a limit was allocated whole. */
  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    if (Number.isFinite(this.capacity)) throw new Error(`a batch body passed its ${this.capacity}-byte limit: the packer let in more than fits`);
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + bytes));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
  }
}
