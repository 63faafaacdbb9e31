// A local stand-in for Customer.io's Track, App and Beta APIs on one origin (Track under /api,
// App under /v1, Beta under /v1/api): one in-memory workspace shared by all three, optionally
// persisted to a JSON file and its journal (persistence/). It is a sandbox, not a mock: answers come from the state that
// earlier calls built, with Customer.io's status codes, error shapes and limits. It also plays
// the delivery provider (courier.ts) and sends the reporting webhooks registered through the
// App API (webhooks/), signed with its signing key.
import type { AddressInfo } from 'node:net';
import { createSandboxServer, type Credentials } from './server.js';
import { emptyState, type State } from './state.js';
import { seededState } from './seed.js';
import { routes } from './routes/index.js';
import type { WindowLimit } from './rate-limit.js';
import { Courier, markDelivered } from './courier.js';
import { journaledRoutes } from './persistence/commands.js';
import { readStateFile, StateStore, type Durability, type StoreStats } from './persistence/store.js';
import { watchChanges } from './model/changes.js';
import { ok } from './reply.js';
import type { Route } from './router.js';
import { DEFAULT_SIGNING_KEY, WebhookSender, type DeliveryRules, type WebhookLog } from './webhooks/index.js';
import type { RequestLimits } from './limits.js';
import { exposureWarnings } from './hosts.js';

export { servedOperations, type ConnectorName } from './routes/index.js';
export type { State as SandboxState } from './state.js';
export type { Durability, StoreStats } from './persistence/store.js';
export type { AttemptRecord, DeliveryRules, ReportingEvent, WebhookLog } from './webhooks/index.js';
export { DEFAULT_RULES as DEFAULT_WEBHOOK_DELIVERY, DEFAULT_SIGNING_KEY } from './webhooks/index.js';
export { BODY_CAPS, DEFAULT_REQUEST_LIMITS, type RequestLimits } from './limits.js';

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the sandbox is for this machine only. */
  host?: string;
  /**
   * Keep the workspace in this file: loaded on start (when it exists), every change journaled
   * beside it (`<file>.<seq>.journal`) before it is answered, compacted back into the file in
   * the background and on close (persistence/store.ts).
   */
  stateFile?: string;
  /** With stateFile: `os` (default) answers a change once the OS has its journal line (survives kill -9); `fsync` once it is on disk (survives a power cut). */
  durability?: Durability;
  /** With stateFile: compact once the journal passes this many bytes or the state file's size, whichever is larger (default 16 MiB). */
  compactAfterBytes?: number;
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
  /** The key reporting webhooks are signed with (default `sandbox-signing-key`: fake). */
  signingKey?: string;
  /** How long after sending an email, push, SMS or WhatsApp message the sandbox marks it delivered (default 1000 ms); 0 turns it off. */
  deliverAfterMs?: number;
  /** Reporting-webhook delivery: timeout, retry delays, attempts, queue bound, remote endpoints (see DEFAULT_WEBHOOK_DELIVERY). */
  webhookDelivery?: Partial<DeliveryRules>;
  /**
   * Names it answers to besides localhost, 127.0.0.1 and [::1] with its port (a reverse proxy's
   * or tunnel's public name): `name` (any port) or `name:port`. Any other Host gets 421.
   */
  allowedHosts?: string[];
  /** Nesting limit, upload budget and body timeouts (see DEFAULT_REQUEST_LIMITS). */
  requestLimits?: Partial<RequestLimits>;
  /** Where the sandbox reports failures on its side, a line at a time (default: stderr). */
  log?: (line: string) => void;
}

export interface SandboxCredentials extends Credentials {
  /** What reporting webhooks are signed with: `X-CIO-Signature` = hex HMAC-SHA256 of `v0:<timestamp>:<body>`. */
  webhook_signing_key: string;
}

export interface SandboxWebhooks {
  signingKey: string;
  /** The delivery rules in force (defaults merged with `webhookDelivery`). */
  rules: DeliveryRules;
  /** Resolves once no event is waiting to be produced or sent: no delivery still to be marked delivered, every webhook queue empty. */
  idle(): Promise<void>;
  /** Per webhook: endpoint, queue length, counts, last status and error, the latest attempts. */
  log(): WebhookLog[];
}

export interface Sandbox {
  origin: string;
  credentials: SandboxCredentials;
  /** The live workspace (read it to inspect; change it only through the APIs). */
  state: State;
  webhooks: SandboxWebhooks;
  /** With stateFile: the journal's figures, and a way to compact now (tests, benchmarks). */
  storage?: { stats(): StoreStats; compact(): Promise<void> };
  /** Lines to show beside the start banner, such as the warning when it listens beyond loopback. */
  warnings: string[];
  close(): Promise<void>;
}

