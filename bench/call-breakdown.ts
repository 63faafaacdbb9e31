// Where one call's CPU time goes, execute() beside bare got: the contender runs once more in a
// fresh process under `--cpu-prof` (execute() from the unbundled build, so that its frames and
// got's are told apart by file), and each sample is charged to the nearest frame whose code it
// is: the runtime's, got's per-call options and request objects, got's promise interface,
// Node's HTTP client, the bench's own loop. Microseconds per call, over every call the process made.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../runtime/loader.js';
import { classifyProfile, type CpuProfile, type Frame, type Rule } from './cpu-breakdown.js';

const run = promisify(execFile);

export const CALL_STAGES = [
  'the runtime: validation, request, event id, redaction, envelope',
  "got: per-call options and request objects (new Options, merge, native request options)",
  "got: its promise interface (cancelable promise, body collection, .json())",
  'got: the rest (its instance, handlers, helpers)',
  "Node's HTTP client, sockets and streams",
  "the bench's loop",
  'garbage collection',
  'idle and other',
  'start-up (loading the code, once per process)',
] as const;
export type CallStage = (typeof CALL_STAGES)[number];

const has = (frame: Frame, ...parts: string[]) => parts.some((part) => frame.url.includes(part));

const RULES: Rule<CallStage>[] = [
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
  ['idle and other', (f) => f.functionName === '(idle)' || f.functionName === '(program)'],
  ['start-up (loading the code, once per process)', (f) =>
    has(f, 'node:internal/modules/', 'node:internal/bootstrap/', '/tsx/', '/runtime/loader.', '/runtime/prebuilt-definitions.', '/runtime/input/precompiled-validators.', '/runtime/registry.')],
  ['the runtime: validation, request, event id, redaction, envelope', (f) => has(f, '/dist/runtime/') || (f.url === '' && /^validate\d*$/.test(f.functionName))],
  ["got: per-call options and request objects (new Options, merge, native request options)", (f) => has(f, '/got/dist/source/core/')],
  ["got: its promise interface (cancelable promise, body collection, .json())", (f) => has(f, '/got/dist/source/as-promise/', '/p-cancelable/')],
  ['got: the rest (its instance, handlers, helpers)', (f) => has(f, '/got/', '/@sindresorhus/', '/lowercase-keys/', '/decompress-response/', '/mimic-response/', '/cacheable-', '/responselike/', '/@szmarczak/', '/form-data-encoder/', '/get-stream/', '/http2-wrapper/', '/keyv/')],
  ["Node's HTTP client, sockets and streams", (f) => has(f, 'node:_http', 'node:http', 'node:net', 'node:internal/stream_base_commons', 'node:internal/streams/', 'node:events', 'node:internal/url', 'node:internal/timers', 'node:timers')],
  ["the bench's loop", (f) => has(f, '/bench/')],
];

/** µs of CPU per call by stage (start-up too, spread over the calls; the report leaves it out), for `contender` making `calls` calls of `scenario` (after the child's own warm-up and latency rounds). */
export async function callBreakdown(scenario: string, contender: string, origin: string, calls: number): Promise<Record<CallStage, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'cio-call-profile-'));
  try {
    const latencyCalls = 200;
    const warmUp = 2000; // bench/contender-child.ts warms up with this many
    await run(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, '--import', 'tsx', join(packageRoot(), 'bench', 'contender-child.ts'), scenario, contender, origin, String(latencyCalls), String(calls), '64'], {
      encoding: 'utf8',
      env: { ...process.env, BENCH_UNBUNDLED: '1' },
    });
    // The main thread's profile is the largest (tsx's loader thread writes one too).
    const file = readdirSync(dir).map((name) => join(dir, name)).sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
    const totals = classifyProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, RULES, 'idle and other', 'nearest');
    const made = warmUp + latencyCalls + calls;
    return Object.fromEntries(CALL_STAGES.map((stage) => [stage, ((totals.get(stage) ?? 0) * 1000) / made])) as Record<CallStage, number>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
