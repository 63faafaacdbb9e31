// Ctrl-C for `cio-connectors import`: the first SIGINT or SIGTERM stops reading and lets the
// batches in flight finish (so the summary, the failed file and the checkpoint are complete), a
// second one cancels them at once. Only the CLI process installs these handlers; in-process
// callers pass their own AbortSignals (ImportIo.stop / abort).

export interface Interruption {
  /** Aborted on the first signal. */
  stop: AbortSignal;
  /** Aborted on the second. */
  abort: AbortSignal;
  /** Removes the handlers (a signal after the import ends has its default effect again). */
  dispose(): void;
}

export function interruptOnSignals(messages: { write(text: string): unknown }, drainSeconds: number): Interruption {
  const stop = new AbortController();
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stop.signal.aborted) {
      messages.write(`\n${signal}: stopping the import; waiting up to ${drainSeconds} s for the batches in flight (${signal} again cancels them)\n`);
      stop.abort(signal);
    } else if (!abort.signal.aborted) {
      messages.write(`\n${signal} again: cancelling the batches in flight\n`);
      abort.abort(signal);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stop: stop.signal,
    abort: abort.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** The exit code of an interrupted import (128 + SIGINT), whichever signal stopped it. */
export const INTERRUPTED_EXIT_CODE = 130;
