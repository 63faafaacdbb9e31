// Interrupting `cio-connectors import` for real: the CLI runs as a child process (from the
// TypeScript sources) against a local /v2/batch that records every event id and line. It is
// killed with SIGKILL at seeded random points and resumed, stopped with SIGINT, and stopped with
// SIGTERM then SIGINT; every time, Customer.io ends up with each line exactly once, under one id.
import { afterAll, afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Checkpoint, ImportFailureRecord, ImportSummary } from '../cli/import.js';
import { EVENT_ID, eventLines, idsByLine, resumeArgs, runCliChild, seededRandom, startBatchServer, type BatchServer } from './import-helpers.js';

// Each child process starts tsx and loads the connectors (about a second on a busy machine).
jest.setTimeout(60_000);

const dir = mkdtempSync(join(tmpdir(), 'cio-import-interrupt-'));
let server: BatchServer; // one per test: batches are counted from 1
beforeEach(async () => {
  server = await startBatchServer();
});
afterEach(() => server.close());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const sortNumbers = (values: Iterable<number>) => [...values].sort((a, b) => a - b);
const figures = (what: string, value: unknown) => process.env.IMPORT_FIGURES && process.stderr.write(`${what}: ${JSON.stringify(value)}\n`);

function importArgs(file: string, ...extra: string[]): string[] {
  return ['import', 'customer-io', 'bulk_track_events', '--file', file, '--auth', 'env', '--origin', server.origin, '--concurrency', '2', ...extra];
}

function readFailed(path: string): ImportFailureRecord[] {
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as ImportFailureRecord) : [];
}

