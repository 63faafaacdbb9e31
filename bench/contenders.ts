// The same three calls made four ways: through this package's execute(), through a bare got
// call carrying the same request, through the official client customerio-node, and through
// Node's http module with a keep-alive agent (the floor).
import got from 'got';
import http from 'node:http';
import { createRequire } from 'node:module';
// The package as a host loads it: its published entry (dist/runtime.bundle.js, built by npm run bench).
// A profiled run (BENCH_UNBUNDLED=1) loads the same code unbundled, so that a profile tells the
// runtime's frames from got's by their files.
import type { ExecuteOptions } from 'customerio-tray-connectors';

async function loadConnectors(options: { rateLimiter: false }) {
  const entry = process.env.BENCH_UNBUNDLED ? '../dist/runtime/index.js' : 'customerio-tray-connectors';
  return ((await import(entry)) as typeof import('customerio-tray-connectors')).loadConnectors(options);
}

const SITE = 'site-bench';
const TRACK_KEY = 'key-bench';
const APP_KEY = 'app-key-bench';
const BASIC = `Basic ${Buffer.from(`${SITE}:${TRACK_KEY}`).toString('base64')}`;
const BEARER = `Bearer ${APP_KEY}`;

export type Scenario = 'create_or_update_customer' | 'track_custom_event' | 'send_transactional_email';
export const SCENARIOS: Scenario[] = ['create_or_update_customer', 'track_custom_event', 'send_transactional_email'];
export type Call = (i: number) => Promise<unknown>;
export type Contender = (scenario: Scenario, origin: string) => Promise<Call>;

/** What each scenario sends, as path + JSON body (the package adds an event id itself). */
function wire(scenario: Scenario, i: number): { method: 'PUT' | 'POST'; path: string; body: Record<string, unknown>; auth: string } {
  switch (scenario) {
    case 'create_or_update_customer':
      return { method: 'PUT', path: `/api/v1/customers/${i}`, body: { email: `p${i}@example.com`, plan: 'pro', seats: 5 }, auth: BASIC };
    case 'track_custom_event':
      return { method: 'POST', path: `/api/v1/customers/${i}/events`, body: { name: 'purchase', data: { price: 23.45, sku: 'socks' } }, auth: BASIC };
    case 'send_transactional_email':
      return { method: 'POST', path: '/v1/send/email', body: { identifiers: { id: String(i) }, transactional_message_id: 3, message_data: { order: i } }, auth: BEARER };
  }
}

/** The scenario as an execute() call, through a registry, with the given options. */
async function executeCall(scenario: Scenario, options: ExecuteOptions): Promise<Call> {
  const registry = await loadConnectors({ rateLimiter: false });
  const track = { connector: 'customer-io', auth: { site_id: SITE, api_key: TRACK_KEY, region: 'us' } };
  const app = { connector: 'customer-io-app', auth: { api_key: APP_KEY, region: 'us' } };
  const run = async (request: Parameters<typeof registry.execute>[0]) => {
    const result = await registry.execute(request);
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    return result;
  };
  switch (scenario) {
    case 'create_or_update_customer':
      return (i) => run({ ...track, operation: scenario, input: { identifier: String(i), email: `p${i}@example.com`, custom_attributes: { plan: 'pro', seats: 5 } }, options });
    case 'track_custom_event':
      return (i) => run({ ...track, operation: scenario, input: { identifier: String(i), name: 'purchase', data: { price: 23.45, sku: 'socks' } }, options });
    case 'send_transactional_email':
      return (i) => run({ ...app, operation: scenario, input: { identifiers: { id: String(i) }, content: { transactional_message_id: 3 }, message_data: { order: i } }, options });
  }
}

/**
 * The runtime's own cost of a call, in microseconds: execute() as a dry run (validation, request
 * building, credentials, redaction; nothing sent), sequential calls after a warm-up.
 */
export async function runtimeCostMicros(scenario: Scenario, calls = 20_000): Promise<number> {
  const call = await executeCall(scenario, { dryRun: true });
  for (let i = 0; i < 5_000; i++) await call(i);
  const started = performance.now();
  for (let i = 0; i < calls; i++) await call(i);
  return ((performance.now() - started) * 1000) / calls;
}

export const contenders: Record<string, Contender> = {
  'execute()': (scenario, origin) => executeCall(scenario, { origin, retry: { maxAttempts: 1 } }),

  async 'bare got'(scenario, origin) {
    const client = got.extend({
      prefixUrl: origin,
      retry: { limit: 0 },
      followRedirect: false,
      agent: { http: new http.Agent({ keepAlive: true }) },
    });
    return (i) => {
      const { method, path, body, auth } = wire(scenario, i);
      return client(path.slice(1), { method, json: body, headers: { authorization: auth } }).json();
    };
  },

  async 'customerio-node 5.2.0'(scenario, origin) {
    const require = createRequire(import.meta.url);
    const cio = require('customerio-node') as typeof import('customerio-node');
    const track = new cio.TrackClient(SITE, TRACK_KEY, { url: `${origin}/api/v1`, retry: { maxRetries: 0 } } as never);
    const api = new cio.APIClient(APP_KEY, { url: `${origin}/v1`, retry: { maxRetries: 0 } } as never);
    switch (scenario) {
      case 'create_or_update_customer':
        return (i) => track.identify(String(i), { email: `p${i}@example.com`, plan: 'pro', seats: 5 });
      case 'track_custom_event':
        return (i) => track.track(String(i), { name: 'purchase', data: { price: 23.45, sku: 'socks' } });
      case 'send_transactional_email':
        return (i) => api.sendEmail(new cio.SendEmailRequest({ identifiers: { id: String(i) }, transactional_message_id: 3, message_data: { order: i } } as never));
    }
  },

  async 'node:http (floor)'(scenario, origin) {
    const agent = new http.Agent({ keepAlive: true });
    const { hostname, port } = new URL(origin);
    return (i) =>
      new Promise((resolve, reject) => {
        const { method, path, body, auth } = wire(scenario, i);
        const payload = JSON.stringify(body);
        const req = http.request(
          { hostname, port, path, method, agent, headers: { authorization: auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
  },
};
