// Where an import got to, so that `--resume` can go on from there. Written beside the failed
// file as `<failed file>.checkpoint.json`, atomically (a temp file, fsync, rename, fsync of the
// folder): a kill at any moment leaves the previous checkpoint or the new one, never half of one.
// The failed file is flushed and synced before each checkpoint, so every failed record of a line
// up to the watermark is on disk when a checkpoint says the line is settled.
//
// Checkpoints during the import are written with writeCheckpointAsync: its fsyncs wait in
// libuv's thread pool instead of stopping the import's only thread (synchronous, they took 5 % of
// a million-item import). The first and the last are synchronous: nothing is sent before the
// first one is on disk, and the last one is what the process leaves.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CsvReading } from './csv-reading.js';
import type { IdentifierColumn, ImportOperation } from './operations.js';

export const CHECKPOINT_VERSION = 1;

/** Items by outcome; `read = accepted + failed + possibly_processed`. */
export interface Counts {
  read: number;
  accepted: number;
  failed: number;
  possibly_processed: number;
  /** Items by the identifier that chose the person: `{ "id": 1200, "email": 30 }`. */
  identified_by: Partial<Record<IdentifierColumn, number>>;
}

export function noCounts(): Counts {
  return { read: 0, accepted: 0, failed: 0, possibly_processed: 0, identified_by: {} };
}

export function addCounts(a: Counts, b: Counts): Counts {
  const identified_by = { ...a.identified_by };
  for (const [key, n] of Object.entries(b.identified_by) as [IdentifierColumn, number][]) identified_by[key] = (identified_by[key] ?? 0) + n;
  return { read: a.read + b.read, accepted: a.accepted + b.accepted, failed: a.failed + b.failed, possibly_processed: a.possibly_processed + b.possibly_processed, identified_by };
}

/** One shard of a file (`--shard k/n`): which, its bytes, and the line it starts on. */
export interface CheckpointShard {
  index: number;
  count: number;
  start_byte: number;
  end_byte: number;
  first_line: number;
}

export interface Checkpoint {
  version: typeof CHECKPOINT_VERSION;
  /** The file as given, its size and SHA-256 (a resume against other content is refused). */
  file: string;
  file_bytes: number;
  file_sha256: string;
  operation: ImportOperation;
  /** --identifier, when one was given. */
  identifier: IdentifierColumn | null;
  /** --delimiter, --encoding and --column of a CSV (absent in checkpoints of older versions: the defaults). */
  csv_reading?: CsvReading;
  failed_file: string;
  /** Every item on lines 1 to this one is settled: acknowledged by Customer.io, or in the failed file. */
  watermark_line: number;
  /** Batches sent and not answered when the checkpoint was written (or cut off by the interruption); --resume sends their lines again. */
  in_flight: { first_line: number; last_line: number; items: number }[];
  /** Items on lines up to the watermark, across runs; their failed records are the failed file's. */
  counts: Counts;
  /** Runs so far, this one included. */
  runs: number;
  /** Set for one shard of the file (`--shard k/n`): the watermark then starts at the line before its first. */
  shard?: CheckpointShard;
  updated_at: string;
}

export function checkpointPath(failedFile: string): string {
  return `${failedFile}.checkpoint.json`;
}

export function writeCheckpoint(path: string, checkpoint: Checkpoint): void {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, `${JSON.stringify(checkpoint, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  syncFolder(dirname(path));
}

/** writeCheckpoint with every wait off the main thread. One at a time: a second would share its temp file. */
export async function writeCheckpointAsync(path: string, checkpoint: Checkpoint): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  const file = await open(temp, 'w');
  try {
    await file.writeFile(`${JSON.stringify(checkpoint, null, 2)}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
  try {
    const folder = await open(dirname(path), 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  } catch {
    // as in syncFolder: the rename is atomic; only its durability across a power loss depends on this
  }
}

/** Makes a rename durable (best effort: some file systems cannot open a folder). */
function syncFolder(folder: string): void {
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // the rename itself is atomic; only its durability across a power loss depends on this
  }
}

export function removeCheckpoint(path: string): void {
  rmSync(path, { force: true });
}

/** The checkpoint at `path`, undefined when there is none; throws with the reason when it cannot be used. */
export function readCheckpoint(path: string): Checkpoint | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const value = JSON.parse(text) as Checkpoint;
  if (value?.version !== CHECKPOINT_VERSION || typeof value.file_sha256 !== 'string' || !Number.isInteger(value.watermark_line) || typeof value.counts?.read !== 'number') {
    throw new Error(`${path} is not a checkpoint this version can resume`);
  }
  return value;
}
