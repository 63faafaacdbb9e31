// One delivery attempt: POST the signed body to the endpoint over node:http(s), on a fresh
// connection (no keep-alive pool to outlive the sandbox), and say how it went. Only the status
// counts (2xx is success), read within the timeout; the answer's body is drained and ignored.
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';

export interface AttemptResult {
  /** The HTTP status, or null when no answer came (timeout, refused, reset…). */
  status: number | null;
  /** Why it failed, in words; null on success. */
  error: string | null;
  durationMs: number;
  /** A failure after which Customer.io waits longer (an hour) before the first retry. */
  longWait: boolean;
}

/** The statuses after which Customer.io waits an hour before the first retry (its documentation). */
export const LONG_WAIT_STATUSES = new Set([400, 401, 402, 403, 404, 405, 410, 429, 500, 502, 521]);

/** Connection-level failures Customer.io names beside them: EOF, "server misbehaving" (a DNS
 * failure), connection refused or reset, certificates that do not verify. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function connectionLevel(error: NodeJS.ErrnoException): boolean {
  return CONNECTION_CODES.has(error.code ?? '') || (error.code ?? '').startsWith('CERT_');
}

export function postOnce(endpoint: string, body: string, headers: Record<string, string>, timeoutMs: number, signal: AbortSignal): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return Promise.resolve({ status: null, error: `the endpoint ${endpoint} is not a URL`, durationMs: 0, longWait: false });
  }
  return new Promise((resolve) => {
    let settled = false;
    const request = (url.protocol === 'https:' ? https : http).request(url, { method: 'POST', headers, agent: false, signal });
    // The request's events all come on later turns, so the timer exists whenever finish runs.
    const finish = (result: Omit<AttemptResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: elapsed() });
    };
    const timer = setTimeout(() => {
      finish({ status: null, error: `no answer within ${timeoutMs} ms (timed out)`, longWait: false });
      request.destroy();
    }, timeoutMs);
    request.on('response', (response) => {
      response.on('error', () => undefined);
      response.resume();
      const status = response.statusCode ?? 0;
      const ok = status >= 200 && status < 300;
      finish({ status, error: ok ? null : `answered ${status}`, longWait: !ok && LONG_WAIT_STATUSES.has(status) });
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      const what = error.name === 'AbortError' ? 'stopped: the sandbox closed' : `${error.code ? `${error.code}: ` : ''}${error.message}`;
      finish({ status: null, error: what, longWait: connectionLevel(error) });
    });
    request.end(body);
  });
}
