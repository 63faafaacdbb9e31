// What the import suites share: a local Customer.io /v2/batch that records every event id and
// line it receives, the CLI as a child process (from the TypeScript sources), and a seeded random.
import { spawn, type ChildProcess } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { startLocalServer, type LocalServer, type Seen } from './local-server.js';

export const AUTH = '{"site_id":"site-test","api_key":"key-test","region":"us"}';
/** `--auth env` reads these: the resume command the CLI prints is then runnable as it is. */
export const AUTH_ENV = { CUSTOMERIO_SITE_ID: 'site-test', CUSTOMERIO_TRACK_API_KEY: 'key-test', CUSTOMERIO_REGION: 'us' };
/** schemas/defs.schema.json $defs.event_id, with the first character 0-7 of a ULID's timestamp. */
export const EVENT_ID = /^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$/;

export interface WireItem {
  type: string;
  action: string;
  identifiers: Record<string, string>;
  id?: string;
  name?: string;
  attributes?: Record<string, unknown>;
}

/** A received event: its id and the `line` its data carries. */
export interface Received {
  id: string | undefined;
  line: number;
  batch: number;
}

export interface BatchServer {
  origin: string;
  server: LocalServer;
  received: Received[];
  /** Batches received so far, and items answered 200 (in the order answers were written). */
  batches(): number;
  answeredItems(): number;
  /** What to do with the n-th batch (1-based): answer it (after `delayMs`), or hold it unanswered. */
  decide: (n: number, seen: Seen) => 'answer' | 'hold';
  delayMs: number;
  close(): Promise<void>;
}

export async function startBatchServer(delayMs = 0): Promise<BatchServer> {
  let batches = 0;
  let answered = 0;
  const held: ServerResponse[] = [];
  const api: BatchServer = {
    origin: '',
    server: undefined as unknown as LocalServer,
    received: [],
    batches: () => batches,
    answeredItems: () => answered,
    decide: () => 'answer',
    delayMs,
    close: async () => {
      for (const res of held) res.destroy();
      await api.server.close();
    },
  };
  api.server = await startLocalServer((seen, res) => {
    const n = ++batches;
    const items = (JSON.parse(seen.body) as { batch: WireItem[] }).batch;
    for (const item of items) api.received.push({ id: item.id, line: Number(item.attributes?.line), batch: n });
    if (api.decide(n, seen) === 'hold') return void held.push(res);
    const answer = () => {
      answered += items.length;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    };
    if (api.delayMs > 0) setTimeout(answer, api.delayMs);
    else answer();
  }, { record: false });
  api.origin = api.server.origin;
  return api;
}

/** Events with `data.line`, padded so that a batch holds about `perBatch` of them. */
export function eventLines(count: number, { perBatch = 120, bad = {} as Record<number, string> } = {}): string {
  const pad = 'x'.repeat(Math.max(0, Math.floor(500_000 / perBatch) - 120));
  const lines: string[] = [];
  for (let line = 1; line <= count; line++) {
    lines.push(bad[line] ?? JSON.stringify({ identifiers: { id: `u${line}` }, name: 'purchase', data: { line, pad } }));
  }
  return `${lines.join('\n')}\n`;
}

export interface ChildRun {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `cio-connectors <args>` as a child process, from the TypeScript sources. */
export function runCliChild(args: string[], env: NodeJS.ProcessEnv = {}): ChildRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/import-cli-entry.ts', ...args], {
    cwd: process.cwd(),
    env: { ...process.env, ...AUTH_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: ChildRun = {
    child, stdout: '', stderr: '',
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout!.on('data', (chunk: Buffer) => (run.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
  // The streams may still hold output when 'exit' fires: wait for them too.
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  run.exited = run.exited.then(async (result) => {
    await closed;
    return result;
  });
  return run;
}

/** The command line the CLI printed to resume, as arguments after `cio-connectors`. */
export function resumeArgs(stderr: string): string[] {
  const line = stderr.split('\n').find((l) => l.trim().startsWith('cio-connectors import '));
  if (!line) throw new Error(`no resume command in:\n${stderr}`);
  // The words are plain or single-quoted (the CLI quotes for a POSIX shell).
  const words = [...line.trim().matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!));
  return words.slice(1);
}

/** A small seeded generator (mulberry32): the same kill points on every run of the suite. */
export function seededRandom(seed: number): (min: number, max: number) => number {
  let a = seed >>> 0;
  return (min, max) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return min + Math.floor(r * (max - min + 1));
  };
}

/** Distinct ids per line, over everything received. */
export function idsByLine(received: Received[]): Map<number, Set<string | undefined>> {
  const byLine = new Map<number, Set<string | undefined>>();
  for (const r of received) {
    let ids = byLine.get(r.line);
    if (!ids) byLine.set(r.line, (ids = new Set()));
    ids.add(r.id);
  }
  return byLine;
}
