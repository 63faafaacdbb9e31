// A file (or part of it) read in chunks into two buffers, read into again and again: while the
// caller works on one chunk, the next is already being read into the other. Reading one read at a
// time left the import's only thread idle through every read (a third of a second a million
// items); a new buffer per read would be memory outside the heap that only a full collection
// gives back. A chunk is the caller's until it asks for the next one, when its buffer is read
// into again: what must outlive that, the caller copies.
import { open } from 'node:fs/promises';

export interface ReadRange {
  /** First byte (default 0) and the byte after the last (default: the end of the file). */
  start?: number;
  end?: number;
  /** Bytes per read. */
  chunkBytes: number;
}

export async function* readAhead(file: string, { start = 0, end = Infinity, chunkBytes }: ReadRange): AsyncGenerator<Buffer> {
  if (start >= end) return; // an empty range: a shard of a file too small to have a line in it
  const handle = await open(file, 'r');
  const buffers = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)] as const;
  let position = start;
  const read = (buffer: Buffer) => {
    const want = Math.min(chunkBytes, end - position);
    return want > 0 ? handle.read(buffer, 0, want, position).then(({ bytesRead }) => bytesRead) : Promise.resolve(0);
  };
  let next = 0;
  let pending = read(buffers[next]);
  try {
    for (;;) {
      const bytesRead = await pending;
      if (bytesRead === 0) return;
      const chunk = buffers[next].subarray(0, bytesRead);
      position += bytesRead;
      next ^= 1;
      pending = read(buffers[next]); // the one after, into the other buffer, while this one is used
      yield chunk;
    }
  } finally {
    await pending.catch(() => 0); // a read still under way ends before the file is closed
    await handle.close();
  }
}
