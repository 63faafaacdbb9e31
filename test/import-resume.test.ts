// Checkpoints, --resume and answers that never come, in-process against a local /v2/batch: a
// server that dies with a batch received, progress that counts only what was answered, and a
// resume that is refused for another file or operation and keeps the failed file consistent.
import { afterAll, afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFile, type Checkpoint, type ImportFailureRecord, type ImportProgress, type ImportSummary } from '../cli/import.js';
import { runCli, UsageError } from '../cli/main.js';
import { sharedRegistry } from './helpers.js';
import { AUTH, eventLines, idsByLine, startBatchServer, type BatchServer } from './import-helpers.js';

jest.setTimeout(30_000);

const dir = mkdtempSync(join(tmpdir(), 'cio-import-resume-'));
let server: BatchServer;
beforeEach(async () => {
  server = await startBatchServer();
});
afterEach(() => server.close());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const AUTH_VALUES = JSON.parse(AUTH) as Record<string, unknown>;

function readFailed(path: string): ImportFailureRecord[] {
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as ImportFailureRecord) : [];
}

/** Notes and resume commands the in-process runs print. */
let messages = '';
async function cli(argv: string[], io: Parameters<typeof runCli>[3] = {}) {
  const quiet = io?.progress ? [] : ['--quiet'];
  const { output, exitCode } = await runCli(['import', 'customer-io', ...argv, '--auth', AUTH, '--origin', server.origin, ...quiet], {}, await sharedRegistry(), {
    messages: { write: (text: string) => (messages += text) },
    ...io,
  });
  return { summary: output as ImportSummary, exitCode };
}

describe('a batch whose answer never came', () => {
  it('is reported as possibly processed with the ids it was sent with (not as failed), and importing the failed file sends those ids again', async () => {
    const file = join(dir, 'dies.ndjson');
    writeFileSync(file, eventLines(1000, { perBatch: 100 }));
    // The server takes batch 3 and dies before answering: that connection breaks, later ones are refused.
    server.decide = (n) => {
      if (n === 3) void server.server.close();
      return n === 3 ? 'hold' : 'answer';
    };
    const summary = await importFile(await sharedRegistry(), {
      operation: 'bulk_track_events', file, auth: AUTH_VALUES, concurrency: 1, progress: null,
      execute: { origin: server.origin, retry: { maxAttempts: 1 } },
    });

    const third = server.received.filter((r) => r.batch === 3);
    expect(third.length).toBeGreaterThan(50);
    expect(summary).toMatchObject({ read: 1000, possibly_processed: third.length, accepted: server.received.filter((r) => r.batch < 3).length });
    expect(summary.read).toBe(summary.accepted + summary.failed + summary.possibly_processed);
    const records = readFailed(summary.failed_file!);
    const possibly = records.filter((r) => r.reason === 'possibly_processed');
    // Exactly the items Customer.io received, each with the id it received.
    expect(new Map(possibly.map((r) => [(r.item as { data: { line: number } }).data.line, (r.item as { id: string }).id]))).toEqual(new Map(third.map((r) => [r.line, r.id])));
    expect(possibly[0]!.message).toMatch(/may have stored it/);
    // The batches after it never reached a server (connection refused): plain failures.
    expect(records.filter((r) => r.reason !== 'possibly_processed').every((r) => r.reason === 'api_error' && /ECONNREFUSED/.test(r.message))).toBe(true);

    // Importing the failed file (to a server that is up) sends the possibly processed events with the same ids.
    const again = await startBatchServer();
    try {
      const failedFile = summary.failed_file!;
      const resend = await importFile(await sharedRegistry(), { operation: 'bulk_track_events', file: failedFile, failedFile: `${failedFile}.again.ndjson`, auth: AUTH_VALUES, progress: null, execute: { origin: again.origin } });
      expect(resend).toMatchObject({ read: records.length, accepted: records.length });
      const resent = new Map(again.received.map((r) => [r.line, r.id]));
      for (const r of third) expect(resent.get(r.line)).toBe(r.id);
      if (process.env.IMPORT_FIGURES) process.stderr.write(`server died: ${JSON.stringify({ lines: 1000, received_by_dead_server: third.length, possibly_processed: summary.possibly_processed, failed: summary.failed, resent_same_id: third.length })}\n`);
    } finally {
      await again.close();
    }
  });
});

