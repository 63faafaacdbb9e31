// Sends one planned request: waits for the client-side rate limit, makes attempts within the
// call's time budget, asks the retry policy (retry.ts) after each failure, and reads the answer
// into an envelope. What is shown and reported is redacted.
import type { Got } from 'got';
import type { RegionTable } from '../../auth/regions.js';
import type { AuthValues, Region } from '../../auth/types.js';
import type { AttemptEnd, CallPlan, CallTelemetry, ExecuteOptions, HttpAnswer, RateLimiter, RuntimeEvent } from '../contracts.js';
import type { LoadedConnector } from '../definitions.js';
import { OperationError, type Envelope, type EnvelopeError, type Problem, type ShownRequest } from '../envelope.js';
import { parseJson } from '../parse-json.js';
import { redactValue, type Redactor } from '../redact.js';
import type { CallSecrets } from './call-secrets.js';
import { send, TransportError } from './dispatch.js';
import { errorFromAnswer, retryAfterSeconds } from './error-mapping.js';
import { bucketFor } from './rate-limit.js';
import { DEFAULT_RETRY, nextDelay, settle, sleep, type AttemptFailure, type Ending } from './retry.js';

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_TOTAL_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export interface SendContext {
  connector: LoadedConnector;
  /** The operation's name (rate-limit groups, debug events). */
  operation: string;
  region: Region;
  auth: AuthValues;
  options: ExecuteOptions;
  client: Got;
  limiter: RateLimiter | undefined;
  regions: RegionTable;
  secrets: CallSecrets;
  /** The host's logger and tracer, told of each exchange. */
  telemetry?: CallTelemetry;
  /** The operation's path as defined, for the telemetry. */
  urlTemplate?: string;
}

/** IDs in an answer that let a person reconcile a send or trigger that may have gone through. */
function reconciliationIds(answer: HttpAnswer | undefined): Record<string, unknown> {
  if (!answer) return {};
  const parsed = parseJson(answer.text);
  const body = parsed.ok ? (parsed.value as Record<string, unknown> | undefined) : undefined;
  if (!body || typeof body !== 'object') return {};
  return Object.fromEntries(['delivery_id', 'id', 'trigger_id'].filter((k) => body[k] !== undefined).map((k) => [k, body[k]]));
}

/**
 * Whether an answer repeats a credential (a server or proxy that echoes the request's headers):
 * then the output read from it is redacted like an error would be. Outputs come from the answer,
 * so a clean answer (the common case) is handed over without copying.
 */
function answerHoldsSecret(answer: HttpAnswer, redact: Redactor): boolean {
  if (redact.finds(answer.text)) return true;
  for (const value of Object.values(answer.headers)) {
    if (value !== undefined && redact.finds(Array.isArray(value) ? value.join('\n') : value)) return true;
  }
  return false;
}

/**
 * One HTTP exchange, timed: its duration goes into `durations` (the envelope's
 * meta.attempt_durations_ms) and to the telemetry, whichever way it ends.
 */
function exchange(answer: Promise<HttpAnswer>, durations: number[], ended: ((end: AttemptEnd) => void) | undefined): Promise<HttpAnswer> {
  const started = performance.now();
  const record = (end: Omit<AttemptEnd, 'duration_ms'>) => {
    const duration = Math.round(performance.now() - started);
    durations.push(duration);
    ended?.({ duration_ms: duration, ...end });
  };
  // Handlers on the answer itself rather than an async function around it: one promise fewer a call.
  return answer.then(
    (received) => {
      record({ status_code: received.status });
      return received;
    },
    (error: unknown) => {
      record({ failure: error instanceof TransportError ? error.kind : 'error' });
      throw error;
    },
  );
}

