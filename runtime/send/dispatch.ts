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

/**
 * Sends through got's stream interface rather than its promise one: the promise layer (a
 * cancelable promise, its body collection, its hooks for retries this runtime does not use)
 * cost about a third of a call's CPU time, and everything it did for us is done here in a few
 * listeners: the body collected as it comes, the size cap checked on the way, one timer.
 */
export function send(client: Got, request: PreparedRequest, options: SendOptions): Promise<HttpAnswer> {
  const body =
    request.bytes !== undefined ? request.bytes
    : request.json !== undefined ? request.json
    : request.body === undefined ? undefined
    : isFormData(request.body) || typeof request.body === 'string' ? request.body
    : JSON.stringify(request.body);
  return new Promise<HttpAnswer>((resolve, reject) => {
    const stream = client.stream(request.url, {
      method: request.method,
      headers: request.headers,
      body: body as string | Buffer | FormData | undefined,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let settled = false;
    let status: number | undefined;
    let headers: HttpAnswer['headers'] = {};
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const stop = (reason: 'timeout' | 'too_large') =>
      settle(() => {
        stream.destroy();
        reject(
          reason === 'timeout'
            ? new TransportError(`no answer from Customer.io within ${options.timeoutMs} ms`, 'timeout', 'ETIMEDOUT')
            : tooLarge(status, options.maxResponseBytes),
        );
      });
    // One timer for the whole attempt (connection, upload, answer), rather than got's timeout
    // option, whose per-phase timers and socket listeners cost more than the rest of a call.
    const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
    stream.once('response', (response: { statusCode: number; headers: HttpAnswer['headers'] }) => {
      status = response.statusCode;
      headers = response.headers;
      // Refuse an oversized answer as soon as it shows: its declared length, then its bytes so far.
      if (Number(headers['content-length'] ?? 0) > options.maxResponseBytes) stop('too_large');
    });
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > options.maxResponseBytes) stop('too_large');
      else chunks.push(chunk);
    });
    stream.once('end', () =>
      settle(() => {
        // As got's promise interface does once it has the body: a stream request is not destroyed
        // by itself, and until it is, it keeps its listener on the call's signal (and with it
        // the whole request) alive.
        stream.destroy();
        const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
        resolve({ status: status!, headers, text: bytes.toString('utf8'), bytes });
      }),
    );
    // Kept after settling too: got may still report the stream it was told to stop.
    stream.on('error', (error: Error) => settle(() => reject(transportError(error, status, options))));
    // Without a body, a method that may have one waits for its end (got ends GET and HEAD itself).
    if (body === undefined && request.method !== 'GET' && request.method !== 'HEAD') stream.end();
  });
}

function tooLarge(status: number | undefined, maxResponseBytes: number): TransportError {
  const accepted = status && status < 300 ? `Customer.io answered ${status} (the request was accepted), but its` : "Customer.io's";
  return new TransportError(`${accepted} answer is larger than the ${maxResponseBytes}-byte limit`, 'too_large', undefined, status);
}

/** What got reported, as this runtime's failure; `status` is Customer.io's, when it had answered. */
function transportError(error: Error, status: number | undefined, options: SendOptions): TransportError {
  const answeredStatus = (error as RequestError).response?.statusCode ?? status;
  if (options.signal?.aborted) return new TransportError('the call was cancelled', 'aborted');
  const code = error instanceof RequestError ? error.code : undefined;
  if (code !== undefined && UNSENDABLE.has(code)) {
    return new TransportError(`the request could not be sent: Node's HTTP client refused it before connecting (${code}); nothing reached Customer.io`, 'unsendable', code);
  }
  const what = answeredStatus ? `the answer from Customer.io (status ${answeredStatus}) broke off` : 'could not reach Customer.io';
  return new TransportError(`${what} (${code ?? error.message})`, 'network', code, answeredStatus);
}
