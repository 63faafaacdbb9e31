// A RateLimiter shared by every worker that points at the same Redis, on rate-limiter-flexible's
// RateLimiterRedis. Its own entry point (`customerio-tray-connectors/rate-limit-redis`), and
// ioredis and rate-limiter-flexible are optional peer dependencies loaded by the constructor, so
// the runtime never loads them and a host without Redis need not install them.
//
// Evenly spaced, not windowed: each bucket admits one start per `ceil(perMs / requests)` ms. A
// window of `requests` per `perMs` lets a full window's worth start at the end of one window and
// again at the start of the next, twice the rate inside one `perMs`. Here a bucket's Redis key
// is created by the start it admits (SET NX) and lives one interval (PX), and while it lives every
// other worker is refused: starts are at least an interval apart, so any `requests + 1` of them
// span at least `perMs`, whichever worker made them. The cost is no bursts: 1,000 per second is
// one start per millisecond.
//
// Waiting is ours, not rate-limiter-flexible's queue (which cannot withdraw a waiter): a refused
// consume says how long the key lives (msBeforeNext), we sleep that long and ask again. Nothing is
// reserved while waiting, so a waiter that is cancelled or out of time simply stops asking and
// takes no slot, ever; a refused consume only adds to the count of a window that is full anyway
// and ends when it would have. Within one process the waiters of a bucket queue in order and only
// the first asks Redis, so a thousand waiters cost one Redis call per interval, not a thousand.
import type { Redis, RedisOptions } from 'ioredis';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import { loadOptionalPeers } from '../optional-peers.js';
import { RateLimitWaitTooLong, type RateBucket, type RateLimiter } from './rate-limit.js';
import { sleep } from './retry.js';

export interface RedisRateLimiterOptions {
  /** An ioredis client to use (and leave open: disconnect() does not close it). */
  client?: Redis;
  /** Otherwise a client is made from a URL (`redis://127.0.0.1:6379`) and/or ioredis options. */
  url?: string;
  clientOptions?: RedisOptions;
  /** First part of every Redis key (`<prefix>:<bucket key>`), so deployments can share one Redis. */
  prefix?: string;
}

// rate-limiter-flexible's script with PX/PEXPIRE for EX/EXPIRE: its Redis windows are whole
// seconds (an interval under one second would get no expiry at all), ours are milliseconds, so
// `duration` is given to it in ms and this script reads ARGV[2] (its "seconds") as ms.
const INCR_PTTL_MS = `redis.call('set', KEYS[1], 0, 'PX', ARGV[2], 'NX')
local consumed = redis.call('incrby', KEYS[1], ARGV[1])
local ttl = redis.call('pttl', KEYS[1])
if ttl == -1 then
  redis.call('pexpire', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {consumed, ttl}`;

// What RateLimiterRedis calls on an ioredis client to consume (rate-limiter-flexible 11):
// defineCommand('rlflxIncr', …), then rlflxIncr(…). It is handed this stand-in, which defines the
// script under a name of our own: defined as rlflxIncr, it would replace the script of any
// rate-limiter-flexible limiter of the host's on the same client (whose windows are seconds).
const COMMAND = 'cioConnectorsRateIncr';
function storeClient(redis: Redis) {
  return {
    defineCommand: (_name: string, definition: { numberOfKeys: number; lua: string }) => redis.defineCommand(COMMAND, definition),
    rlflxIncr: (args: string[]) => (redis as unknown as Record<string, (a: string[]) => Promise<unknown>>)[COMMAND]!(args),
  };
}

