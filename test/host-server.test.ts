// The reference host's JSON API: where a call is routed (sandbox origin or a real region), what
// the page gets to list, and the guards that keep other sites and odd paths out. Dry runs only:
// nothing leaves the machine.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHostServer, type HostServer } from '../host/server.js';
import { sharedRegistry } from './helpers.js';

const SANDBOX = { origin: 'http://127.0.0.1:4999', credentials: { site_id: 'sandbox-site', track_api_key: 'sandbox-track-key', app_api_key: 'sandbox-app-key' } };
let host: HostServer;

beforeAll(async () => {
  const webRoot = mkdtempSync(join(tmpdir(), 'host-web-'));
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>host</title>');
  host = await createHostServer({ registry: await sharedRegistry(), webRoot, sandbox: SANDBOX, port: 0 });
});
afterAll(() => host.close());

/** The host's JSON answers, explored freely by the checks below. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any shape the host answers
type HostJson = any;

function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: HostJson; text: string }> {
  const url = new URL(path, host.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers } }, (res) => {
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
    if (body !== undefined) req.write(typeof body === 'string' ? body : JSON.stringify(body));
    req.end();
  });
}

const trackEvent = { connector: 'customer-io', operation: 'track_custom_event', auth: { site_id: 's', api_key: 'k' }, input: { identifier: '42', name: 'purchase', id: '01HQ3Z8Y8V4J2K6M9N0P1R2S3T' }, dryRun: true };

describe('reference host API', () => {
  it('lists every connector with its operations grouped and DDLs flagged hidden', async () => {
    const { status, json } = await call('GET', '/host-api/connectors');
    expect(status).toBe(200);
    expect(json.map((c: { name: string }) => c.name)).toEqual(['customer-io', 'customer-io-app', 'customer-io-beta', 'customer-io-trigger']);
    const app = json[1];
    expect(app.operations.find((o: { name: string }) => o.name === 'list_segments_ddl')).toMatchObject({ hidden: true });
    expect(app.operations.find((o: { name: string }) => o.name === 'list_segment_members')).toMatchObject({ hidden: false, group: 'Segments' });
  });

  it('lists the trigger connector\'s triggers by kind, grouped by resource like other operations', async () => {
    const { json } = await call('GET', '/host-api/connectors');
    const trigger = json.find((c: { name: string }) => c.name === 'customer-io-trigger');
    expect(trigger.operations.find((o: { name: string }) => o.name === 'watch_email_events')).toMatchObject({ kind: 'trigger', hidden: false, group: 'Email events' });
    expect(trigger.operations.find((o: { name: string }) => o.name === 'list_reporting_webhooks')).toMatchObject({ kind: 'action' });
  });

  it('tells the page about the sandbox and the targets', async () => {
    const { json } = await call('GET', '/host-api/config');
    expect(json.sandbox).toEqual(SANDBOX);
    expect(json.targets.map((t: { value: string }) => t.value)).toEqual(['sandbox', 'us', 'eu']);
    expect(json.webhook_base_url).toBe(host.url);
  });

  it('sends sandbox calls to the sandbox origin as region US', async () => {
    const { json } = await call('POST', '/host-api/execute', { ...trackEvent, target: 'sandbox', auth: { ...trackEvent.auth, region: 'eu' } });
    expect(json.envelope).toMatchObject({ ok: true, request: { method: 'POST', url: 'http://127.0.0.1:4999/api/v1/customers/42/events' } });
    expect(json.envelope.request.headers.authorization).toBe('[REDACTED]');
  });

  it('sends production calls to the chosen region, never the sandbox', async () => {
    const eu = await call('POST', '/host-api/execute', { ...trackEvent, target: 'eu' });
    expect(eu.json.envelope.request.url).toBe('https://track-eu.customer.io/api/v1/customers/42/events');
    const us = await call('POST', '/host-api/execute', { ...trackEvent, target: 'us' });
    expect(us.json.envelope.request.url).toBe('https://track.customer.io/api/v1/customers/42/events');
  });

  it('answers a bad input with the runtime envelope, not an HTTP error', async () => {
    const { status, json } = await call('POST', '/host-api/execute', { ...trackEvent, target: 'us', input: { name: 'x' } });
    expect(status).toBe(200);
    expect(json.envelope).toMatchObject({ ok: false, error: { code: 'user_input_error' } });
  });

  it('refuses unknown targets and connectors', async () => {
    expect((await call('POST', '/host-api/execute', { ...trackEvent, target: 'mars' })).status).toBe(400);
    expect((await call('POST', '/host-api/execute', { ...trackEvent, connector: 'nope', target: 'us' })).status).toBe(404);
  });

  it('takes only JSON, so another site cannot post a plain form to it', async () => {
    const { status } = await call('POST', '/host-api/execute', JSON.stringify(trackEvent), { 'content-type': 'text/plain' });
    expect(status).toBe(415);
  });

  it('answers only to its own host name (no DNS rebinding)', async () => {
    const { status } = await call('GET', '/host-api/config', undefined, { host: 'evil.example:80' });
    expect(status).toBe(421);
  });

  it('serves the page, and nothing outside its folder', async () => {
    expect((await call('GET', '/')).text).toContain('<title>host</title>');
    expect((await call('GET', '/..%2f..%2fetc%2fpasswd')).status).toBe(404);
    expect((await call('GET', '/missing.js')).status).toBe(404);
  });
});

// The trigger API's refusals; enabling, the webhook and actions run against the sandbox in
// trigger-e2e.test.ts.
describe('reference host API: triggers', () => {
  const enable = { connector: 'customer-io-trigger', operation: 'watch_email_events', auth: { api_key: 'app-key-test', signing_key: 'signing-key-test' }, input: { events: ['email_bounced'] }, target: 'sandbox' };

  it('lists none to begin with', async () => {
    expect((await call('GET', '/host-api/triggers')).json).toEqual({ triggers: [] });
  });

  it('enables only from a JSON request, as execute', async () => {
    expect((await call('POST', '/host-api/triggers', JSON.stringify(enable), { 'content-type': 'text/plain' })).status).toBe(415);
  });

  it('answers a webhook that cannot be registered with the failure envelope, and keeps nothing', async () => {
    // Nothing listens on the sandbox origin of this suite.
    const { status, json, text } = await call('POST', '/host-api/triggers', enable);
    expect(status).toBe(200);
    expect(json).toMatchObject({ ok: false, error: { code: expect.any(String), message: expect.any(String) } });
    expect(text).not.toContain('app-key-test');
    expect(text).not.toContain('signing-key-test');
    expect((await call('GET', '/host-api/triggers')).json).toEqual({ triggers: [] });
  });

  it('refuses an action that is not a connector\'s step before registering anything', async () => {
    const { json } = await call('POST', '/host-api/triggers', { ...enable, action: { connector: 'customer-io-app', operation: 'list_segments_ddl', input: {}, auth: {} } });
    expect(json).toMatchObject({ ok: false, error: { code: 'user_input_error', message: expect.stringMatching(/dropdown helper/) } });
    expect((await call('POST', '/host-api/triggers', { ...enable, action: { connector: 'nope', operation: 'x', input: {}, auth: {} } })).status).toBe(404);
  });

  it('knows no trigger it did not enable: 404 for its log, Disable and webhook, whatever the content type', async () => {
    expect((await call('GET', '/host-api/triggers/unknown-id')).status).toBe(404);
    expect((await call('DELETE', '/host-api/triggers/unknown-id')).status).toBe(404);
    expect((await call('POST', '/host-api/triggers/unknown-id/webhook', 'x', { 'content-type': 'text/plain' })).status).toBe(404);
    expect((await call('GET', '/host-api/triggers/unknown-id/webhook')).status).toBe(405);
    expect((await call('GET', '/host-api/triggers/not%20an%20id')).status).toBe(404);
  });
});