describe('progress', () => {
  it('counts only items Customer.io has answered, never those in flight', async () => {
    const file = join(dir, 'progress.ndjson');
    writeFileSync(file, eventLines(1500, { perBatch: 100 }));
    server.delayMs = 30;
    const samples: { progress: ImportProgress; answered: number; received: number }[] = [];
    let drawn = '';
    const { summary } = await cli(['bulk_track_events', '--file', file], {
      onProgress: (progress) => samples.push({ progress, answered: server.answeredItems(), received: server.received.length }),
    });
    expect(samples.length).toBeGreaterThan(5);
    for (const { progress, answered } of samples) expect(progress.accepted).toBeLessThanOrEqual(answered);
    // …while batches were in flight: the server had received more than it had answered.
    expect(samples.some(({ progress, received }) => received > progress.accepted)).toBe(true);
    expect(samples.at(-1)!.progress).toMatchObject({ accepted: 1500, done: 1500, possibly_processed: 0 });
    expect(summary.accepted).toBe(server.answeredItems());

    // The bar's last line shows what was answered, and the possibly processed apart.
    const stop = new AbortController();
    const abort = new AbortController();
    server.received.length = 0;
    const base = server.batches();
    server.decide = (n) => {
      // Batch 5 has reached the server and is never answered (nor are later ones): stop, then
      // give up waiting. Tied to that batch, not to a clock, so a slow machine sees the same.
      if (n - base === 5) {
        stop.abort();
        setTimeout(() => abort.abort(), 50);
      }
      return n - base >= 5 ? 'hold' : 'answer';
    };
    const stopped = await cli(['bulk_track_events', '--file', file], { progress: { write: (t: string) => (drawn += t) }, stop: stop.signal, abort: abort.signal });
    expect(stopped.exitCode).toBe(130);
    const last = drawn.trim().split('\n').at(-1)!;
    expect(last).toMatch(new RegExp(`^import: +[\\d.]+% ${stopped.summary.accepted.toLocaleString('en-US')}/~[\\d,]+ items, .*, ${stopped.summary.possibly_processed} possibly processed \\(interrupted\\)$`));
    expect(stopped.summary.possibly_processed).toBeGreaterThan(0);
  });
});

