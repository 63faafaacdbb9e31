// The reference host as `npm start` runs it, in a process of its own for bench/sandbox-scale.ts
// (`node --import tsx bench/scale-host-child.ts '<options>'`, with an IPC channel): prints
// {url, sandbox} as one line of JSON once both listen; answers 'stats' with how long its main
// thread's event loop was held up since the last 'stats' (the page's requests wait that long,
// whatever the sandbox does); closes on 'close'. `layout` says where the work runs: `threads`
// as `npm start` runs it (the sandbox and the page's execute calls each in a worker thread),
// `execute-on-main` (the sandbox in its thread, execute on the host's), `same-thread` (both on
// the host's thread, as before), for comparison.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startLocalHost } from '../host/start.js';
import { createHostServer } from '../host/server.js';
import { loadConnectors } from '../runtime/index.js';
import { startSandbox } from '../sandbox/index.js';
import { startSandboxThread } from '../sandbox/thread.js';

export type HostLayout = 'threads' | 'execute-on-main' | 'same-thread';
const options = JSON.parse(process.argv[2] ?? '{}') as { layout?: HostLayout; stateFile?: string };
const layout = options.layout ?? 'threads';
// The page itself is not measured: an empty one is served.
const webOutDir = mkdtempSync(join(tmpdir(), 'cio-bench-web-'));
writeFileSync(join(webOutDir, 'index.html'), '<!doctype html><title>bench</title>');

let close: () => Promise<void>;
let answer: { url: string; sandbox: unknown };
if (layout !== 'threads') {
  const sandboxOptions = { port: 0, ...(options.stateFile ? { stateFile: options.stateFile } : {}) };
  const sandbox = layout === 'same-thread' ? await startSandbox(sandboxOptions) : await startSandboxThread(sandboxOptions);
  const info = { origin: sandbox.origin, credentials: sandbox.credentials };
  const host = await createHostServer({ registry: await loadConnectors(), webRoot: webOutDir, sandbox: info, port: 0 });
  answer = { url: host.url, sandbox: info };
  close = async () => {
    await host.close();
    await sandbox.close();
  };
} else {
  const local = await startLocalHost({ port: 0, sandboxPort: 0, build: false, webOutDir, ...(options.stateFile ? { sandboxStateFile: options.stateFile } : {}) });
  answer = { url: local.url, sandbox: local.sandbox };
  close = () => local.close();
}

const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
process.stdout.write(`${JSON.stringify(answer)}\n`);
process.on('message', (message: { call: 'stats' | 'close' }) => {
  if (message.call === 'stats') {
    // Nanoseconds; the histogram's resolution adds up to 5 ms to each figure.
    process.send!({ call: 'stats', value: { loop_max_ms: delay.max / 1e6, loop_p99_ms: delay.percentile(99) / 1e6 } });
    delay.reset();
  } else void close().then(() => process.send!({ call: 'close', value: null })).then(() => process.exit(0));
});
