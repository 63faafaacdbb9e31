// npm run bench:import — generates 1,000,000 people as an NDJSON file (streamed to a temp dir),
// imports them with the CLI's `import customer-io bulk_identify_customers` against the loopback
// bench server, samples RSS every 500 ms, and writes the "Bulk import" section of
// docs/performance.md (only what lies between its markers; `npm run bench` writes the rest).
//
// The client-side rate limiter is off: the point is constant memory and batch packing, not
// Customer.io's request rate (with it on, the run would mostly measure the limiter's waits).
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/main.js';
import type { ImportProgress, ImportSummary } from '../cli/import.js';
import { packageRoot } from '../runtime/loader.js';
import { loadConnectors } from '../runtime/index.js';
import { startBenchServer } from './server.js';

const ITEMS = Number(process.env.BENCH_IMPORT_ITEMS ?? 1_000_000);
const CONCURRENCY = Number(process.env.BENCH_IMPORT_CONCURRENCY ?? 4);
const SAMPLE_MS = 500;
const START = '<!-- bulk-import:start -->';
const END = '<!-- bulk-import:end -->';
const PLANS = ['free', 'basic', 'pro', 'enterprise'];
const CITIES = ['Lisbon', 'Oslo', 'Austin', 'Osaka', 'Nairobi', 'Lima'];

/** One person as a bulk_identify_customers item, about 200 bytes of NDJSON. */
function person(i: number): string {
  return JSON.stringify({
    identifiers: { id: `person-${String(i).padStart(7, '0')}` },
    attributes: {
      email: `person-${i}@example.com`,
      first_name: `First${i % 997}`,
      plan: PLANS[i % PLANS.length],
      city: CITIES[i % CITIES.length],
      created_at: 1_700_000_000 + (i % 31_536_000),
      score: i % 100,
    },
  });
}

/** Writes the file in chunks of 1,000 lines, waiting for the disk rather than buffering. */
async function generate(path: string, count: number): Promise<void> {
  const out = createWriteStream(path);
  for (let start = 0; start < count; start += 1000) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(count, start + 1000); i++) lines.push(person(i));
    if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

