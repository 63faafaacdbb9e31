// The "Bulk import" section of docs/performance.md, from one run of bench/bulk-import.ts and,
// when there is one, the baseline it keeps (bench/import-baseline.json: the same measurements of
// the code before a change, printed as "before").
import { STAGES, type GcSummary, type Stage } from './cpu-breakdown.js';

export interface FileResult {
  file: string;
  items: number;
  bytes: number;
  /** Best round, process wall clock, in seconds. */
  floor_s: number;
  floor_rounds_s: number[];
  import_s: number;
  import_rounds_s: number[];
  /** The import's own figure (from reading the file to the last answer), best round. */
  import_own_s: number;
  /** Worst RSS of any round: the process's peak, and the /proc samples. */
  rss_peak_mb: number;
  /** RSS at 10 %, 50 % and 100 % of the best round's time. */
  rss_curve_mb: number[];
  summary: { total: number; accepted: number; failed: number; batches: number; average_batch_bytes: number; average_batch_fill: number };
  requests_match_batches: boolean;
  all_accepted: boolean;
  breakdown_ms: Record<Stage, number>;
  gc: GcSummary;
}

export interface ScalingRun {
  processes: number;
  wall_s: number;
  items: number;
  requests: number;
  peak_rss_mb: number;
}

export interface Report {
  measured_on: string;
  commit: string;
  node: string;
  machine: string;
  /** One-minute load average when the run started and ended. */
  load: number[];
  rounds: number;
  concurrency: number;
  files: FileResult[];
  max_body_bytes: number;
  max_batch_bytes: number;
  scaling: ScalingRun[];
  redis: string | undefined;
}

const SECONDS_TARGET = 10;
const FLOOR_TARGET = 2.5;
const RSS_TARGET_MB = 150;
const CSV_TARGET = 1.5;
const CUSTOMER_IO_REQUESTS_PER_S = 1000;

const n = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mb = (bytes: number) => bytes / 2 ** 20;
const yes = (ok: boolean) => (ok ? 'yes' : '**no**');

/** The stages that cost most in a profiled run, largest first (idle excluded). */
function largest(result: FileResult, count: number): string {
  const stages = (Object.entries(result.breakdown_ms) as [Stage, number][]).filter(([stage]) => !stage.startsWith('idle'));
  const total = stages.reduce((sum, [, ms]) => sum + ms, 0);
  return stages.sort((a, b) => b[1] - a[1]).slice(0, count).map(([stage, ms]) => `${stage.replace(/ \(.*\)$/, '')} ${n(ms)} ms (${n((100 * ms) / total)} %)`).join(', ');
}

