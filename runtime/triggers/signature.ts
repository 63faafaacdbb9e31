// Whether a request really comes from Customer.io: `X-CIO-Signature` is the hex HMAC-SHA256,
// keyed with the webhook's signing key, of `v0:<X-CIO-Timestamp>:<raw body>`, and the timestamp
// is recent (a captured request replayed later is refused). The body is hashed exactly as
// received: re-serialised JSON would not hash the same. Compared in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type HeaderValues = Record<string, string | string[] | undefined>;

/** A header's value whatever its case in the host's object (Node lower-cases; others may not). */
export function headerOf(headers: HeaderValues, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

export function signatureOf(signingKey: string, timestamp: string, rawBody: Buffer): string {
  return createHmac('sha256', signingKey).update(`v0:${timestamp}:`).update(rawBody).digest('hex');
}

export type Verdict =
  | { verified: true; timestamp: number }
  | { verified: false; reason: 'no_signature' | 'no_timestamp' | 'bad_timestamp' | 'stale_timestamp' | 'bad_signature' };

export function verify(headers: HeaderValues, rawBody: Buffer, signingKey: string, toleranceS: number, nowS: number): Verdict {
  const signature = headerOf(headers, 'x-cio-signature')?.trim();
  const stamp = headerOf(headers, 'x-cio-timestamp')?.trim();
  if (!signature) return { verified: false, reason: 'no_signature' };
  if (!stamp) return { verified: false, reason: 'no_timestamp' };
  if (!/^\d{1,12}$/.test(stamp)) return { verified: false, reason: 'bad_timestamp' };
  const timestamp = Number(stamp);
  if (Math.abs(nowS - timestamp) > toleranceS) return { verified: false, reason: 'stale_timestamp' };
  // The signature is compared as bytes of equal length; anything that is not 64 hex digits fails.
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) return { verified: false, reason: 'bad_signature' };
  const expected = Buffer.from(signatureOf(signingKey, stamp, rawBody), 'hex');
  return timingSafeEqual(expected, Buffer.from(signature, 'hex')) ? { verified: true, timestamp } : { verified: false, reason: 'bad_signature' };
}
