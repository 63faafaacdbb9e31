// startSandboxThread: the sandbox in a worker thread of its own (worker.ts), for programs that
// serve something else on their main thread, as the reference host serves its page. The
// handle has what crosses a thread boundary cheaply: origin, credentials, webhooks.idle() and
// webhooks.log() (as promises) and close(). The live state does not cross it: tests that read
// `sandbox.state` use startSandbox, in process.
//
// Why a thread and not a child process: the sandbox is the host's own stand-in and lives and
// dies with it. A thread cannot be left behind holding its port when the host is killed, starts
// in a fraction of a process's time, and answers idle()/log() by message; its own heap and event
// loop are what keep an import from stalling the page. A crash of the sandbox (uncaught error,
// out of memory) ends the thread only, and is reported on stderr.
import type { Worker } from 'node:worker_threads';
import type { SandboxCredentials, SandboxOptions } from './index.js';
import { siblingModule, startModuleWorker } from './module-worker.js';
import type { DeliveryRules, WebhookLog } from './webhooks/index.js';

/** What the starting thread asks the sandbox's thread, and what it answers (worker.ts). */
export type ThreadCall = { id: number; call: 'idle' | 'log' | 'close' };
export type ThreadMessage =
  | { type: 'ready'; origin: string; credentials: SandboxCredentials; rules: DeliveryRules; warnings: string[] }
  | { type: 'failed'; message: string }
  | { type: 'answer'; id: number; ok: true; value?: unknown }
  | { type: 'answer'; id: number; ok: false; message: string };

export interface SandboxThread {
  origin: string;
  credentials: SandboxCredentials;
  /** Lines to show beside the start banner (Sandbox.warnings). */
  warnings: string[];
  webhooks: {
    signingKey: string;
    rules: DeliveryRules;
    idle(): Promise<void>;
    log(): Promise<WebhookLog[]>;
  };
  /** Closes the sandbox (its state file written) and ends the thread. */
  close(): Promise<void>;
}

/**
 * The options cross to the thread as data, so `log` (a function) cannot: the thread reports its
 * failures on stderr.
 */
export type SandboxThreadOptions = Omit<SandboxOptions, 'log'>;

export function startSandboxThread(options: SandboxThreadOptions = {}): Promise<SandboxThread> {
  const worker: Worker = startModuleWorker(siblingModule(import.meta.url, 'worker'), { workerData: options });
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 0;
  let ended: Error | undefined;

  const call = (name: ThreadCall['call']): Promise<unknown> => {
    if (ended) return Promise.reject(ended);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, call: name } satisfies ThreadCall);
    });
  };

  return new Promise((resolve, reject) => {
    let ready = false;
    worker.on('message', (message: ThreadMessage) => {
      if (message.type === 'failed') {
        reject(new Error(message.message));
        return;
      }
      if (message.type === 'answer') {
        const waiter = waiting.get(message.id);
        waiting.delete(message.id);
        if (message.ok) waiter?.resolve(message.value);
        else waiter?.reject(new Error(message.message));
        return;
      }
      ready = true;
      let closing: Promise<void> | undefined;
      resolve({
        origin: message.origin,
        credentials: message.credentials,
        warnings: message.warnings,
        webhooks: {
          signingKey: message.credentials.webhook_signing_key,
          rules: message.rules,
          idle: () => call('idle').then(() => undefined),
          log: () => call('log') as Promise<WebhookLog[]>,
        },
        close: () => {
          // Once the sandbox has closed (its state written), nothing in the thread is worth waiting for.
          closing ??= ended ? Promise.resolve() : call('close').then(() => worker.terminate()).then(() => undefined);
          return closing;
        },
      });
    });
    worker.on('error', (error) => {
      if (!ready) reject(error);
      else process.stderr.write(`sandbox: the sandbox thread failed: ${error.message}\n`);
    });
    worker.on('exit', (code) => {
      ended = new Error(`the sandbox thread has ended (exit code ${code})`);
      for (const waiter of waiting.values()) waiter.reject(ended);
      waiting.clear();
      if (!ready) reject(ended);
    });
  });
}
