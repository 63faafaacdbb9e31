// How bulk entries go over the wire since they are serialised once and written straight into the
// batch body: the entry is what the definition's template makes of the item, events get their
// ids before packing, the body's bytes are the entries the packer counted, and what an envelope
// shows of a batch is that batch, redacted, even after later batches were sent.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImportFailureRecord, ImportSummary } from '../cli/import.js';
import { runCli } from '../cli/main.js';
import { servicesOf } from '../runtime/services.js';
import { fillTemplate } from '../runtime/plan/template.js';
import { entrySerialiser } from '../runtime/runners/bulk/entry-serialiser.js';
import { BatchBody } from '../runtime/runners/bulk/batch-body.js';
import { BatchPacker } from '../runtime/runners/bulk/pack.js';
import { sharedRegistry, TRACK_AUTH } from './helpers.js';
import { startLocalServer, type LocalServer } from './local-server.js';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
type Entry = { type: string; action: string; id?: string; identifiers: Record<string, string>; name?: string; attributes?: Record<string, unknown> };

async function bulkTemplates() {
  const connector = servicesOf(await sharedRegistry()).connector('customer-io')!;
  const entryOf = (name: string) => connector.operationsByName.get(name)!.bulk!.entry;
  return { identify: entryOf('bulk_identify_customers'), event: entryOf('bulk_track_events') };
}

describe('entry serialiser', () => {
  const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }));
  const person = fc.record(
    { identifiers: fc.record({ id: fc.string() }), attributes: fc.dictionary(fc.string(), value, { maxKeys: 5 }), timestamp: fc.integer({ min: 0 }), cio_relationships: fc.array(fc.record({ identifiers: fc.record({ object_type_id: fc.string(), object_id: fc.string() }) }), { maxLength: 2 }) },
    { requiredKeys: ['identifiers'] },
  );

  it('writes exactly the JSON of the entry the template makes (keys in the template order, absent ones left out)', async () => {
    const { identify } = await bulkTemplates();
    const serialise = entrySerialiser(identify, 'batch');
    fc.assert(fc.property(person, (item) => serialise(item) === JSON.stringify(fillTemplate(identify, item))), { seed: 16, numRuns: 500 });
  });

  it("gives an event without an id the caller's id, or a new ULID, in the template's place; keeps one the item has", async () => {
    const { event } = await bulkTemplates();
    let made = 0;
    const serialise = entrySerialiser(event, 'batch', () => `01ARZ3NDEKTSV4RRFFQ69G5FA${made++}`);
    const item = { identifiers: { id: 'p1' }, name: 'purchase', timestamp: 1_700_000_000, data: { sku: 'socks' } };
    expect(serialise(item, '01HQ3Z8Y8V4J2K6M9N0P1R2S3T')).toBe(JSON.stringify({ ...fillTemplate(event, { ...item, id: '01HQ3Z8Y8V4J2K6M9N0P1R2S3T' }) as object }));
    expect((JSON.parse(serialise(item)) as Entry).id).toBe('01ARZ3NDEKTSV4RRFFQ69G5FA0');
    expect(serialise({ ...item, id: '7ZZZZZZZZZZZZZZZZZZZZZZZZZ' }, '01HQ3Z8Y8V4J2K6M9N0P1R2S3T')).toContain('"id":"7ZZZZZZZZZZZZZZZZZZZZZZZZZ"');
    expect(made).toBe(1);
  });

  it('gives ids only when the batch operation asks for them', async () => {
    const { event } = await bulkTemplates();
    const serialise = entrySerialiser(event, undefined);
    expect(JSON.parse(serialise({ identifiers: { id: 'p1' }, name: 'purchase' }))).toEqual({ type: 'person', action: 'event', identifiers: { id: 'p1' }, name: 'purchase' });
  });
});

describe('batch body', () => {
  it('holds the bytes the packer counted: envelope, entries, commas, multi-byte text included', () => {
    const packer = new BatchPacker<number, undefined>(300);
    let body = new BatchBody('batch', 300);
    const bodies: Buffer[] = [];
    const entries = Array.from({ length: 12 }, (_, i) => JSON.stringify({ n: i, text: 'é€😀'.repeat(i % 4) }));
    entries.forEach((json, ref) => {
      const bytes = Buffer.byteLength(json);
      const closed = packer.add({ ref, entry: undefined, bytes });
      if (closed) {
        const full = body.finish();
        expect(full.length).toBe(closed.bytes);
        bodies.push(full);
        body = new BatchBody('batch', 300);
      }
      body.add(json, bytes);
    });
    const last = packer.flush()!;
    const tail = body.finish();
    expect(tail.length).toBe(last.bytes);
    bodies.push(tail);
    expect(bodies.length).toBeGreaterThan(1);
    for (const bytes of bodies) expect(bytes.length).toBeLessThanOrEqual(300);
    expect(bodies.flatMap((bytes) => (JSON.parse(bytes.toString('utf8')) as { batch: unknown[] }).batch)).toEqual(entries.map((json) => JSON.parse(json)));
  });
});

