// The page's execute calls in a worker thread of their own (execute-worker.ts), with a registry
// of their own loaded as loadConnectors() loads it by default. The host's main thread then
// only reads the request's bytes and writes the answer's: checking, packing and sending
// thousands of items, and the garbage that leaves, never hold up the page's other requests
// (its config, its list of connectors, the triggers). A thread that ends (out of memory, say)
// fails the calls it had, and the next call starts a new one.
import type { Worker } from 'node:worker_threads';
import { siblingModule, startModuleWorker } from '../sandbox/module-worker.js';
import type { SandboxInfo } from './routing.js';

/** What the thread answers a call with: the HTTP status and the JSON text to send. */
export interface ThreadAnswer {
  status: number;
  text: string;
  /** A failure on the host's side, for its log (never a body or a credential). */
  failure?: string;
}

export type ExecuteCall = { id: number; body: Uint8Array };
export type ExecuteMessage = { type: 'ready' } | ({ type: 'answer'; id: number } & ThreadAnswer);

export interface ExecuteThread {
  /** Runs one /host-api/execute request from its body's bytes. */
  run(body: Uint8Array): Promise<ThreadAnswer>;
  close(): Promise<void>;
}

interface Running {
  worker: Worker;
  ready: Promise<void>;
}

export async function startExecuteThread(sandbox: SandboxInfo | undefined): Promise<ExecuteThread> {
  const waiting = new Map<number, { resolve(answer: ThreadAnswer): void; reject(error: Error): void }>();
  let nextId = 0;
  let running: Running | undefined;
  let closed = false;

  const start = (): Running => {
    const worker = startModuleWorker(siblingModule(import.meta.url, 'execute-worker'), { workerData: { sandbox } });
    let ready!: () => void;
    let failed!: (error: Error) => void;
    const started: Running = { worker, ready: new Promise<void>((resolve, reject) => ((ready = resolve), (failed = reject))) };
    worker.on('message', (message: ExecuteMessage) => {
      if (message.type === 'ready') return ready();
      const waiter = waiting.get(message.id);
      waiting.delete(message.id);
      waiter?.resolve(message);
    });
    worker.on('error', (error) => failed(error));
    worker.on('exit', (code) => {
      const ended = new Error(`the host's execute thread ended (exit code ${code})`);
      failed(ended);
      for (const waiter of waiting.values()) waiter.reject(ended);
      waiting.clear();
      if (running === started) running = undefined;
    });
    return started;
  };

  running = start();
  await running.ready;
  return {
    async run(body) {
      if (closed) throw new Error('the host is closing');
      running ??= start();
      const { worker, ready } = running;
      await ready;
      const id = nextId++;
      return new Promise<ThreadAnswer>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, body } satisfies ExecuteCall);
      });
    },
    async close() {
      closed = true;
      await running?.worker.terminate();
    },
  };
}
