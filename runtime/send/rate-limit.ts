// Client-side rate limiting, so a workflow loop waits its turn instead of collecting 429s.
// Buckets come from each connector's `rate_limits` (data); a bucket is per connector, per
// credentials (a hash, never the key itself) and per group. The limiter is an interface: one
// process uses LocalRateLimiter; many workers share one, e.g. RedisRateLimiter (rate-limit-redis.ts).
import { createHash } from 'node:crypto';
import { credentialScheme } from '../../auth/scheme.js';
import type { AuthValues } from '../../auth/types.js';
import type { RateBucket, RateLimiter } from '../contracts.js';
import type { ConnectorFile } from '../definitions.js';
import { sleep } from './retry.js';

export type { RateBucket, RateLimiter } from '../contracts.js';

export class RateLimitWaitTooLong extends Error {
  constructor(readonly waitMs: number) {
    super(`the rate limit would need a wait of ${waitMs} ms, more than the call has left`);
  }
}

// Hashed on every call rather than cached: a cache would keep keys in memory between calls.
function credentialFingerprint(connector: ConnectorFile, auth: AuthValues): string {
  const material = credentialScheme(connector.auth).fields(auth).map((value) => String(value ?? '')).join('\u0000');
  return createHash('sha256').update(material).digest('hex').slice(0, 16);
}

/** The bucket an operation's requests count against, or undefined when the connector sets none. */
export function bucketFor(connector: ConnectorFile, operation: string, auth: AuthValues): RateBucket | undefined {
  const limits = connector.rate_limits;
  if (!limits) return undefined;
  const group = limits.groups?.find((g) => g.operations.includes(operation));
  const rule = group ?? limits.default;
  return {
    key: `${connector.name}:${credentialFingerprint(connector, auth)}:${group?.name ?? 'default'}`,
    requests: rule.requests,
    perMs: rule.per_ms,
  };
}

/**
 * A sliding window per bucket: at most `requests` starts in any `perMs`. Each caller reserves its
 * start time synchronously, so concurrent callers in one process never overbook a bucket.
 */
export class LocalRateLimiter implements RateLimiter {
  private readonly starts = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  async acquire(bucket: RateBucket, signal?: AbortSignal, maxWaitMs = Infinity): Promise<number> {
    const now = this.now();
    const starts = (this.starts.get(bucket.key) ?? []).filter((t) => t > now - bucket.perMs);
    const blocking = starts.length >= bucket.requests ? starts[starts.length - bucket.requests]! + bucket.perMs : now;
    const slot = Math.max(now, blocking, starts[starts.length - 1] ?? now);
    if (slot - now > maxWaitMs) throw new RateLimitWaitTooLong(slot - now); // nothing reserved
    starts.push(slot);
    this.starts.set(bucket.key, starts);
    const wait = slot - now;
    if (wait > 0) await sleep(wait, signal);
    return wait;
  }
}

