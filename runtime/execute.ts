// One call, start to finish: validate → plan the request → (dry run stops here) → send with
// the retry policy → read the answer into the envelope. Never throws for an operation's failure.
import type { Got } from 'got';
import type { AuthValues } from '../auth/credentials.js';
import { resolveBase } from '../auth/regions.js';
import type { CallPlan, PlanContext } from './call-plan.js';
import { setOwn } from './own-property.js';
import { callSecrets, type CallSecrets } from './call-secrets.js';
import { mapOutput, planDataOperation } from './data-operation.js';
import type { Region } from './definitions.js';
import { send, TransportError } from './dispatch.js';
import { OperationError, userInputError, type Envelope, type EnvelopeError, type ShownRequest, type SuccessMeta } from './envelope.js';
import { errorFromAnswer, parseJson, retryAfterSeconds, type HttpAnswer } from './error-mapping.js';
import { handlers } from './handlers/index.js';
import { isStackOverflow, tooDeepError } from './input-depth.js';
import { withDefaults } from './input-defaults.js';
import type { LoadedConnector, LoadedOperation } from './loader.js';
import { bucketFor, type RateLimiter } from './rate-limit.js';
import { DEFAULT_MAX_ITEMS, firstPageInput, joinPages, nextPageInput, pageSize, wantsAllPages, withoutPagingControls } from './pagination.js';
import { makeRedactor, redactValue, showRequest, type Redactor } from './redact.js';
import { DEFAULT_RETRY, nextDelay, sleep, type AttemptFailure, type RetryOptions } from './retry.js';
import { describeErrors, type Validator } from './validation.js';

export interface ExecuteOptions {
  /** Build and validate everything, return the request, send nothing. */
  dryRun?: boolean;
  /** Replaces scheme and host of the base URL (a local sandbox or proxy); the path prefix stays. */
  origin?: string;
  /** Per-attempt timeout in ms (default 10 000). */
  timeoutMs?: number;
  /** Timeout for the whole call, retries and waits included, in ms (default 30 000). */
  totalTimeoutMs?: number;
  signal?: AbortSignal;
  retry?: RetryOptions;
  /** Largest answer accepted, in bytes (default 10 MB); a larger one is refused, not buffered. */
  maxResponseBytes?: number;
  /** Debug hook: attempts, waits, retries and answers, with credentials already redacted. */
  onEvent?: (event: RuntimeEvent) => void;
}

export type RuntimeEvent =
  | { type: 'attempt'; operation: string; attempt: number; request: ShownRequest }
  | { type: 'rate_limit_wait'; operation: string; bucket: string; waited_ms: number }
  | { type: 'answer'; operation: string; attempt: number; status_code: number }
  | { type: 'failure'; operation: string; attempt: number; code: string; message: string }
  | { type: 'retry'; operation: string; attempt: number; delay_ms: number };

export interface ExecuteRequest {
  connector: string;
  operation: string;
  auth: AuthValues;
  input?: Record<string, unknown>;
  options?: ExecuteOptions;
}

