// The page's POST /host-api/execute: which connector and operation, with what input and
// credentials, against which target (routing.ts), run through the registry with the runtime's
// events collected for the page. server.ts runs it in process, or (executeInThread) in a worker
// thread of its own (execute-thread.ts), so that a call carrying thousands of items never holds
// up the page's other requests.
import type { Envelope, Registry, RuntimeEvent } from '../runtime/index.js';
import { HttpProblem, objectField, stringField } from './http.js';
import { routeCall, targetOf, type SandboxInfo } from './routing.js';

export interface ExecuteAnswer {
  envelope: Envelope;
  /** The runtime's events, whose requests carry credentials already redacted. */
  events: RuntimeEvent[];
  host_ms: number;
}

export async function executeForPage(registry: Registry, sandbox: SandboxInfo | undefined, body: Record<string, unknown>): Promise<ExecuteAnswer> {
  const connector = stringField(body, 'connector');
  if (!registry.list().some((c) => c.name === connector)) throw new HttpProblem(404, `unknown connector "${connector}"`);
  const routed = routeCall(targetOf(body.target), objectField(body, 'auth'), sandbox);
  const events: RuntimeEvent[] = [];
  const started = performance.now();
  const envelope = await registry.execute({
    connector,
    operation: stringField(body, 'operation'),
    auth: routed.auth,
    input: objectField(body, 'input'),
    options: { ...routed.options, dryRun: body.dryRun === true, onEvent: (event) => events.push(event) },
  });
  return { envelope, events, host_ms: Math.round(performance.now() - started) };
}
