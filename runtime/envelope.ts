// The result envelope: what execute() and testAuth() resolve to. Hosts depend on this shape.

export type ErrorCode = 'user_input_error' | 'auth_error' | 'api_error' | 'rate_limited' | 'timeout' | 'connector_error';

export interface ShownRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** A JSON value, or a string for non-JSON bodies; absent when nothing is sent. */
  body?: unknown;
}

/** One field that broke one rule: what `user_input_error` lists in `details`. */
export interface FieldProblem {
  /** Where the problem is, as a person reads it: `input.device.platform`. */
  field: string;
  /** The schema rule that failed: `required`, `maxBytes`, `enum`… */
  rule: string;
  message?: string;
}

/** Added to the details of any call that was sent, whatever went wrong. */
export interface SentCallDetails {
  /** An attempt may have been carried out by Customer.io: reconcile before sending again. */
  may_have_been_processed?: true;
  /** Ids from Customer.io's answer to reconcile with, when a call not safe to repeat failed ambiguously. */
  delivery_id?: unknown;
  id?: unknown;
  trigger_id?: unknown;
  /** With every page asked for: how many pages arrived before the one that failed. */
  pages_fetched?: number;
  /** A raw request's answer, as its output would have shown it (status, headers, body). */
  response?: unknown;
}

/** What `error.details` holds, by `error.code`. */
export interface ErrorDetailsByCode {
  /** Each field and the rule it broke; or, from testAuth, the region the credentials belong to. */
  user_input_error: FieldProblem[] | { region: string };
  auth_error: SentCallDetails;
  /** `region`: the workspace's region, when the request went to the other one. */
  api_error: SentCallDetails & { region?: string };
  rate_limited: SentCallDetails;
  timeout: SentCallDetails;
  connector_error: SentCallDetails;
}

interface ErrorFields {
  message: string;
  status_code?: number;
  body?: unknown;
  retryable: boolean;
  retry_after_s?: number;
}

/** A failure, its `details` typed by its `code` (narrow on `code` to read them). */
export type EnvelopeError = { [C in ErrorCode]: ErrorFields & { code: C; details?: ErrorDetailsByCode[C] } }[ErrorCode];

export interface SuccessMeta {
  request: ShownRequest;
  status_code: number;
  attempts: number;
  duration_ms: number;
  /** How many pages were fetched, when every page of a list was asked for. */
  pages?: number;
  /** Time spent waiting for the client-side rate limit, in ms. */
  waited_ms?: number;
  /** How long each HTTP exchange took, in ms, in order (retries and pages included). */
  attempt_durations_ms?: number[];
}

export type Envelope<T = unknown> =
  | { ok: true; output: T; meta: SuccessMeta }
  | { ok: true; request: ShownRequest }
  | { ok: false; error: EnvelopeError; meta?: Partial<SuccessMeta> };

/** What went wrong, before the retry policy (send/retry.ts) has said whether trying again helps. */
export type Problem = EnvelopeError extends infer E ? (E extends EnvelopeError ? Omit<E, 'retryable'> : never) : never;

/** A failure found while preparing or interpreting a call; the runtime turns it into an envelope. */
export class OperationError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
    this.name = 'OperationError';
  }
}

export function userInputError(message: string, details?: ErrorDetailsByCode['user_input_error']): OperationError {
  return new OperationError({ code: 'user_input_error', message, ...(details === undefined ? {} : { details }) });
}
