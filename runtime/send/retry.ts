// The one place that decides whether a failure is worth trying again, and whether Customer.io
// may have acted on the request:
//  - 429: always retried (Customer.io did not process the request), honouring Retry-After.
//  - 5xx, timeouts, connection errors: retried only when repeating is harmless (the plan's
//    `safeToRepeat`: GET, PUT, DELETE, POSTs the definition marks idempotent, events carrying a
//    dedupe id). For anything else they may have been processed: never retried, and said so.
//  - anything else (4xx, refused input, an answer that cannot be read): never retried.
import type { RetryOptions } from '../contracts.js';
import type { EnvelopeError, Problem } from '../envelope.js';

export type { RetryOptions } from '../contracts.js';

export const DEFAULT_RETRY: Required<RetryOptions> = {
  maxAttempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxTotalWaitMs: 30_000,
};

/** How one attempt failed. */
export type AttemptFailure =
  | { kind: 'status'; status: number; retryAfterS?: number }
  | { kind: 'timeout' | 'network' };

/** Milliseconds to wait before the next attempt, or undefined to stop here. */
export function nextDelay(
  failure: AttemptFailure,
  attempt: number,
  safeToRepeat: boolean,
  waitedMs: number,
  options: Required<RetryOptions>,
  random: () => number = Math.random,
): number | undefined {
  if (attempt >= options.maxAttempts) return undefined;
  const transient =
    failure.kind === 'status' ? failure.status === 429 || (failure.status >= 500 && safeToRepeat)
    : safeToRepeat;
  if (!transient) return undefined;

  const backoff = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1) * (1 + random()));
  const delay = failure.kind === 'status' && failure.retryAfterS !== undefined ? failure.retryAfterS * 1000 : backoff;
  if (waitedMs + delay > options.maxTotalWaitMs) return undefined;
  return Math.round(delay);
}

/** How a call ended without success. */
export type Ending =
  /** Customer.io answered with an error status. */
  | { kind: 'answer'; status: number }
  /** A timeout, or a connection that failed or broke. */
  | { kind: 'no_answer' }
  /** The call's time budget ran out (`byTotal`) or the caller cancelled it; `inFlight` when a request was out. */
  | { kind: 'stopped'; byTotal: boolean; inFlight: boolean }
  /** Nothing could be sent: refused input, a request Node would not form, a fault of the connector. */
  | { kind: 'not_sent' }
  /** An answer came that cannot be read (too large, not JSON). */
  | { kind: 'unreadable' };

const MAY_HAVE_BEEN_PROCESSED = 'Customer.io may have received and processed the request; check before sending it again';

/**
 * The envelope's error for a call that failed: whether it is `retryable`, and, when any attempt
 * may have reached Customer.io (`arrived`), `details.may_have_been_processed` (for what is not
 * safe to repeat the message warns too, and hands over `ids` to reconcile with).
 */
export function settle(problem: Problem, ending: Ending, safeToRepeat = false, arrived = false, ids: Record<string, unknown> = {}): EnvelopeError {
  const retryable =
    ending.kind === 'answer' ? ending.status === 429 || (ending.status >= 500 && safeToRepeat)
    : ending.kind === 'no_answer' ? safeToRepeat
    : ending.kind === 'stopped' ? ending.byTotal && !(ending.inFlight && !safeToRepeat)
    : false;
  const ambiguous = (ending.kind === 'answer' && ending.status >= 500) || ending.kind === 'no_answer' || (ending.kind === 'stopped' && ending.inFlight);
  const warn = ambiguous && !safeToRepeat;
  const error: EnvelopeError = { ...problem, retryable };
  if (warn) {
    error.message = ending.kind === 'stopped' ? `${error.message}; ${MAY_HAVE_BEEN_PROCESSED}.` : `${error.message} ${MAY_HAVE_BEEN_PROCESSED.charAt(0).toUpperCase()}${MAY_HAVE_BEEN_PROCESSED.slice(1)}.`;
  }
  if (warn || arrived || (ending.kind === 'stopped' && ending.inFlight)) {
    error.details = { ...(problem.details as object | undefined), may_have_been_processed: true, ...(warn ? ids : {}) };
  }
  return error;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