describe('--resume', () => {
  it('goes on from the checkpoint, refuses another file or operation, keeps only the failed records up to the watermark', async () => {
    const lines = 1000;
    const bad = { 10: '{"identifiers":', 900: '{"name":"no one"}' };
    const file = join(dir, 'resume.ndjson');
    const content = eventLines(lines, { perBatch: 100, bad });
    writeFileSync(file, content);
    const failedFile = `${file}.failed.ndjson`;
    const checkpointFile = `${failedFile}.checkpoint.json`;
    server.delayMs = 20;
    const stop = new AbortController();
    server.decide = (n) => {
      if (n === 3) stop.abort();
      return 'answer';
    };
    const first = await cli(['bulk_track_events', '--file', file], { stop: stop.signal });
    expect(first.exitCode).toBe(130);
    const watermark = first.summary.interrupted!.watermark_line;
    expect(watermark).toBeGreaterThan(10);
    expect(watermark).toBeLessThan(900);
    const checkpoint = JSON.parse(readFileSync(checkpointFile, 'utf8')) as Checkpoint;
    expect(checkpoint).toMatchObject({ version: 1, operation: 'bulk_track_events', watermark_line: watermark, in_flight: [], file_bytes: Buffer.byteLength(content), counts: { read: watermark, failed: 1 } });
    expect(checkpoint.file_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readFailed(failedFile).map((r) => r.line)).toEqual([10]);

    // Another file's content, another operation: refused, and the checkpoint stays.
    appendFileSync(file, eventLines(1));
    await expect(cli(['bulk_track_events', '--file', file, '--resume'])).rejects.toThrow(/--resume: .* is not the file the checkpoint was written for/);
    writeFileSync(file, content);
    await expect(cli(['bulk_identify_customers', '--file', file, '--resume'])).rejects.toThrow('the checkpoint is of bulk_track_events');
    expect(existsSync(checkpointFile)).toBe(true);

    // A record of a line past the watermark (as a kill can leave) is dropped: that line is read again.
    appendFileSync(failedFile, `${JSON.stringify({ line: watermark + 5, index: 0, reason: 'possibly_processed', message: 'x', item: {} })}\n{"line":9`);
    const sentBefore = server.received.length;
    server.decide = () => 'answer';
    const resumed = await cli(['bulk_track_events', '--file', file, '--resume']);
    expect(resumed.exitCode).toBe(1);
    expect(resumed.summary).toMatchObject({ read: lines, accepted: lines - 2, failed: 2, possibly_processed: 0, checkpoint: null, resumed: { from_line: watermark + 1, runs: 2 }, identified_by: { id: lines - 2 } });
    expect(readFailed(failedFile).map((r) => r.line)).toEqual([10, 900]);
    expect(existsSync(checkpointFile)).toBe(false);
    expect(Math.min(...server.received.slice(sentBefore).map((r) => r.line))).toBe(watermark + 1);
    const byLine = idsByLine(server.received);
    expect(byLine.size).toBe(lines - 2);
    expect(new Set(server.received.map((r) => r.id)).size).toBe(server.received.length);

    await expect(cli(['bulk_track_events', '--file', file, '--resume'])).rejects.toThrow(/no checkpoint/);
    await expect(cli(['bulk_track_events', '--file', file, '--resume'])).rejects.toBeInstanceOf(UsageError);
  });

  it('resumes people imports too (upserts, no ids needed)', async () => {
    const file = join(dir, 'people.csv');
    const people = 3000; // about 6 batches
    writeFileSync(file, `id,plan\n${Array.from({ length: people }, (_, i) => `p${i + 1},${'pro'.padEnd(900, '.')}`).join('\n')}\n`);
    server.delayMs = 20;
    const stop = new AbortController();
    server.decide = (n) => {
      if (n === 1) stop.abort();
      return 'answer';
    };
    const first = await cli(['bulk_identify_customers', '--file', file, '--concurrency', '1'], { stop: stop.signal });
    expect(first.exitCode).toBe(130);
    expect(first.summary.read).toBeLessThan(people);
    const resumed = await cli(['bulk_identify_customers', '--file', file, '--resume']);
    expect(resumed).toMatchObject({ exitCode: 0, summary: { read: people, accepted: people, identified_by: { id: people } } });
    // Each person went out once: the first run's lines were not sent again.
    expect(server.received.length).toBe(people);
  });

  it('reads a CSV on as the interrupted run did (--delimiter, --encoding, --column), and refuses another reading', async () => {
    const file = join(dir, 'people-semicolon.csv');
    const people = 3000;
    const rows = Array.from({ length: people }, (_, i) => `p${i + 1};Ren\u00e9 ${'x'.padEnd(900, '.')}`);
    writeFileSync(file, Buffer.from(`user_id;name\n${rows.join('\n')}\n`, 'latin1'));
    server.delayMs = 20;
    server.received.length = 0;
    const stop = new AbortController();
    const base = server.batches();
    server.decide = (n) => {
      if (n - base === 1) stop.abort();
      return 'answer';
    };
    messages = '';
    const flags = ['--delimiter', ';', '--encoding', 'windows-1252', '--column', 'user_id=id'];
    const first = await cli(['bulk_identify_customers', '--file', file, ...flags, '--concurrency', '1'], { stop: stop.signal });
    expect(first.exitCode).toBe(130);
    // The resume command printed repeats the reading.
    expect(messages).toContain(`--delimiter ';' --encoding windows-1252 --column user_id=id`);
    await expect(cli(['bulk_identify_customers', '--file', file, '--resume', '--delimiter', 'tab'])).rejects.toThrow("--resume: the interrupted run read the CSV with --delimiter ';' --encoding windows-1252 --column user_id=id; resume it the same way");
    // Without the flags, the checkpoint's reading is used.
    server.decide = () => 'answer';
    const resumed = await cli(['bulk_identify_customers', '--file', file, '--resume']);
    expect(resumed).toMatchObject({ exitCode: 0, summary: { read: people, accepted: people, identified_by: { id: people } } });
    expect(server.received.length).toBe(people);
  });
});
