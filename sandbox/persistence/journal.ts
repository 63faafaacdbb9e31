// The state file's journal: one line of JSON per change, appended to a segment file beside the
// state file (`sandbox.json.<first seq>.journal`). A segment is only ever appended to; a new one
// starts when the sandbox starts and when a compaction begins, and a segment is deleted once a
// snapshot holds all of its changes.
//
// Durability: `appendSync` hands the line to the operating system with one write(2) before it
// returns, so once a change is acknowledged a crash of the sandbox (kill -9 included) cannot
// lose it; only the machine going down can. With `fsync`, `durable()` also waits for the
// segment to reach the disk, one fsync for every change appended while the previous one ran.
import { close, closeSync, fsync, fsyncSync, open, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** One change as journaled: its order, the clock and random seed it ran with, and what it was. */
export interface JournalEntry {
  seq: number;
  /** Milliseconds since the epoch when the change ran (ULIDs take their time from it). */
  ms: number;
  /** 16 random bytes, base64: every random ID the change made was drawn from them. */
  seed: string;
  [field: string]: unknown;
}

export interface Segment {
  file: string;
  /** The seq of its first entry (from its name). */
  first: number;
}

const SEGMENT = /^(\d+)\.journal$/;

/** The journal segments of `stateFile`, oldest first. */
export function listSegments(stateFile: string): Segment[] {
  const dir = dirname(stateFile);
  const prefix = `${basename(stateFile)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith(prefix) && SEGMENT.test(name.slice(prefix.length)))
    .map((name) => ({ file: join(dir, name), first: Number(SEGMENT.exec(name.slice(prefix.length))![1]) }))
    .sort((a, b) => a.first - b.first);
}

export function segmentFile(stateFile: string, first: number): string {
  return `${stateFile}.${String(first).padStart(12, '0')}.journal`;
}

/**
 * The entries of a segment. A last line cut short (no newline, or not JSON: the sandbox died in
 * the middle of writing it, so it was never acknowledged) is left out; a broken line before
 * the last one means the file was damaged, and is an error rather than a silent loss.
 */
export function readSegment(file: string): JournalEntry[] {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  // After the last newline: an unfinished line, or '' when the file ends with one.
  lines.pop();
  const entries: JournalEntry[] = [];
  lines.forEach((line, i) => {
    try {
      const entry = JSON.parse(line) as JournalEntry;
      if (!entry || typeof entry.seq !== 'number') throw new Error('no seq');
      entries.push(entry);
    } catch (error) {
      // A line that was cut and then followed by more would be a damaged file, not a crash.
      throw new Error(`the sandbox journal ${file} is damaged at line ${i + 1}: ${(error as Error).message}`, { cause: error });
    }
  });
  return entries;
}

export function removeSegments(segments: readonly Segment[]): void {
  for (const { file } of segments) {
    try {
      unlinkSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/** Makes a rename or unlink in `dir` durable (a no-op where directories cannot be opened so). */
export function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Not every platform lets a directory be fsynced; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function syncDirectoryAsync(dir: string): Promise<void> {
  return new Promise((resolve) => {
    open(dir, 'r', (error, fd) => {
      if (error) return resolve();
      fsync(fd, () => close(fd, () => resolve()));
    });
  });
}

/** The segment being appended to. */
export class SegmentWriter {
  readonly file: string;
  private readonly fd: number;
  private size = 0;
  private closed = false;
  /** fsync mode: those waiting for the fsync in flight, and those for the one after it. */
  private syncing?: Promise<void>;
  private queued?: Promise<void>;

  constructor(stateFile: string, readonly first: number, private readonly fsyncEach: boolean) {
    this.file = segmentFile(stateFile, first);
    // 'a': every write lands at the end, whatever else has the file open.
    this.fd = openSync(this.file, 'a');
    // With fsync, the new file's name must reach the disk too before a change in it is answered;
    // done in the background (durable() waits for it), as this runs on the thread that serves.
    if (fsyncEach) this.syncing = syncDirectoryAsync(dirname(this.file));
  }

  get bytes(): number {
    return this.size;
  }

  /** Writes the entry's line; when this returns, the operating system has it. */
  appendSync(entry: JournalEntry): void {
    if (this.closed) throw new Error('the journal segment is closed');
    const line = Buffer.from(`${JSON.stringify(entry)}\n`);
    let written = 0;
    while (written < line.length) written += writeSync(this.fd, line, written, line.length - written);
    this.size += line.length;
  }

  /** Resolves once everything appended so far is as durable as the mode promises. */
  durable(): Promise<void> | undefined {
    if (!this.fsyncEach) return undefined;
    // An fsync already running may have started before the latest append: wait for the next one.
    if (this.syncing) return (this.queued ??= this.syncing.then(() => this.durableNow()));
    return this.durableNow();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.fsyncEach) fsyncSync(this.fd);
    closeSync(this.fd);
  }

  /** Closes for appends at once, and the file after a last fsync that does not hold up this thread. */
  async closeAfterSync(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // An fsync in flight uses the descriptor: let it finish before the last one, then close.
    await this.syncing?.catch(() => undefined);
    try {
      await new Promise<void>((resolve, reject) => fsync(this.fd, (error) => (error ? reject(error) : resolve())));
    } finally {
      closeSync(this.fd);
    }
  }

  private durableNow(): Promise<void> {
    this.queued = undefined;
    const running = new Promise<void>((resolve, reject) => {
      if (this.closed) return resolve();
      fsync(this.fd, (error) => (error ? reject(error) : resolve()));
    }).finally(() => {
      if (this.syncing === running) this.syncing = undefined;
    });
    this.syncing = running;
    return running;
  }
}