export const DEFAULT_CREDENTIALS: SandboxCredentials = {
  site_id: 'sandbox-site',
  track_api_key: 'sandbox-track-key',
  app_api_key: 'sandbox-app-key',
  webhook_signing_key: DEFAULT_SIGNING_KEY,
};

/** The workspace a state file holds now (its snapshot and journal), read without changing anything: for a sandbox running, stopped or killed. */
export function readSandboxStateFile(stateFile: string): State {
  return readStateFile(stateFile, routes).state;
}

/** The sandbox's own routes under /sandbox (App credentials): what its webhooks did. */
function debugRoutes(webhooks: WebhookSender): Route[] {
  return [{ method: 'GET', path: '/webhooks', operations: [], handle: () => ok({ webhooks: webhooks.log(), build_failures: webhooks.buildFailures() }) }];
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const credentials: SandboxCredentials = {
    site_id: options.siteId ?? DEFAULT_CREDENTIALS.site_id,
    track_api_key: options.trackApiKey ?? DEFAULT_CREDENTIALS.track_api_key,
    app_api_key: options.appApiKey ?? DEFAULT_CREDENTIALS.app_api_key,
    webhook_signing_key: options.signingKey ?? DEFAULT_CREDENTIALS.webhook_signing_key,
  };
  const region = options.region ?? 'us';
  const initial = () => (options.seed === false ? emptyState(region) : seededState(region));
  const store = options.stateFile
    ? new StateStore({
      stateFile: options.stateFile,
      durability: options.durability,
      compactAfterBytes: options.compactAfterBytes,
      routes,
      initial,
      adjust: (loaded) => {
        if (!options.region || loaded.workspace.region === options.region) return false;
        loaded.workspace.region = options.region;
        return true;
      },
    })
    : undefined;
  const state: State = store?.state ?? initial();

  // The courier's rounds change the state outside any request: journaled like a request.
  let deliveryFailure = false;
  const deliver = (ids: string[], at: number) => {
    if (!store) return markDelivered(state, ids, at);
    try {
      store.run({ t: 'delivered', ids, now: at }, () => markDelivered(state, ids, at));
    } catch (error) {
      if (!deliveryFailure) process.stderr.write(`sandbox: could not record deliveries: ${(error as Error).message}\n`);
      deliveryFailure = true;
    }
  };
  // The courier's callback runs from its timer, after both exist.
  const courier = new Courier(state, options.deliverAfterMs ?? 1000, () => webhooks.settled(), deliver);
  const webhooks = new WebhookSender(state, credentials.webhook_signing_key, options.webhookDelivery, () => courier.pending());
  const unwatch = watchChanges(state, (change) => {
    webhooks.report(change);
    courier.observe(change);
  });
  const stopProducing = () => {
    unwatch();
    courier.close();
    webhooks.close();
  };

  const host = options.host ?? '127.0.0.1';
  let origin = '';
  const rateLimit = options.rateLimit === false ? false : { requests: options.rateLimit?.requests ?? 10, windowMs: options.rateLimit?.windowMs ?? 1000 };
  const tables = { ...routes, sandbox: [...routes.sandbox, ...debugRoutes(webhooks)] };
  const server = createSandboxServer({
    state,
    credentials,
    // With a state file, every change a request makes is journaled before it is answered.
    routes: store ? journaledRoutes(tables, store.run) : tables,
    appRateLimit: rateLimit,
    triggerIntervalMs: options.broadcastTriggerIntervalMs ?? 10_000,
    origin: () => origin,
    persist: () => store?.durable(),
    allowedHosts: options.allowedHosts,
    requestLimits: options.requestLimits,
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    stopProducing();
    await store?.close();
    throw error;
  }
  const { port, address } = server.address() as AddressInfo;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const defaultCredentials = credentials.site_id === DEFAULT_CREDENTIALS.site_id || credentials.track_api_key === DEFAULT_CREDENTIALS.track_api_key || credentials.app_api_key === DEFAULT_CREDENTIALS.app_api_key;
  const warnings = exposureWarnings(address, port, defaultCredentials);

  return {
    origin,
    credentials,
    state,
    webhooks: {
      signingKey: credentials.webhook_signing_key,
      rules: webhooks.rules,
      idle: () => webhooks.idle(),
      log: () => webhooks.log(),
    },
    ...(store ? { storage: { stats: () => store.stats(), compact: () => store.compact() } } : {}),
    warnings,
    close: async () => {
      // Queues, retry timers and the courier stop first: nothing is sent once close is called.
      stopProducing();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      // Then the last snapshot, once no request can change the state any more.
      await store?.close();
    },
  };
}
