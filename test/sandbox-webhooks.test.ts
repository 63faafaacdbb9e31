// The sandbox sends Customer.io's reporting webhooks: what each sandbox action produces, the
// payloads (checked against Customer.io's reporting-webhooks document and, when it exists, the
// trigger connector's generated schema), the signature (checked by an HMAC computed here and by
// customerio-node's own verifier), and the delivery rules: one ordered queue per webhook,
// timeouts and retries that hold later events, disabled and deleted webhooks, full resolution,
// bounded queues, remote endpoints left alone, and close. Endpoints are loopback node:http
// servers; nothing reaches the network.
import { afterEach, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import customerio from 'customerio-node';
import { readSandboxStateFile, startSandbox, type ReportingEvent, type Sandbox, type SandboxOptions } from '../sandbox/index.js';
import {
  client, documentProblems, endpoint, gate, generatedProblems, haveDocument, haveGenerated, ULID, type Endpoint,
} from './sandbox-webhooks-helpers.js';

/** Short delays for tests; the defaults (4 s timeout, 1 s…60 s retries, 1 s to delivered) are for people. */
const FAST: SandboxOptions = {
  rateLimit: false,
  broadcastTriggerIntervalMs: 0,
  deliverAfterMs: 30,
  webhookDelivery: { timeoutMs: 1000, retryDelaysMs: [40, 80], longFirstRetryMs: 60, maxAttempts: 3 },
};

const opened: { close(): Promise<void> }[] = [];
async function sandboxWith(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ ...FAST, ...options, webhookDelivery: { ...FAST.webhookDelivery, ...options.webhookDelivery } });
  opened.push(sandbox);
  return sandbox;
}
async function endpointWith(...args: Parameters<typeof endpoint>): Promise<Endpoint> {
  const made = await endpoint(...args);
  opened.push(made);
  return made;
}
afterEach(async () => {
  // Sandboxes first: their queues stop before the endpoints go away.
  for (const item of opened.splice(0)) await item.close();
});

/**
 * Every payload fits Customer.io's document (patched only where it contradicts itself; see the
 * helpers) and, when the trigger connector's schema has been generated, that schema too, except
 * where the generated schema (still being written) refuses what the sandbox sends on purpose: a
 * transactional origin for SMS, in-app and WhatsApp (the document's other_event_common_data has
 * none), a subscription-preferences change made on the profile (no message ids), and the null
 * transactional_message_id of an email written inline (the document gives the field no type).
 */
function expectValid(events: ReportingEvent[]): void {
  for (const event of events) {
    if (haveDocument) expect({ event: `${event.object_type}_${event.metric}`, problems: documentProblems(event) }).toEqual({ event: `${event.object_type}_${event.metric}`, problems: [] });
    if (haveGenerated && !knownGeneratedGap(event)) expect({ event: `${event.object_type}_${event.metric}`, problems: generatedProblems(event) }).toEqual({ event: `${event.object_type}_${event.metric}`, problems: [] });
  }
}
function knownGeneratedGap(event: ReportingEvent): boolean {
  const transactionalOnOtherChannel = ['sms', 'in_app', 'whatsapp'].includes(event.object_type) && 'transactional_message_id' in event.data;
  const preferencesFromProfile = event.metric === 'cio_subscription_preferences_changed' && !('delivery_id' in event.data);
  const inline = event.data.transactional_message_id === null;
  return (transactionalOnOtherChannel || preferencesFromProfile || inline) && generatedProblems(event).length > 0;
}

