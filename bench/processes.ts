// Child processes for `npm run bench:import`: each import and each floor runs in a fresh Node
// process, timed from spawn to exit (what a person waits for) with its RSS sampled from /proc
// meanwhile; and a Redis for the scaling runs, when one answers or redis-server can be started.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { answersPing } from '../test/redis.js';

export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
  wall_ms: number;
  /** RSS in MB every SAMPLE_MS (Linux: /proc/<pid>/status), empty elsewhere. */
  rss_mb: number[];
}

const SAMPLE_MS = 100;

function rssOf(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined; // not Linux, or the process has just exited
  }
}

/** Runs `node <args>` and resolves when it has exited and its output is read. */
export function runNode(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ProcessRun> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: ProcessRun = { code: null, stdout: '', stderr: '', wall_ms: 0, rss_mb: [] };
  child.stdout.setEncoding('utf8').on('data', (text: string) => (run.stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (run.stderr += text));
  const sampler = setInterval(() => {
    const rss = rssOf(child.pid!);
    if (rss !== undefined) run.rss_mb.push(rss);
  }, SAMPLE_MS);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', () => (run.wall_ms = performance.now() - started));
    child.once('close', (code) => {
      clearInterval(sampler);
      run.code = code;
      resolve(run);
    });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface BenchRedis {
  url: string;
  /** Where it came from, for the report. */
  origin: 'REDIS_URL' | 'started by the bench';
  stop(): void;
}

/** REDIS_URL when it answers, else a redis-server of our own on a free port, else undefined. */
export async function benchRedis(): Promise<BenchRedis | undefined> {
  if (process.env.REDIS_URL && (await answersPing(process.env.REDIS_URL))) {
    return { url: process.env.REDIS_URL, origin: 'REDIS_URL', stop: () => {} };
  }
  const port = await freePort();
  let child: ChildProcess;
  try {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve());
    });
  } catch {
    return undefined; // not installed
  }
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50 && !(await answersPing(url)); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  if (!(await answersPing(url))) {
    child.kill();
    return undefined;
  }
  return { url, origin: 'started by the bench', stop: () => child.kill() };
}
