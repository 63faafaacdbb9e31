// A trigger's whole life through the host API, against the sandbox: enableTrigger registers a
// webhook for exactly the chosen events, the sandbox posts signed events to the host's URL,
// handleTriggerRequest hands over each verified event once (a replay is left out, a tampered or
// stale request is refused with no event), disableTrigger removes the webhook (twice is fine).
// A failed enable leaves no webhook behind.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TriggerResult, TriggerState } from '../runtime/index.js';
import { signatureOf } from '../runtime/triggers/signature.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { sharedRegistry } from './helpers.js';
import { startLocalServer } from './local-server.js';

const TRIGGER = { connector: 'customer-io-trigger', operation: 'watch_email_events' } as const;

interface Received {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  result: TriggerResult;
}

let sandbox: Sandbox;
let hook: Server;
let hookUrl: string;
let state: TriggerState | undefined;
const received: Received[] = [];
let auth: Record<string, string>;
const input = { events: ['email_sent', 'email_delivered'] };

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, deliverAfterMs: 50, webhookDelivery: { retryDelaysMs: [50], longFirstRetryMs: 50, maxAttempts: 3 } });
  auth = { api_key: sandbox.credentials.app_api_key, region: 'us', signing_key: sandbox.credentials.webhook_signing_key };
  const registry = await sharedRegistry();
  // The host's webhook endpoint: every request, as received, goes to handleTriggerRequest.
  hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      void registry.handleTriggerRequest({ ...TRIGGER, auth, input, state: state!, request: { headers: req.headers, rawBody } }).then((result) => {
        received.push({ headers: req.headers, rawBody, result });
        res.writeHead(result.response.status, { 'content-type': 'application/json' }).end(JSON.stringify(result.response.body));
      });
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks/email`;
});
afterAll(async () => {
  hook.closeAllConnections();
  await new Promise<void>((resolve) => hook.close(() => resolve()));
  await sandbox.close();
});

const options = () => ({ origin: sandbox.origin });

async function sendEmail(to: string) {
  const registry = await sharedRegistry();
  const result = await registry.execute({
    connector: 'customer-io-app', operation: 'send_transactional_email', auth: { api_key: sandbox.credentials.app_api_key, region: 'us' },
    input: { identifiers: { email: to }, to, content: { from: 'shop@example.com', subject: 'Your order', body: '<p>Thanks</p>' } }, options: options(),
  });
  expect(result).toMatchObject({ ok: true });
}

async function webhooks(): Promise<{ id: number; endpoint: string; events: string[] }[]> {
  const registry = await sharedRegistry();
  const result = await registry.execute({ connector: 'customer-io-trigger', operation: 'list_reporting_webhooks', auth, input: {}, options: options() });
  return (result as { output: { reporting_webhooks: { id: number; endpoint: string; events: string[] }[] } }).output.reporting_webhooks;
}

describe('a trigger from enable to disable', () => {
  it('enables: one webhook, for exactly the chosen events, posting to the host\'s URL', async () => {
    const registry = await sharedRegistry();
    const enabled = await registry.enableTrigger({ ...TRIGGER, auth, input, webhookUrl: hookUrl, options: options() });
    expect(enabled).toMatchObject({ ok: true, state: { connector: 'customer-io-trigger', operation: 'watch_email_events', endpoint: hookUrl, events: ['email_sent', 'email_delivered'] } });
    state = (enabled as { state: TriggerState }).state;
    const mine = (await webhooks()).filter((w) => w.endpoint === hookUrl);
    expect(mine).toEqual([expect.objectContaining({ id: state.webhook_id, events: ['email_sent', 'email_delivered'] })]);
    expect(JSON.stringify(enabled)).not.toContain(auth.signing_key);
  });

  it('hands over email_sent and email_delivered, verified, once each', async () => {
    await sendEmail('ada@example.com');
    await sandbox.webhooks.idle();
    const handed = received.flatMap((r) => r.result.events);
    expect(handed.map((e) => `${e.object_type}_${e.metric}`)).toEqual(['email_sent', 'email_delivered']);
    expect(received.every((r) => r.result.verification.verified && r.result.response.status === 200)).toBe(true);
    expect(handed.every((e) => e.data.recipient === 'ada@example.com')).toBe(true);
  });

  it('leaves out a replay of a request it already handled, answering 200 so Customer.io stops', async () => {
    const registry = await sharedRegistry();
    const first = received[0]!;
    // Signed again now, so only the event id makes it a repeat.
    const stamp = String(Math.floor(Date.now() / 1000));
    const headers = { 'x-cio-timestamp': stamp, 'x-cio-signature': signatureOf(auth.signing_key!, stamp, first.rawBody) };
    const result = await registry.handleTriggerRequest({ ...TRIGGER, auth, input, state: state!, request: { headers, rawBody: first.rawBody } });
    expect(result).toMatchObject({ response: { status: 200 }, events: [], verification: { verified: true } });
    expect(result.left_out[0]!.reason).toMatch(/a repeat/);
  });

  it.each([
    ['a tampered body', (r: Received) => ({ headers: r.headers, rawBody: Buffer.from(r.rawBody.toString().replace('ada@', 'eve@')) }), 401, 'bad_signature'],
    ['a tampered signature', (r: Received) => ({ headers: { ...r.headers, 'x-cio-signature': '0'.repeat(64) }, rawBody: r.rawBody }), 401, 'bad_signature'],
    ['a stale timestamp, correctly signed', (r: Received) => {
      const stamp = String(Math.floor(Date.now() / 1000) - 301);
      return { headers: { 'x-cio-timestamp': stamp, 'x-cio-signature': signatureOf(auth.signing_key!, stamp, r.rawBody) }, rawBody: r.rawBody };
    }, 401, 'stale_timestamp'],
    ['an oversized body', (r: Received) => ({ headers: r.headers, rawBody: Buffer.alloc(3 * 1024 * 1024, 32) }), 413, 'too_large'],
  ] as const)('refuses %s with no event', async (_what, make, status, reason) => {
    const registry = await sharedRegistry();
    const request = make(received[0]!);
    const result = await registry.handleTriggerRequest({ ...TRIGGER, auth, input, state: state!, request });
    expect(result).toMatchObject({ response: { status }, events: [], verification: { verified: false, reason } });
  });

  it('refuses malformed JSON that is correctly signed with a 400 and no event', async () => {
    const registry = await sharedRegistry();
    const rawBody = Buffer.from('{"event_id": ');
    const stamp = String(Math.floor(Date.now() / 1000));
    const result = await registry.handleTriggerRequest({ ...TRIGGER, auth, input, state: state!, request: { headers: { 'x-cio-timestamp': stamp, 'x-cio-signature': signatureOf(auth.signing_key!, stamp, rawBody) }, rawBody } });
    expect(result).toMatchObject({ response: { status: 400 }, events: [] });
  });

  it('disables: the webhook is gone, and disabling again is still success', async () => {
    const registry = await sharedRegistry();
    expect(await registry.disableTrigger({ ...TRIGGER, auth, state: state!, options: options() })).toMatchObject({ ok: true, output: { removed: true } });
    expect((await webhooks()).filter((w) => w.endpoint === hookUrl)).toEqual([]);
    expect(await registry.disableTrigger({ ...TRIGGER, auth, state: state!, options: options() })).toMatchObject({ ok: true, output: { removed: false, already_gone: true } });
  });
});

describe('a failed enable', () => {
  it('removes the webhook it had registered, and says so', async () => {
    // An App API that registers the webhook for other events than asked: the enable must not stand.
    const fake = await startLocalServer((seen, res) => {
      if (seen.method === 'POST') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 41, events: ['email_opened'] }));
      res.writeHead(204).end();
    });
    try {
      const registry = await sharedRegistry();
      const result = await registry.enableTrigger({ ...TRIGGER, auth: { ...auth, api_key: 'app-key-test' }, input, webhookUrl: hookUrl, options: { origin: fake.origin } });
      expect(result).toMatchObject({ ok: false, error: { message: expect.stringContaining('The webhook it had registered was removed again.') } });
      expect(fake.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /v1/reporting_webhooks', 'DELETE /v1/reporting_webhooks/41']);
    } finally {
      await fake.close();
    }
  });

  it('refuses input the trigger form refuses before registering anything', async () => {
    const registry = await sharedRegistry();
    const before = (await webhooks()).length;
    const result = await registry.enableTrigger({ ...TRIGGER, auth, input: { events: ['sms_sent'] }, webhookUrl: hookUrl, options: options() });
    expect(result).toMatchObject({ ok: false, error: { code: 'user_input_error', message: expect.stringContaining('"input.events[0]"') } });
    expect((await webhooks()).length).toBe(before);
  });

  it('is refused for an operation that is not a trigger, and execute refuses a trigger', async () => {
    const registry = await sharedRegistry();
    expect(await registry.enableTrigger({ connector: 'customer-io-trigger', operation: 'list_reporting_webhooks', auth, input, webhookUrl: hookUrl })).toMatchObject({ ok: false, error: { code: 'user_input_error' } });
    expect(await registry.execute({ ...TRIGGER, operation: TRIGGER.operation as string, auth, input })).toMatchObject({ ok: false, error: { code: 'user_input_error', message: expect.stringContaining('is a trigger') } });
  });
});

