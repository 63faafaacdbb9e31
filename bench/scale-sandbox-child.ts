// The sandbox in a process of its own for bench/sandbox-scale.ts (`node --import tsx
// bench/scale-sandbox-child.ts '<options>'`, with an IPC channel): prints its origin as one line
// of JSON once it listens; answers 'stats' and 'compact' messages; closes on 'close'.
import { startSandbox, type SandboxOptions } from '../sandbox/index.js';

const sandbox = await startSandbox(JSON.parse(process.argv[2] ?? '{}') as SandboxOptions);
process.stdout.write(`${JSON.stringify({ origin: sandbox.origin })}\n`);
process.on('message', (message: { call: 'stats' | 'compact' | 'close' }) => {
  const send = (value: unknown) => process.send!({ call: message.call, value });
  if (message.call === 'stats') send(sandbox.storage?.stats() ?? null);
  else if (message.call === 'compact') {
    const started = performance.now();
    void (sandbox.storage?.compact() ?? Promise.resolve()).then(() => send({ ms: performance.now() - started, stats: sandbox.storage?.stats() }));
  } else void sandbox.close().then(() => send(null)).then(() => process.exit(0));
});
