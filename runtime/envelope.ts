// The result envelope: what execute() and testAuth() resolve to. Hosts depend on this shape.

export type ErrorCode = 'user_input_error' | 'auth_error' | 'api_error' | 'rate_limited' | 'timeout' | 'connector_error';

export interface ShownRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** A JSON value, or a string for non-JSON bodies; absent when nothing is sent. */
  body?: unknown;
}

export interface EnvelopeError {
  code: ErrorCode;
  message: string;
  status_code?: number;
  body?: unknown;
  retryable: boolean;
  retry_after_s?: number;
  details?: unknown;
}

export interface SuccessMeta {
  request: ShownRequest;
  status_code: number;
  attempts: number;
  duration_ms: number;
  /** How many pages were fetched, when every page of a list was asked for. */
  pages?: number;
  /** Time spent waiting for the client-side rate limit, in ms. */
  waited_ms?: number;
}

export type Envelope<T = unknown> =
  | { ok: true; output: T; meta: SuccessMeta }
  | { ok: true; request: ShownRequest }
  | { ok: false; error: EnvelopeError; meta?: Partial<SuccessMeta> };

/** What went wrong, before the retry policy (send/retry.ts) has said whether trying again helps. */
export type Problem = Omit<EnvelopeError, 'retryable'>;

/** A failure found while preparing or interpreting a call; the runtime turns it into an envelope. */
export class OperationError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
    this.name = 'OperationError';
  }
}

export function userInputError(message: string, details?: unknown): OperationError {
  return new OperationError({ code: 'user_input_error', message, ...(details === undefined ? {} : { details }) });
}
