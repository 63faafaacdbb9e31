// What a handler answers, and the error bodies of each API as Customer.io writes them:
// Track v1 `meta.errors[]` (or `meta.error` for merges), Track v2 `errors[{reason, field,
// message}]`, App and Beta `errors[{detail, status}]`, and App sends `meta.error`.
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Bytes sent as they are (a file), with the content-type in `headers`, instead of a JSON body. */
  raw?: Buffer;
}

export interface V2Problem {
  reason: string;
  field: string;
  message: string;
}

/** Thrown by a handler (or a helper it calls) to answer with an error right away. */
export class ApiError extends Error {
  constructor(readonly reply: Reply) {
    super(`sandbox answered ${reply.status}`);
  }
}

export function ok(body: unknown = {}, status = 200): Reply {
  return { status, body };
}

export function noContent(): Reply {
  return { status: 204 };
}

export function trackErrors(status: number, messages: string[]): ApiError {
  return new ApiError({ status, body: { meta: { errors: messages } } });
}

export function trackError(status: number, message: string): ApiError {
  return new ApiError({ status, body: { meta: { error: message } } });
}

export function v2Errors(status: number, problems: V2Problem[]): ApiError {
  return new ApiError({ status, body: { errors: problems } });
}

export function appError(status: number, detail: string): ApiError {
  return new ApiError({ status, body: { errors: [{ detail, status: String(status) }] } });
}

export function appMetaError(status: number, message: string): ApiError {
  return new ApiError({ status, body: { meta: { error: message } } });
}
