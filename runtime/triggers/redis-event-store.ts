// The trigger event store in Redis, for many workers behind one webhook URL: `SET key NX PX ttl`
// is one atomic step, so exactly one worker hands an event over. Its own entry point
// (`customerio-tray-connectors/trigger-event-store-redis`), and ioredis is an optional peer
// dependency loaded by the constructor, so the runtime never loads it and a host without Redis
// need not install it.
import type { Redis, RedisOptions } from 'ioredis';
import { loadOptionalPeers } from '../optional-peers.js';
import type { TriggerEventStore } from './event-store.js';

export class RedisEventStore implements TriggerEventStore {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(options: { client?: Redis; url?: string; clientOptions?: RedisOptions; prefix?: string } = {}) {
    const [ioredis] = loadOptionalPeers('RedisEventStore', { ioredis: '^5' }) as [typeof import('ioredis')];
    this.redis = options.client ?? (options.url ? new ioredis.Redis(options.url, options.clientOptions ?? {}) : new ioredis.Redis(options.clientOptions ?? {}));
    this.prefix = options.prefix ?? 'cio-trigger-events';
  }

  async firstSeen(key: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}:${key}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
