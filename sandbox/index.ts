// A local stand-in for Customer.io's Track, App and Beta APIs on one origin (Track under /api,
// App under /v1, Beta under /v1/api): one in-memory workspace shared by all three, optionally
// persisted to a JSON file. It is a sandbox, not a mock: answers come from the state that
// earlier calls built, with Customer.io's status codes, error shapes and limits. It also plays
// the delivery provider (courier.ts) and sends the reporting webhooks registered through the
// App API (webhooks/), signed with its signing key.
import type { AddressInfo } from 'node:net';
import { createSandboxServer, type Credentials } from './server.js';
import { loadState, saveState, type State } from './state.js';
import { seededState } from './seed.js';
import { emptyState } from './state.js';
import { routes } from './routes/index.js';
import type { WindowLimit } from './rate-limit.js';
import { Courier } from './courier.js';
import { watchChanges } from './model/changes.js';
import { ok } from './reply.js';
import type { Route } from './router.js';
import { DEFAULT_SIGNING_KEY, WebhookSender, type DeliveryRules, type WebhookLog } from './webhooks/index.js';
import type { RequestLimits } from './limits.js';
import { exposureWarnings } from './hosts.js';

export { servedOperations, type ConnectorName } from './routes/index.js';
export type { State as SandboxState } from './state.js';
export type { AttemptRecord, DeliveryRules, ReportingEvent, WebhookLog } from './webhooks/index.js';
export { DEFAULT_RULES as DEFAULT_WEBHOOK_DELIVERY, DEFAULT_SIGNING_KEY } from './webhooks/index.js';
export { BODY_CAPS, DEFAULT_REQUEST_LIMITS, type RequestLimits } from './limits.js';

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
  const loaded = options.stateFile ? loadState(options.stateFile) : undefined;
  const state = loaded ?? (options.seed === false ? emptyState(region) : seededState(region));
  if (options.region) state.workspace.region = options.region;
  const persist = () => {
    if (options.stateFile) saveState(options.stateFile, state);
  };
  if (!loaded) persist();

  // Changes made outside a request (the courier's deliveries) are persisted here; a failed
  // write is left for the next request's write to retry (and report as a 500).
  const persistQuietly = () => {
    try {
      persist();
    } catch {
      // see above
    }
  };
  // The courier's callback runs from its timer, after both exist.
  const courier = new Courier(state, options.deliverAfterMs ?? 1000, () => {
    persistQuietly();
    webhooks.settled();
  });
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
  const server = createSandboxServer({
    state,
    credentials,
    routes: { ...routes, sandbox: [...routes.sandbox, ...debugRoutes(webhooks)] },
    appRateLimit: rateLimit,
    triggerIntervalMs: options.broadcastTriggerIntervalMs ?? 10_000,
    origin: () => origin,
    persist,
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
    warnings,
    close: () => new Promise<void>((resolve, reject) => {
      // Queues, retry timers and the courier stop first: nothing is sent once close is called.
      stopProducing();
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}
