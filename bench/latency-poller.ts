// A thread that GETs one URL every `intervalMs` (the next request once the previous answer is
// in and the interval has passed) and records how long each took, so the figures are not
// delayed by whatever the benchmark's main thread is busy with. Answers 'stop' with the samples.
import { Agent, get } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

export interface PollerJob {
  urls: string[];
  headers?: Record<string, string>;
  intervalMs: number;
}

/** When the request started (ms since the epoch) and how long its answer took. */
export interface LatencySample {
  at: number;
  ms: number;
  status: number;
}

const job = workerData as PollerJob;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const samples: LatencySample[] = [];
let stopped = false;

function once(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent, headers: job.headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    }).on('error', reject);
  });
}

parentPort!.once('message', () => {
  stopped = true;
});

let turn = 0;
while (!stopped) {
  const started = performance.now();
  let status: number;
  try {
    status = await once(job.urls[turn++ % job.urls.length]!);
  } catch {
    status = -1;
  }
  const ms = performance.now() - started;
  samples.push({ at: performance.timeOrigin + started, ms, status });
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, job.intervalMs - ms)));
}
agent.destroy();
parentPort!.postMessage(samples);