export function renderSection(report: Report, before: Report | undefined): { markdown: string; failedChecks: boolean } {
  const file = (name: string, from: Report | undefined = report) => from?.files.find((f) => f.file === name);
  const lines: string[] = [];
  const [people, events, peopleCsv, eventsCsv] = ['people.ndjson', 'events.ndjson', 'people.csv', 'events.csv'].map((name) => file(name)!);
  lines.push('## Bulk import', '');
  lines.push(
    `Measured on ${report.measured_on} with Node ${report.node} on ${report.machine} (commit ${report.commit}), by \`npm run bench:import\` ` +
      `(\`bench/bulk-import.ts\`), one-minute load average ${n(report.load[0]!, 1)} when it started and ${n(report.load[1]!, 1)} when it ended: ` +
      `${n(people!.items)} generated people and ${n(events!.items)} events, each as NDJSON and as CSV, imported by the CLI as a person runs it ` +
      `(\`node bin/cio-connectors.js import customer-io bulk_identify_customers|bulk_track_events --file … --concurrency ${report.concurrency}\`, the build's code, a fresh process per import) ` +
      'against the loopback bench server in the bench\'s own process, which answers every `/v2/batch` with 200. Beside each import, in the same run, the floor of its file: ' +
      'a fresh process that only reads the file, parses every line (CSV: every record, with csv-parse) and serialises it again with JSON.stringify (`bench/import-floor.mjs`). ' +
      `Times are process wall clock, start to exit; ${report.rounds} rounds alternate floor and import and each keeps its best round. ` +
      'RSS is the worst of every round: the process\'s own peak (`maxRSS`) and /proc samples every 100 ms. The CLI\'s own rate limiter is on (Customer.io\'s 1,000 requests/s), and never waits at these rates.',
    '',
  );
  lines.push('| file | items | size | floor (read + parse + serialise) | import | import ÷ floor | items/s | batches | average batch, fill of 500 KB | peak RSS | RSS at 10 % / 50 % / 100 % of the time |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const f of report.files) {
    lines.push(
      `| ${f.file} | ${n(f.items)} | ${n(mb(f.bytes), 1)} MB | ${n(f.floor_s, 2)} s | ${n(f.import_s, 2)} s | ${n(f.import_s / f.floor_s, 2)}× | ${n(f.items / f.import_s)} | ` +
        `${n(f.summary.batches)} | ${n(f.summary.average_batch_bytes / 1024, 1)} KB, ${n(f.summary.average_batch_bytes / (500 * 1024), 3)} | ${n(f.rss_peak_mb)} MB | ${f.rss_curve_mb.map((v) => n(v)).join(' / ')} MB |`,
    );
  }
  lines.push('', `Every round, in seconds (floor → import): ${report.files.map((f) => `${f.file} ${f.floor_rounds_s.map((s, i) => `${n(s, 2)} → ${n(f.import_rounds_s[i]!, 2)}`).join(', ')}`).join('; ')}.`);
  if (before) {
    lines.push('', `Before (${before.measured_on}, commit ${before.commit}, the same bench, load ${n(before.load[0]!, 1)} → ${n(before.load[1]!, 1)}): ` +
      before.files.map((f) => `${f.file} ${n(f.import_s, 2)} s against a floor of ${n(f.floor_s, 2)} s (${n(f.import_s / f.floor_s, 2)}×), peak RSS ${n(f.rss_peak_mb)} MB`).join('; ') + '.');
  }

  // Targets
  const rssPeak = Math.max(...report.files.map((f) => f.rss_peak_mb));
  const targets: { target: string; measured: string; ok: boolean; why?: string }[] = [
    ...[people!, events!].map((f) => ({
      target: `${n(f.items)} ${f.file.startsWith('people') ? 'people' : 'events'} (${f.file}) in under ${SECONDS_TARGET} s`,
      measured: `${n(f.import_s, 2)} s`,
      ok: f.import_s < SECONDS_TARGET,
      why: `largest stages of the profiled run: ${largest(f, 3)}`,
    })),
    ...[people!, events!].map((f) => ({
      target: `${f.file}: at most ${FLOOR_TARGET}× its read + parse + serialise floor`,
      measured: `${n(f.import_s, 2)} s ÷ ${n(f.floor_s, 2)} s = ${n(f.import_s / f.floor_s, 2)}×`,
      ok: f.import_s / f.floor_s <= FLOOR_TARGET,
      why: `what the floor does not do, largest first: ${largest(f, 4)}`,
    })),
    {
      target: `RSS under ${RSS_TARGET_MB} MB throughout, every import`,
      measured: `peak ${n(rssPeak)} MB (${report.files.map((f) => `${f.file} ${n(f.rss_peak_mb)}`).join(', ')})`,
      ok: rssPeak < RSS_TARGET_MB,
    },
    ...[[peopleCsv!, people!], [eventsCsv!, events!]].map(([csv, ndjson]) => ({
      target: `${csv!.file}: at most ${CSV_TARGET}× the NDJSON import of the same items`,
      measured: `${n(csv!.import_s, 2)} s ÷ ${n(ndjson!.import_s, 2)} s = ${n(csv!.import_s / ndjson!.import_s, 2)}×`,
      ok: csv!.import_s / ndjson!.import_s <= CSV_TARGET,
      why: `largest stages of the CSV's profiled run: ${largest(csv!, 3)}`,
    })),
  ];
  lines.push('', '| target | measured | met |', '|---|---|---|');
  for (const t of targets) lines.push(`| ${t.target} | ${t.measured} | ${yes(t.ok)} |`);
  const missed = targets.filter((t) => !t.ok);
  if (missed.length) lines.push('', `**Not met, and why.** ${missed.map((t) => `${t.target}: ${t.measured}${t.why ? `; ${t.why}` : ''}`).join('. ')}.`);

  // Breakdown
  lines.push('', '### Where the time goes', '');
  lines.push(
    'One more import of each file runs with `--cpu-prof --trace-gc`; every sample of its main thread is charged to the first stage, in the order of `bench/cpu-breakdown.ts`, that a frame of its stack belongs to ' +
      '(a read for the hash pass is the hash pass\'s, the batch body\'s JSON.stringify is serialising even under the sending code). Milliseconds of profiled CPU time' +
      (before ? `; "before" is the baseline (commit ${before.commit}), "after" this run.` : '.'),
    '',
  );
  const cols = report.files.map((f) => f.file);
  lines.push(`| stage | ${cols.map((c) => (before ? `${c} before | after` : c)).join(' | ')} |`);
  lines.push(`|---|${cols.map(() => (before ? '---|---' : '---')).join('|')}|`);
  const cell = (f: FileResult | undefined, stage: Stage) => (f ? n(f.breakdown_ms[stage]) : '–');
  for (const stage of STAGES) {
    lines.push(`| ${stage} | ${cols.map((c) => (before ? `${cell(file(c, before), stage)} | ${cell(file(c), stage)}` : cell(file(c), stage))).join(' | ')} |`);
  }
  const total = (f: FileResult | undefined) => (f ? n(Object.values(f.breakdown_ms).reduce((a, b) => a + b, 0)) : '–');
  lines.push(`| **profiled total** | ${cols.map((c) => (before ? `${total(file(c, before))} | ${total(file(c))}` : total(file(c)))).join(' | ')} |`);
  const gc = (f: FileResult | undefined) => (f ? `${n(f.gc.scavenges)} + ${n(f.gc.mark_compacts)}, ${n(f.gc.pause_ms)} ms` : '–');
  lines.push(`| collections (\`--trace-gc\`: scavenges + mark-compacts, pauses) | ${cols.map((c) => (before ? `${gc(file(c, before))} | ${gc(file(c))}` : gc(file(c)))).join(' | ')} |`);

  // Scaling
  if (report.scaling.length) {
    const one = report.scaling.find((s) => s.processes === 1)!;
    const perProcess = one.requests / one.wall_s;
    const itemsPerRequest = one.items / one.requests;
    const needed = Math.ceil(CUSTOMER_IO_REQUESTS_PER_S / perProcess);
    lines.push('', '### Several processes on one file', '');
    lines.push(
      `The people file imported by 1, 2 and 4 processes at once, process *k* of *n* with \`--shard k/n\` (the lines that start in the *k*-th *n*-th of the file's bytes; line numbers, and so event ids, stay the file's), ` +
        (report.redis ? `all sharing one Redis rate limiter (\`--rate-limit-redis\`; the Redis ${report.redis === 'REDIS_URL' ? 'REDIS_URL names' : 'the bench started'}).` : 'without a shared rate limiter (no Redis answered and redis-server could not be started).') +
        ' Wall clock from the first start to the last exit.',
      '',
    );
    lines.push('| processes | wall clock | items/s | requests/s | speed-up | peak RSS of one process |', '|---|---|---|---|---|---|');
    for (const s of report.scaling) {
      lines.push(`| ${s.processes} | ${n(s.wall_s, 2)} s | ${n(s.items / s.wall_s)} | ${n(s.requests / s.wall_s)} | ${n(one.wall_s / s.wall_s, 2)}× | ${n(s.peak_rss_mb)} MB |`);
    }
    const over = report.scaling.filter((s) => s.peak_rss_mb >= RSS_TARGET_MB);
    lines.push(
      '',
      (over.length
        ? `With ${over.map((s) => s.processes).join(' and ')} processes one process reached ${over.map((s) => `${n(s.peak_rss_mb)} MB`).join(' and ')}: more processes than cores each wait for one, their batches stay out longer, and more of what those batches hold outlives the young generation. `
        : '') +
        `Each process works on one core: ${report.machine.split(' × ')[0]} cores here, shared with the bench server, so 2 processes can at best halve the time and 4 cannot do better than 2. ` +
        `Projection to Customer.io's documented ${n(CUSTOMER_IO_REQUESTS_PER_S)} requests/s: one process sends ${n(perProcess)} requests/s of ${n(itemsPerRequest)} people each, ` +
        `so ${n(CUSTOMER_IO_REQUESTS_PER_S)} requests/s takes about ${n(needed)} processes on as many cores (${n(CUSTOMER_IO_REQUESTS_PER_S * itemsPerRequest)} people/s, ` +
        `${n((CUSTOMER_IO_REQUESTS_PER_S * report.files[0]!.summary.average_batch_bytes * 8) / 1e9, 1)} Gbit/s of request bodies): past that, the shared limiter holds them to the rate, and before it the uplink is likely the limit. ` +
        'The processes share the rate through Redis (one start per millisecond for the whole workspace, whichever process takes it), so adding processes never goes over it.',
    );
  }

  // Worker threads
  const one = report.scaling.find((r) => r.processes === 1);
  const two = report.scaling.find((r) => r.processes === 2);
  const stages = people!.breakdown_ms;
  const offloadable = stages['read the file'] + stages['parse (lines or CSV records into items)'] + stages['validate (item schema, keys)'] + stages['event ids'] + stages['serialise and pack batches'];
  const profiled = (Object.entries(stages) as [Stage, number][]).filter(([stage]) => !stage.startsWith('idle') && !stage.startsWith('start-up')).reduce((sum, [, ms]) => sum + ms, 0);
  lines.push('', '### Why not worker threads', '');
  lines.push(
    `Reading, parsing, checking and serialising the people file is ${n((100 * offloadable) / profiled)} % of its import's CPU time (start-up and idle left out); a worker thread could take that off the thread that sends and settles batches, at best ${n(profiled / Math.max(offloadable, profiled - offloadable), 2)}× faster with a core of its own. ` +
      (one && two ? `Two processes on this machine's two cores, which is what a second thread would get, import the same file ${n(one.wall_s / two.wall_s, 2)}× as fast as one (the bench server and the neighbours share those cores). ` : '') +
      'A worker would pass every batch, and every item\'s outcome, between threads, and each guarantee (the ledger, the failed file, the checkpoint, resume) would cross that boundary; `--shard` gives the same parallelism with none of it, and on more machines than one. So one import is one thread, and more cores are more processes.',
  );

  // What made the difference
  lines.push('', '### What makes the import fast', '');
  lines.push(
    '- **Each item serialised once, into the request.** The entry template of the bulk operation becomes, once, a function returning one object literal of its keys (`runtime/runners/bulk/entry-serialiser.ts`); one JSON.stringify gives the entry\'s text, its byte length packs it (`pack.ts`), and it is encoded straight into the batch body\'s bytes (`batch-body.ts`), which planning sends as they are (`runtime/packed-list.ts`). Before, an entry was built as an object, serialised to measure it, and the batch serialised again to send it, then copied for the socket.',
    '- **Bodies in reused buffers.** A batch\'s buffer is written again once its request is over: `concurrency + 1` bodies for a whole import instead of a 500 KB string or two per batch, which only full collections give back.',
    '- **Checked as the build compiled it.** Items go through the precompiled validator of the item schema, without the byte limits the entry\'s own 32 KB implies (measuring event data\'s 100 KB serialised it once more: four fifths of checking an event).',
    '- **No promise per item.** The reader hands over a read chunk\'s rows at a time and the loop adds each item synchronously; it awaits only when `concurrency` batches are in flight, once a batch.',
    '- **Little kept while a batch is out.** An item waiting for its batch\'s answer is its ledger entry and where it can be read again from (its NDJSON line\'s place in the file, or its CSV record\'s text), read again only if it fails; its event id is made again from its line. What outlives the young generation is small, so collections stay cheap and RSS flat.',
    '- **Reading.** NDJSON in 64 KB reads into two buffers, the next read while this chunk is parsed (larger reads mean longer stretches between two looks at the answers that came in, and more kept alive meanwhile; one read at a time left the thread idle through each); CSV without csv-parse\'s per-record info object, plain rows (ASCII, nothing cut) the short way, 16 KB reads so no records wait in the stream, and chunks the record guard passes on uncopied.',
    '- **Checkpoints off the main thread.** They are still written at most 100 ms after a batch is answered, but their fsyncs wait in libuv\'s pool rather than stopping the import.',
  );

  // Checks
  const checks = [
    { what: 'every item accounted for and accepted (accepted + failed = total, exit code 0, every round)', ok: report.files.every((f) => f.all_accepted) },
    { what: `every batch under 500 KB (largest body received: ${n(report.max_body_bytes)} bytes)`, ok: report.max_body_bytes <= report.max_batch_bytes },
    { what: 'average batch fill ≥ 0.9 of 500 KB', ok: report.files.every((f) => f.summary.average_batch_bytes / (500 * 1024) >= 0.9) },
    { what: 'one request per batch (no retries, nothing lost)', ok: report.files.every((f) => f.requests_match_batches) },
    ...(report.scaling.length ? [{ what: 'the shards of every process count together accepted every item of the file', ok: report.scaling.every((s) => s.items === report.files[0]!.items) }] : []),
  ];
  lines.push('', `${checks.map((c) => `${c.ok ? '✔' : '✘'} ${c.what}`).join('; ')}.`);
  return { markdown: lines.join('\n'), failedChecks: checks.some((c) => !c.ok) };
}
