// The host's execute thread (execute-thread.ts starts it): parses each /host-api/execute body,
// runs it through a registry of its own and answers with the JSON text to send, so the host's
// main thread does none of that work.
import { parentPort, workerData } from 'node:worker_threads';
import { loadConnectors } from '../runtime/index.js';
import { lowerThreadPriority } from '../sandbox/thread-priority.js';
import { executeForPage } from './execute.js';
import type { ExecuteCall, ExecuteMessage, ThreadAnswer } from './execute-thread.js';
import { HttpProblem, parseJsonBody } from './http.js';
import type { SandboxInfo } from './routing.js';

// The main thread answers the page's other requests: when the CPU is short, it goes first.
lowerThreadPriority(5);

const port = parentPort!;
const { sandbox } = workerData as { sandbox?: SandboxInfo };
const registry = await loadConnectors();
const decoder = new TextDecoder();

async function answer(bytes: Uint8Array): Promise<ThreadAnswer> {
  try {
    const body = parseJsonBody(decoder.decode(bytes));
    return { status: 200, text: JSON.stringify(await executeForPage(registry, sandbox, body)) };
  } catch (error) {
    if (error instanceof HttpProblem) return { status: error.status, text: JSON.stringify({ error: error.message }) };
    return { status: 500, text: JSON.stringify({ error: 'the host failed to handle this request' }), failure: (error as Error)?.message ?? String(error) };
  }
}

port.on('message', ({ id, body }: ExecuteCall) => {
  void answer(body).then((reply) => port.postMessage({ type: 'answer', id, ...reply } satisfies ExecuteMessage));
});
port.postMessage({ type: 'ready' } satisfies ExecuteMessage);
