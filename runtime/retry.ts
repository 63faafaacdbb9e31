// The one place that decides whether a failed attempt is tried again and how long to wait.
//  - 429: always retried (Customer.io did not process the request), honouring Retry-After.
//  - 5xx, timeouts, connection errors: retried only when repeating is harmless: GET, PUT,
//    DELETE, POSTs the definition marks idempotent, and events carrying a dedupe id.
//  - anything else (4xx, a transactional send after an ambiguous failure): never retried.
import type { HttpMethod } from './definitions.js';

export interface RetryOptions {
  /** Attempts in total, including the first (1 disables retries). */
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Cap on one wait. */
  maxDelayMs?: number;
  /** Cap on all waits of one call; a Retry-After beyond it ends the call instead. */
  maxTotalWaitMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = {
  maxAttempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxTotalWaitMs: 30_000,
};

const IDEMPOTENT_METHODS: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export function isSafeToRepeat(method: HttpMethod, markedIdempotent: boolean, hasEventIds: boolean): boolean {
  return IDEMPOTENT_METHODS.has(method) || markedIdempotent || hasEventIds;
}

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
