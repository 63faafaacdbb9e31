// Client-side rate limiting: the local sliding window, the per-credentials/per-group buckets,
// visible waiting (meta.waited_ms, events), and the shared RedisRateLimiter over a real Redis
// (rate-limiter-flexible), including what it says when its optional peer dependencies are missing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalRateLimiter, RateLimitWaitTooLong, bucketFor, type RateBucket } from '../runtime/send/rate-limit.js';
import { RedisRateLimiter } from '../runtime/send/rate-limit-redis.js';
import { packageRoot } from '../runtime/package-root.js';
import { loadManifest, type LoadedConnector } from '../runtime/loader.js';
import { Registry, type RuntimeEvent } from '../runtime/index.js';
import { APP_AUTH, TRACK_AUTH } from './helpers.js';
import { startLocalServer, type LocalServer } from './local-server.js';
import { REDIS_URL, redisAvailable } from './redis.js';

/** The most starts seen in any window of `perMs` (with a little slack for timer jitter). */
function busiestWindow(times: number[], perMs: number, slackMs = 15): number {
  const sorted = [...times].sort((a, b) => a - b);
  return Math.max(...sorted.map((t, i) => sorted.slice(i).filter((u) => u < t + perMs - slackMs).length));
}

describe('LocalRateLimiter', () => {
  it('lets at most `requests` start in any window, and queues the rest in order', async () => {
    // The slots the limiter hands out are judged on its own clock, held still while the eight
    // ask (they ask at once), so a busy machine that wakes sleepers late cannot blur them.
    const limiter = new LocalRateLimiter(() => 1_000);
    const bucket: RateBucket = { key: 'test:a', requests: 3, perMs: 150 };
    const started = performance.now();
    const waits = await Promise.all(Array.from({ length: 8 }, () => limiter.acquire(bucket)));
    expect(busiestWindow(waits, 150, 0)).toBeLessThanOrEqual(3);
    expect(waits).toEqual([...waits].sort((a, b) => a - b)); // in the order they asked
    expect(Math.max(...waits)).toBeGreaterThanOrEqual(300); // 8 starts at 3 per 150 ms need two full windows
    expect(performance.now() - started).toBeGreaterThanOrEqual(300 - 5); // and each waited for its slot
  });

  it('keeps buckets apart', async () => {
    const limiter = new LocalRateLimiter();
    await limiter.acquire({ key: 'x', requests: 1, perMs: 10_000 });
    expect(await limiter.acquire({ key: 'y', requests: 1, perMs: 10_000 })).toBe(0);
  });

  it('stops waiting when the call is cancelled', async () => {
    const limiter = new LocalRateLimiter();
    const bucket = { key: 'z', requests: 1, perMs: 10_000 };
    await limiter.acquire(bucket);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(limiter.acquire(bucket, controller.signal)).rejects.toBeDefined();
  });
});

describe('buckets', () => {
  const [track, app] = loadManifest();
  it('are per connector, per credentials (hashed) and per group', () => {
    const a = bucketFor(app!, 'list_segments', { ...APP_AUTH, region: 'us' })!;
    const b = bucketFor(app!, 'list_segments', { api_key: 'another-key-test', region: 'us' })!;
    const trigger = bucketFor(app!, 'trigger_broadcast', { ...APP_AUTH, region: 'us' })!;
    const send = bucketFor(app!, 'send_transactional_email', { ...APP_AUTH, region: 'us' })!;
    expect(a).toMatchObject({ requests: 10, perMs: 1000 });
    expect(trigger).toMatchObject({ requests: 1, perMs: 10_000 });
    expect(send.key).toMatch(/:transactional$/);
    expect(a.key).not.toBe(b.key);
    expect(a.key).not.toContain(APP_AUTH.api_key);
    expect(bucketFor(track!, 'track_custom_event', { ...TRACK_AUTH, region: 'us' })).toMatchObject({ requests: 1000, perMs: 1000 });
  });
});

