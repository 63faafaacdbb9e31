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

/**
 * An error in the shape of the API that was called: App and Beta `errors[{detail, status}]`,
 * Track v2 `errors[{reason, field, message}]`, Track v1 `meta.errors[]`. `rest` is the path
 * after the API's prefix.
 */
export function errorIn(api: 'track' | 'app' | 'beta', rest: string, status: number, message: string, reason?: string): ApiError {
  if (api !== 'track') return appError(status, message);
  if (rest.startsWith('/v2/')) {
    const why = reason ?? (status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : status === 413 ? 'too_large' : 'invalid');
    return v2Errors(status, [{ reason: why, field: '', message }]);
  }
  return trackErrors(status, [message]);
}
