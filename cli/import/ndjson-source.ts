// NDJSON rows, read lazily in constant memory: never more than a read chunk and one line (capped
// at MAX_LINE_BYTES) are held. Lines are split on bytes, and a line that is not UTF-8 is refused
// naming the byte where it goes wrong: a decoder that replaced it would import `caf�`. The rows
// of each read chunk come as one array, so the import loop takes a chunk per await, not a row.
import { closeSync, openSync, readSync } from 'node:fs';
import { checkedItem, isObject, rowsOf, type Row, type Source } from './operations.js';
import { readAhead } from './read-ahead.js';
import { firstInvalidUtf8, isUtf8, lossyText } from './utf8.js';

/** A line longer than this cannot be an item (each is under 32 KB); it is reported, not buffered. */
export const MAX_LINE_BYTES = 1024 * 1024;
/**
 * Bytes per read, and so rows made at once (about 350 items of 180 bytes). Larger reads cost
 * fewer calls but import slower and bigger: the loop then goes longer between two looks at the
 * answers that have come in, so batches stay in flight longer, and what their items keep alive
 * outlives the young generation (measured: 256 KB reads, seven full collections a million people
 * and 180 MB of RSS; 64 KB, one and 130 MB).
 */
const READ_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

/** One NDJSON line as an item; a failed-file record stands for its `item`, so that file is an input too. */
function ndjsonItem(text: string, keys: Set<string>): Pick<Row, 'item' | 'failure'> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { item: text, failure: { reason: 'parse_error', message: `not JSON: ${(error as Error).message}` } };
  }
  if (isObject(value) && 'item' in value && 'reason' in value && 'line' in value) {
    value = value.item;
    if (typeof value === 'string') {
      // The text of a line that was not JSON, perhaps fixed in the failed file.
      try {
        value = JSON.parse(value);
      } catch (error) {
        return { item: value, failure: { reason: 'parse_error', message: `"item" is still not JSON: ${(error as Error).message}; write the item as an object` } };
      }
    }
  }
  return checkedItem(value, keys);
}

export interface NdjsonOptions {
  keys: Set<string>;
  /** Lines up to this one were settled by an earlier run: counted, not parsed or yielded. */
  skipThrough?: number;
  maxLineBytes?: number;
  /**
   * Part of the file only (a shard, shard.ts): the bytes from `start` (where a line starts) up to
   * `end` (exclusive, where a line starts or the file ends), and the line number and item
   * position of the line at `start`, so both stay the whole file's.
   */
  range?: { start: number; end: number; firstLine: number; firstIndex: number };
}