describe('import interrupted', () => {
  it('is killed with SIGKILL at three random points and resumed: every line arrives once, re-sent lines reuse their id', async () => {
    const lines = 3000;
    const file = join(dir, 'killed.ndjson');
    writeFileSync(file, eventLines(lines, { perBatch: 100 })); // 30 batches
    const checkpointFile = `${file}.failed.ndjson.checkpoint.json`;
    server.delayMs = 50;
    const random = seededRandom(20_251_203);
    const kills: { after_batches: number; watermark_line: number; in_flight: Checkpoint['in_flight'] }[] = [];

    for (let kill = 0; kill < 3; kill++) {
      const before = server.batches();
      const afterBatches = random(3, 8);
      // Killed on receiving the batch, before answering it: that batch is in flight.
      server.decide = (n) => {
        if (n - before !== afterBatches) return 'answer';
        run.child.kill('SIGKILL');
        return 'hold';
      };
      const run = runCliChild(importArgs(file, '--quiet', ...(kill > 0 ? ['--resume'] : [])));
      const { signal } = await run.exited;
      expect(signal).toBe('SIGKILL');
      const checkpoint = JSON.parse(readFileSync(checkpointFile, 'utf8')) as Checkpoint;
      kills.push({ after_batches: afterBatches, watermark_line: checkpoint.watermark_line, in_flight: checkpoint.in_flight });
    }
    server.decide = () => 'answer';
    const last = runCliChild(importArgs(file, '--quiet', '--resume'));
    expect(await last.exited).toEqual({ code: 0, signal: null });
    const summary = JSON.parse(last.stdout) as ImportSummary;
    expect(summary).toMatchObject({ read: lines, accepted: lines, failed: 0, possibly_processed: 0, resumed: { runs: 4 }, checkpoint: null });
    expect(existsSync(checkpointFile)).toBe(false);

    // What Customer.io saw: every line, each under exactly one id, so nothing was recorded twice.
    const byLine = idsByLine(server.received);
    expect(sortNumbers(byLine.keys())).toEqual(range(1, lines));
    const linesWithTwoIds = [...byLine].filter(([, ids]) => ids.size !== 1);
    expect(linesWithTwoIds).toEqual([]);
    const ids = new Set(server.received.map((r) => r.id));
    expect(ids.size).toBe(lines);
    expect([...ids].every((id) => EVENT_ID.test(id ?? ''))).toBe(true);
    const resent = server.received.length - lines;
    expect(resent).toBeGreaterThan(0); // the kills did cut batches off, and their lines went again
    figures('SIGKILL x3', { lines, kills, events_received: server.received.length, events_resent: resent, distinct_ids: ids.size, duplicates_recorded: ids.size - lines });
  });

  it('stops cleanly on SIGINT (exit 130, a summary that adds up, the failed file, the resume command) and resumes without sending an id twice', async () => {
    const lines = 2000;
    const bad: Record<number, string> = { 5: '{"identifiers":', 50: '[1]', 1900: '{"name":"x"}', 1950: 'nope' };
    const file = join(dir, 'sigint.ndjson');
    const failedFile = join(dir, 'sigint.failed.ndjson');
    writeFileSync(file, eventLines(lines, { perBatch: 100, bad }));
    server.delayMs = 100;
    server.decide = (n) => {
      if (n === 4) run.child.kill('SIGINT');
      return 'answer';
    };
    const run = runCliChild(importArgs(file, '--failed', failedFile));
    expect(await run.exited).toEqual({ code: 130, signal: null });

    const summary = JSON.parse(run.stdout) as ImportSummary;
    expect(summary.read).toBe(summary.accepted + summary.failed + summary.possibly_processed);
    expect(summary.total).toBe(summary.read);
    const watermark = summary.interrupted!.watermark_line;
    expect(watermark).toBeGreaterThan(100);
    expect(watermark).toBeLessThan(1900);
    // Everything read was sent and answered before exiting: the lines up to the watermark, no more.
    const good = range(1, watermark).filter((line) => !bad[line]);
    expect(sortNumbers(server.received.map((r) => r.line))).toEqual(good);
    expect(summary).toMatchObject({ read: watermark, accepted: good.length, failed: 2, possibly_processed: 0, checkpoint: `${failedFile}.checkpoint.json`, failed_file: failedFile });
    expect(readFailed(failedFile).map((r) => r.line)).toEqual([5, 50]);
    // The progress line counts what Customer.io acknowledged, not what was in flight.
    expect(run.stderr).toMatch(new RegExp(`import: +[\\d.]+% ${(summary.accepted + summary.failed).toLocaleString('en-US')}/~[\\d,]+ items.*\\(interrupted\\)`));
    // The exact command: the same arguments (credentials from the environment, as given) and --resume.
    const args = resumeArgs(run.stderr);
    expect([...args].sort()).toEqual([...importArgs(file, '--failed', failedFile), '--resume'].sort());

    const sentBefore = server.received.length;
    server.decide = () => 'answer';
    server.delayMs = 0;
    const resumed = runCliChild(args);
    expect(await resumed.exited).toEqual({ code: 1, signal: null }); // the 4 bad lines failed
    const total = JSON.parse(resumed.stdout) as ImportSummary;
    expect(total).toMatchObject({ read: lines, accepted: lines - 4, failed: 4, possibly_processed: 0, checkpoint: null, resumed: { from_line: watermark + 1, runs: 2 } });
    expect(readFailed(failedFile).map((r) => r.line)).toEqual([5, 50, 1900, 1950]);
    const ids = server.received.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length); // not one id sent twice
    expect(sortNumbers(server.received.map((r) => r.line))).toEqual(range(1, lines).filter((line) => !bad[line]));
    figures('SIGINT', { lines, interrupted_after_batches: 4, watermark_line: watermark, sent_before: sentBefore, sent_after_resume: ids.length - sentBefore, ids_sent_twice: ids.length - new Set(ids).size });
  });

  it('stops on SIGTERM, cancels the batches in flight on a second signal at once, keeps their ids in the failed file, and resume sends them again with the same ids', async () => {
    const lines = 2000;
    const file = join(dir, 'twice.ndjson');
    writeFileSync(file, eventLines(lines, { perBatch: 100 }));
    let secondSignalAt = 0;
    // Batches 3 and 4 are never answered (a Customer.io that hangs): the first SIGINT waits for them.
    server.decide = (n) => {
      if (n < 3) return 'answer';
      if (n === 4) {
        run.child.kill('SIGTERM');
        setTimeout(() => {
          secondSignalAt = performance.now();
          run.child.kill('SIGINT');
        }, 300);
      }
      return 'hold';
    };
    const run = runCliChild(importArgs(file, '--quiet'));
    expect(await run.exited).toEqual({ code: 130, signal: null });
    const exitMs = performance.now() - secondSignalAt;
    expect(exitMs).toBeLessThan(3000); // not the 30 s the first signal would wait

    const summary = JSON.parse(run.stdout) as ImportSummary;
    expect(summary.read).toBe(summary.accepted + summary.failed + summary.possibly_processed);
    const held = server.received.filter((r) => r.batch >= 3);
    expect(summary.possibly_processed).toBe(held.length);
    expect(summary.accepted).toBe(server.received.length - held.length);
    // The cut-off batches are in the failed file as possibly processed, each item with the id it was sent with.
    const records = readFailed(`${file}.failed.ndjson`);
    expect(records.every((r) => r.reason === 'possibly_processed')).toBe(true);
    const sentIdOfLine = new Map(held.map((r) => [r.line, r.id]));
    expect(new Map(records.map((r) => [r.line, (r.item as { id: string }).id]))).toEqual(sentIdOfLine);
    // The checkpoint keeps them open: the watermark stops before them, and they are listed.
    const checkpoint = JSON.parse(readFileSync(summary.checkpoint!, 'utf8')) as Checkpoint;
    expect(checkpoint.watermark_line).toBe(Math.min(...held.map((r) => r.line)) - 1);
    expect(checkpoint.in_flight.map((b) => [b.first_line, b.last_line])).toEqual(
      [3, 4].map((n) => server.received.filter((r) => r.batch === n)).map((b) => [Math.min(...b.map((r) => r.line)), Math.max(...b.map((r) => r.line))]).sort((a, b) => a[0]! - b[0]!),
    );

    server.decide = () => 'answer';
    const resumed = runCliChild(resumeArgs(run.stderr));
    expect(await resumed.exited).toEqual({ code: 0, signal: null });
    expect(JSON.parse(resumed.stdout)).toMatchObject({ read: lines, accepted: lines, failed: 0, possibly_processed: 0, failed_file: null });
    const byLine = idsByLine(server.received);
    expect(sortNumbers(byLine.keys())).toEqual(range(1, lines));
    expect([...byLine.values()].every((ids) => ids.size === 1)).toBe(true);
    expect(new Set(server.received.map((r) => r.id)).size).toBe(lines);
    figures('second SIGINT', { lines, held_batches: 2, possibly_processed: summary.possibly_processed, exit_ms_after_second_signal: Math.round(exitMs), resent: server.received.length - lines });
  });
});
