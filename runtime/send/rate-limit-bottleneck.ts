// A RateLimiter shared by every worker that points at the same Redis: Bottleneck's clustering
// keeps each bucket's schedule in Redis, so ten processes together still send at most the
// bucket's rate. Bucket keys hold a hash of the credentials, never the credentials.
import Bottleneck from 'bottleneck';
import { RateLimitWaitTooLong, type RateBucket, type RateLimiter } from './rate-limit.js';

export interface BottleneckRateLimiterOptions {
  /** ioredis connection options, e.g. { host: '127.0.0.1', port: 6379 }. */
  clientOptions: Record<string, unknown>;
  /** Prefix of the Redis keys (Bottleneck ids), so several deployments can share one Redis. */
  prefix?: string;
}

export class BottleneckRateLimiter implements RateLimiter {
  private readonly limiters = new Map<string, Bottleneck>();
  private readonly connection: Bottleneck.IORedisConnection;

  constructor(private readonly options: BottleneckRateLimiterOptions) {
    this.connection = new Bottleneck.IORedisConnection({ clientOptions: options.clientOptions });
  }

  private limiterFor(bucket: RateBucket): Bottleneck {
    let limiter = this.limiters.get(bucket.key);
    if (!limiter) {
      limiter = new Bottleneck({
        id: `${this.options.prefix ?? 'cio-connectors'}:${bucket.key}`,
        datastore: 'ioredis',
        connection: this.connection,
        clearDatastore: false,
        // Evenly spaced starts: never more than the bucket's rate in any window, and no burst at
        // a refresh boundary (a reservoir refilled every period could let twice the rate through).
        minTime: Math.ceil(bucket.perMs / bucket.requests),
      });
      this.limiters.set(bucket.key, limiter);
    }
    return limiter;
  }

  async acquire(bucket: RateBucket, signal?: AbortSignal, maxWaitMs = Infinity): Promise<number> {
    if (signal?.aborted) throw signal.reason;
    const started = Date.now();
    const turn = this.limiterFor(bucket).schedule(() => Promise.resolve());
    if (!Number.isFinite(maxWaitMs)) {
      await turn;
      return Date.now() - started;
    }
    // Bottleneck cannot take back a queued job: past the budget the caller gives up, and the
    // queued no-op still uses its slot when its turn comes (conservative, never over the rate).
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RateLimitWaitTooLong(maxWaitMs)), Math.max(0, maxWaitMs));
    });
    try {
      await Promise.race([turn, giveUp]);
    } finally {
      clearTimeout(timer);
    }
    return Date.now() - started;
  }

  /** Closes the Redis connection (and every limiter using it). */
  async disconnect(): Promise<void> {
    await Promise.all([...this.limiters.values()].map((l) => l.disconnect(false)));
    await this.connection.disconnect(false);
  }
}
