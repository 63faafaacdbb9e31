// A local stand-in for Customer.io's Track, App and Beta APIs on one origin (Track under /api,
// App under /v1, Beta under /v1/api): one in-memory workspace shared by all three, optionally
// persisted to a JSON file. It is a sandbox, not a mock: answers come from the state that
// earlier calls built, with Customer.io's status codes, error shapes and limits.
import type { AddressInfo } from 'node:net';
import { createSandboxServer, type Credentials } from './server.js';
import { loadState, saveState, type State } from './state.js';
import { seededState } from './seed.js';
import { emptyState } from './state.js';
import { routes } from './routes/index.js';
import type { WindowLimit } from './rate-limit.js';

export { servedOperations, type ConnectorName } from './routes/index.js';
export type { State as SandboxState } from './state.js';

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the sandbox is for this machine only. */
  host?: string;
  /** Load the workspace from this JSON file (when it exists) and write it back after every change. */
  stateFile?: string;
  siteId?: string;
  trackApiKey?: string;
  appApiKey?: string;
  /** Start with the seeded workspace (templates, broadcast, campaigns…); default true. Ignored when stateFile exists. */
  seed?: boolean;
  /** The region GET /api/v1/accounts/region reports (default us). */
  region?: 'us' | 'eu';
  /** App and Beta rate limit per key (default 10 requests per 1000 ms); false turns it off. */
  rateLimit?: Partial<WindowLimit> | false;
  /** Minimum time between broadcast triggers per key (default 10 000 ms); 0 turns it off. */
  broadcastTriggerIntervalMs?: number;
}

export interface Sandbox {
  origin: string;
  credentials: Credentials;
  /** The live workspace (read it to inspect; change it only through the APIs). */
  state: State;
  close(): Promise<void>;
}

export const DEFAULT_CREDENTIALS: Credentials = {
  site_id: 'sandbox-site',
  track_api_key: 'sandbox-track-key',
  app_api_key: 'sandbox-app-key',
};

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const credentials: Credentials = {
    site_id: options.siteId ?? DEFAULT_CREDENTIALS.site_id,
    track_api_key: options.trackApiKey ?? DEFAULT_CREDENTIALS.track_api_key,
    app_api_key: options.appApiKey ?? DEFAULT_CREDENTIALS.app_api_key,
  };
  const region = options.region ?? 'us';
  const loaded = options.stateFile ? loadState(options.stateFile) : undefined;
  const state = loaded ?? (options.seed === false ? emptyState(region) : seededState(region));
  if (options.region) state.workspace.region = options.region;
  const persist = () => {
    if (options.stateFile) saveState(options.stateFile, state);
  };
  if (!loaded) persist();

  const host = options.host ?? '127.0.0.1';
  let origin = '';
  const rateLimit = options.rateLimit === false ? false : { requests: options.rateLimit?.requests ?? 10, windowMs: options.rateLimit?.windowMs ?? 1000 };
  const server = createSandboxServer({
    state,
    credentials,
    routes,
    appRateLimit: rateLimit,
    triggerIntervalMs: options.broadcastTriggerIntervalMs ?? 10_000,
    origin: () => origin,
    persist,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    origin,
    credentials,
    state,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}
