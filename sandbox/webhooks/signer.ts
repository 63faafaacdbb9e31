// Signing as Customer.io signs its reporting webhooks: `X-CIO-Signature` is the hex
// HMAC-SHA256, keyed with the signing key, of `v0:<X-CIO-Timestamp>:<raw body>` (the version is
// always v0), and `X-CIO-Timestamp` is when the request is sent, in Unix seconds. Each attempt
// is signed anew, so a retried event carries the time of its own attempt.
import { createHmac } from 'node:crypto';
import { unixNow } from '../ids.js';

/** The sandbox's signing key unless `signingKey` says otherwise: fake, and shown in its banner. */
export const DEFAULT_SIGNING_KEY = 'sandbox-signing-key';

export function signature(key: string, timestamp: number, body: string): string {
  return createHmac('sha256', key).update(`v0:${timestamp}:${body}`).digest('hex');
}

export function signedHeaders(key: string, body: string, timestamp = unixNow()): Record<string, string> {
  return {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': 'Customer.io sandbox reporting webhooks',
    'x-cio-timestamp': String(timestamp),
    'x-cio-signature': signature(key, timestamp, body),
  };
}
