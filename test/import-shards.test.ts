// Several import processes on one file: `--shard 1/2` and `--shard 2/2` as two CLI processes
// (from the TypeScript sources), sharing the Redis rate limiter (`--rate-limit-redis`), against a
// local /v2/batch that records every event it receives. Every line is received and accepted
// exactly once, with the id an import of the whole file gives it; while Redis holds the rate
// limit's slot, neither process sends anything. Needs Redis (REDIS_URL, as .ci/run sets it):
// without one the tests say so and pass, except under CI=true.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import type { ImportFailureRecord, ImportSummary } from '../cli/import.js';
import { stableEventId } from '../cli/import.js';
import { servicesOf } from '../runtime/services.js';
import { bucketFor } from '../runtime/send/rate-limit.js';
import { sharedRegistry } from './helpers.js';
import { AUTH_ENV, eventLines, runCliChild, startBatchServer, type BatchServer } from './import-helpers.js';
import { REDIS_URL, redisAvailable } from './redis.js';

// Two CLI processes compiled by tsx on a busy machine, and a rate-limit slot held on purpose.
jest.setTimeout(60_000);

const LINES = 3000;
const BAD_LINE = 1777; // not JSON: reported once, by the shard it falls in
const dir = mkdtempSync(join(tmpdir(), 'cio-shards-'));
const file = join(dir, 'events.ndjson');
let server: BatchServer;
let available = false;
let redis: Redis | undefined;

beforeAll(async () => {
  available = await redisAvailable();
  if (!available) console.warn(`skipping the two-process import test: no Redis at ${REDIS_URL}`);
  else redis = new Redis(REDIS_URL);
  server = await startBatchServer();
  // A blank line early on moves line numbers apart from item positions, as a real file might.
  const text = eventLines(LINES, { perBatch: 100, bad: { [BAD_LINE]: '{"identifiers":' } });
  writeFileSync(file, text.replace('\n', '\n\n'));
});
afterAll(async () => {
  redis?.disconnect();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Whether to run: in CI a missing Redis is a broken set-up (.ci/run starts one), not a reason to pass. */
function redisHere(): boolean {
  if (!available && process.env.CI === 'true') throw new Error(`CI=true but no Redis answers at ${REDIS_URL}`);
  return available;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('two processes, one file, one Redis rate limit', () => {
  it('imports every line exactly once, with the whole file\'s event ids, and waits for the shared limit', async () => {
    if (!redisHere()) return;
    // The rate limit's Redis key for these credentials, held as if another worker had just
    // started a request: a process that shares the limit must wait until it is free.
    const services = servicesOf(await sharedRegistry());
    const connector = services.connector('customer-io')!;
    const bucket = bucketFor(connector, 'send_batch', { site_id: AUTH_ENV.CUSTOMERIO_SITE_ID, api_key: AUTH_ENV.CUSTOMERIO_TRACK_API_KEY, region: 'us' })!;
    const key = `cio-connectors:${bucket.key}`;
    await redis!.set(key, '1', 'PX', 1000);

    const failed = (k: number) => `${file}.shard-${k}-of-2.failed.ndjson`;
    const runs = [1, 2].map((k) =>
      runCliChild(['import', 'customer-io', 'bulk_track_events', '--file', file, '--auth', 'env', '--origin', server.origin, '--quiet', '--shard', `${k}/2`, '--rate-limit-redis', REDIS_URL]));

    // Hold the slot until both processes are under way (each writes its checkpoint before it sends),
    // and a while longer: nothing reaches Customer.io meanwhile.
    const started = () => [1, 2].every((k) => existsSync(`${failed(k)}.checkpoint.json`));
    for (let heldSinceStarted = 0; heldSinceStarted < 4; ) {
      expect(server.batches()).toBe(0);
      if (runs.some((run) => run.child.exitCode !== null)) break; // the assertions below say why
      if (started()) heldSinceStarted++;
      await redis!.pexpire(key, 600);
      await sleep(150);
    }
    expect(server.batches()).toBe(0);

    const exits = await Promise.all(runs.map((run) => run.exited));
    // One shard holds the bad line (exit 1: an item failed), the other imports everything (exit 0).
    expect(exits.map((exit) => exit.code).sort()).toEqual([0, 1]);
    const summaries = runs.map((run) => JSON.parse(run.stdout) as ImportSummary);
    expect(summaries.map((s) => s.shard)).toEqual([
      expect.objectContaining({ index: 1, count: 2, first_line: 1 }),
      expect.objectContaining({ index: 2, count: 2 }),
    ]);
    expect(summaries[0]!.shard!.end_byte).toBe(summaries[1]!.shard!.start_byte);

    // Every good line received once, with one id: the one a whole-file import gives it.
    const sha = createHash('sha256').update(readFileSync(file)).digest();
    const byLine = new Map<number, string[]>();
    for (const { line, id } of server.received) byLine.set(line, [...(byLine.get(line) ?? []), id!]);
    const good = Array.from({ length: LINES }, (_, i) => i + 1).filter((line) => line !== BAD_LINE);
    expect([...byLine.keys()].sort((a, b) => a - b)).toEqual(good);
    for (const [line, ids] of byLine) {
      expect(ids).toHaveLength(1);
      // The file's line number: the blank line after line 1 moves every later line down by one.
      expect(ids[0]).toBe(stableEventId(sha, line === 1 ? 1 : line + 1));
    }
    expect(server.answeredItems()).toBe(good.length);
    expect(summaries.reduce((n, s) => n + s.accepted, 0)).toBe(good.length);
    expect(summaries.reduce((n, s) => n + s.read, 0)).toBe(LINES);

    // The bad line is in exactly one shard's failed file, named by its line and position in the whole file.
    const records = [1, 2].flatMap((k) => (existsSync(failed(k)) ? readFileSync(failed(k), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ImportFailureRecord) : []));
    expect(records).toEqual([expect.objectContaining({ line: BAD_LINE + 1, index: BAD_LINE - 1, reason: 'parse_error' })]);
  });

  it('refuses a shard of a CSV file, and a shard that is not k/n', async () => {
    const csv = join(dir, 'people.csv');
    writeFileSync(csv, 'id,email\nu1,a@example.com\n');
    const csvRun = runCliChild(['import', 'customer-io', 'bulk_identify_customers', '--file', csv, '--auth', 'env', '--origin', server.origin, '--shard', '1/2']);
    const badRun = runCliChild(['import', 'customer-io', 'bulk_track_events', '--file', file, '--auth', 'env', '--origin', server.origin, '--shard', '3/2']);
    expect(await csvRun.exited).toMatchObject({ code: 2 });
    expect(csvRun.stderr).toContain('--shard needs an NDJSON file');
    expect(await badRun.exited).toMatchObject({ code: 2 });
    expect(badRun.stderr).toContain('--shard must be k/n');
  });
});