const mb = (bytes: number) => bytes / 1024 / 1024;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const dir = mkdtempSync(join(tmpdir(), 'cio-bulk-import-'));
const file = join(dir, 'people.ndjson');
try {
  let t = performance.now();
  await generate(file, ITEMS);
  const fileBytes = statSync(file).size;
  process.stderr.write(`generated ${fmt(ITEMS)} people (${fmt(mb(fileBytes), 1)} MB) in ${fmt((performance.now() - t) / 1000, 1)} s\n`);

  const server = await startBenchServer();
  const registry = await loadConnectors({ rateLimiter: false });
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = process.memoryUsage.rss();

  let progress: ImportProgress | undefined;
  const samples: { seconds: number; rss: number; done: number }[] = [];
  t = performance.now();
  const sample = () => samples.push({ seconds: (performance.now() - t) / 1000, rss: process.memoryUsage.rss(), done: progress?.done ?? 0 });
  const sampler = setInterval(sample, SAMPLE_MS);
  const { output, exitCode } = await runCli(
    ['import', 'customer-io', 'bulk_identify_customers', '--file', file, '--origin', server.origin, '--concurrency', String(CONCURRENCY),
      '--auth', JSON.stringify({ site_id: 'site-bench', api_key: 'key-bench', region: 'us' })],
    {},
    registry,
    { progress: process.stderr, onProgress: (p) => (progress = p) },
  );
  clearInterval(sampler);
  sample();
  const summary = output as ImportSummary;
  const requests = server.requests();
  await server.close();

  // RSS at the first sample that had settled 10% / 50% of the items, and at the end.
  const at = (share: number) => samples.find((s) => s.done >= share * ITEMS) ?? samples.at(-1)!;
  const rss = { p10: mb(at(0.1).rss), p50: mb(at(0.5).rss), p100: mb(samples.at(-1)!.rss), max: mb(Math.max(...samples.map((s) => s.rss))) };
  const deciles = Array.from({ length: 10 }, (_, i) => mb(i === 9 ? samples.at(-1)!.rss : at((i + 1) / 10).rss));
  // The summary rounds the fill to 3 places; from the average size it reads to 4.
  const fill = summary.average_batch_bytes / (500 * 1024);
  const accounted = summary.accepted + summary.failed === summary.total && summary.total === ITEMS;
  const checks = [
    { what: `every item accounted for (accepted + failed = total = ${fmt(ITEMS)})`, ok: accounted },
    { what: 'average batch fill ≥ 0.9 of 500 KB', ok: summary.average_batch_fill >= 0.9 && fill >= 0.9 },
    { what: 'one request per batch (no retries, nothing lost)', ok: requests === summary.batches },
    { what: 'every item accepted (exit code 0)', ok: exitCode === 0 && summary.failed === 0 },
  ];
  console.log(JSON.stringify({ summary, rss_mb: rss, rss_by_decile_mb: deciles.map((v) => Math.round(v)), rss_before_mb: mb(rssBefore), samples: samples.length, requests, checks }, null, 2));

  const date = new Date().toISOString().slice(0, 10);
  const cpu = cpus();
  const section = [
    START,
    '## Bulk import',
    '',
    `Measured on ${date} with Node ${process.version} on ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, by \`npm run bench:import\` (\`bench/bulk-import.ts\`): ` +
      `${fmt(ITEMS)} generated people (${fmt(mb(fileBytes), 1)} MB of NDJSON, written to a temp dir as a stream) imported by ` +
      `\`cio-connectors import customer-io bulk_identify_customers --concurrency ${CONCURRENCY}\` (the CLI's own code, in-process) against the loopback ` +
      'bench server, which answers every `/v2/batch` with 200. The client-side rate limiter is off: the point is constant memory and batch packing, ' +
      "not Customer.io's request rate. RSS is sampled every 500 ms during the import.",
    '',
    '| items | seconds | items/s | batches | average batch | average fill of 500 KB | max RSS | RSS at 10% / 50% / 100% | accepted + failed = total |',
    '|---|---|---|---|---|---|---|---|---|',
    `| ${fmt(summary.total)} | ${fmt(summary.seconds, 1)} | ${fmt(summary.items_per_second)} | ${fmt(summary.batches)} | ${fmt(summary.average_batch_bytes / 1024, 1)} KB | ` +
      `${fill.toFixed(4)} | ${fmt(rss.max)} MB | ${fmt(rss.p10)} / ${fmt(rss.p50)} / ${fmt(rss.p100)} MB | ` +
      `${fmt(summary.accepted)} + ${fmt(summary.failed)} = ${fmt(summary.total)} |`,
    '',
    `RSS was ${fmt(mb(rssBefore))} MB before the import (connectors loaded; the batch validators are compiled when the import starts), ` +
      `and at each tenth of the items ${deciles.map((v) => fmt(v)).join(' / ')} MB: flat, as the file is read line by line and only the open batch and those in flight are held. ` +
      `${summary.batches} batches of ${fmt(summary.total / summary.batches)} items on average (the last one holds the remainder).`,
    '',
    `${checks.map((c) => `${c.ok ? '✔' : '✘'} ${c.what}`).join('; ')}.`,
    END,
  ].join('\n');
  const docs = join(packageRoot(), 'docs', 'performance.md');
  const current = existsSync(docs) ? readFileSync(docs, 'utf8') : '';
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  const next = start !== -1 && end > start
    ? `${current.slice(0, start)}${section}${current.slice(end + END.length)}`
    : `${current.replace(/\n*$/, '')}${current ? '\n\n' : ''}${section}\n`;
  writeFileSync(docs, next);
  process.stderr.write(`wrote the Bulk import section of ${docs}\n`);
  if (checks.some((c) => !c.ok)) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
