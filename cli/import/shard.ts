// One shard of an NDJSON file, for several import processes on one file (`--shard k/n`): shard k
// takes the lines that start in the k-th n-th of the file's bytes. The shards are disjoint and
// cover every line, whatever the lines' lengths, and each process works them out alone from the
// file itself, so n processes started with 1/n … n/n share the work without talking to each
// other (their rate limit they share through Redis: --rate-limit-redis).
//
// Line numbers and item positions stay the whole file's: a shard counts the lines and items
// before its start (with the NDJSON reader itself, so blank and overlong lines count as they do
// when the file is imported whole). Event ids, made from the line number, are then the same
// whichever process sends a line, and the same as an import of the whole file would send.
import { open, type FileHandle } from 'node:fs/promises';
import { ndjsonSource } from './ndjson-source.js';

export interface ShardSpec {
  /** 1-based. */
  index: number;
  count: number;
}

export interface ShardRange {
  /** The shard's bytes: from `start` (where a line starts) up to `end` (exclusive: where the next shard's first line starts, or the end of the file). */
  start: number;
  end: number;
  /** The line number and item position of the line at `start`. */
  firstLine: number;
  firstIndex: number;
}

/** `k/n` → the shard; undefined when the text is not one. */
export function parseShard(text: string): ShardSpec | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (!match) return undefined;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return index >= 1 && index <= count && count <= 1024 ? { index, count } : undefined;
}

const WINDOW = 64 * 1024;
const NEWLINE = 0x0a;

/** The first position at or after `at` where a line starts (just after a newline), or the file's end. */
async function lineStartFrom(file: FileHandle, at: number, size: number): Promise<number> {
  if (at <= 0) return 0;
  const window = Buffer.allocUnsafe(WINDOW);
  // A line starts at `at` when the byte before it is a newline: the search begins there.
  for (let position = at - 1; position < size; position += WINDOW) {
    const { bytesRead } = await file.read(window, 0, WINDOW, position);
    const newline = window.subarray(0, bytesRead).indexOf(NEWLINE);
    if (newline !== -1) return position + newline + 1;
    if (bytesRead === 0) break;
  }
  return size;
}

/** Shard `spec` of `file` (`size` bytes), with the line number and item position it starts at. */
export async function shardRange(file: string, size: number, spec: ShardSpec, keys: Set<string>): Promise<ShardRange> {
  const handle = await open(file, 'r');
  let start: number;
  let end: number;
  try {
    start = await lineStartFrom(handle, Math.floor(((spec.index - 1) * size) / spec.count), size);
    end = spec.index === spec.count ? size : await lineStartFrom(handle, Math.floor((spec.index * size) / spec.count), size);
  } finally {
    await handle.close();
  }
  if (start === 0) return { start, end: Math.max(start, end), firstLine: 1, firstIndex: 0 };
  // The lines before the shard, read as the import reads them but skipped (nothing is parsed).
  const before = ndjsonSource(file, { keys, skipThrough: Infinity, range: { start: 0, end: start, firstLine: 1, firstIndex: 0 } });
  for await (const rows of before.chunks) void rows; // every line is skipped: nothing comes
  const { lines, items } = before.counted();
  return { start, end: Math.max(start, end), firstLine: lines + 1, firstIndex: items };
}
