// A trigger-to-action workflow end to end, in one process: the sandbox and the reference host on
// free ports, the host driven only through its JSON API as the page drives it. "When an email
// bounces, suppress the person": the trigger is enabled, a person gets a transactional email,
// Track reports it bounced, the sandbox posts the signed email_bounced event to the host's
// webhook URL, and the host runs the action against the sandbox. A tampered request and a replay
// start nothing; Disable removes the webhook from the sandbox.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHostServer, type HostServer } from '../host/server.js';
import { loadConnectors } from '../runtime/index.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';

/** The host's JSON answers, explored freely by the checks below. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any shape the host answers
type HostJson = any;

let sandbox: Sandbox;
let host: HostServer;

beforeAll(async () => {
  // Fast clocks: messages delivered 100 ms after sending, retries within a fraction of a second;
  // no App rate limit, which would only slow the checks that list the webhooks.
  sandbox = await startSandbox({ rateLimit: false, deliverAfterMs: 100, webhookDelivery: { timeoutMs: 2000, retryDelaysMs: [40, 80], longFirstRetryMs: 60, maxAttempts: 3 } });
  const webRoot = mkdtempSync(join(tmpdir(), 'host-web-'));
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>host</title>');
  host = await createHostServer({
    registry: await loadConnectors({ rateLimiter: false }),
    webRoot,
    sandbox: { origin: sandbox.origin, credentials: sandbox.credentials },
    port: 0,
  });
});
afterAll(async () => {
  await host.close();
  await sandbox.close();
});

function call(method: string, path: string, body?: string | object, headers: Record<string, string> = {}): Promise<{ status: number; json: HostJson; text: string }> {
  const url = new URL(path, host.url);
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...(typeof body === 'object' ? { 'content-type': 'application/json' } : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, json, text });
      });
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

const target = 'sandbox';
const trackAuth = () => ({ site_id: sandbox.credentials.site_id, api_key: sandbox.credentials.track_api_key });
const appAuth = () => ({ api_key: sandbox.credentials.app_api_key });
const triggerAuth = () => ({ ...appAuth(), signing_key: sandbox.credentials.webhook_signing_key });
const secrets = () => [sandbox.credentials.track_api_key, sandbox.credentials.app_api_key, sandbox.credentials.webhook_signing_key];

/** Runs an operation through the host as the page does; its output, or a thrown envelope. */
async function execute(connector: string, operation: string, input: Record<string, unknown>): Promise<HostJson> {
  const auth = connector === 'customer-io' ? trackAuth() : appAuth();
  const { json } = await call('POST', '/host-api/execute', { connector, operation, auth, input, target, dryRun: false });
  if (!json.envelope.ok) throw new Error(`${connector} ${operation}: ${JSON.stringify(json.envelope.error)}`);
  return json.envelope.output;
}

async function webhookEndpoints(): Promise<string[]> {
  const output = await execute('customer-io-app', 'list_reporting_webhooks', {});
  return (output.reporting_webhooks as { endpoint: string }[]).map((w) => w.endpoint);
}

/** Polls GET /host-api/triggers/<id> (as the page does) until `done` holds for it. */
async function until(id: string, done: (trigger: HostJson) => boolean, timeoutMs = 5000): Promise<HostJson> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { json } = await call('GET', `/host-api/triggers/${id}`);
    if (done(json) || Date.now() > deadline) return json;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const actionsDone = (trigger: HostJson) => trigger.actions_pending === 0;

