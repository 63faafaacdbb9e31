// Where an import's CPU time goes, from a V8 CPU profile (`node --cpu-prof`) and a `--trace-gc`
// log of the same run. Each sample is charged to one stage: that of the first rule, in the order
// of RULES, matching any frame of its stack. The order settles stacks that cross stages: the batch
// request's JSON.stringify runs under the sending code but is serialising, a read made for the
// hash pass is the hash pass's, CSV parsing that runs inside the file stream's callback is
// parsing. Frames are told apart by their module, so the same rules read the code before and
// after a change.

export const STAGES = [
  'start-up (load the package, connectors, validators)',
  'hash pass (SHA-256 of the file, for ids and resume)',
  'read the file',
  'parse (lines or CSV records into items)',
  'validate (item schema, keys)',
  'event ids',
  'serialise and pack batches',
  'send (plan the request, got, HTTP, socket writes)',
  'checkpoint, failed file, ledger, progress',
  'the import loop and promise machinery',
  'garbage collection',
  'idle (waiting for answers or the disk)',
] as const;
export type Stage = (typeof STAGES)[number];

export interface Frame {
  functionName: string;
  url: string;
}

const has = (frame: Frame, ...parts: string[]) => parts.some((part) => frame.url.includes(part));

/** Rules in priority order: a sample goes to the first stage whose rule matches a frame of its stack. */
const RULES: Rule<Stage>[] = [
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
  ['idle (waiting for answers or the disk)', (f) => f.functionName === '(idle)' || f.functionName === '(program)'],
  ['start-up (load the package, connectors, validators)', (f) =>
    has(f, 'node:internal/modules/', 'node:internal/bootstrap/', '/runtime/loader.', '/runtime/prebuilt-definitions.', '/runtime/input/precompiled-validators.', '/runtime/registry.')],
  ['hash pass (SHA-256 of the file, for ids and resume)', (f) => has(f, '/cli/import/file-identity.', '/cli/import/shard.')],
  ['checkpoint, failed file, ledger, progress', (f) => has(f, '/cli/import/checkpoint.', '/cli/import/failed-file.', '/cli/import/ledger.', '/cli/import/progress.')],
  ['serialise and pack batches', (f) =>
    has(f, '/runtime/plan/build-request.', '/runtime/plan/template.', '/runtime/byte-size.', '/runtime/runners/bulk/pack.', '/runtime/runners/bulk/entry-serialiser.',
      '/runtime/runners/bulk/batch-body.') ||
    // BatchSender.add measures and packs; its send() is sending (the next rule)
    (has(f, '/runtime/runners/bulk/batch-sender.') && f.functionName === 'add') ||
    (f.url === '' && f.functionName === 'serialiseEntry')], // made by entry-serialiser.ts with new Function
  ['send (plan the request, got, HTTP, socket writes)', (f) =>
    has(f, '/runtime/send/', '/runtime/run-context.', '/runtime/plan/', '/runtime/runners/single.', '/runtime/runners/output.', '/runtime/redact.', '/node_modules/got/', 'p-cancelable', 'node:_http', 'node:http', 'node:net', 'node:internal/stream_base_commons', 'node:internal/http')],
  ['validate (item schema, keys)', (f) => has(f, '/runtime/input/', '/cli/import/operations.') || (f.url === '' && /^validate\d*$/.test(f.functionName))],
  ['event ids', (f) => has(f, '/cli/import/stable-ids.', '/runtime/plan/event-ids.')],
  // The NDJSON reader reads in its own function, called from the parsing generator.
  ['read the file', (f) => has(f, '/cli/import/ndjson-source.') && f.functionName === 'reads'],
  ['parse (lines or CSV records into items)', (f) => has(f, '/cli/import/ndjson-source.', '/cli/import/csv-source.', '/cli/import/csv-record-guard.', '/cli/import/utf8.', '/node_modules/csv-parse/')],
  ['read the file', (f) => has(f, 'node:internal/fs/streams', 'node:internal/fs/promises', 'node:fs')],
];

interface ProfileNode {
  id: number;
  callFrame: Frame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export type Rule<S extends string> = [S, (frame: Frame) => boolean];

/**
 * Milliseconds of profile time per stage. `priority`: a sample goes to the first rule, in the
 * rules' order, that any frame of its stack matches (what an import's stages need: a stack
 * crosses several). `nearest`: to the rule of the frame closest to the sample (what work a
 * library does for its caller). A sample no rule matches goes to `rest`.
 */
export function classifyProfile<S extends string>(profile: CpuProfile, rules: Rule<S>[], rest: S, mode: 'priority' | 'nearest'): Map<S, number> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const ruleOf = (frame: Frame, below: number) => {
    for (let r = 0; r < below; r++) if (rules[r]![1](frame)) return r;
    return below;
  };
  // Each distinct leaf is classified once.
  const stageOf = new Map<number, S>();
  const classify = (leaf: number): S => {
    let best = rules.length;
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      best = ruleOf(byId.get(id)!.callFrame, best);
      if (mode === 'nearest' && best < rules.length) break;
    }
    return best < rules.length ? rules[best]![0] : rest;
  };
  const totals = new Map<S, number>();
  profile.samples.forEach((leaf, i) => {
    let stage = stageOf.get(leaf);
    if (!stage) stageOf.set(leaf, (stage = classify(leaf)));
    totals.set(stage, (totals.get(stage) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return totals;
}

/** An import's CPU time by stage, in milliseconds. */
export function stagesOf(profile: CpuProfile): Record<Stage, number> {
  const totals = classifyProfile(profile, RULES, 'the import loop and promise machinery', 'priority');
  return Object.fromEntries(STAGES.map((stage) => [stage, totals.get(stage) ?? 0])) as Record<Stage, number>;
}

export interface GcSummary {
  scavenges: number;
  mark_compacts: number;
  /** Pause time in ms, summed over every collection. */
  pause_ms: number;
}

/** Lines `[pid:0x…]  1234 ms: Scavenge 12.3 (15.1) -> 10.2 (16.1) MB, 1.23 / 0.00 ms …` added up. */
export function gcOf(trace: string): GcSummary {
  const summary: GcSummary = { scavenges: 0, mark_compacts: 0, pause_ms: 0 };
  for (const match of trace.matchAll(/^\[\d+:0x[0-9a-f]+\]\s+\d+ ms: (Scavenge|Mark-Compact|Mark-sweep|Minor Mark-Compact)[^,]*, ([\d.]+) \/ ([\d.]+) ms/gm)) {
    if (match[1] === 'Scavenge' || match[1] === 'Minor Mark-Compact') summary.scavenges++;
    else summary.mark_compacts++;
    summary.pause_ms += Number(match[2]);
  }
  return summary;
}

/** A --trace-gc run's stdout without its GC lines (what the program itself printed). */
export function withoutGcLines(stdout: string): string {
  return stdout.split('\n').filter((line) => !/^\[\d+:0x[0-9a-f]+\]/.test(line)).join('\n');
}