describe('signing', () => {
  it('signs every request as Customer.io does: X-CIO-Signature = hex HMAC-SHA256 of v0:<X-CIO-Timestamp>:<raw body>', async () => {
    const sandbox = await sandboxWith();
    expect(sandbox.credentials.webhook_signing_key).toBe('sandbox-signing-key');
    expect(sandbox.webhooks.signingKey).toBe('sandbox-signing-key');
    const hook = await endpointWith();
    const api = client(sandbox);
    await api.webhook({ endpoint: hook.url, events: ['email_sent', 'email_delivered'] });
    await api.track('PUT', '/v1/customers/ada', { email: 'ada@example.com', first_name: 'Ada' });
    const before = Math.floor(Date.now() / 1000);
    await api.sendEmail('ada');
    await sandbox.webhooks.idle();
    const after = Math.floor(Date.now() / 1000);

    expect(hook.attempts).toHaveLength(2);
    for (const attempt of hook.attempts) {
      const timestamp = attempt.headers['x-cio-timestamp'] as string;
      const signature = attempt.headers['x-cio-signature'] as string;
      expect(attempt.method).toBe('POST');
      expect(attempt.headers['content-type']).toBe('application/json');
      expect(timestamp).toMatch(/^\d{10}$/);
      expect(Number(timestamp)).toBeGreaterThanOrEqual(before);
      expect(Number(timestamp)).toBeLessThanOrEqual(after);
      expect(signature).toBe(createHmac('sha256', 'sandbox-signing-key').update(`v0:${timestamp}:${attempt.body}`).digest('hex'));
      expect(customerio.verifyRequestSignature({ signingSecret: 'sandbox-signing-key', timestamp, signature, body: attempt.body })).toBe(true);
      expect(customerio.verifyRequestSignature({ signingSecret: 'another-key', timestamp, signature, body: attempt.body })).toBe(false);
      expect(customerio.verifyRequestSignature({ signingSecret: 'sandbox-signing-key', timestamp, signature, body: attempt.body.replace('ada', 'eve') })).toBe(false);
    }
  });

  it('signs with the signingKey option', async () => {
    const sandbox = await sandboxWith({ signingKey: 'whsec-local-test' });
    expect(sandbox.credentials.webhook_signing_key).toBe('whsec-local-test');
    const hook = await endpointWith();
    const api = client(sandbox);
    await api.webhook({ endpoint: hook.url, events: ['email_sent'] });
    await api.track('PUT', '/v1/customers/ada', { email: 'ada@example.com' });
    await api.sendEmail('ada');
    await sandbox.webhooks.idle();
    const [attempt] = hook.attempts;
    expect(customerio.verifyRequestSignature({ signingSecret: 'whsec-local-test', timestamp: attempt.headers['x-cio-timestamp'] as string, signature: attempt.headers['x-cio-signature'] as string, body: attempt.body })).toBe(true);
  });
});

