// The sandbox in a worker thread (thread.ts starts it): its own event loop and heap, so a long
// import into it never holds up the thread that started it (the reference host's page), and
// its garbage collection pauses only itself. It answers the few calls a host makes across the
// thread boundary: webhooks.idle(), webhooks.log(), close().
import { parentPort, workerData } from 'node:worker_threads';
import { startSandbox, type Sandbox, type SandboxOptions } from './index.js';
import type { ThreadCall, ThreadMessage } from './thread.js';
import { lowerThreadPriority } from './thread-priority.js';

// The thread that started this one serves people too (the reference host's page): when the CPU
// is short, as during a long import on a small machine, it goes first. Nice 5 gives it about
// three times this thread's share of a contended core, and the sandbox all of an idle one.
lowerThreadPriority(5);

const port = parentPort!;
const post = (message: ThreadMessage) => port.postMessage(message);

let sandbox: Sandbox;
try {
  sandbox = await startSandbox(workerData as SandboxOptions);
} catch (error) {
  post({ type: 'failed', message: (error as Error)?.message ?? String(error) });
  port.close();
  throw error;
}

port.on('message', ({ id, call }: ThreadCall) => {
  const run = call === 'idle' ? sandbox.webhooks.idle() : call === 'log' ? Promise.resolve(sandbox.webhooks.log()) : sandbox.close();
  run.then(
    (value) => post({ type: 'answer', id, ok: true, value }),
    (error: unknown) => post({ type: 'answer', id, ok: false, message: (error as Error)?.message ?? String(error) }),
  );
});
post({ type: 'ready', origin: sandbox.origin, credentials: sandbox.credentials, rules: sandbox.webhooks.rules, warnings: sandbox.warnings });
