// `cio-connectors import`: NDJSON and CSV files streamed through runBulk against a local server.
// Every line is accounted for (accepted, or in the failed file with its line, reason and item),
// batches stay under 500 KB, events get IDs, and the failed file, once fixed, imports cleanly.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProgressBar, type ImportFailureRecord, type ImportSummary } from '../cli/import.js';
import { runCli, UsageError } from '../cli/main.js';
import { MAX_BATCH_BYTES } from './helpers.js';
import { sharedRegistry } from './helpers.js';
import { startLocalServer, type LocalServer } from './local-server.js';

const AUTH = '{"site_id":"site-test","api_key":"key-test","region":"us"}';
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

// A few thousand items each, and the first import compiles the batch validators: a busy machine
// running other suites in parallel can take longer than jest's 5 s default.
jest.setTimeout(30_000);

type Sent = { type: string; action: string; identifiers: Record<string, string>; id?: string; name?: string; timestamp?: number; attributes?: Record<string, unknown> };

let server: LocalServer;
let refuseCredentials = false;
const dir = mkdtempSync(join(tmpdir(), 'cio-import-'));

beforeAll(async () => {
  server = await startLocalServer((seen, res) => {
    if (refuseCredentials) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"meta":{"error":"Unauthorized request"}}');
    const batch = (JSON.parse(seen.body) as { batch: Sent[] }).batch;
    // Like Customer.io, a 207 names the positions of the items it refused.
    const errors = batch.flatMap((item, i) => (Object.values(item.identifiers)[0]?.endsWith('13') ? [{ batch_index: i, reason: 'invalid', field: 'identifiers.id', message: 'refused in test' }] : []));
    res.writeHead(errors.length ? 207 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(errors.length ? { errors } : {}));
  });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function importFile(operation: string, file: string, ...extra: string[]) {
  const { output, exitCode } = await runCli(['import', 'customer-io', operation, '--file', file, '--auth', AUTH, '--origin', server.origin, '--quiet', ...extra], {}, await sharedRegistry());
  return { summary: output as ImportSummary, exitCode };
}

function sentItems(): Sent[] {
  return server.seen.flatMap((s) => (JSON.parse(s.body) as { batch: Sent[] }).batch);
}

function failedRecords(path: string): ImportFailureRecord[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as ImportFailureRecord);
}