/** `counted()`: the lines and items read so far (all of them once the rows are read through). */
export function ndjsonSource(file: string, options: NdjsonOptions): Source & { counted(): { lines: number; items: number } } {
  const { range } = options;
  let bytes = 0; // read so far by this source (a shard counts from its start)
  let line = (range?.firstLine ?? 1) - 1;
  let index = range?.firstIndex ?? 0;
  const chunks = (async function* (): AsyncGenerator<Row[]> {
    const { keys, skipThrough = 0, maxLineBytes = MAX_LINE_BYTES } = options;
    let tooLong = false; // inside a line past maxLineBytes: skip to its end
    /**
     * One line's text (a line ending's \r included) as a row, `at` and `length` the line's bytes in
     * the file; undefined for a blank or skipped line.
     */
    const row = (text: string, at: number, length: number): Row | undefined => {
      line++;
      if (tooLong) {
        tooLong = false;
        if (line <= skipThrough) return void index++;
        return { index: index++, line, item: null, failure: { reason: 'invalid', message: `line longer than ${maxLineBytes} bytes; an item is under 32 KB` } };
      }
      const trimmed = text.trim();
      if (!trimmed) return undefined; // a blank line is no item
      if (line <= skipThrough) return void index++;
      const { item, failure } = ndjsonItem(trimmed, keys);
      return failure ? { index: index++, line, item, failure } : { index: index++, line, item, at, length };
    };
    const notUtf8 = (lineBytes: Buffer): Row | undefined => {
      line++;
      if (line <= skipThrough) return void index++;
      const at = firstInvalidUtf8(lineBytes)!;
      return {
        index: index++, line, item: lossyText(lineBytes).trim(),
        failure: { reason: 'invalid_utf8', message: `line ${line} is not UTF-8: byte ${at.byte} (character ${at.char}) of the line starts an invalid sequence; save the file as UTF-8` },
      };
    };
    /**
     * The rows of `region`'s lines (the text before each newline in it, and the text after the
     * last one); `regionAt`: where the region starts in the file.
     */
    function lines(region: Buffer, regionAt: number): Row[] {
      const rows: Row[] = [];
      if (isUtf8(region)) {
        // The common case: decode the whole region once and cut it into lines as text. In ASCII
        // text a character is a byte, so a line's place in the text is its place in the file.
        const text = region.toString('utf8');
        if (text.length === region.length) {
          for (let start = 0; ;) {
            const end = text.indexOf('\n', start);
            const stop = end === -1 ? text.length : end;
            const next = row(text.slice(start, stop), regionAt + start, stop - start);
            if (next) rows.push(next);
            if (end === -1) return rows;
            start = end + 1;
          }
        }
      }
      for (let start = 0; ;) {
        const end = region.indexOf(NEWLINE, start);
        const bytesOfLine = end === -1 ? region.subarray(start) : region.subarray(start, end);
        const next = tooLong || isUtf8(bytesOfLine) ? row(bytesOfLine.toString('utf8'), regionAt + start, bytesOfLine.length) : notUtf8(bytesOfLine);
        if (next) rows.push(next);
        if (end === -1) return rows;
        start = end + 1;
      }
    }

    let rest: Buffer | undefined; // the start of a line whose end has not been read yet
    let restAt = 0; // where it starts in the file
    const keepRest = (tail: Buffer, at: number) => {
      if (tooLong || tail.length > maxLineBytes) {
        tooLong = true; // drop it: only its line number matters
        rest = undefined;
      } else {
        if (!rest) restAt = at;
        rest = tail.length ? Buffer.from(tail) : undefined; // a copy: the read's buffer is read into again
      }
    };
    let chunkAt = range?.start ?? 0; // where the chunk read starts in the file
    for await (const chunk of readAhead(file, { start: chunkAt, end: range?.end ?? Infinity, chunkBytes: READ_BYTES })) {
      bytes += chunk.length;
      const at = chunkAt;
      chunkAt += chunk.length;
      let from = 0;
      if (rest || tooLong) {
        // The line begun in an earlier chunk: joined with its end (only that line is copied).
        const end = chunk.indexOf(NEWLINE);
        if (end === -1) {
          keepRest(rest ? Buffer.concat([rest, chunk]) : chunk, at);
          continue;
        }
        const head = chunk.subarray(0, end);
        const line = tooLong || !rest ? head : Buffer.concat([rest, head]);
        const lineAt = tooLong || !rest ? at : restAt;
        rest = undefined;
        const joined = lines(line, lineAt);
        if (joined.length) yield joined;
        from = end + 1;
      }
      const lastNewline = chunk.lastIndexOf(NEWLINE);
      if (lastNewline < from) {
        keepRest(chunk.subarray(from), at + from);
        continue;
      }
      const rows = lines(chunk.subarray(from, lastNewline), at + from);
      keepRest(chunk.subarray(lastNewline + 1), at + lastNewline + 1); // the text after the last newline starts the next line
      if (rows.length) yield rows;
    }
    if (rest || tooLong) {
      const last = lines(rest ?? Buffer.alloc(0), restAt);
      if (last.length) yield last;
    }
  })();
  // A row's item read again from the file, only for an item that failed after it was sent: the
  // import keeps where each line is rather than the line, or the item, while its batch is out.
  let fd: number | undefined;
  const itemOf = (_text: string | undefined, at: number, length: number): unknown => {
    fd ??= openSync(file, 'r');
    const line = Buffer.alloc(length);
    readSync(fd, line, 0, length, at);
    return ndjsonItem(line.toString('utf8').trim(), options.keys).item;
  };
  const close = () => {
    void chunks.return(undefined);
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  return { chunks, rows: rowsOf(chunks), itemOf, bytesRead: () => bytes, close, counted: () => ({ lines: line, items: index }) };
}
