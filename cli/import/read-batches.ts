// An object-mode stream read a batch at a time: everything it has buffered, then a wait for more.
// Its own async iterator hands over one object per step, a promise each; csv-parse pushes all the
// records of a read chunk at once, so taking them together costs one await per chunk instead.
import type { Readable } from 'node:stream';

export async function* readBatches<T>(stream: Readable): AsyncGenerator<T[]> {
  let ended = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const onReadable = () => wake?.();
  const onEnd = () => {
    ended = true;
    wake?.();
  };
  const onError = (error: unknown) => {
    failure ??= { error };
    wake?.();
  };
  stream.on('readable', onReadable);
  stream.once('end', onEnd);
  stream.once('error', onError);
  try {
    for (;;) {
      const batch: T[] = [];
      for (let next = stream.read() as T | null; next !== null; next = stream.read() as T | null) batch.push(next);
      if (batch.length) {
        yield batch;
        continue;
      }
      if (failure) throw failure.error;
      if (ended || stream.readableEnded) return;
      // Nothing buffered: the stream says 'readable' (or 'end', or 'error') when that changes.
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    stream.off('readable', onReadable);
    stream.off('end', onEnd);
    stream.off('error', onError);
  }
}
