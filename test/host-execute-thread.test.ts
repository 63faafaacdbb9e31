// The reference host's execute calls in a worker thread of their own (executeInThread, as the
// local host runs them): every answer the same as in process, against a live sandbox: a
// change and the read that sees it, a bulk call, a dry run, and the refusals (bad JSON, an
// unknown connector, another content type). Figures for what the thread spares the page are
// in docs/performance.md (npm run bench:sandbox), not here.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHostServer, type HostServer } from '../host/server.js';
import { loadConnectors } from '../runtime/index.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';

let sandbox: Sandbox;
let inProcess: HostServer;
let threaded: HostServer;

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: false, deliverAfterMs: 0 });
  const webRoot = mkdtempSync(join(tmpdir(), 'host-web-'));
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>host</title>');
  const info = { origin: sandbox.origin, credentials: sandbox.credentials };
  // The thread loads the connectors as loadConnectors() does by default; the in-process host alike.
  const registry = await loadConnectors();
  inProcess = await createHostServer({ registry, webRoot, sandbox: info, port: 0 });
  // The threaded host's own registry cannot execute: whatever it answers came from the thread.
  const listsOnly = new Proxy(registry, {
    get: (target, key, receiver) => (key === 'execute' ? () => Promise.reject(new Error('executed on the main thread')) : Reflect.get(target, key, receiver)),
  });
  threaded = await createHostServer({ registry: listsOnly, webRoot, sandbox: info, port: 0, executeInThread: true });
});
afterAll(async () => {
  await threaded.close();
  await inProcess.close();
  await sandbox.close();
});

interface Answer {
  status: number;
  type: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any shape the host answers
  json: any;
}

function post(host: HostServer, body: string, contentType = 'application/json'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(new URL('/host-api/execute', host.url), { method: 'POST', headers: { 'content-type': contentType } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** What must not differ between the two: everything but timings. */
function comparable(answer: Answer) {
  const { json } = answer;
  if (!json.envelope) return answer;
  const { meta: _meta, ...envelope } = json.envelope;
  return { status: answer.status, type: answer.type, envelope, events: json.events.map((e: { type: string; request?: unknown }) => [e.type, e.request]), timed: typeof json.host_ms };
}

const trackAuth = () => ({ site_id: sandbox.credentials.site_id, api_key: sandbox.credentials.track_api_key });
const appAuth = () => ({ api_key: sandbox.credentials.app_api_key });

describe('the execute thread', () => {
  it('answers a change, and the read after it, as the host does in process', async () => {
    for (const [host, id] of [[inProcess, 'in-process'], [threaded, 'threaded']] as const) {
      const change = await post(host, JSON.stringify({ connector: 'customer-io', operation: 'create_or_update_customer', target: 'sandbox', auth: trackAuth(), input: { identifier: id, custom_attributes: { plan: 'pro' } } }));
      expect(change).toMatchObject({ status: 200, json: { envelope: { ok: true } } });
    }
    const read = (host: HostServer, id: string) => post(host, JSON.stringify({ connector: 'customer-io-app', operation: 'get_customer_attributes', target: 'sandbox', auth: appAuth(), input: { customer: { id } } }));
    const [a, b] = [await read(inProcess, 'threaded'), await read(threaded, 'threaded')];
    expect(b.json.envelope.output.customer).toMatchObject({ id: 'threaded', attributes: { plan: 'pro' } });
    expect(comparable(b)).toEqual(comparable(a));
  });

  it('answers a bulk call, and a dry run, as in process', async () => {
    const people = Array.from({ length: 300 }, (_, i) => ({ identifiers: { id: `bulk-${i}` }, attributes: { n: i } }));
    const bulk = JSON.stringify({ connector: 'customer-io', operation: 'bulk_identify_customers', target: 'sandbox', auth: trackAuth(), input: { people } });
    const [a, b] = [await post(inProcess, bulk), await post(threaded, bulk)];
    expect(b.json.envelope).toMatchObject({ ok: true, output: { accepted: 300, failed: [] } });
    expect(comparable(b)).toEqual(comparable(a));

    const dry = JSON.stringify({ connector: 'customer-io', operation: 'track_custom_event', target: 'us', auth: { site_id: 'site-test', api_key: 'key-test' }, input: { identifier: '42', name: 'purchase', id: '01HQ3Z8Y8V4J2K6M9N0P1R2S3T' }, dryRun: true });
    const [c, d] = [await post(inProcess, dry), await post(threaded, dry)];
    expect(d.json.envelope).toMatchObject({ ok: true, request: { url: 'https://track.customer.io/api/v1/customers/42/events' } });
    expect(JSON.stringify(d.json)).not.toContain('key-test');
    expect(comparable(d)).toEqual(comparable(c));
  });

  it('refuses what the host refuses, with the same status and words', async () => {
    const refusals: [string, string?][] = [
      ['{"connector": "customer-io", "operation":'],
      [JSON.stringify({ connector: 'nope', operation: 'x', target: 'sandbox' })],
      [JSON.stringify({ connector: 'customer-io', operation: 'track_custom_event', target: 'mars', auth: {} })],
      [JSON.stringify({ connector: 'customer-io', operation: 'track_custom_event', target: 'sandbox', auth: 'not an object' })],
      [JSON.stringify({ connector: 'customer-io' }), 'text/plain'],
    ];
    const statuses: number[] = [];
    for (const [body, type] of refusals) {
      const [a, b] = [await post(inProcess, body, type), await post(threaded, body, type)];
      expect(b).toEqual(a);
      statuses.push(b.status);
    }
    expect(statuses).toEqual([400, 404, 400, 400, 415]);
  });
});