describe('what produces which events', () => {
  it('a transactional email: email_sent at once, email_delivered when the sandbox delivers it; nothing to a webhook for other events', async () => {
    const sandbox = await sandboxWith();
    const wanted = await endpointWith();
    const other = await endpointWith();
    const api = client(sandbox);
    const wantedId = await api.webhook({ endpoint: wanted.url, events: ['email_sent', 'email_delivered'] });
    const otherId = await api.webhook({ endpoint: other.url, events: ['sms_sent', 'push_delivered', 'customer_unsubscribed'] });
    await api.track('PUT', '/v1/customers/ada', { email: 'ada@example.com', first_name: 'Ada' });
    const cioId = ((await api.app('GET', '/customers/ada/attributes')).customer as { identifiers: { cio_id: string } }).identifiers.cio_id;
    const deliveryId = await api.sendEmail('ada');
    await sandbox.webhooks.idle();

    expect(wanted.names()).toEqual(['email_sent', 'email_delivered']);
    const [sent, delivered] = wanted.events();
    for (const event of [sent, delivered]) {
      expect(event.event_id).toMatch(ULID);
      expect(event.data).toEqual({
        customer_id: 'ada', identifiers: { id: 'ada', email: 'ada@example.com', cio_id: cioId }, delivery_id: deliveryId,
        transactional_message_id: 3, recipient: 'ada@example.com', subject: 'Reset your password',
      });
    }
    expect(sent.event_id).not.toBe(delivered.event_id);
    expect(delivered.timestamp).toBeGreaterThanOrEqual(sent.timestamp);
    expect(Math.abs(sent.timestamp - Date.now() / 1000)).toBeLessThan(10);
    expectValid([sent, delivered]);
    expect(other.attempts).toEqual([]);

    // The delivery is delivered in the workspace too, not only in the webhook.
    const message = (await api.app('GET', `/messages/${deliveryId}`)).message as { metrics: Record<string, number> };
    expect(Object.keys(message.metrics).sort()).toEqual(['delivered', 'sent']);
    const log = sandbox.webhooks.log();
    expect(log.find((l) => l.webhook_id === wantedId)).toMatchObject({ delivered: 2, failed_attempts: 0, queued: 0, last_status: 200, last_error: null });
    expect(log.find((l) => l.webhook_id === otherId)).toMatchObject({ delivered: 0, queued: 0, recent: [] });
  });

  it('answers the API call without waiting for the webhook', async () => {
    const sandbox = await sandboxWith({ deliverAfterMs: 0, webhookDelivery: { timeoutMs: 5000 } });
    const hold = gate();
    const hook = await endpointWith(() => ({ status: 200, until: hold.wait }));
    const api = client(sandbox);
    await api.webhook({ endpoint: hook.url, events: ['email_sent'] });
    await api.track('PUT', '/v1/customers/ada', { email: 'ada@example.com' });
    const first = await api.sendEmail('ada');
    const second = await api.sendEmail('ada');
    // Both sends answered while the endpoint still holds the first event.
    expect([first, second]).toEqual([expect.any(String), expect.any(String)]);
    expect(sandbox.webhooks.log()[0]).toMatchObject({ delivered: 0, queued: 2 });
    hold.open();
    await sandbox.webhooks.idle();
    expect(hook.events().map((e) => e.data.delivery_id)).toEqual([first, second]);
  });

  it('Track metrics: /api/v1/metrics, /api/v1/push/events and v2 delivery events', async () => {
    const sandbox = await sandboxWith({ deliverAfterMs: 0 });
    const hook = await endpointWith();
    const api = client(sandbox);
    await api.webhook({
      endpoint: hook.url, full_resolution: true,
      events: ['email_opened', 'email_clicked', 'email_converted', 'email_bounced', 'email_spammed', 'email_delivered', 'push_delivered', 'push_opened', 'push_converted', 'push_clicked'],
    });
    await api.track('PUT', '/v1/customers/ada', { email: 'ada@example.com' });
    await api.track('PUT', '/v1/customers/ada/devices', { device: { id: 'device-ada', platform: 'ios' } });
    const email = await api.sendEmail('ada');
    const bounced = await api.sendEmail('ada');
    const push = (await api.app('POST', '/send/push', { transactional_message_id: 5, identifiers: { id: 'ada' }, message_data: { order_id: 'A-1' } })).delivery_id as string;

    await api.open('POST', '/api/v1/metrics', { delivery_id: email, metric: 'delivered' });
    await api.open('POST', '/api/v1/metrics', { delivery_id: email, metric: 'opened', timestamp: 1_760_000_000 });
    await api.open('POST', '/api/v1/metrics', { delivery_id: email, metric: 'clicked', href: 'https://acme.example/reset' });
    await api.open('POST', '/api/v1/metrics', { delivery_id: email, metric: 'converted' });
    await api.track('POST', '/v2/entity', { type: 'delivery', action: 'event', identifiers: { id: email }, name: 'opened' });
    await api.open('POST', '/api/v1/metrics', { delivery_id: bounced, metric: 'bounced', reason: 'mailbox full' });
    await api.open('POST', '/api/v1/metrics', { delivery_id: bounced, metric: 'spammed' });
    await api.open('POST', '/api/v1/push/events', { delivery_id: push, event: 'delivered', device_id: 'device-ada' });
    await api.open('POST', '/api/v1/push/events', { delivery_id: push, event: 'opened', device_id: 'device-ada' });
    await api.track('POST', '/v2/batch', { batch: [{ type: 'delivery', action: 'event', identifiers: { id: push }, name: 'converted' }] });
    // Metrics for deliveries the workspace does not have change nothing and report nothing.
    await api.open('POST', '/api/v1/metrics', { delivery_id: 'unknown-delivery', metric: 'opened' });
    await sandbox.webhooks.idle();

    expect(hook.names()).toEqual([
      'email_delivered', 'email_opened', 'email_clicked', 'email_converted', 'email_opened', 'email_bounced', 'email_spammed',
      'push_delivered', 'push_opened', 'push_converted',
    ]);
    const events = hook.events();
    expect(events.map((e) => e.data.delivery_id)).toEqual([email, email, email, email, email, bounced, bounced, push, push, push]);
    expect(events[1].timestamp).toBe(1_760_000_000);
    expect(events[2].data).toMatchObject({ href: 'https://acme.example/reset', link_id: expect.any(Number), machine: false, subject: 'Reset your password', recipient: 'ada@example.com' });
    expect(events[5].data).toMatchObject({ failure_message: 'mailbox full' });
    expect(events[7].data).toMatchObject({ transactional_message_id: 5, recipients: [{ device_id: 'device-ada', device_platform: 'ios' }] });
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
    expectValid(events);
  });

  it('full_resolution false reports only the first open and the first click of a delivery; true reports every one', async () => {
    const sandbox = await sandboxWith({ deliverAfterMs: 0 });
    const first = await endpointWith();
    const every = await endpointWith();
    const api = client(sandbox);
    await api.webhook({ endpoint: first.url, events: ['email_opened', 'email_clicked'], full_resolution: false });
    await api.webhook({ endpoint: every.url, events: ['email_opened', 'email_clicked'], full_resolution: true });
    await api.track('PUT', '/v1/customers/ada', { email: 'ada@example.com' });
    const one = await api.sendEmail('ada');
    const two = await api.sendEmail('ada');
    for (const [delivery, metric, href] of [
      [one, 'opened'], [one, 'opened'], [one, 'clicked', 'https://acme.example/a'], [one, 'clicked', 'https://acme.example/b'],
      [one, 'human_clicked', 'https://acme.example/a'], [two, 'opened'], [two, 'machine_clicked', 'https://acme.example/a'],
    ] as const) {
      await api.open('POST', '/api/v1/metrics', { delivery_id: delivery, metric, ...(href ? { href } : {}) });
    }
    await sandbox.webhooks.idle();

    expect(first.events().map((e) => [e.metric, e.data.delivery_id])).toEqual([['opened', one], ['clicked', one], ['opened', two], ['clicked', two]]);
    expect(every.events().map((e) => [e.metric, e.data.delivery_id])).toEqual([
      ['opened', one], ['opened', one], ['clicked', one], ['clicked', one], ['clicked', one], ['opened', two], ['clicked', two],
    ]);
    expect(every.events().filter((e) => e.metric === 'clicked').map((e) => [e.data.href, e.data.machine])).toEqual([
      ['https://acme.example/a', false], ['https://acme.example/b', false], ['https://acme.example/a', false], ['https://acme.example/a', true],
    ]);
    // One tracked link, one link_id, whichever delivery it was clicked in.
    const linkIds = every.events().filter((e) => e.data.href === 'https://acme.example/a').map((e) => e.data.link_id);
    expect(new Set(linkIds).size).toBe(1);
    expectValid(every.events());
  });

  it('subscribe and unsubscribe: identify (v1 and v2), /unsubscribe/{delivery_id} and subscription preferences are customer events', async () => {
    const sandbox = await sandboxWith({ deliverAfterMs: 0 });
    const hook = await endpointWith();
    const api = client(sandbox);
    await api.webhook({
      endpoint: hook.url, with_content: true,
      events: ['customer_subscribed', 'customer_unsubscribed', 'customer_subscription_preferences_changed', 'email_unsubscribed'],
    });
    await api.track('PUT', '/v1/customers/lin', { email: 'lin@example.com' });
    await api.track('PUT', '/v1/customers/lin', { unsubscribed: true });
    await api.track('PUT', '/v1/customers/lin', { unsubscribed: true }); // no change, no event
    await api.track('POST', '/v2/entity', { type: 'person', action: 'identify', identifiers: { id: 'lin' }, attributes: { unsubscribed: false } });
    await api.track('PUT', '/v1/customers/lin', { cio_subscription_preferences: { topics: { topic_1: false, topic_2: true } } });
    await api.track('PUT', '/v1/customers/lin', { cio_subscription_preferences: { topics: { topic_1: false } } }); // no change
    const delivery = await api.sendEmail('lin');
    await api.open('POST', `/unsubscribe/${delivery}`, { unsubscribe: true });
    await sandbox.webhooks.idle();

    expect(hook.events().map((e) => `${e.object_type}_${e.metric}`)).toEqual([
      'customer_unsubscribed', 'customer_subscribed', 'customer_cio_subscription_preferences_changed', 'email_unsubscribed', 'customer_unsubscribed',
    ]);
    const [unsubscribed, subscribed, preferences, emailUnsubscribed, again] = hook.events();
    const cioId = (unsubscribed.data.identifiers as { cio_id: string }).cio_id;
    const person = { customer_id: 'lin', email_address: 'lin@example.com', identifiers: { id: 'lin', email: 'lin@example.com', cio_id: cioId } };
    expect(unsubscribed.data).toEqual(person);
    expect(subscribed.data).toEqual(person);
    expect(again.data).toEqual(person);
    expect(preferences.data).toEqual({ ...person, content: '{"topics":{"topic_1":false,"topic_2":true}}' });
    expect(emailUnsubscribed.data).toMatchObject({ delivery_id: delivery, recipient: 'lin@example.com', subject: 'Reset your password' });
    expectValid(hook.events());
    const profile = (await api.app('GET', '/customers/lin/attributes')).customer as { unsubscribed: boolean };
    expect(profile.unsubscribed).toBe(true);
  });

  it('broadcast triggers and newsletter sends carry their broadcast, trigger and action, or newsletter and content', async () => {
    const sandbox = await sandboxWith();
    const hook = await endpointWith();
    const api = client(sandbox);
    await api.webhook({ endpoint: hook.url, events: ['email_sent', 'email_delivered', 'push_drafted'] });
    await api.track('PUT', '/v1/customers/ada', { email: 'ada@example.com', first_name: 'Ada', plan: 'news' });
    await api.track('PUT', '/v1/customers/ada/devices', { device: { id: 'device-ada', platform: 'android' } });
    const trigger = (await api.app('POST', '/campaigns/12/triggers', { ids: ['ada'], data: { headline: 'Hi' } })).id as number;
    await sandbox.webhooks.idle();
    const newsletter = (await api.app('POST', '/newsletters', {
      name: 'News', type: 'email', recipients: { attribute: { field: 'plan', operator: 'eq', value: 'news' } }, subject: 'This week', body: '<p>News</p>', send_now: true,
    })).newsletter as { id: number };
    await sandbox.webhooks.idle();

    // The broadcast's email action (31) is sent, then delivered; its push action (32) is a draft.
    expect(hook.names()).toEqual(['email_sent', 'push_drafted', 'email_delivered', 'email_sent', 'email_delivered']);
    const [sent, drafted, , newsletterSent] = hook.events();
    expect(sent.data).toMatchObject({ broadcast_id: 12, trigger_id: trigger, action_id: 31, subject: 'Spring sale starts now', recipient: 'ada@example.com' });
    expect(sent.data).not.toHaveProperty('transactional_message_id');
    expect(drafted.data).toMatchObject({ broadcast_id: 12, trigger_id: trigger, action_id: 32, recipients: [{ device_id: 'device-ada', device_platform: 'android' }] });
    expect(newsletterSent.data).toMatchObject({ newsletter_id: newsletter.id, content_id: expect.any(Number), subject: 'This week' });
    expect(newsletterSent.data).not.toHaveProperty('broadcast_id');
    expectValid(hook.events());
  });

  it('SMS, WhatsApp, push, in-app and inbox sends; with_content adds the message to sent events only', async () => {
    const sandbox = await sandboxWith();
    const plain = await endpointWith();
    const content = await endpointWith();
    const api = client(sandbox);
    const events = ['sms_sent', 'sms_delivered', 'whatsapp_sent', 'push_sent', 'push_failed', 'in_app_sent', 'email_sent'];
    await api.webhook({ endpoint: plain.url, events });
    await api.webhook({ endpoint: content.url, events, with_content: true });
    await api.track('PUT', '/v1/customers/ada', { email: 'ada@example.com', phone: '+15551234567', first_name: 'Ada' });
    await api.track('PUT', '/v1/customers/ada/devices', { device: { id: 'device-ada', platform: 'ios' } });
    await api.app('POST', '/send/sms', { transactional_message_id: 7, identifiers: { id: 'ada' }, message_data: { code: '1234' } });
    await api.app('POST', '/send/whatsapp', { transactional_message_id: 9, identifiers: { id: 'ada' }, message_data: { order_id: 'A-1' } });
    await api.app('POST', '/send/push', { transactional_message_id: 6, identifiers: { id: 'ada' } });
    await api.app('POST', '/send/push', { transactional_message_id: 6, identifiers: { id: 'ada' }, to: 'no-such-device' });
    await api.app('POST', '/send/in_app', { transactional_message_id: 10, identifiers: { id: 'ada' }, message_data: { order_id: 'A-1' } });
    await api.app('POST', '/send/inbox_message', { transactional_message_id: 11, identifiers: { id: 'ada' }, message_data: { order_id: 'A-1', tracking_url: 'https://t.example/1' } });
    await api.sendEmail('ada', { transactional_message_id: undefined, from: 'me@acme.example', subject: 'Inline', body: '<p>Inline {{customer.first_name}}</p>' });
    await sandbox.webhooks.idle();

    // Inbox messages are reported as in_app (the document has no inbox type); in-app has no
    // delivered metric. sms_delivered comes when the courier delivers, among the later sends.
    const sends = plain.events().filter((e) => e.metric !== 'delivered');
    expect(sends.map((e) => `${e.object_type}_${e.metric}`)).toEqual(['sms_sent', 'whatsapp_sent', 'push_sent', 'push_failed', 'in_app_sent', 'in_app_sent', 'email_sent']);
    expect(plain.names().filter((n) => n.endsWith('_delivered'))).toEqual(['sms_delivered']);
    const [sms, whatsapp, push, failed, inApp, inbox, inline] = sends;
    expect(sms.data).toMatchObject({ transactional_message_id: 7, recipient: '+15551234567' });
    expect(whatsapp.data).toMatchObject({ transactional_message_id: 9, recipient: '+15551234567' });
    expect(push.data).toMatchObject({ transactional_message_id: 6, recipients: [{ device_id: 'device-ada', device_platform: 'ios' }] });
    expect(failed.data).toMatchObject({ failure_message: 'the person has no device to send this push to' });
    expect(failed.data.recipients).toEqual([{ device_id: 'no-such-device', failure_message: 'the person has no device to send this push to' }]);
    expect(inApp.data).toMatchObject({ transactional_message_id: 10, recipient: 'ada' });
    expect(inbox.data).toMatchObject({ transactional_message_id: 11 });
    expect(inline.data).toMatchObject({ transactional_message_id: null, subject: 'Inline' });
    for (const event of plain.events()) expect(event.data).not.toHaveProperty('content');

    const withContent = content.events();
    expect(withContent.filter((e) => e.metric !== 'delivered').map((e) => e.data.content)).toEqual([
      'Your Acme code is 1234', 'Order A-1 has an update', JSON.stringify({ title: 'New sign-in', message: 'Was this you?' }), undefined,
      'Order A-1 shipped', 'Track order A-1: https://t.example/1', '<p>Inline Ada</p>',
    ]);
    expect(withContent.find((e) => e.metric === 'delivered')!.data).not.toHaveProperty('content');
    expectValid([...plain.events(), ...withContent]);
  });
});

