// Stable event ids: AES-128 of the line under a key from the file's SHA-256, valid ULIDs by Customer.io's
// pattern, the same on every import of the same file, different for another file, and replaced
// by the file's own `id` / `event_id` when it gives one.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isValid, uuidToULID } from 'ulid';
import { stableEventId } from '../cli/import.js';
import { crockford128, StableEventIds } from '../cli/import/stable-ids.js';
import { runCli } from '../cli/main.js';
import { sharedRegistry } from './helpers.js';
import { AUTH, EVENT_ID, eventLines, startBatchServer, type BatchServer } from './import-helpers.js';

jest.setTimeout(30_000);

const SCHEMA_EVENT_ID = new RegExp((JSON.parse(readFileSync('schemas/defs.schema.json', 'utf8')) as { $defs: { event_id: { pattern: string } } }).$defs.event_id.pattern);

const dir = mkdtempSync(join(tmpdir(), 'cio-import-ids-'));
let server: BatchServer;
beforeAll(async () => {
  server = await startBatchServer();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function importEvents(file: string): Promise<Map<number, string | undefined>> {
  server.received.length = 0;
  const { exitCode } = await runCli(['import', 'customer-io', 'bulk_track_events', '--file', file, '--auth', AUTH, '--origin', server.origin, '--quiet'], {}, await sharedRegistry());
  expect(exitCode).toBe(0);
  return new Map(server.received.map((r) => [r.line, r.id]));
}

describe('stable event ids', () => {
  it('are AES-128 of the line under the first 128 bits of the file\'s SHA-256, in Crockford base32 as ulid encodes it, matching the schema', () => {
    for (let i = 0; i < 2000; i++) {
      const bytes = randomBytes(16);
      const hex = bytes.toString('hex');
      expect(crockford128(bytes)).toBe(uuidToULID(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`));
    }
    expect(crockford128(Buffer.alloc(16, 0xff))).toBe('7ZZZZZZZZZZZZZZZZZZZZZZZZZ');

    const fileHash = createHash('sha256').update('a file').digest();
    const ecb = createCipheriv('aes-128-ecb', fileHash.subarray(0, 16), null).setAutoPadding(false);
    const expected = (line: number) => {
      const block = Buffer.alloc(16);
      block.writeUIntBE(line, 10, 6);
      return crockford128(ecb.update(block));
    };
    const ids = new StableEventIds(fileHash);
    // In order, across the 1,024-line blocks, and out of order (a resume starts anywhere).
    for (const line of [1, 2, 1023, 1024, 1025, 2049, 7, 500_000, 3]) expect(ids.idFor(line)).toBe(expected(line));
    const all = Array.from({ length: 5000 }, (_, i) => ids.idFor(i + 1));
    expect(all.every((id) => SCHEMA_EVENT_ID.test(id) && EVENT_ID.test(id) && isValid(id))).toBe(true);
    expect(new Set(all).size).toBe(all.length);
    expect(stableEventId(fileHash, 7)).toBe(all[6]);
    expect(stableEventId(createHash('sha256').update('another file').digest(), 7)).not.toBe(all[6]);
  });

  it('are the same when the same file is imported twice, and others for other content', async () => {
    const file = join(dir, 'events.ndjson');
    writeFileSync(file, eventLines(500, { perBatch: 200 }));
    const first = await importEvents(file);
    const second = await importEvents(file);
    expect(first.size).toBe(500);
    expect(second).toEqual(first);
    expect([...first.values()].every((id) => EVENT_ID.test(id ?? ''))).toBe(true);

    writeFileSync(file, eventLines(501, { perBatch: 200 })); // one line more: another file
    const changed = await importEvents(file);
    expect([...changed].filter(([line, id]) => first.get(line) === id)).toEqual([]);
  });

  it('are the file\'s own when it gives them: `id` in NDJSON, `event_id` in CSV', async () => {
    const ndjson = join(dir, 'own.ndjson');
    writeFileSync(ndjson, [
      JSON.stringify({ identifiers: { id: 'u1' }, name: 'purchase', id: '01HQ3Z8Y8V4J2K6M9N0P1R2S3T', data: { line: 1 } }),
      JSON.stringify({ identifiers: { id: 'u2' }, name: 'purchase', data: { line: 2 } }),
    ].join('\n'));
    const ids = await importEvents(ndjson);
    expect(ids.get(1)).toBe('01HQ3Z8Y8V4J2K6M9N0P1R2S3T');
    expect(ids.get(2)).toBe(stableEventId(createHash('sha256').update(readFileSync(ndjson)).digest(), 2));

    const csv = join(dir, 'own.csv');
    writeFileSync(csv, 'id,name,event_id,line\nu1,purchase,01HQ3Z8Y8V4J2K6M9N0P1R2S3V,2\nu2,purchase,,3\n');
    const fromCsv = await importEvents(csv);
    expect(fromCsv.get(2)).toBe('01HQ3Z8Y8V4J2K6M9N0P1R2S3V');
    expect(fromCsv.get(3)).toBe(stableEventId(createHash('sha256').update(readFileSync(csv)).digest(), 3));
  });
});