export interface Runtime {
  connector(name: string): LoadedConnector | undefined;
  rateLimiter(): RateLimiter | undefined;
  validator(kind: 'input' | 'auth', connector: LoadedConnector, operation?: LoadedOperation): Validator;
  client(connector: LoadedConnector): Got;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_TOTAL_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
const MAY_HAVE_BEEN_PROCESSED = 'Customer.io may have received and processed the request; check before sending it again';

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

function failure(error: EnvelopeError, meta?: Partial<SuccessMeta>): Envelope {
  return meta ? { ok: false, error, meta } : { ok: false, error };
}

function validateOrThrow(validate: Validator, value: unknown, schema: Record<string, unknown>, root: string): void {
  if (validate(value)) return;
  const problems = describeErrors(validate.errors ?? [], schema, root);
  throw userInputError(problems.map((p) => p.message).join('; '), problems);
}

interface Target {
  connector: LoadedConnector;
  operation: LoadedOperation;
}

function findTarget(runtime: Runtime, call: ExecuteRequest): Target {
  const connector = runtime.connector(call.connector);
  if (!connector) throw userInputError(`unknown connector "${call.connector}"`);
  const operation = connector.operationsByName.get(call.operation);
  if (!operation) throw userInputError(`connector ${connector.name} has no operation "${call.operation}"`);
  return { connector, operation };
}

/**
 * Validates auth and input and returns the input as the runtime uses it: with the schema's
 * defaults filled in, and date-times given for Unix-time fields turned into seconds (in copies:
 * the caller's object is untouched).
 */
function validatedInput(runtime: Runtime, { connector, operation }: Target, call: ExecuteRequest): Record<string, unknown> {
  validateOrThrow(runtime.validator('auth', connector), call.auth ?? {}, connector.auth_schema, 'auth');
  const given = withDefaults(operation.input_schema, call.input ?? {});
  // Only a schema with Unix-time fields changes the input while validating; the others read it.
  const input = convertsInput(operation) ? copyOfInput(given) : given;
  validateOrThrow(runtime.validator('input', connector, operation), input, operation.input_schema, 'input');
  return input;
}

/**
 * A copy of the input deep enough for validation to write converted values into it: the
 * caller's input stays as it was. Plain objects and lists (what a host sends) are copied here,
 * several times faster than structuredClone; anything else in the input (a Date, a class
 * instance) sends the whole input through structuredClone, which copies those faithfully.
 */
function copyOfInput(input: Record<string, unknown>): Record<string, unknown> {
  const copy = copyOfPlainData(input);
  return copy === NOT_PLAIN ? structuredClone(input) : (copy as Record<string, unknown>);
}

const NOT_PLAIN = Symbol('not plain data');

/**
 * `ancestors`: the objects being copied around this one. An object inside itself is no plain
 * data (JSON cannot hold it) and goes to structuredClone, which copies cycles; validation then
 * refuses it, naming the field, rather than this copy recursing until the stack runs out.
 */
function copyOfPlainData(value: unknown, ancestors = new Set<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (ancestors.has(value)) return NOT_PLAIN;
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const copy = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) continue; // keep holes as holes
        const item = copyOfPlainData(value[i], ancestors);
        if (item === NOT_PLAIN) return NOT_PLAIN;
        copy[i] = item;
      }
      return copy;
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return NOT_PLAIN;
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const item = copyOfPlainData((value as Record<string, unknown>)[key], ancestors);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      setOwn(copy, key, item);
    }
    return copy;
  } finally {
    ancestors.delete(value);
  }
}

const convertingOperations = new WeakMap<LoadedOperation, boolean>();
function convertsInput(operation: LoadedOperation): boolean {
  let converts = convertingOperations.get(operation);
  if (converts === undefined) {
    converts = JSON.stringify(operation.input_schema).includes('"unixTime":true');
    convertingOperations.set(operation, converts);
  }
  return converts;
}

function plan(runtime: Runtime, { connector, operation }: Target, call: ExecuteRequest, input: Record<string, unknown>, { authorization, redact }: CallSecrets): { plan: CallPlan; connector: LoadedConnector; region: Region } {
  const auth = call.auth ?? {};
  const region = auth.region as Region; // the auth schema has already held it to us / eu
  let base;
  try {
    base = resolveBase(connector.api, region, call.options?.origin);
  } catch (error) {
    throw new OperationError({ code: 'connector_error', message: `the host's origin option is invalid: ${redact((error as Error).message)}`, retryable: false });
  }
  const context: PlanContext = { connector, operation, auth, region, base };
  const handler = operation.handler ? handlers[operation.handler] : undefined;
  if (operation.handler && !(handler && 'plan' in handler)) throw new Error(`operation ${operation.name} names a missing handler ${operation.handler}`);
  let callPlan: CallPlan;
  try {
    callPlan = handler && 'plan' in handler ? handler.plan(input, context) : planDataOperation(operation, input, context);
  } catch (error) {
    if (error instanceof OperationError) throw error;
    throw userInputError(`"input": ${(error as Error).message}`);
  }
  if (callPlan.sendCredentials) {
    callPlan.request.headers.authorization = authorization;
  }
  return { plan: callPlan, connector, region };
}

