// The failed-items file: one `{line, index, reason, field?, message, item}` per item not accepted,
// itself a valid --file input. Records are written with plain synchronous writes from a small
// buffer, so that flush() puts every record on disk before a checkpoint names its line settled
// (a stream's buffer would be lost to a kill). On --resume, the records of lines up to the
// watermark are kept and the others dropped: those lines are read and settled again.
import { createReadStream, closeSync, fsync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface ImportFailureRecord {
  /** Line of the file where the item starts (1-based). */
  line: number;
  /** Position of the item among the file's items (0-based; blank lines and the CSV header are not items). */
  index: number;
  /** Why: parse_error, invalid, invalid_utf8, a Customer.io reason, a batch's error code, possibly_processed or not_sent. */
  reason: string;
  field?: string;
  message: string;
  /** The item as an object in the NDJSON item shape (events with the `id` they were sent with); the line's text when it was not JSON. */
  item: unknown;
}

const FLUSH_BYTES = 256 * 1024;

export class FailedItemsFile {
  /** Records in the file: kept from earlier runs and written by this one. */
  records: number;
  private pending: string[] = [];
  private pendingBytes = 0;
  /** Written to since the last sync (an fsync of an unchanged file is skipped). */
  private dirty = false;

  private constructor(readonly path: string, private readonly fd: number, kept: number) {
    this.records = kept;
  }

  /** A new, empty failed file (replacing one of an earlier run). */
  static create(path: string): FailedItemsFile {
    return new FailedItemsFile(path, openSync(path, 'w'), 0);
  }

  /** The failed file of an interrupted run, keeping only the records of lines up to `keepThrough`. */
  static async resume(path: string, keepThrough: number): Promise<FailedItemsFile> {
    const temp = `${path}.${process.pid}.tmp`;
    const out = openSync(temp, 'w');
    let kept = 0;
    try {
      let input;
      try {
        input = createReadStream(path, { encoding: 'utf8' });
        await new Promise<void>((resolve, reject) => input!.once('open', () => resolve()).once('error', reject));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        input = undefined; // nothing failed before, or the file was deleted: start it empty
      }
      if (input) {
        const lines: string[] = [];
        for await (const text of createInterface({ input, crlfDelay: Infinity })) {
          // A line cut short by a kill belongs to a record written after the last checkpoint: dropped.
          let line: unknown;
          try {
            line = (JSON.parse(text) as ImportFailureRecord).line;
          } catch {
            continue;
          }
          if (typeof line !== 'number' || line > keepThrough) continue;
          lines.push(text);
          kept++;
          if (lines.length >= 1000) writeSync(out, `${lines.splice(0).join('\n')}\n`);
        }
        if (lines.length) writeSync(out, `${lines.join('\n')}\n`);
      }
      fsyncSync(out);
    } catch (error) {
      closeSync(out);
      rmSync(temp, { force: true });
      throw error;
    }
    closeSync(out);
    renameSync(temp, path);
    return new FailedItemsFile(path, openSync(path, 'a'), kept);
  }

  write(record: ImportFailureRecord): void {
    const text = JSON.stringify(record);
    this.pending.push(text);
    this.pendingBytes += text.length;
    this.records++;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (!this.pending.length) return;
    const text = `${this.pending.join('\n')}\n`;
    this.pending = [];
    this.pendingBytes = 0;
    writeSync(this.fd, text);
    this.dirty = true;
  }

  /** Flushes and syncs, before a checkpoint that relies on the records. */
  sync(): void {
    this.flush();
    if (this.dirty) fsyncSync(this.fd);
    this.dirty = false;
  }

  /** sync() with the fsync waiting off the main thread: records written so far are on disk when it resolves. */
  async syncAsync(): Promise<void> {
    this.flush();
    if (!this.dirty) return;
    this.dirty = false;
    await new Promise<void>((resolve, reject) => fsync(this.fd, (error) => (error ? reject(error) : resolve())));
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
