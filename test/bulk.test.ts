// Bulk sends: batches filled close to Customer.io's 500 KB limit and never over it, every item
// accounted for (accepted, refused before sending, or rejected in a 207), events deduplicated
// across a retried batch.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ExecuteOptions } from '../runtime/contracts.js';
import type { Registry } from '../runtime/index.js';
import { servicesOf } from '../runtime/services.js';
import { runContext } from '../runtime/run-context.js';
import { BatchPacker } from '../runtime/runners/bulk/pack.js';
import { runBulk, type BatchTarget, type BulkFailure } from '../runtime/runners/bulk/run-bulk.js';
import { callSecrets } from '../runtime/send/call-secrets.js';
import { FAST_RETRY, MAX_BATCH_BYTES, sharedRegistry, TRACK_AUTH } from './helpers.js';

type ItemFailure = Omit<BulkFailure<number>, 'ref'> & { index: number };

/** Track's send_batch as the target of raw v2 entities, with these options, as a bulk operation's batches go. */
function sendBatch(registry: Registry, options: ExecuteOptions): BatchTarget {
  const services = servicesOf(registry);
  const connector = services.connector('customer-io')!;
  const send = connector.operationsByName.get('send_batch')!;
  const auth = { ...TRACK_AUTH, region: 'us' };
  const context = runContext(services, { connector, operation: send, auth, input: {}, options, telemetry: undefined, secrets: callSecrets(connector, auth) });
  return { send, listInput: 'batch', call: context.call, validator: context.validator };
}

/** Entities with their position as the reference the runner hands back. */
function* numbered(entities: Iterable<Record<string, unknown>>) {
  let index = 0;
  for (const entry of entities) yield { entry, ref: index++ };
}
import { startLocalServer, type LocalServer } from './local-server.js';

function person(i: number, padding = 0): Record<string, unknown> {
  return { type: 'person', action: 'identify', identifiers: { id: `person-${i}` }, attributes: { email: `p${i}@example.com`, plan: 'pro', note: 'x'.repeat(padding) } };
}

describe('BatchPacker', () => {
  it('closes a batch only when the next item would pass the limit', () => {
    const packer = new BatchPacker(1000);
    const sizes = [400, 400, 400, 150, 150];
    const closed = sizes.map((bytes, index) => packer.add({ ref: index, entry: {}, bytes })).filter(Boolean);
    const last = packer.flush()!;
    expect(closed.map((b) => b!.items.map((i) => i.ref))).toEqual([[0, 1]]);
    expect(last.items.map((i) => i.ref)).toEqual([2, 3, 4]);
    expect(closed[0]!.bytes).toBe(Buffer.byteLength('{"batch":[]}') + 801);
  });
});

describe('runBulk against a local server', () => {
  let server: LocalServer;
  let failNextBatch = false;
  beforeAll(async () => {
    server = await startLocalServer((seen, res) => {
      if (failNextBatch) {
        failNextBatch = false;
        return void res.writeHead(503).end();
      }
      const batch = (JSON.parse(seen.body) as { batch: { identifiers: { id?: string } }[] }).batch;
      // Customer.io rejects some items of a batch with a 207 naming their positions.
      const errors = batch.flatMap((item, i) => (item.identifiers.id?.endsWith('-13') ? [{ batch_index: i, reason: 'invalid', field: 'identifiers.id', message: 'refused in test' }] : []));
      res.writeHead(errors.length ? 207 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(errors.length ? { errors } : {}));
    });
  });
  afterAll(() => server.close());

  it('fills batches to over 90% of 500 KB, never past it, and accounts for every item', async () => {
    const registry = await sharedRegistry();
    server.seen.length = 0;
    const total = 12_000;
    const items = (function* () {
      for (let i = 0; i < total; i++) {
        if (i === 7) yield { type: 'person', action: 'identify' }; // invalid: no identifiers
        else if (i === 8) yield { ...person(i), attributes: Object.fromEntries(Array.from({ length: 40 }, (_, k) => [`a${k}`, 'y'.repeat(900)])) }; // over 32 KB
        else yield person(i, 80);
      }
    })();
    const failures: ItemFailure[] = [];
    const summary = await runBulk(sendBatch(registry, { origin: server.origin, retry: FAST_RETRY }), numbered(items), { onFailure: ({ ref, ...f }) => failures.push({ index: ref, ...f }) });

    const bodies = server.seen.map((s) => Buffer.byteLength(s.body));
    expect(Math.max(...bodies)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    // All but the smallest: the last batch holds the remainder, and with 4 in flight it need not arrive last.
    const full = [...bodies].sort((a, b) => b - a).slice(0, -1);
    expect(full.reduce((a, b) => a + b, 0) / full.length / (500 * 1024)).toBeGreaterThan(0.9);
    const rejectedBy207 = [...Array(total).keys()].filter((i) => i !== 8 && String(i).endsWith('13') && `person-${i}`.endsWith('-13'));
    expect(summary.total).toBe(total);
    expect(summary.accepted + summary.failed).toBe(total);
    expect(failures.find((f) => f.index === 7)).toMatchObject({ reason: 'invalid', message: expect.stringContaining('items[7]') });
    expect(failures.find((f) => f.index === 8)).toMatchObject({ reason: 'invalid', message: expect.stringContaining('must be at most 32767 bytes') });
    expect(failures.filter((f) => f.reason === 'invalid' && f.field === 'identifiers.id').map((f) => f.index).sort((a, b) => a - b)).toEqual(rejectedBy207);
    const sentIds = server.seen.flatMap((s) => (JSON.parse(s.body) as { batch: { identifiers: { id: string } }[] }).batch.map((e) => e.identifiers.id));
    expect(new Set(sentIds).size).toBe(sentIds.length); // nothing sent twice
    expect(sentIds).toHaveLength(total - 2);
  }, 30_000); // 12,000 items and the validators' first compile: past jest's 5 s on a busy machine with suites in parallel

  it('gives events an id before packing, so a retried batch carries the same ids', async () => {
    const registry = await sharedRegistry();
    server.seen.length = 0;
    failNextBatch = true;
    const events = Array.from({ length: 50 }, (_, i) => ({ type: 'person', action: 'event', identifiers: { id: `p${i}` }, name: 'purchase' }));
    const summary = await runBulk(sendBatch(registry, { origin: server.origin, retry: FAST_RETRY }), numbered(events), {});
    expect(summary).toMatchObject({ total: 50, accepted: 50, failed: 0, batches: 1 });
    expect(server.seen).toHaveLength(2);
    const [first, second] = server.seen.map((s) => (JSON.parse(s.body) as { batch: { id: string }[] }).batch.map((e) => e.id));
    expect(first!.every((id) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id))).toBe(true);
    expect(second).toEqual(first);
  });
});