async function sendWithRetries(runtime: Runtime, call: ExecuteRequest, prepared: { plan: CallPlan; connector: LoadedConnector; region: Region }, shown: ShownRequest, { redact }: CallSecrets): Promise<Envelope> {
  const { plan: callPlan, connector, region } = prepared;
  const options = call.options ?? {};
  const onEvent = options.onEvent;
  const emit = onEvent ? (event: RuntimeEvent) => onEvent(redactValue(event, redact)) : undefined;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const totalTimeoutMs = options.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
  const signal = options.signal;
  const limiter = runtime.rateLimiter();
  const bucket = limiter ? bucketFor(connector, call.operation, call.auth ?? {}) : undefined;
  const started = performance.now();
  // The call's time budget is a deadline that caps every wait and attempt, rather than a timer
  // per call: no timer or signal is created on the common path.
  const deadline = started + totalTimeoutMs;
  const remaining = () => deadline - performance.now();
  const client = runtime.client(connector);
  let waitedForRetries = 0;
  let waitedForRate = 0;
  // Whether any attempt so far may have reached Customer.io: a call that fails in the end says
  // so in `details.may_have_been_processed` even when it was safe to repeat (a caller that keeps
  // its own records, such as an import, must not count such a request as never sent).
  let mayHaveArrived = false;

  /** The call ended by its time budget or the caller's signal; `inFlight` when a request had gone out. */
  const stopped = (attempt: number, inFlight: boolean, byTotal: boolean): Envelope => {
    const arrived = inFlight || mayHaveArrived;
    const unsure = inFlight && !callPlan.safeToRepeat;
    const error: EnvelopeError = {
      code: byTotal ? 'timeout' : 'connector_error',
      message: byTotal ? `the call did not finish within ${totalTimeoutMs} ms` : 'the call was cancelled',
      retryable: byTotal && !unsure,
    };
    if (unsure) error.message += `; ${MAY_HAVE_BEEN_PROCESSED}.`;
    if (arrived) error.details = { may_have_been_processed: true };
    return failure(error, { request: shown, attempts: attempt, duration_ms: Math.round(performance.now() - started), waited_ms: waitedForRate });
  };

  for (let attempt = 1; ; attempt++) {
    if (bucket && limiter) {
      try {
        const waited = await limiter.acquire(bucket, signal, remaining());
        waitedForRate += waited;
        if (waited > 0) emit?.({ type: 'rate_limit_wait', operation: call.operation, bucket: bucket.key, waited_ms: waited });
      } catch {
        return stopped(attempt - 1, false, !signal?.aborted);
      }
    }
    if (signal?.aborted) return stopped(attempt - 1, false, false);
    const attemptTimeout = Math.min(timeoutMs, remaining());
    if (attemptTimeout <= 0) return stopped(attempt - 1, false, true);
    const meta = () => ({ request: shown, attempts: attempt, duration_ms: Math.round(performance.now() - started), waited_ms: waitedForRate });
    let answer: HttpAnswer | undefined;
    let failed: AttemptFailure;
    let error: EnvelopeError;
    emit?.({ type: 'attempt', operation: call.operation, attempt, request: shown });
    try {
      answer = await send(client, callPlan.request, { timeoutMs: attemptTimeout, signal, maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES });
      emit?.({ type: 'answer', operation: call.operation, attempt, status_code: answer.status });
      if (answer.status >= 200 && answer.status < 300) {
        const output = callPlan.readOutput(answer);
        return { ok: true, output: answerHoldsSecret(answer, redact) ? redactValue(output, redact) : output, meta: { ...meta(), status_code: answer.status } };
      }
      error = errorFromAnswer(answer, connector.api, region);
      if (callPlan.failureDetails) error.details = { ...(error.details as object | undefined), ...(callPlan.failureDetails(answer) as object) };
      failed = { kind: 'status', status: answer.status, retryAfterS: retryAfterSeconds(answer.headers) };
    } catch (thrown) {
      if (thrown instanceof OperationError) return failure(redactValue(thrown.detail, redact), meta());
      if (!(thrown instanceof TransportError)) throw thrown;
      if (thrown.kind === 'aborted' || signal?.aborted) return stopped(attempt, true, false);
      // An attempt cut short by what was left of the budget ends the call, not just the attempt.
      if (thrown.kind === 'timeout' && attemptTimeout < timeoutMs) return stopped(attempt, true, true);
      if (thrown.kind === 'unsendable') return failure({ code: 'connector_error', message: `${thrown.message}.`, retryable: false }, meta());
      if (thrown.kind === 'too_large') {
        const message = `${thrown.message}; ask for less (a smaller page or a filter), or raise maxResponseBytes`;
        return failure({ code: 'connector_error', message, retryable: false, ...(thrown.status ? { status_code: thrown.status } : {}), details: { may_have_been_processed: true } }, meta());
      }
      error = { code: thrown.kind === 'timeout' ? 'timeout' : 'api_error', message: `${thrown.message}.`, retryable: callPlan.safeToRepeat };
      failed = { kind: thrown.kind === 'timeout' ? 'timeout' : 'network' };
      mayHaveArrived ||= thrown.mayHaveArrived;
    }
    // A server error, a timeout or a broken connection leaves it unknown whether Customer.io
    // acted. For what must not happen twice, say so and hand over any ID to reconcile with.
    const ambiguous = failed.kind !== 'status' || failed.status >= 500;
    if (failed.kind === 'status' && failed.status >= 500) mayHaveArrived = true;
    if (ambiguous && !callPlan.safeToRepeat) {
      error.message += ` ${MAY_HAVE_BEEN_PROCESSED.charAt(0).toUpperCase()}${MAY_HAVE_BEEN_PROCESSED.slice(1)}.`;
      error.retryable = false;
      error.details = { ...(error.details as object | undefined), may_have_been_processed: true, ...reconciliationIds(answer) };
    }
    emit?.({ type: 'failure', operation: call.operation, attempt, code: error.code, message: error.message });
    const delay = nextDelay(failed, attempt, callPlan.safeToRepeat, waitedForRetries, { ...DEFAULT_RETRY, ...(options.retry ?? {}) });
    if (delay === undefined || delay >= remaining()) {
      if (mayHaveArrived) error.details = { ...(error.details as object | undefined), may_have_been_processed: true };
      return failure(redactValue(error, redact), meta());
    }
    emit?.({ type: 'retry', operation: call.operation, attempt, delay_ms: delay });
    try {
      await sleep(delay, signal);
    } catch {
      return stopped(attempt, false, false);
    }
    waitedForRetries += delay;
  }
}