/** `work`, unless `signal` aborts (its reason) or `msLeft` passes (RateLimitWaitTooLong) first. */
function within<T>(work: Promise<T>, signal: AbortSignal | undefined, msLeft: number, giveUp: () => Error): Promise<T> {
  if (!signal && !Number.isFinite(msLeft)) return work;
  return new Promise<T>((resolve, reject) => {
    const end = (settle: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = () => end(() => reject(signal!.reason));
    const timer = Number.isFinite(msLeft) ? setTimeout(() => end(() => reject(giveUp())), Math.max(0, msLeft)) : undefined;
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then((value) => end(() => resolve(value)), (error: unknown) => end(() => reject(error)));
  });
}

export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;
  private readonly ownsClient: boolean;
  private readonly prefix: string;
  private readonly flexible: typeof import('rate-limiter-flexible');
  /** One rate-limiter-flexible limiter per interval (its points and duration are fixed). */
  private readonly limiters = new Map<number, RateLimiterRedis>();
  /** Per bucket, settles when the last waiter queued in this process has had its turn. */
  private readonly tails = new Map<string, Promise<void>>();

  constructor(options: RedisRateLimiterOptions = {}) {
    const [ioredis, flexible] = loadOptionalPeers('RedisRateLimiter', { ioredis: '^5', 'rate-limiter-flexible': '^11' }) as [
      typeof import('ioredis'),
      typeof import('rate-limiter-flexible'),
    ];
    this.flexible = flexible;
    this.ownsClient = !options.client;
    this.redis = options.client ?? (options.url ? new ioredis.Redis(options.url, options.clientOptions ?? {}) : new ioredis.Redis(options.clientOptions ?? {}));
    this.prefix = options.prefix ?? 'cio-connectors';
  }

  private limiterFor(intervalMs: number): RateLimiterRedis {
    let limiter = this.limiters.get(intervalMs);
    if (!limiter) {
      limiter = new this.flexible.RateLimiterRedis({
        storeClient: storeClient(this.redis),
        keyPrefix: this.prefix,
        points: 1,
        duration: intervalMs, // in ms: see INCR_PTTL_MS
        customIncrTtlLuaScript: INCR_PTTL_MS,
      });
      this.limiters.set(intervalMs, limiter);
    }
    return limiter;
  }

  async acquire(bucket: RateBucket, signal?: AbortSignal, maxWaitMs = Infinity): Promise<number> {
    if (signal?.aborted) throw signal.reason;
    const started = Date.now();
    const elapsed = () => Date.now() - started;
    const outOfTime = () => new RateLimitWaitTooLong(elapsed());
    const limiter = this.limiterFor(Math.max(1, Math.ceil(bucket.perMs / bucket.requests)));
    // Queue behind this process's earlier waiters of the bucket. The next one goes when both they
    // and this one are done, so one that gives up, queued or asking, never holds up the next.
    const before = this.tails.get(bucket.key) ?? Promise.resolve();
    // Whether this call waited at all: a start let through at once is no wait, Redis round trip
    // or not, so it is reported as 0 (no rate_limit_wait event), as LocalRateLimiter reports it.
    let waited = this.tails.has(bucket.key);
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = before.then(() => mine);
    this.tails.set(bucket.key, tail);
    void tail.then(() => this.tails.get(bucket.key) === tail && this.tails.delete(bucket.key));
    try {
      await within(before, signal, maxWaitMs - elapsed(), outOfTime);
      for (;;) {
        // An abort or the budget ending during the round trip ends the wait at once; a consume
        // that then succeeds anyway has used its slot (conservative: never over the rate).
        const refusal = await within(limiter.consume(bucket.key), signal, maxWaitMs - elapsed(), outOfTime).then(
          () => undefined,
          (error: unknown) => {
            if (error instanceof this.flexible.RateLimiterRes) return error;
            throw error;
          },
        );
        if (!refusal) return waited ? elapsed() : 0;
        waited = true;
        const wait = Math.max(1, refusal.msBeforeNext);
        if (elapsed() + wait > maxWaitMs) throw new RateLimitWaitTooLong(elapsed() + wait); // nothing taken
        await sleep(wait, signal);
      }
    } finally {
      done();
    }
  }

  /** Closes the Redis client if this limiter made it; a client passed in is left open. */
  async disconnect(): Promise<void> {
    this.limiters.clear();
    if (this.ownsClient) await this.redis.quit();
  }
}