export async function sendPlan(plan: CallPlan, shown: ShownRequest, context: SendContext): Promise<Envelope> {
  const { connector, options, secrets } = context;
  const { redact } = secrets;
  const onEvent = options.onEvent;
  const emit = onEvent ? (event: RuntimeEvent) => onEvent(redactValue(event, redact)) : undefined;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const totalTimeoutMs = options.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
  const signal = options.signal;
  const bucket = context.limiter ? bucketFor(connector, context.operation, context.auth) : undefined;
  const started = performance.now();
  // The call's time budget is a deadline that caps every wait and attempt, rather than a timer
  // per call: no timer or signal is created on the common path.
  const deadline = started + totalTimeoutMs;
  const remaining = () => deadline - performance.now();
  let waitedForRetries = 0;
  let waitedForRate = 0;
  // Whether any attempt so far may have reached Customer.io.
  let arrived = false;
  const durations: number[] = [];

  // Made once, for the envelope that ends the call: no attempt follows, so `durations` is handed
  // over as it is. An answered call's status goes in the same literal (a spread copy cost more).
  const meta = (attempts: number) => ({ request: shown, attempts, duration_ms: Math.round(performance.now() - started), waited_ms: waitedForRate, attempt_durations_ms: durations });
  const answeredMeta = (attempts: number, status_code: number) => ({
    request: shown, attempts, duration_ms: Math.round(performance.now() - started), waited_ms: waitedForRate, attempt_durations_ms: durations, status_code,
  });
  const fail = (problem: Problem, ending: Ending, attempts: number, answer?: HttpAnswer): Envelope => {
    const error: EnvelopeError = settle(problem, ending, plan.safeToRepeat, arrived, reconciliationIds(answer));
    return { ok: false, error: redactValue(error, redact), meta: meta(attempts) };
  };
  /** The call ended by its time budget or the caller's signal; `inFlight` when a request had gone out. */
  const stopped = (attempts: number, inFlight: boolean, byTotal: boolean): Envelope =>
    fail(
      { code: byTotal ? 'timeout' : 'connector_error', message: byTotal ? `the call did not finish within ${totalTimeoutMs} ms` : 'the call was cancelled' },
      { kind: 'stopped', byTotal, inFlight },
      attempts,
    );

  for (let attempt = 1; ; attempt++) {
    if (bucket && context.limiter) {
      try {
        const waited = await context.limiter.acquire(bucket, signal, remaining());
        waitedForRate += waited;
        if (waited > 0) emit?.({ type: 'rate_limit_wait', operation: context.operation, bucket: bucket.key, waited_ms: waited });
      } catch {
        return stopped(attempt - 1, false, !signal?.aborted);
      }
    }
    if (signal?.aborted) return stopped(attempt - 1, false, false);
    const attemptTimeout = Math.min(timeoutMs, remaining());
    if (attemptTimeout <= 0) return stopped(attempt - 1, false, true);
    let answer: HttpAnswer | undefined;
    let failed: AttemptFailure;
    let problem: Problem;
    emit?.({ type: 'attempt', operation: context.operation, attempt, request: shown });
    try {
      const ended = context.telemetry?.attemptStarted({ attempt, request: shown, urlTemplate: context.urlTemplate });
      const sending = send(context.client, plan.request, { timeoutMs: attemptTimeout, signal, maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES });
      answer = await exchange(sending, durations, ended);
      emit?.({ type: 'answer', operation: context.operation, attempt, status_code: answer.status });
      if (answer.status >= 200 && answer.status < 300) {
        const output = plan.readOutput(answer);
        return { ok: true, output: answerHoldsSecret(answer, redact) ? redactValue(output, redact) : output, meta: answeredMeta(attempt, answer.status) };
      }
      problem = errorFromAnswer(answer, connector, context.region, context.regions);
      if (plan.failureDetails) problem.details = { ...(problem.details as object | undefined), ...(plan.failureDetails(answer) as object) };
      failed = { kind: 'status', status: answer.status, retryAfterS: retryAfterSeconds(answer.headers) };
      if (answer.status >= 500) arrived = true;
    } catch (thrown) {
      // A 2xx answer that cannot be read (not JSON, not what the operation returns).
      if (thrown instanceof OperationError) return fail(thrown.problem, { kind: 'unreadable' }, attempt);
      if (!(thrown instanceof TransportError)) throw thrown;
      arrived ||= thrown.mayHaveArrived;
      if (thrown.kind === 'aborted' || signal?.aborted) return stopped(attempt, true, false);
      // An attempt cut short by what was left of the budget ends the call, not just the attempt.
      if (thrown.kind === 'timeout' && attemptTimeout < timeoutMs) return stopped(attempt, true, true);
      if (thrown.kind === 'unsendable') return fail({ code: 'connector_error', message: `${thrown.message}.` }, { kind: 'not_sent' }, attempt);
      if (thrown.kind === 'too_large') {
        const message = `${thrown.message}; ask for less (a smaller page or a filter), or raise maxResponseBytes`;
        return fail({ code: 'connector_error', message, ...(thrown.status ? { status_code: thrown.status } : {}) }, { kind: 'unreadable' }, attempt);
      }
      problem = { code: thrown.kind === 'timeout' ? 'timeout' : 'api_error', message: `${thrown.message}.` };
      failed = { kind: thrown.kind === 'timeout' ? 'timeout' : 'network' };
    }
    const ending: Ending = failed.kind === 'status' ? { kind: 'answer', status: failed.status } : { kind: 'no_answer' };
    const delay = nextDelay(failed, attempt, plan.safeToRepeat, waitedForRetries, { ...DEFAULT_RETRY, ...(options.retry ?? {}) });
    const last = delay === undefined || delay >= remaining();
    emit?.({ type: 'failure', operation: context.operation, attempt, code: problem.code, message: settle(problem, ending, plan.safeToRepeat, false).message });
    if (last) return fail(problem, ending, attempt, answer);
    emit?.({ type: 'retry', operation: context.operation, attempt, delay_ms: delay });
    try {
      await sleep(delay, signal);
    } catch {
      return stopped(attempt, false, false);
    }
    waitedForRetries += delay;
  }
}