/** One request (one page), from a validated input to an envelope holding the raw answer. */
async function executeOnce(runtime: Runtime, target: Target, call: ExecuteRequest, input: Record<string, unknown>, secrets: CallSecrets): Promise<Envelope> {
  const prepared = plan(runtime, target, call, input, secrets);
  const shown = showRequest(prepared.plan.request, secrets.redact);
  if (call.options?.dryRun) return { ok: true, request: shown };
  return sendWithRetries(runtime, call, prepared, shown, secrets);
}

/** Every page of a list, joined; a failing page fails the call and says how far it got. */
async function executeAllPages(runtime: Runtime, target: Target, call: ExecuteRequest, input: Record<string, unknown>, secrets: CallSecrets): Promise<Envelope> {
  const pagination = target.operation.pagination!;
  const maxItems = Number(input.max_items ?? DEFAULT_MAX_ITEMS);
  let pageInput: Record<string, unknown> | undefined = firstPageInput(pagination, withoutPagingControls(input), maxItems);
  const pages: Record<string, unknown>[] = [];
  let first: SuccessMeta | undefined;
  let attempts = 0;
  let collected = 0;
  const started = performance.now();
  while (pageInput) {
    const page = await executeOnce(runtime, target, call, pageInput, secrets);
    if (!page.ok || !('output' in page)) {
      if (page.ok) return page; // dry run: the first page's request
      return { ...page, error: { ...page.error, details: { ...(page.error.details as object | undefined), pages_fetched: pages.length } } };
    }
    first ??= page.meta;
    attempts += page.meta.attempts;
    const body = (page.output ?? {}) as Record<string, unknown>;
    pages.push(body);
    collected += pageSize(pagination, body);
    pageInput = nextPageInput(pagination, pageInput, body, collected, maxItems);
  }
  return {
    ok: true,
    output: joinPages(pagination, pages, maxItems),
    meta: { ...first!, attempts, pages: pages.length, duration_ms: Math.round(performance.now() - started) },
  };
}

export async function executeOperation(runtime: Runtime, call: ExecuteRequest): Promise<Envelope> {
  const connector = runtime.connector(call.connector);
  const secrets = connector ? callSecrets(connector.auth, call.auth ?? {}) : { authorization: '', redact: makeRedactor([]) };
  const { redact } = secrets;
  try {
    const target = findTarget(runtime, call);
    const input = validatedInput(runtime, target, call);
    const { operation } = target;
    const handler = operation.handler ? handlers[operation.handler] : undefined;
    if (handler && 'run' in handler) {
      return await handler.run(input, call, {
        connector: (name) => runtime.connector(name),
        execute: (next) => executeOperation(runtime, next),
      });
    }
    const result = wantsAllPages(operation.pagination, input)
      ? await executeAllPages(runtime, target, call, input, secrets)
      : await executeOnce(runtime, target, call, operation.pagination ? withoutPagingControls(input) : input, secrets);
    if (result.ok && 'output' in result && !operation.handler) {
      const output = mapOutput(operation.response, result.output, input);
      return output === result.output ? result : { ...result, output };
    }
    return result;
  } catch (error) {
    if (error instanceof OperationError) return failure(redactValue(error.detail, redact));
    if (isStackOverflow(error)) return failure(redactValue(tooDeepError(call.input).detail, redact));
    return failure({ code: 'connector_error', message: redact(`the connector failed unexpectedly: ${(error as Error)?.message ?? String(error)}`), retryable: false });
  }
}
