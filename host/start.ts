// `npm start` and `cio-connectors host`: start the embedded sandbox, then the reference host that
// targets it by default, and print where they are. `npm start` builds the page first; an installed
// package serves the page `npm run build` put in dist/web (esbuild is not installed with it). The
// sandbox runs in a worker thread of its own (sandbox/thread.ts), so a long import into it never
// holds up the page.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConnectors } from '../runtime/index.js';
import { startSandboxThread } from '../sandbox/thread.js';
import { buildWeb, defaultWebOutDir, type WebBuildMode } from './build.js';
import { createHostServer, type SandboxInfo } from './server.js';
import type { TriggerView } from './triggers.js';

export const DEFAULT_HOST_PORT = 4000;
export const DEFAULT_SANDBOX_PORT = 4010;

export interface LocalHostOptions {
  /** Host port (default 4000; 0 picks a free one). */
  port?: number;
  /** Sandbox port (default 4010; 0 picks a free one). */
  sandboxPort?: number;
  /** Interface both listen on (default 127.0.0.1). */
  host?: string;
  /** Where the sandbox keeps its state between runs (default: in memory only). */
  sandboxStateFile?: string;
  /** Start without the sandbox: only the US and EU targets. */
  noSandbox?: boolean;
  /** Build the page first (default: no, serve what `npm run build` put in dist/web). */
  build?: WebBuildMode | false;
  /** Where the page is built to and served from (default dist/web). */
  webOutDir?: string;
}

export interface LocalHost {
  url: string;
  sandbox?: SandboxInfo;
  /** One line saying where everything is. */
  banner: string;
  /** Stops both; a trigger still enabled stays registered, and is named on stderr so none is forgotten. */
  close(): Promise<void>;
}

function portFrom(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`not a port number: ${value}`);
  return port;
}

/** Closing disables nothing: say which webhooks stay registered (and keep posting to a host that is gone). */
function warnTriggersLeft(left: TriggerView[]): void {
  if (left.length === 0) return;
  const lines = left.map((t) => `  ${t.title} (${t.target === 'sandbox' ? 'sandbox' : `${t.target.toUpperCase()} workspace`}): reporting webhook ${String(t.state.webhook_id)} → ${t.webhook_url}\n`);
  process.stderr.write(`host: ${left.length} trigger${left.length === 1 ? '' : 's'} still enabled; their webhooks stay registered (Disable them in the page first, or delete them in Customer.io):\n${lines.join('')}`);
}

export async function startLocalHost(options: LocalHostOptions = {}): Promise<LocalHost> {
  const host = options.host ?? '127.0.0.1';
  const webOutDir = options.webOutDir ?? defaultWebOutDir();
  if (options.build) await buildWeb({ mode: options.build, outDir: webOutDir });
  else if (!existsSync(join(webOutDir, 'index.html'))) {
    throw new Error(`the host page is not built in ${webOutDir}: run \`npm run build\` (or \`npm start\`, which builds it) first`);
  }
  const sandbox = options.noSandbox
    ? undefined
    : await startSandboxThread({ port: options.sandboxPort ?? DEFAULT_SANDBOX_PORT, host, ...(options.sandboxStateFile ? { stateFile: options.sandboxStateFile } : {}) });
  try {
    const registry = await loadConnectors();
    const server = await createHostServer({
      registry,
      webRoot: webOutDir,
      port: options.port ?? DEFAULT_HOST_PORT,
      host,
      ...(sandbox ? { sandbox: { origin: sandbox.origin, credentials: sandbox.credentials } } : {}),
      // The page's execute calls in a thread of their own too: an import's own work never holds up the page.
      executeInThread: true,
    });
    const c = sandbox?.credentials;
    const banner = sandbox
      ? `Host: ${server.url}  (sandbox at ${sandbox.origin}; sandbox credentials site_id ${c!.site_id}, track key ${c!.track_api_key}, app key ${c!.app_api_key})${sandbox.warnings.map((w) => `\nwarning: ${w}`).join('')}`
      : `Host: ${server.url}  (no sandbox: US and EU production targets only)`;
    return {
      url: server.url,
      ...(sandbox ? { sandbox: { origin: sandbox.origin, credentials: sandbox.credentials } } : {}),
      banner,
      close: async () => {
        // The sandbox's webhooks go with it, unless its state file keeps them.
        warnTriggersLeft(server.enabledTriggers().filter((t) => t.target !== 'sandbox' || options.sandboxStateFile));
        await server.close();
        await sandbox?.close();
      },
    };
  } catch (error) {
    await sandbox?.close();
    throw error;
  }
}

/** Ports and options from the environment (CIO_HOST_PORT, CIO_SANDBOX_PORT, CIO_SANDBOX_STATE). */
export function optionsFromEnvironment(env: NodeJS.ProcessEnv = process.env): LocalHostOptions {
  return {
    port: portFrom(env.CIO_HOST_PORT, DEFAULT_HOST_PORT),
    sandboxPort: portFrom(env.CIO_SANDBOX_PORT, DEFAULT_SANDBOX_PORT),
    ...(env.CIO_SANDBOX_STATE ? { sandboxStateFile: env.CIO_SANDBOX_STATE } : {}),
  };
}

/** Runs until interrupted; closes both servers on Ctrl-C. */
export async function runUntilInterrupted(options: LocalHostOptions): Promise<LocalHost> {
  const started = await startLocalHost(options);
  const stop = () => {
    started.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return started;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const started = await runUntilInterrupted({ ...optionsFromEnvironment(), build: 'production' });
    process.stdout.write(`${started.banner}\nPress Ctrl-C to stop.\n`);
  } catch (error) {
    process.stderr.write(`npm start: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