function expectBatchesWithinLimit(): void {
  expect(server.seen.length).toBeGreaterThan(1);
  for (const s of server.seen) expect(Buffer.byteLength(s.body)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
}

describe('import NDJSON people', () => {
  const total = 2500;
  const file = join(dir, 'people.ndjson');
  // Lines (1-based) that are bad before sending, and what they hold.
  const bad: Record<number, string> = {
    5: '{"identifiers":{"id":"person-5"}', // not JSON
    9: '{"identifiers":{"id":"person-9"},"atributes":{"plan":"pro"}}', // misspelt key
    20: '{"attributes":{"plan":"pro"}}', // no identifiers
    33: '[1,2,3]', // not an item
    41: '{"identifiers":{"id":"person-41"},"timestamp":"yesterday"}', // refused by the entity schema
  };

  beforeAll(() => {
    const lines: string[] = [];
    for (let line = 1; line <= total + 1; line++) {
      if (line === 100) lines.push(''); // a blank line is no item
      else lines.push(bad[line] ?? JSON.stringify({ identifiers: { id: `person-${line}` }, attributes: { email: `p${line}@example.com`, plan: 'pro', note: 'x'.repeat(200) } }));
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
  });

  it('sends every good line in batches under 500 KB and writes the others to the failed file', async () => {
    server.seen.length = 0;
    const { summary, exitCode } = await importFile('bulk_identify_customers', file);

    const rejectedBy207 = [...Array(total + 2).keys()].filter((line) => line !== 100 && !bad[line] && String(line).endsWith('13') && line >= 13);
    expect(exitCode).toBe(1);
    expect(summary).toMatchObject({ total, failed: Object.keys(bad).length + rejectedBy207.length, failed_file: `${file}.failed.ndjson` });
    expect(summary.accepted + summary.failed).toBe(summary.total);
    expect(summary.batches).toBe(server.seen.length);
    expect(summary.average_batch_fill).toBeGreaterThan(0.5);
    expect(summary.items_per_second).toBeGreaterThan(0);
    expect(summary.max_rss_mb).toBeGreaterThan(0);
    expectBatchesWithinLimit();
    const sent = sentItems();
    expect(sent).toHaveLength(total - Object.keys(bad).length);
    // Batches go out 4 at a time, so they may arrive in any order.
    expect(sent.find((e) => e.identifiers.id === 'person-1')).toEqual({ type: 'person', action: 'identify', identifiers: { id: 'person-1' }, attributes: { email: 'p1@example.com', plan: 'pro', note: 'x'.repeat(200) } });

    const records = failedRecords(summary.failed_file!);
    expect(records.map((r) => r.line).sort((a, b) => a - b)).toEqual([...Object.keys(bad).map(Number), ...rejectedBy207].sort((a, b) => a - b));
    const byLine = new Map(records.map((r) => [r.line, r]));
    expect(byLine.get(5)).toMatchObject({ index: 4, reason: 'parse_error', message: expect.stringContaining('not JSON'), item: bad[5] });
    expect(byLine.get(9)).toMatchObject({ index: 8, reason: 'invalid', field: 'atributes', item: JSON.parse(bad[9]!) });
    expect(byLine.get(20)).toMatchObject({ index: 19, reason: 'invalid', message: '"item.identifiers": is required', item: { attributes: { plan: 'pro' } } });
    expect(byLine.get(33)).toMatchObject({ reason: 'invalid', item: [1, 2, 3] });
    expect(byLine.get(41)).toMatchObject({ reason: 'invalid', message: expect.stringContaining('"item.timestamp": must be Unix seconds') });
    // After the blank line 100, an item's index is its line minus 2.
    expect(byLine.get(113)).toMatchObject({ index: 111, reason: 'invalid', field: 'identifiers.id', message: 'refused in test', item: { identifiers: { id: 'person-113' } } });
  });

  it('imports the failed file once its lines are fixed', async () => {
    const failed = `${file}.failed.ndjson`;
    const fixed = failedRecords(failed).map((record) => {
      if (record.line === 5) return { ...record, item: `${record.item as string}}` }; // the text, closed
      if (record.line === 33) return { ...record, item: { identifiers: { id: 'person-33' } } };
      const item = record.item as Record<string, unknown>;
      const { atributes, ...rest } = item;
      return {
        ...record,
        item: {
          ...rest,
          ...(atributes ? { attributes: atributes } : {}),
          identifiers: { id: `fixed-${record.line}-ok` },
          ...(record.line === 41 ? { timestamp: 1735689600 } : {}),
        },
      };
    });
    writeFileSync(failed, fixed.map((r) => JSON.stringify(r)).join('\n'));
    server.seen.length = 0;

    const { summary, exitCode } = await importFile('bulk_identify_customers', failed);
    expect(exitCode).toBe(0);
    expect(summary).toMatchObject({ total: fixed.length, accepted: fixed.length, failed: 0, failed_file: null });
    expect(existsSync(`${failed}.failed.ndjson`)).toBe(false);
    const sent = sentItems();
    expect(sent.find((e) => e.identifiers.id === 'person-5')).toBeDefined();
    expect(sent.find((e) => e.identifiers.id === 'fixed-9-ok')).toMatchObject({ attributes: { plan: 'pro' } });
    expect(sent.find((e) => e.identifiers.id === 'fixed-41-ok')).toMatchObject({ timestamp: 1735689600 });
  });
});

describe('import CSV events', () => {
  const file = join(dir, 'events.csv');
  const rows = 2000;

  beforeAll(() => {
    const lines = ['id,email,name,timestamp,event_id,price,sku'];
    for (let i = 1; i <= rows; i++) {
      if (i === 10) lines.push(',,purchase,1735689600,,5,none'); // no identifier
      else if (i === 11) lines.push('u11,u11@example.com,purchase,1735689600,,5,two'); // two identifiers: id wins, email is data
      else if (i === 12) lines.push('u12,,purchase,1735689600'); // too few fields
      else if (i === 20) lines.push('u20,,purchase,1735689600,01HQ3Z8Y8V4J2K6M9N0P1R2S3T,7,"a ""quoted""\nsku"'); // its own ID; a field over two lines
      else lines.push(`u${i},,purchase,${1735689600 + i},,${i % 50}.5,${'s'.repeat(150)}`);
    }
    lines.push('u-last,,purchase,1735689600,,1,"never closed');
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  });

  it('maps columns to events with IDs and reports bad rows with their lines', async () => {
    server.seen.length = 0;
    const { summary, exitCode } = await importFile('bulk_track_events', file);

    const rejectedBy207 = [...Array(rows + 1).keys()].filter((i) => i >= 13 && String(i).endsWith('13'));
    expect(exitCode).toBe(1);
    expect(summary.total).toBe(rows + 1);
    expect(summary.failed).toBe(3 + rejectedBy207.length);
    expect(summary.accepted + summary.failed).toBe(summary.total);
    expect(summary.identified_by).toEqual({ id: rows - 2 });
    expectBatchesWithinLimit();

    const sent = sentItems();
    expect(sent).toHaveLength(rows - 2);
    expect(sent.every((e) => e.action === 'event' && ULID.test(e.id ?? ''))).toBe(true); // every event gets an ID
    expect(new Set(sent.map((e) => e.id)).size).toBe(sent.length);
    expect(sent.find((e) => e.identifiers.id === 'u1')).toEqual({ type: 'person', action: 'event', identifiers: { id: 'u1' }, name: 'purchase', id: expect.any(String), timestamp: 1735689601, attributes: { price: '1.5', sku: 's'.repeat(150) } });
    expect(sent.find((e) => e.identifiers.id === 'u20')).toMatchObject({ id: '01HQ3Z8Y8V4J2K6M9N0P1R2S3T', attributes: { price: '7', sku: 'a "quoted"\nsku' } });

    // Row i is on line i + 1 (the header is line 1) until row 20, which takes two lines.
    const byLine = new Map(failedRecords(summary.failed_file!).map((r) => [r.line, r]));
    expect(byLine.get(11)).toMatchObject({ index: 9, reason: 'invalid', field: 'identifiers', message: expect.stringContaining('--identifier'), item: { identifiers: {}, name: 'purchase', timestamp: 1735689600, data: { price: '5', sku: 'none' } } });
    expect(byLine.has(12)).toBe(false);
    expect(sent.find((e) => e.identifiers.id === 'u11')).toMatchObject({ identifiers: { id: 'u11' }, attributes: { email: 'u11@example.com', price: '5', sku: 'two' } });
    expect(byLine.get(13)).toMatchObject({ index: 11, reason: 'parse_error', message: 'the row has 4 fields and the header 7', item: { identifiers: { id: 'u12' }, name: 'purchase' } });
    expect(byLine.get(113 + 2)).toMatchObject({ index: 112, reason: 'invalid', field: 'identifiers.id', item: { identifiers: { id: 'u113' }, name: 'purchase', timestamp: 1735689600 + 113 } });
    expect(byLine.get(rows + 3)).toMatchObject({ index: rows, reason: 'parse_error', message: expect.stringContaining('Quote Not Closed'), item: expect.stringContaining('u-last') });
  });

  it('takes the identifier column from --identifier, the others becoming data', async () => {
    const small = join(dir, 'two-identifiers.csv');
    writeFileSync(small, 'id,email,name\nu1,u1@example.com,signup\nu2,,signup\n');
    server.seen.length = 0;
    const { summary, exitCode } = await importFile('bulk_track_events', small, '--identifier', 'id');
    expect(exitCode).toBe(0);
    expect(summary).toMatchObject({ total: 2, accepted: 2, failed_file: null });
    expect(sentItems()).toEqual([
      expect.objectContaining({ identifiers: { id: 'u1' }, name: 'signup', attributes: { email: 'u1@example.com' } }),
      expect.objectContaining({ identifiers: { id: 'u2' }, name: 'signup' }),
    ]);
  });
});

describe('import, other cases', () => {
  it('stops sending when Customer.io refuses the credentials, and every item is in the failed file', async () => {
    const file = join(dir, 'refused.ndjson');
    writeFileSync(file, Array.from({ length: 30 }, (_, i) => JSON.stringify({ identifiers: { id: `r${i}` } })).join('\n'));
    refuseCredentials = true;
    try {
      const { summary, exitCode } = await importFile('bulk_identify_customers', file, '--concurrency', '1');
      expect(exitCode).toBe(1);
      expect(summary).toMatchObject({ total: 30, accepted: 0, failed: 30, stopped: { code: 'auth_error' } });
      expect(failedRecords(summary.failed_file!).map((r) => r.index).sort((a, b) => a - b)).toEqual([...Array(30).keys()]);
    } finally {
      refuseCredentials = false;
    }
  });

  it('refuses bad arguments as usage errors, before sending anything', async () => {
    const registry = await sharedRegistry();
    const csv = join(dir, 'no-identifier.csv');
    writeFileSync(csv, 'name,plan\nAda,pro\n');
    const cli = (...argv: string[]) => runCli(['import', ...argv], {}, registry);
    await expect(cli('customer-io', 'bulk_identify_customers', '--auth', AUTH)).rejects.toThrow('--file');
    await expect(cli('customer-io', 'send_batch', '--file', csv, '--auth', AUTH)).rejects.toBeInstanceOf(UsageError);
    await expect(cli('customer-io', 'bulk_identify_customers', '--file', join(dir, 'people.json'), '--auth', AUTH)).rejects.toThrow('.ndjson, .jsonl or .csv');
    await expect(cli('customer-io', 'bulk_identify_customers', '--file', join(dir, 'missing.csv'), '--auth', AUTH)).rejects.toThrow('cannot be read');
    await expect(cli('customer-io', 'bulk_identify_customers', '--file', csv, '--auth', AUTH, '--concurrency', '0')).rejects.toThrow('--concurrency');
    await expect(cli('customer-io', 'bulk_identify_customers', '--file', csv, '--auth', AUTH, '--failed', csv)).rejects.toThrow('--failed');
    await expect(cli('customer-io', 'bulk_identify_customers', '--file', csv, '--auth', AUTH)).rejects.toThrow('identifies the person');
    await expect(cli('customer-io', 'bulk_identify_customers', '--file', csv)).rejects.toThrow('--auth');
  });

  it('draws a progress bar on a TTY and lines elsewhere, with items/s and an ETA', async () => {
    const file = join(dir, 'progress.ndjson');
    writeFileSync(file, Array.from({ length: 50 }, (_, i) => JSON.stringify({ identifiers: { id: `p${i}x` } })).join('\n'));
    let drawn = '';
    const { output } = await runCli(['import', 'customer-io', 'bulk_identify_customers', '--file', file, '--auth', AUTH, '--origin', server.origin], {}, await sharedRegistry(), {
      progress: { isTTY: true, write: (text: string) => (drawn += text) },
    });
    expect(output).toMatchObject({ total: 50, accepted: 50 });
    // eslint-disable-next-line no-control-regex -- a redrawn bar ends by clearing the rest of its line (ESC [K)
    expect(drawn).toMatch(/\r\[#{24}\] 100\.0% 50\/50 · [\d,]+ items\/s · in 0:\d\d\x1b\[K\n$/);

    const state = { done: 250, accepted: 240, failed: 10, possibly_processed: 0, read: 300, bytes_read: 3000, file_bytes: 12000 };
    const plain = new ProgressBar({ write: () => true }, () => state);
    expect(plain.text()).toMatch(/^import: {2}25\.0% 250\/~1,200 items, [\d,]+ items\/s, ETA \d+:\d\d, 10 failed$/);
    const bar = new ProgressBar({ isTTY: true, write: () => true }, () => state);
    expect(bar.text()).toMatch(/^\[#{6}-{18}\] {2}25\.0% 250\/~1,200 · [\d,]+ items\/s · ETA \d+:\d\d, 10 failed$/);
  });
});

describe('import credentials', () => {
  it('that the auth form refuses are a usage error before the file is read, naming the field', async () => {
    const file = join(dir, 'people-noregion.ndjson');
    writeFileSync(file, '{"identifiers":{"id":"1"}}\n');
    const before = server.seen.length;
    const attempt = runCli(['import', 'customer-io', 'bulk_identify_customers', '--file', file, '--auth', 'env', '--origin', server.origin, '--quiet'], { CUSTOMERIO_SITE_ID: 'site-test', CUSTOMERIO_TRACK_API_KEY: 'key-test' }, await sharedRegistry());
    await expect(attempt).rejects.toThrow('the credentials cannot be used: "auth.region": is required (with --auth env, set CUSTOMERIO_REGION or pass --region)');
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    expect(server.seen.length).toBe(before);
  });
});