describe('delivery rules', () => {
  it('retries a failed attempt (500, then 200) and holds the later events until it succeeds, in order', async () => {
    const sandbox = await sandboxWith({ deliverAfterMs: 0 });
    let firstEvent: string | undefined;
    const hook = await endpointWith((event, attempt) => {
      firstEvent ??= event.event_id;
      return { status: event.event_id === firstEvent && attempt === 1 ? 500 : 200 };
    });
    const api = client(sandbox);
    const id = await api.webhook({ endpoint: hook.url, events: ['email_sent'] });
    await api.track('PUT', '/v1/customers/ada', { email: 'ada@example.com' });
    const deliveries = [await api.sendEmail('ada'), await api.sendEmail('ada'), await api.sendEmail('ada')];
    await sandbox.webhooks.idle();

    // The first event twice (500, then 200), and only then the two held behind it.
    expect(hook.attempts.map((a) => [a.event.data.delivery_id, a.attempt])).toEqual([[deliveries[0], 1], [deliveries[0], 2], [deliveries[1], 1], [deliveries[2], 1]]);
    // 500 is one of the statuses after which Customer.io waits longer before the first retry (longFirstRetryMs).
    expect(hook.attempts[1].at - hook.attempts[0].at).toBeGreaterThanOrEqual(55);
    const log = sandbox.webhooks.log().find((l) => l.webhook_id === id)!;
    expect(log).toMatchObject({ delivered: 3, failed_attempts: 1, gave_up: 0, dropped: 0, queued: 0, in_flight: false, last_status: 200, last_error: null });
    expect(log.recent.map((r) => [r.outcome, r.status, r.attempt])).toEqual([['retrying', 500, 1], ['delivered', 200, 2], ['delivered', 200, 1], ['delivered', 200, 1]]);
    expect(log.recent[0]).toMatchObject({ event: 'email_sent', error: 'answered 500', retry_in_ms: 60 });
  });

  it('counts an endpoint slower than the timeout as failed, and retries', async () => {
    const sandbox = await sandboxWith({ deliverAfterMs: 0, webhookDelivery: { timeoutMs: 150 } });
    const hook = await endpointWith((_event, attempt) => ({ status: 200, delayMs: attempt === 1 ? 600 : 0 }));
    const api = client(sandbox);
    await api.webhook({ endpoint: hook.url, events: ['email_sent'] });
    await api.track('PUT', '/v1/customers/ada', { email: 'ada@example.com' });
    await api.sendEmail('ada');
    await sandbox.webhooks.idle();
    expect(hook.attempts.map((a) => a.attempt)).toEqual([1, 2]);
    const [log] = sandbox.webhooks.log();
    expect(log).toMatchObject({ delivered: 1, failed_attempts: 1 });
    expect(log.recent[0]).toMatchObject({ outcome: 'retrying', status: null, error: expect.stringContaining('timed out'), retry_in_ms: 40 });
    expect(log.recent[0].duration_ms).toBeGreaterThanOrEqual(140);
  });

  it('waits longFirstRetryMs before retrying an endpoint that refuses the connection', async () => {
    const sandbox = await sandboxWith({ deliverAfterMs: 0, webhookDelivery: { maxAttempts: 2 } });
    const gone = await endpoint();
    await gone.close(); // nothing listens on its port any more
    const api = client(sandbox);
    await api.webhook({ endpoint: gone.url, events: ['email_sent'] });
    await api.track('PUT', '/v1/customers/ada', { email: 'ada@example.com' });
    await api.sendEmail('ada');
    await sandbox.webhooks.idle();
    const [log] = sandbox.webhooks.log();
    expect(log).toMatchObject({ delivered: 0, failed_attempts: 2, gave_up: 1, last_status: null });
    expect(log.recent.map((r) => [r.outcome, r.retry_in_ms])).toEqual([['retrying', 60], ['gave_up', undefined]]);
    expect(log.recent[0].error).toMatch(/^ECONNREFUSED/);
  });

  it('gives an event up after maxAttempts, then goes on with the next', async () => {
    const sandbox = await sandboxWith({ deliverAfterMs: 0 });
    let doomed: string | undefined;
    const hook = await endpointWith((event) => {
      doomed ??= event.event_id;
      return { status: event.event_id === doomed ? 503 : 204 };
    });
    const api = client(sandbox);
    await api.webhook({ endpoint: hook.url, events: ['email_sent'] });
    await api.track('PUT', '/v1/customers/ada', { email: 'ada@example.com' });
    await api.sendEmail('ada');
    await api.sendEmail('ada');
    await sandbox.webhooks.idle();
    expect(hook.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 1]);
    // 503 is not among the long-wait statuses: the ordinary delays (40, then 80 ms).
    expect(sandbox.webhooks.log()[0].recent.map((r) => [r.outcome, r.retry_in_ms])).toEqual([['retrying', 40], ['retrying', 80], ['gave_up', undefined], ['delivered', undefined]]);
    expect(sandbox.webhooks.log()[0]).toMatchObject({ delivered: 1, failed_attempts: 3, gave_up: 1, last_status: 204 });
  });

  it('sends nothing to disabled or deleted webhooks, and drops what waited for one disabled meanwhile', async () => {
    const sandbox = await sandboxWith({ deliverAfterMs: 0 });
    const disabled = await endpointWith();
    const deleted = await endpointWith();
    const hold = gate();
    const paused = await endpointWith(() => ({ status: 200, until: hold.wait }));
    const api = client(sandbox);
    await api.webhook({ endpoint: disabled.url, events: ['email_sent'], disabled: true });
    const deletedId = await api.webhook({ endpoint: deleted.url, events: ['email_sent'] });
    await api.app('DELETE', `/reporting_webhooks/${deletedId}`);
    const pausedId = await api.webhook({ endpoint: paused.url, events: ['email_sent'] });
    await api.track('PUT', '/v1/customers/ada', { email: 'ada@example.com' });
    await api.sendEmail('ada');
    await api.sendEmail('ada');
    // The first event is at the endpoint; the second waits behind it when the webhook is disabled.
    while (paused.attempts.length === 0) await sleep(5);
    await api.app('PUT', `/reporting_webhooks/${pausedId}`, { disabled: true });
    hold.open();
    await sandbox.webhooks.idle();
    expect(disabled.attempts).toEqual([]);
    expect(deleted.attempts).toEqual([]);
    expect(paused.attempts).toHaveLength(1);
    expect(sandbox.webhooks.log().find((l) => l.webhook_id === pausedId)).toMatchObject({
      delivered: 1, dropped: 1, queued: 0, last_error: 'the webhook was disabled before this event was sent',
    });
    // Enabled again, it gets what happens from then on.
    await api.app('PUT', `/reporting_webhooks/${pausedId}`, { disabled: false });
    await api.sendEmail('ada');
    await sandbox.webhooks.idle();
    expect(paused.attempts).toHaveLength(2);
  });

  it('bounds each queue: past maxQueued new events are dropped, the held ones kept in order', async () => {
    const sandbox = await sandboxWith({ deliverAfterMs: 0, webhookDelivery: { maxQueued: 2, timeoutMs: 5000 } });
    const hold = gate();
    const hook = await endpointWith(() => ({ status: 200, until: hold.wait }));
    const fine = await endpointWith();
    const api = client(sandbox);
    await api.webhook({ endpoint: hook.url, events: ['email_sent'] });
    await api.webhook({ endpoint: fine.url, events: ['email_sent'] });
    await api.track('PUT', '/v1/customers/ada', { email: 'ada@example.com' });
    const deliveries: string[] = [];
    for (let i = 0; i < 5; i++) {
      deliveries.push(await api.sendEmail('ada'));
      // The other webhook's queue (bounded too) is emptied before the next send.
      while (fine.attempts.length <= i) await sleep(5);
    }
    hold.open();
    await sandbox.webhooks.idle();
    expect(hook.events().map((e) => e.data.delivery_id)).toEqual(deliveries.slice(0, 2));
    const [full, other] = sandbox.webhooks.log();
    expect(full).toMatchObject({ delivered: 2, dropped: 3, last_error: null });
    expect(full.recent.filter((r) => r.outcome === 'dropped').map((r) => r.error)).toEqual(Array(3).fill('the queue is full (2 events wait for this endpoint): the newest are dropped'));
    // Another webhook's queue is not affected.
    expect(other).toMatchObject({ delivered: 5, dropped: 0 });
    expect(fine.events().map((e) => e.data.delivery_id)).toEqual(deliveries);
  });

  it('calls no endpoint off this machine unless allowRemote is set', async () => {
    const sandbox = await sandboxWith({ deliverAfterMs: 0 });
    const api = client(sandbox);
    await api.webhook({ endpoint: 'https://hooks.acme.example/cio', events: ['email_sent'] });
    await api.track('PUT', '/v1/customers/ada', { email: 'ada@example.com' });
    await api.sendEmail('ada');
    await sandbox.webhooks.idle();
    const [log] = sandbox.webhooks.log();
    expect(log).toMatchObject({ endpoint: 'https://hooks.acme.example/cio', delivered: 0, failed_attempts: 0, dropped: 1 });
    expect(log.recent[0]).toMatchObject({ outcome: 'dropped', attempt: 0, error: expect.stringContaining('is not on this machine') });
  });

  it('stops its queues and timers on close: nothing is sent after it', async () => {
    const sandbox = await startSandbox({ ...FAST, deliverAfterMs: 0, webhookDelivery: { retryDelaysMs: [300], longFirstRetryMs: 300, maxAttempts: 5 } });
    const hook = await endpointWith(() => ({ status: 500 }));
    const api = client(sandbox);
    await api.webhook({ endpoint: hook.url, events: ['email_sent'] });
    await api.track('PUT', '/v1/customers/ada', { email: 'ada@example.com' });
    await api.sendEmail('ada');
    while (hook.attempts.length === 0) await sleep(10);
    const idle = sandbox.webhooks.idle();
    await sandbox.close();
    await idle; // released by close
    await sleep(450);
    expect(hook.attempts).toHaveLength(1);
  });

  it('shows the delivery log at GET /sandbox/webhooks (App credentials)', async () => {
    const sandbox = await sandboxWith({ deliverAfterMs: 0 });
    const hook = await endpointWith();
    const api = client(sandbox);
    const id = await api.webhook({ endpoint: hook.url, events: ['email_sent'] });
    await api.track('PUT', '/v1/customers/ada', { email: 'ada@example.com' });
    await api.sendEmail('ada');
    await sandbox.webhooks.idle();
    const shown = await api.call('GET', '/sandbox/webhooks', undefined, api.bearer);
    expect(shown.status).toBe(200);
    expect(shown.body.webhooks).toEqual(JSON.parse(JSON.stringify(sandbox.webhooks.log())));
    expect(shown.body.webhooks).toEqual([expect.objectContaining({ webhook_id: id, endpoint: hook.url, delivered: 1 })]);
    expect((await api.call('GET', '/sandbox/webhooks')).status).toBe(401);
  });

  it('keeps what the courier delivers in the state file', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'cio-sandbox-webhooks-')), 'state.json');
    const sandbox = await sandboxWith({ stateFile });
    const api = client(sandbox);
    await api.track('PUT', '/v1/customers/ada', { email: 'ada@example.com' });
    const delivery = await api.sendEmail('ada');
    await sandbox.webhooks.idle();
    // What a restart would load, the sandbox still running: the state file and its journal.
    const saved = readSandboxStateFile(stateFile);
    expect(Object.keys(saved.deliveries.find((d) => d.id === delivery)!.metrics).sort()).toEqual(['delivered', 'sent']);
  });
});
