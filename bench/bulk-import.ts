// npm run bench:import — a million people and a million events, as NDJSON and as CSV, imported
// by the CLI as a person runs it (`node bin/cio-connectors.js import …`, the build's code, a fresh
// process per import) against the loopback bench server, beside the floor of each file (reading,
// parsing and serialising it again, nothing else: bench/import-floor.mjs) measured in the same
// run. Then one profiled run per file (`--cpu-prof`, `--trace-gc`) says where the time goes
// (bench/cpu-breakdown.ts), and 1, 2 and 4 processes import the people file in shards
// (`--shard k/n`) sharing one Redis rate limiter. Writes the "Bulk import" section of
// docs/performance.md (only what lies between its markers; `npm run bench` writes the rest).
//
// `--baseline` writes bench/import-baseline.json instead: the figures and breakdown of the code
// as it is, which later runs print as "before" beside their own.
//
// Rounds alternate floor and import, so a slow spell of this shared machine hits both; each keeps
// its best round (noise only ever slows a round down). RSS is the worst of every round.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../runtime/loader.js';
import { gcOf, stagesOf, withoutGcLines, type GcSummary, type Stage } from './cpu-breakdown.js';
import { renderSection, type FileResult, type Report, type ScalingRun } from './import-report.js';
import { writeItems, type DataKind, type FileFormat } from './import-data.js';
import { benchRedis, runNode } from './processes.js';
import { startBenchServer, type BenchServer } from './server.js';

const ITEMS = Number(process.env.BENCH_IMPORT_ITEMS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_IMPORT_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_IMPORT_CONCURRENCY ?? 4);
const BASELINE = process.argv.includes('--baseline');
const AUTH = JSON.stringify({ site_id: 'site-bench', api_key: 'key-bench', region: 'us' });
const MAX_BATCH_BYTES = 511_999;

const root = packageRoot();
const cli = join(root, 'bin', 'cio-connectors.js');
const floorScript = join(root, 'bench', 'import-floor.mjs');
const baselineFile = join(root, 'bench', 'import-baseline.json');

const FILES: { name: string; kind: DataKind; format: FileFormat }[] = [
  { name: 'people.ndjson', kind: 'people', format: 'ndjson' },
  { name: 'events.ndjson', kind: 'events', format: 'ndjson' },
  { name: 'people.csv', kind: 'people', format: 'csv' },
  { name: 'events.csv', kind: 'events', format: 'csv' },
];
const OPERATION: Record<DataKind, string> = { people: 'bulk_identify_customers', events: 'bulk_track_events' };

const note = (text: string) => process.stderr.write(`${text}\n`);
const seconds = (ms: number) => ms / 1000;

interface ImportSummaryOut {
  total: number; accepted: number; failed: number; possibly_processed: number; batches: number;
  average_batch_bytes: number; average_batch_fill: number; seconds: number; max_rss_mb: number;
}

/** One import as a fresh CLI process; `extra` are more node or CLI arguments. */
async function importOnce(server: BenchServer, path: string, kind: DataKind, options: { node?: string[]; cli?: string[] } = {}) {
  const requestsBefore = server.requests();
  const run = await runNode([...(options.node ?? []), cli, 'import', 'customer-io', OPERATION[kind], '--file', path, '--origin', server.origin,
    '--auth', AUTH, '--concurrency', String(CONCURRENCY), '--quiet', ...(options.cli ?? [])]);
  if (run.code !== 0) throw new Error(`the import of ${path} exited ${run.code}:\n${run.stderr}\n${run.stdout.slice(0, 2000)}`);
  const summary = JSON.parse(withoutGcLines(run.stdout)) as ImportSummaryOut;
  return { run, summary, requests: server.requests() - requestsBefore };
}

async function floorOnce(path: string) {
  const run = await runNode([floorScript, path]);
  if (run.code !== 0) throw new Error(`the floor of ${path} exited ${run.code}:\n${run.stderr}`);
  return { run, measured: JSON.parse(run.stdout) as { items: number } };
}

/** The profiled run: CPU time by stage, and the collections --trace-gc counted. */
async function profileOnce(server: BenchServer, path: string, kind: DataKind, dir: string): Promise<{ stages: Record<Stage, number>; gc: GcSummary }> {
  const profiles = join(dir, `profile-${Date.now()}`);
  const { run } = await importOnce(server, path, kind, { node: ['--cpu-prof', '--cpu-prof-dir', profiles, '--trace-gc'] });
  // The main thread's profile is the largest one (other threads write their own).
  const file = readdirSync(profiles).map((name) => join(profiles, name)).sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
  const stages = stagesOf(JSON.parse(readFileSync(file, 'utf8')));
  rmSync(profiles, { recursive: true, force: true });
  return { stages, gc: gcOf(run.stdout) };
}

function commitOf(): string {
  try {
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'runtime', 'cli'], { cwd: root, encoding: 'utf8' }).trim() !== '';
    return `${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()}${dirty ? ' (with uncommitted changes)' : ''}`;
  } catch {
    return 'unknown';
  }
}