describe('a trigger runs an action per event: bounced email → suppress the person', () => {
  const person = `bouncer-${Date.now().toString(36)}`;
  let id: string;
  let webhookUrl: string;
  let bounced: HostJson;

  it('refuses an action with a placeholder that is not a path into the event, registering nothing', async () => {
    const before = await webhookEndpoints();
    const { status, json } = await call('POST', '/host-api/triggers', {
      connector: 'customer-io-trigger', operation: 'watch_email_events', auth: triggerAuth(), input: { events: ['email_bounced'] }, target,
      action: { connector: 'customer-io', operation: 'suppress_customer', input: { identifier: '{{auth.api_key}}' }, auth: trackAuth() },
    });
    expect(status).toBe(200);
    expect(json).toMatchObject({ ok: false, error: { code: 'user_input_error' } });
    expect(json.error.message).toContain('{{auth.api_key}}');
    expect(await webhookEndpoints()).toEqual(before);
  });

  it('enables watch_email_events for email_bounced with a webhook URL on this host', async () => {
    const { status, json, text } = await call('POST', '/host-api/triggers', {
      connector: 'customer-io-trigger', operation: 'watch_email_events', auth: triggerAuth(), input: { events: ['email_bounced'] }, target,
      action: { connector: 'customer-io', operation: 'suppress_customer', input: { identifier: '{{event.data.identifiers.id}}' }, auth: trackAuth() },
    });
    expect(status).toBe(200);
    expect(json).toMatchObject({ ok: true, state: { connector: 'customer-io-trigger', operation: 'watch_email_events', events: ['email_bounced'] } });
    id = json.id;
    webhookUrl = json.webhook_url;
    expect(webhookUrl).toBe(`${host.url}/host-api/triggers/${id}/webhook`);
    expect(json.state.endpoint).toBe(webhookUrl);
    expect(await webhookEndpoints()).toContain(webhookUrl);
    // The credentials went to the sandbox, and come back from the host API redacted only.
    for (const secret of secrets()) expect(text).not.toContain(secret);
    expect(json.trigger.auth).toMatchObject({ api_key: '[REDACTED]', signing_key: '[REDACTED]', region: 'us' });
    expect(json.trigger.action).toMatchObject({ connector: 'customer-io', operation: 'suppress_customer', auth: { api_key: '[REDACTED]' } });
  });

  it('hands over the bounce, verified, and the action suppresses the person in the sandbox', async () => {
    await execute('customer-io', 'create_or_update_customer', { identifier: person, email: `${person}@example.com` });
    const sent = await execute('customer-io-app', 'send_transactional_email', { identifiers: { id: person }, content: { transactional_message_id: 3 }, message_data: { link: 'https://acme.example/reset' } });
    await execute('customer-io', 'report_delivery_metric', { delivery_id: sent.delivery_id, metric: 'bounced' });
    await sandbox.webhooks.idle();

    const trigger = await until(id, (t) => t.requests.length >= 1 && actionsDone(t));
    // Only the bounce was subscribed: the email's sent and delivered events never came.
    expect(trigger.requests).toHaveLength(1);
    const [entry] = trigger.requests;
    expect(entry).toMatchObject({ status: 200, verification: { verified: true }, left_out: [] });
    expect(entry.headers['x-cio-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(entry.events).toHaveLength(1);
    bounced = entry.events[0];
    expect(bounced).toMatchObject({ name: 'email_bounced', event: { object_type: 'email', metric: 'bounced', data: { delivery_id: sent.delivery_id, identifiers: { id: person } } } });
    expect(bounced.action).toMatchObject({ status: 'done', input: { identifier: person }, envelope: { ok: true } });
    expect(bounced.action.envelope.meta.request.url).toBe(`${sandbox.origin}/api/v1/customers/${person}/suppress`);

    expect(sandbox.state.suppressed.ids).toContain(person);
    const gone = await call('POST', '/host-api/execute', { connector: 'customer-io-app', operation: 'get_customer_attributes', auth: appAuth(), input: { customer: { id: person } }, target, dryRun: false });
    expect(gone.json.envelope).toMatchObject({ ok: false, error: { status_code: 404 } });
    for (const secret of secrets()) expect(JSON.stringify(trigger)).not.toContain(secret);
  });

  it('refuses a tampered request with 401 and runs no action', async () => {
    const body = JSON.stringify(bounced.event).replace(person, 'someone-else');
    const headers = await signedHeadersOfFirstRequest();
    const { status, json } = await call('POST', new URL(webhookUrl).pathname, body, { ...headers, 'content-type': 'application/json' });
    expect(status).toBe(401);
    expect(json.error).toMatch(/not signed/);
    const trigger = await until(id, actionsDone);
    expect(trigger.requests).toHaveLength(2);
    expect(trigger.requests[1]).toMatchObject({ status: 401, verification: { verified: false, reason: 'bad_signature' }, events: [], left_out: [] });
    expect(sandbox.state.suppressed.ids).not.toContain('someone-else');
  });

  it('takes a replay of the same signed request as a repeat: no second action', async () => {
    // The very bytes the sandbox signed (it serialises the event with JSON.stringify), with its
    // timestamp and signature; sent as text/plain: the webhook reads bytes, not a content type.
    const headers = await signedHeadersOfFirstRequest();
    const { status } = await call('POST', new URL(webhookUrl).pathname, JSON.stringify(bounced.event), { ...headers, 'content-type': 'text/plain' });
    expect(status).toBe(200);
    const trigger = await until(id, actionsDone);
    expect(trigger.requests).toHaveLength(3);
    const replay = trigger.requests[2];
    expect(replay).toMatchObject({ status: 200, verification: { verified: true }, events: [] });
    expect(replay.left_out).toEqual([{ event_id: bounced.event_id, reason: expect.stringMatching(/repeat/) }]);
    const actions = trigger.requests.flatMap((r: HostJson) => r.events).filter((e: HostJson) => e.action);
    expect(actions).toHaveLength(1);
  });

  it('refuses a body over the cap (2 MB) with 413, reading no more of it', async () => {
    const { status } = await call('POST', new URL(webhookUrl).pathname, 'x'.repeat(2 * 1024 * 1024 + 10));
    expect(status).toBe(413);
    const trigger = await until(id, actionsDone);
    expect(trigger.requests.at(-1)).toMatchObject({ status: 413, verification: { verified: false, reason: 'too_large' }, body_bytes: 2 * 1024 * 1024 + 1 });
  });

  it('answers a webhook request only for its own host names', async () => {
    const { status } = await call('POST', new URL(webhookUrl).pathname, '{}', { host: 'evil.example:80' });
    expect(status).toBe(421);
  });

  it('lists the trigger for a page that reloads', async () => {
    const { json, text } = await call('GET', '/host-api/triggers');
    expect(json.triggers.map((t: HostJson) => t.id)).toEqual([id]);
    for (const secret of secrets()) expect(text).not.toContain(secret);
  });

  it('disables: the webhook is gone from the sandbox and the trigger from the host', async () => {
    const { status, json } = await call('DELETE', `/host-api/triggers/${id}`);
    expect(status).toBe(200);
    expect(json.envelope).toMatchObject({ ok: true, output: { removed: true } });
    expect(await webhookEndpoints()).not.toContain(webhookUrl);
    expect(sandbox.state.reporting_webhooks.map((w) => w.endpoint)).not.toContain(webhookUrl);
    expect((await call('GET', `/host-api/triggers/${id}`)).status).toBe(404);
    expect((await call('POST', new URL(webhookUrl).pathname, '{}')).status).toBe(404);
    expect((await call('DELETE', `/host-api/triggers/${id}`)).status).toBe(404);
  });

  /** The first request's signature headers, as the host recorded them. */
  async function signedHeadersOfFirstRequest(): Promise<Record<string, string>> {
    const { json } = await call('GET', `/host-api/triggers/${id}`);
    const { 'x-cio-timestamp': timestamp, 'x-cio-signature': signature } = json.requests[0].headers;
    return { 'x-cio-timestamp': timestamp, 'x-cio-signature': signature };
  }
});

describe('a webhook base URL for Customer.io to reach the host through (a tunnel)', () => {
  it('builds the webhook URL on it, and takes requests addressed to its host', async () => {
    const { json } = await call('POST', '/host-api/triggers', {
      connector: 'customer-io-trigger', operation: 'watch_email_events', auth: triggerAuth(), input: { events: ['email_opened'] }, target,
      webhook_base_url: 'https://tunnel.example/cio-host/',
    });
    expect(json).toMatchObject({ ok: true });
    expect(json.webhook_url).toBe(`https://tunnel.example/cio-host/host-api/triggers/${json.id}/webhook`);
    expect(await webhookEndpoints()).toContain(json.webhook_url);
    // The tunnel forwards to the host keeping the public Host: an unsigned request reaches the
    // trigger (and is refused there), where any other name is refused at the door.
    const path = `/host-api/triggers/${json.id}/webhook`;
    expect((await call('POST', path, '{}', { host: 'tunnel.example' })).status).toBe(401);
    expect((await call('POST', path, '{}', { host: 'other.example' })).status).toBe(421);
    expect((await call('GET', `/host-api/triggers/${json.id}`, undefined, { host: 'tunnel.example' })).status).toBe(421);
    expect((await call('DELETE', `/host-api/triggers/${json.id}`)).json.envelope).toMatchObject({ ok: true });
    expect(await webhookEndpoints()).not.toContain(json.webhook_url);
  });

  it('refuses a base URL that is not a plain http(s) address', async () => {
    const { status, json } = await call('POST', '/host-api/triggers', {
      connector: 'customer-io-trigger', operation: 'watch_email_events', auth: triggerAuth(), input: { events: ['email_opened'] }, target,
      webhook_base_url: 'https://tunnel.example/?token=1',
    });
    expect(status).toBe(400);
    expect(json.error).toMatch(/webhook_base_url/);
  });

  it('answers an operation that is not a trigger with the runtime\'s failure envelope', async () => {
    const { json } = await call('POST', '/host-api/triggers', { connector: 'customer-io-trigger', operation: 'list_reporting_webhooks', auth: triggerAuth(), input: {}, target });
    expect(json).toMatchObject({ ok: false, error: { code: 'user_input_error', message: expect.stringMatching(/not a trigger/) } });
  });
});
