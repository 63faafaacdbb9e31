// The sandbox as a process of its own, from its TypeScript sources (`node --import tsx
// test/sandbox-child.ts '<options as JSON>'`), for tests that kill it: prints its origin as one
// line of JSON once it listens, then serves until it is stopped.
import { startSandbox, type SandboxOptions } from '../sandbox/index.js';

const sandbox = await startSandbox(JSON.parse(process.argv[2] ?? '{}') as SandboxOptions);
process.stdout.write(`${JSON.stringify({ origin: sandbox.origin, pid: process.pid })}\n`);
process.once('SIGTERM', () => void sandbox.close().then(() => process.exit(0)));
