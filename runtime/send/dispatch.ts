// Sends one prepared request through got and hands back status, headers and body (bytes and text). One got
// instance (with keep-alive agents) per connector. got's own retries and redirects are off:
// the retry policy lives in retry.ts, and a redirect could carry credentials to another host.
import got, { type Got, RequestError } from 'got';
import http from 'node:http';
import https from 'node:https';
import type { HttpAnswer, PreparedRequest } from '../contracts.js';
import { isFormData } from '../form-data.js';
import { USER_AGENT } from '../version.js';

/** Connection errors raised before a request can have left this machine. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

export class TransportError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'network' | 'aborted' | 'too_large' | 'unsendable',
    readonly code?: string,
    /** The status Customer.io had already answered with, when the failure came after it. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'TransportError';
  }

  /** Whether the request may have reached Customer.io (and been acted on) before this failure. */
  get mayHaveArrived(): boolean {
    if (this.kind === 'unsendable') return false;
    if (this.kind === 'network') return this.code === undefined || !NEVER_CONNECTED.has(this.code);
    return true;
  }
}

/**
 * Errors Node raises while forming a request, before any byte is sent: repeating the same
 * request fails the same way, so they are not network trouble to retry.
 */
const UNSENDABLE = new Set(['ERR_INVALID_CHAR', 'ERR_INVALID_HTTP_TOKEN', 'ERR_HTTP_INVALID_HEADER_VALUE', 'ERR_INVALID_URL', 'ERR_UNESCAPED_CHARACTERS']);

export interface SendOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  maxResponseBytes: number;
}

export function createHttpClient(): Got {
  return got.extend({
    throwHttpErrors: false,
    followRedirect: false,
    retry: { limit: 0 },
    responseType: 'buffer',
    decompress: true,
    headers: { 'user-agent': USER_AGENT },
    agent: {
      http: new http.Agent({ keepAlive: true }),
      https: new https.Agent({ keepAlive: true }),
    },
  });
}

export async function send(client: Got, request: PreparedRequest, options: SendOptions): Promise<HttpAnswer> {
  const body =
    request.json !== undefined ? request.json
    : request.body === undefined ? undefined
    : isFormData(request.body) || typeof request.body === 'string' ? request.body
    : JSON.stringify(request.body);
  let stoppedBy: 'timeout' | 'too_large' | undefined;
  const pending = client(request.url, {
    method: request.method,
    headers: request.headers,
    body: body as string | FormData | undefined,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const stop = (reason: 'timeout' | 'too_large') => {
    stoppedBy ??= reason;
    pending.cancel();
  };
  // One timer for the whole attempt (connection, upload, answer), rather than got's timeout
  // option, whose per-phase timers and socket listeners cost more than the rest of a call.
  const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
  // Refuse an oversized answer as soon as it shows (got reports the declared length, then the
  // bytes so far), rather than buffering it whole.
  pending.on('downloadProgress', (progress: { transferred: number; total?: number }) => {
    if ((progress.total ?? 0) > options.maxResponseBytes || progress.transferred > options.maxResponseBytes) stop('too_large');
  });
  try {
    const response = await pending;
    const bytes = response.body as unknown as Buffer;
    return { status: response.statusCode, headers: response.headers, text: bytes.toString('utf8'), bytes };
  } catch (error) {
    // The status Customer.io had answered with, when the failure came after its answer began.
    const answeredStatus = (error as RequestError).response?.statusCode;
    if (stoppedBy === 'too_large') {
      const accepted = answeredStatus && answeredStatus < 300 ? `Customer.io answered ${answeredStatus} (the request was accepted), but its` : "Customer.io's";
      throw new TransportError(`${accepted} answer is larger than the ${options.maxResponseBytes}-byte limit`, 'too_large', undefined, answeredStatus);
    }
    if (stoppedBy === 'timeout') {
      throw new TransportError(`no answer from Customer.io within ${options.timeoutMs} ms`, 'timeout', 'ETIMEDOUT');
    }
    if (options.signal?.aborted) throw new TransportError('the call was cancelled', 'aborted');
    const code = error instanceof RequestError ? error.code : undefined;
    if (code !== undefined && UNSENDABLE.has(code)) {
      throw new TransportError(`the request could not be sent: Node's HTTP client refused it before connecting (${code}); nothing reached Customer.io`, 'unsendable', code);
    }
    const what = answeredStatus ? `the answer from Customer.io (status ${answeredStatus}) broke off` : 'could not reach Customer.io';
    throw new TransportError(`${what} (${code ?? (error as Error).message})`, 'network', code, answeredStatus);
  } finally {
    clearTimeout(timer);
  }
}