describe('bulk operations on the wire', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer();
  });
  afterAll(() => server.close());

  it('sends what the envelope shows: a batch as sent, redacted, though other batches went out since', async () => {
    const registry = await sharedRegistry();
    server.seen.length = 0;
    // Enough events for several batches; every thousandth carries the API key in its data.
    const events = Array.from({ length: 6000 }, (_, i) => ({ identifiers: { id: `p${i}` }, name: 'purchase', data: { note: i % 1000 === 0 ? 'key-test' : 'x'.repeat(100), i } }));
    const result = await registry.execute({ connector: 'customer-io', operation: 'bulk_track_events', auth: { ...TRACK_AUTH, region: 'us' }, input: { events: events as [(typeof events)[number], ...typeof events] }, options: { origin: server.origin, retry: { maxAttempts: 1 } } });
    expect(result.ok).toBe(true);
    const sent = server.seen.map((s) => (JSON.parse(s.body) as { batch: Entry[] }).batch);
    expect(sent.length).toBeGreaterThan(2);
    const wire = sent.flat();
    expect(wire.map((e) => e.attributes!.i).sort((a, b) => (a as number) - (b as number))).toEqual(events.map((_, i) => i));
    expect(wire.every((e) => ULID.test(e.id!))).toBe(true);
    expect(new Set(wire.map((e) => e.id)).size).toBe(events.length);
    expect(wire.filter((e) => e.attributes!.note === 'key-test')).toHaveLength(6); // the data as given goes over the wire
    // The envelope shows the first batch that was answered: the same entries, the key redacted.
    const shown = (result as { meta: { request: { body: { batch: Entry[] } } } }).meta.request.body.batch;
    const same = sent.find((batch) => batch[0]!.id === shown[0]!.id)!;
    expect(shown.map((e) => e.id)).toEqual(same.map((e) => e.id));
    expect(shown.filter((e) => e.attributes!.note === '[REDACTED]')).toHaveLength(same.filter((e) => e.attributes!.note === 'key-test').length);
    expect(JSON.stringify(result)).not.toContain('key-test');
  });
});

describe('imported items over the size limits', () => {
  let server: LocalServer;
  const dir = mkdtempSync(join(tmpdir(), 'cio-bulk-limits-'));
  beforeAll(async () => {
    server = await startLocalServer();
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an event over the entry\'s 32 KB whether or not its data is over its own 100 KB, and sends the rest', async () => {
    server.seen.length = 0;
    const file = join(dir, 'events.ndjson');
    const event = (line: number, bytes: number) => JSON.stringify({ identifiers: { id: `u${line}` }, name: 'purchase', data: { line, pad: 'x'.repeat(bytes) } });
    writeFileSync(file, `${[event(1, 10), event(2, 40_000), event(3, 150_000), event(4, 32_700), event(5, 10)].join('\n')}\n`);
    const { output, exitCode } = await runCli(
      ['import', 'customer-io', 'bulk_track_events', '--file', file, '--auth', JSON.stringify({ ...TRACK_AUTH, region: 'us' }), '--origin', server.origin, '--quiet'],
      {}, await sharedRegistry(),
    );
    const summary = output as ImportSummary;
    expect(exitCode).toBe(1);
    expect(summary).toMatchObject({ read: 5, accepted: 2, failed: 3 });
    const wire = server.seen.flatMap((s) => (JSON.parse(s.body) as { batch: Entry[] }).batch);
    expect(wire.map((e) => e.attributes!.line)).toEqual([1, 5]);
    const records = readFileSync(`${file}.failed.ndjson`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ImportFailureRecord);
    expect(records.map((r) => [r.line, r.reason])).toEqual([[2, 'invalid'], [3, 'invalid'], [4, 'invalid']]);
    for (const record of records) expect(record.message).toMatch(/"item": must be at most 32767 bytes \(it is \d+\)/);
    expect((records[1]!.item as { data: { pad: string } }).data.pad).toHaveLength(150_000); // the item as read, with the id it was given
    expect((records[1]!.item as { id: string }).id).toMatch(ULID);
  });
});

describe('an item read again from the file when it fails', () => {
  let server: LocalServer;
  const dir = mkdtempSync(join(tmpdir(), 'cio-bulk-reread-'));
  beforeAll(async () => {
    // Like Customer.io, a 207 names the positions of the items it refused: here every seventh person.
    server = await startLocalServer((seen, res) => {
      const batch = (JSON.parse(seen.body) as { batch: Entry[] }).batch;
      const errors = batch.flatMap((entry, i) => (Number(entry.identifiers.id!.slice(1)) % 7 === 0 ? [{ batch_index: i, reason: 'invalid', message: 'refused in test' }] : []));
      res.writeHead(errors.length ? 207 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(errors.length ? { errors } : {}));
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is the item of its line exactly, multi-byte text, CRLF and lines across reads included', async () => {
    // About 1 KB a line, so that many lines straddle the reader's 64 KB reads; blank lines and CRLF among them.
    const people = Array.from({ length: 600 }, (_, i) => ({ identifiers: { id: `p${i}` }, attributes: { note: `${'é😀ß'.repeat(i % 5)}${'x'.repeat(900 + (i % 13))}`, i } }));
    const text = people.map((person, i) => `${JSON.stringify(person)}${i % 3 === 0 ? '\r\n' : '\n'}${i % 50 === 0 ? '\n' : ''}`).join('');
    const file = join(dir, 'people.ndjson');
    writeFileSync(file, text);
    const { output } = await runCli(
      ['import', 'customer-io', 'bulk_identify_customers', '--file', file, '--auth', JSON.stringify({ ...TRACK_AUTH, region: 'us' }), '--origin', server.origin, '--quiet'],
      {}, await sharedRegistry(),
    );
    const refused = people.filter((_, i) => i % 7 === 0);
    expect(output).toMatchObject({ read: 600, accepted: 600 - refused.length, failed: refused.length });
    const records = readFileSync(`${file}.failed.ndjson`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ImportFailureRecord);
    expect(records.map((r) => r.item)).toEqual(refused);
    // Line numbers count the blank lines; positions do not.
    const lineOf = (i: number) => i + 1 + Math.floor((i + 49) / 50);
    expect(records.map((r) => [r.line, r.index])).toEqual(refused.map((p) => [lineOf(p.attributes.i), p.attributes.i]));
  });
});