async function measureFile(server: BenchServer, file: (typeof FILES)[number], path: string, dir: string): Promise<FileResult> {
  const floors: number[] = [];
  const imports: { wall_ms: number; summary: ImportSummaryOut; rss_mb: number[]; requests: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const floor = await floorOnce(path);
    if (floor.measured.items !== ITEMS) throw new Error(`the floor of ${file.name} read ${floor.measured.items} items, not ${ITEMS}`);
    floors.push(floor.run.wall_ms);
    const { run, summary, requests } = await importOnce(server, path, file.kind);
    imports.push({ wall_ms: run.wall_ms, summary, rss_mb: run.rss_mb, requests });
    note(`${file.name} round ${round + 1}: floor ${seconds(floor.run.wall_ms).toFixed(2)} s, import ${seconds(run.wall_ms).toFixed(2)} s (${(run.wall_ms / floor.run.wall_ms).toFixed(2)}×), peak RSS ${summary.max_rss_mb} MB`);
  }
  const best = imports.reduce((a, b) => (b.wall_ms < a.wall_ms ? b : a));
  const at = (share: number) => best.rss_mb[Math.min(best.rss_mb.length - 1, Math.floor(share * best.rss_mb.length))] ?? NaN;
  const profile = await profileOnce(server, path, file.kind, dir);
  const floor_s = seconds(Math.min(...floors));
  const import_s = seconds(best.wall_ms);
  note(`${file.name}: floor ${floor_s.toFixed(2)} s, import ${import_s.toFixed(2)} s, ratio ${(import_s / floor_s).toFixed(2)}×`);
  return {
    file: file.name,
    items: ITEMS,
    bytes: statSync(path).size,
    floor_s,
    floor_rounds_s: floors.map(seconds),
    import_s,
    import_rounds_s: imports.map((i) => seconds(i.wall_ms)),
    import_own_s: best.summary.seconds,
    rss_peak_mb: Math.max(...imports.map((i) => Math.max(i.summary.max_rss_mb, ...i.rss_mb))),
    rss_curve_mb: [at(0.1), at(0.5), best.rss_mb.at(-1) ?? NaN],
    summary: best.summary,
    requests_match_batches: imports.every((i) => i.requests === i.summary.batches),
    all_accepted: imports.every((i) => i.summary.accepted === ITEMS && i.summary.total === ITEMS && i.summary.failed === 0 && i.summary.possibly_processed === 0),
    breakdown_ms: profile.stages,
    gc: profile.gc,
  };
}

/** `processes` imports of the people file at once, each its own shard, sharing the Redis limiter when there is one. */
async function scalingRun(server: BenchServer, path: string, processes: number, redisUrl: string | undefined): Promise<ScalingRun> {
  const requestsBefore = server.requests();
  const started = performance.now();
  const runs = await Promise.all(Array.from({ length: processes }, (_, k) =>
    importOnce(server, path, 'people', { cli: [...(processes > 1 ? ['--shard', `${k + 1}/${processes}`] : []), ...(redisUrl ? ['--rate-limit-redis', redisUrl] : [])] })));
  const wall_s = seconds(performance.now() - started);
  const items = runs.reduce((n, r) => n + r.summary.accepted, 0);
  const requests = server.requests() - requestsBefore;
  note(`scaling: ${processes} process(es): ${wall_s.toFixed(2)} s, ${Math.round(items / wall_s)} items/s, ${Math.round(requests / wall_s)} requests/s`);
  return { processes, wall_s, items, requests, peak_rss_mb: Math.max(...runs.map((r) => r.summary.max_rss_mb)) };
}

const dir = mkdtempSync(join(tmpdir(), 'cio-bench-import-'));
const server = await startBenchServer();
const redis = BASELINE ? undefined : await benchRedis();
try {
  const loadBefore = loadavg()[0]!;
  const paths = new Map<string, string>();
  for (const file of FILES) {
    const path = join(dir, file.name);
    const t = performance.now();
    await writeItems(path, file.kind, file.format, ITEMS);
    paths.set(file.name, path);
    note(`generated ${file.name}: ${ITEMS.toLocaleString('en-US')} ${file.kind}, ${(statSync(path).size / 2 ** 20).toFixed(1)} MB in ${seconds(performance.now() - t).toFixed(1)} s`);
  }
  const results: FileResult[] = [];
  for (const file of FILES) results.push(await measureFile(server, file, paths.get(file.name)!, dir));
  const scaling: ScalingRun[] = [];
  if (!BASELINE) for (const processes of [1, 2, 4]) scaling.push(await scalingRun(server, paths.get('people.ndjson')!, processes, redis?.url));
  const cpu = cpus();
  const report: Report = {
    measured_on: new Date().toISOString().slice(0, 10),
    commit: commitOf(),
    node: process.version,
    machine: `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
    load: [loadBefore, loadavg()[0]!],
    rounds: ROUNDS,
    concurrency: CONCURRENCY,
    files: results,
    max_body_bytes: server.maxBodyBytes(),
    max_batch_bytes: MAX_BATCH_BYTES,
    scaling,
    redis: redis ? redis.origin : undefined,
  };
  console.log(JSON.stringify(report, null, 2));
  if (BASELINE) {
    writeFileSync(baselineFile, `${JSON.stringify(report, null, 2)}\n`);
    note(`wrote ${baselineFile}`);
  } else {
    const before = existsSync(baselineFile) ? (JSON.parse(readFileSync(baselineFile, 'utf8')) as Report) : undefined;
    const { markdown, failedChecks } = renderSection(report, before);
    const docs = join(root, 'docs', 'performance.md');
    const START = '<!-- bulk-import:start -->';
    const END = '<!-- bulk-import:end -->';
    const current = existsSync(docs) ? readFileSync(docs, 'utf8') : '';
    const start = current.indexOf(START);
    const end = current.indexOf(END);
    const section = `${START}\n${markdown}\n${END}`;
    writeFileSync(docs, start !== -1 && end > start
      ? `${current.slice(0, start)}${section}${current.slice(end + END.length)}`
      : `${current.replace(/\n*$/, '')}${current ? '\n\n' : ''}${section}\n`);
    note(`wrote the Bulk import section of ${docs}`);
    if (failedChecks) process.exitCode = 1;
  }
} finally {
  redis?.stop();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