describe('a registry with rate limiting', () => {
  let server: LocalServer;
  beforeAll(async () => { server = await startLocalServer(); });
  afterAll(() => server.close());

  function withRule(requests: number, perMs: number): LoadedConnector[] {
    return loadManifest().map((c) => ({ ...c, rate_limits: { default: { requests, per_ms: perMs } } }));
  }

  it('spaces calls, reports the wait in meta.waited_ms and in events, without credentials', async () => {
    const registry = new Registry(withRule(2, 200));
    const events: RuntimeEvent[] = [];
    const starts: number[] = [];
    const record = (e: RuntimeEvent) => { events.push(e); if (e.type === 'attempt') starts.push(performance.now()); };
    server.seen.length = 0;
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        registry.execute({
          connector: 'customer-io-app', operation: 'list_segments', auth: { ...APP_AUTH, region: 'us' }, input: {},
          options: { origin: server.origin, onEvent: record },
        }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    // Measured where the limiter acts: when each request starts (the first connection's set-up
    // can delay arrivals at the server and bunch them).
    expect(busiestWindow(starts, 200)).toBeLessThanOrEqual(2);
    expect(server.seen).toHaveLength(6);
    const waits = results.map((r) => (r as { meta: { waited_ms: number } }).meta.waited_ms);
    expect(waits.filter((w) => w > 0).length).toBeGreaterThanOrEqual(4);
    expect(events.filter((e) => e.type === 'rate_limit_wait').length).toBe(waits.filter((w) => w > 0).length);
    expect(JSON.stringify(events)).not.toContain(APP_AUTH.api_key);
  });
});

describe('RedisRateLimiter over Redis (two workers, one budget)', () => {
  let available = false;
  let server: LocalServer;
  const limiters: RedisRateLimiter[] = [];
  beforeAll(async () => {
    available = await redisAvailable();
    if (!available) console.warn(`skipping the Redis rate-limit tests: no Redis at ${REDIS_URL}`);
    server = await startLocalServer();
  });
  afterAll(async () => {
    await Promise.all(limiters.map((l) => l.disconnect()));
    await server.close();
  });

  /** Whether to run: in CI a missing Redis is a broken set-up (.ci/run starts one), not a reason to pass. */
  function redisHere(): boolean {
    if (!available && process.env.CI === 'true') throw new Error(`CI=true but no Redis answers at ${REDIS_URL}`);
    return available;
  }
  /** `n` limiters ("workers") sharing one Redis and a prefix of their own, so tests never share keys. */
  function workers(n: number): RedisRateLimiter[] {
    const prefix = `cio-test-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const made = Array.from({ length: n }, () => new RedisRateLimiter({ url: REDIS_URL, prefix }));
    limiters.push(...made);
    return made;
  }
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('keeps two registries sharing a Redis under one rate', async () => {
    if (!redisHere()) return;
    const connectors = loadManifest().map((c) => ({ ...c, rate_limits: { default: { requests: 1, per_ms: 100 } } }));
    const registries = workers(2).map((rateLimiter) => new Registry(connectors, { rateLimiter }));
    server.seen.length = 0;
    const starts: number[] = [];
    const onEvent = (e: RuntimeEvent) => { if (e.type === 'attempt') starts.push(performance.now()); };
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        registries[i % 2]!.execute({ connector: 'customer-io-app', operation: 'list_segments', auth: { ...APP_AUTH, region: 'us' }, input: {}, options: { origin: server.origin, onEvent } }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(server.seen).toHaveLength(8);
    expect(busiestWindow(starts, 100, 20)).toBeLessThanOrEqual(1);
    expect(Math.max(...starts) - Math.min(...starts)).toBeGreaterThanOrEqual(7 * 100 - 50);
  }, 20_000);

  it('lets two limiters together start at most `requests` in any `perMs`, with no burst at a boundary', async () => {
    if (!redisHere()) return;
    const [a, b] = workers(2);
    const bucket: RateBucket = { key: 'customer-io-app:0123456789abcdef:default', requests: 3, perMs: 300 };
    const started = performance.now();
    await a!.acquire(bucket);
    // Late in what a window would be: a window of 3 per 300 ms would let the 2 it has left start
    // now and 3 more at 300 ms, 5 within 50 ms.
    await sleep(250);
    const times = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a! : b!).acquire(bucket).then(() => performance.now() - started)));
    expect(busiestWindow([0, ...times], 300, 20)).toBeLessThanOrEqual(3);
    expect(Math.max(...times)).toBeGreaterThanOrEqual(250 + 7 * 100 - 30); // evenly spaced: one start per 100 ms
  }, 20_000);

  it('stops waiting at once when cancelled, and the next waiter gets the slot the cancelled one would have had', async () => {
    if (!redisHere()) return;
    const [limiter] = workers(1);
    const bucket: RateBucket = { key: 'abort', requests: 1, perMs: 300 };
    await limiter!.acquire(bucket);
    const started = performance.now();
    const controller = new AbortController();
    const reason = new Error('cancelled by the test');
    const cancelled = limiter!.acquire(bucket, controller.signal);
    const next = limiter!.acquire(bucket).then(() => performance.now() - started); // queued behind it
    setTimeout(() => controller.abort(reason), 50);
    await expect(cancelled).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(200); // at the abort (50 ms), not at its slot (300 ms)
    // At the first slot (300 ms), not the one after it (600 ms): the cancelled waiter took none.
    const nextStarted = await next;
    expect(nextStarted).toBeGreaterThanOrEqual(300 - 30);
    expect(nextStarted).toBeLessThan(300 + 150);
  });

  it('never takes a slot later for a waiter cancelled on another worker', async () => {
    if (!redisHere()) return;
    const [a, b] = workers(2);
    const bucket: RateBucket = { key: 'abort-elsewhere', requests: 1, perMs: 300 };
    await a!.acquire(bucket);
    const controller = new AbortController();
    const cancelled = b!.acquire(bucket, controller.signal);
    setTimeout(() => controller.abort(new Error('cancelled')), 50);
    await expect(cancelled).rejects.toThrow('cancelled');
    await sleep(350); // past the slot the cancelled waiter was waiting for (had it taken it: a wait of 200 ms)
    expect(await a!.acquire(bucket)).toBe(0);
  });

  it('refuses at once, taking nothing, a wait longer than maxWaitMs; and gives up a queued wait when its time is up', async () => {
    if (!redisHere()) return;
    const [limiter] = workers(1);
    const bucket: RateBucket = { key: 'budget', requests: 1, perMs: 300 };
    await limiter!.acquire(bucket);
    const started = performance.now();
    const refused = await limiter!.acquire(bucket, undefined, 100).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitWaitTooLong);
    expect((refused as RateLimitWaitTooLong).waitMs).toBeGreaterThan(100);
    expect(performance.now() - started).toBeLessThan(100); // not at the slot (300 ms)
    await sleep(350);
    expect(await limiter!.acquire(bucket)).toBe(0); // the refused call took no slot (or: a wait of 250 ms)

    // Behind another waiter in this process, the wait is not known yet: it ends when the time is up.
    const first = limiter!.acquire(bucket);
    const queuedAt = performance.now();
    await expect(limiter!.acquire(bucket, undefined, 100)).rejects.toBeInstanceOf(RateLimitWaitTooLong);
    expect(performance.now() - queuedAt).toBeLessThan(250); // not after `first` (300 ms)
    expect(await first).toBeGreaterThanOrEqual(300 - 30);
  });

  it('leaves a client it was given open, and keeps the bucket key under its prefix', async () => {
    if (!redisHere()) return;
    const client = new Redis(REDIS_URL);
    try {
      const prefix = `cio-test-client-${process.pid}-${Date.now()}`;
      const limiter = new RedisRateLimiter({ client, prefix });
      expect(await limiter.acquire({ key: 'customer-io:0123456789abcdef:default', requests: 1, perMs: 10_000 })).toBe(0); // no wait, no event
      expect(await client.keys(`${prefix}:*`)).toEqual([`${prefix}:customer-io:0123456789abcdef:default`]);
      await limiter.disconnect();
      expect(await client.ping()).toBe('PONG');
    } finally {
      await client.quit();
    }
  });
});

describe('the Redis entry points without their optional peer dependencies', () => {
  it('import, and say what to install when constructed', () => {
    const root = packageRoot();
    const dir = mkdtempSync(join(tmpdir(), 'cio-no-peers-'));
    try {
      // Each entry on its own, with every package left out of the file: run from a folder with no
      // node_modules above it, ioredis and rate-limiter-flexible are missing as for a host that
      // did not install them.
      const entries = { RedisRateLimiter: 'runtime/send/rate-limit-redis.ts', RedisEventStore: 'runtime/triggers/redis-event-store.ts' };
      for (const [name, entry] of Object.entries(entries)) {
        execFileSync(join(root, 'node_modules', '.bin', 'esbuild'), [entry, '--bundle', '--platform=node', '--format=esm', '--packages=external', '--log-level=warning', `--outfile=${join(dir, `${name}.mjs`)}`], { cwd: root });
      }
      const script = `
        const said = {};
        for (const name of ${JSON.stringify(Object.keys(entries))}) {
          const entry = await import(${JSON.stringify(pathToFileURL(dir).href)} + '/' + name + '.mjs');
          try { new entry[name]({ url: 'redis://127.0.0.1:1' }); said[name] = 'constructed'; } catch (error) { said[name] = error.message; }
        }
        console.log(JSON.stringify(said));`;
      const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, env: { PATH: process.env.PATH } });
      expect(JSON.parse(output.toString())).toEqual({
        RedisRateLimiter: 'RedisRateLimiter needs the optional peer dependencies ioredis and rate-limiter-flexible: npm install ioredis@^5 rate-limiter-flexible@^11',
        RedisEventStore: 'RedisEventStore needs the optional peer dependency ioredis: npm install ioredis@^5',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
