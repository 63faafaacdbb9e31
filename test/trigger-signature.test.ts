// Reporting-webhook verification on its own: signatures checked against vectors computed outside
// this package (Python's hmac module: hex HMAC-SHA256 of `v0:<timestamp>:<raw body>`), the
// timestamp tolerance at its edges, tampering with the body, the header and the timestamp; the
// event store's first-seen rule and its bound; and which events a trigger hands over.
import { describe, expect, it } from '@jest/globals';
import type { TriggerMapping } from '../runtime/definitions.js';
import { MemoryEventStore } from '../runtime/triggers/event-store.js';
import { eventOf, leftOutBecause, type ReportingEvent } from '../runtime/triggers/events.js';
import { signatureOf, verify } from '../runtime/triggers/signature.js';

const BODY = '{"event_id":"01E4C4CT6YDC7Y5M7FE1GWWPQJ","object_type":"email","metric":"bounced","timestamp":1700000000,"data":{}}';

/** [signing key, X-CIO-Timestamp, raw body, expected signature], computed with Python's hmac. */
const VECTORS: [string, string, Buffer, string][] = [
  ['whsec-test-1', '1700000000', Buffer.from(BODY), '2496e77986d52804331ee72b7d2771033202074a1a6aed5c1caa65e7a5a389d1'],
  ['sandbox-signing-key', '1613063089', Buffer.from('{}'), '0f5d6b943b0892299bf68411780784cfd8dd109fb5103fee89aaa6eea4766027'],
  ['k', '0', Buffer.alloc(0), '3ecb0ac76c5134b5d5e5d175ed0d7363f297d5c68ab9b33ff2a3dc66367547b8'],
  ['key with spaces é', '1700000001', Buffer.from('{"x":"café"}', 'utf8'), '56ee8960c459e9a845d3c49d769dfc381433dcc0243a030cfc1a4244469f0246'],
];

describe('signatures', () => {
  it.each(VECTORS)('key %j at %s: matches the independent vector', (key, stamp, body, expected) => {
    expect(signatureOf(key, stamp, body)).toBe(expected);
    expect(verify({ 'x-cio-signature': expected, 'x-cio-timestamp': stamp }, body, key, Infinity, Number(stamp))).toEqual({ verified: true, timestamp: Number(stamp) });
  });

  const [key, stamp, body, signature] = VECTORS[0]!;
  const now = Number(stamp);
  const headers = { 'X-CIO-Signature': signature, 'X-CIO-Timestamp': stamp };

  it('reads the headers whatever their case, and takes an upper-case hex signature', () => {
    expect(verify({ 'x-cio-signature': signature.toUpperCase(), 'X-Cio-Timestamp': [stamp] }, body, key, 300, now)).toMatchObject({ verified: true });
  });

  it.each([
    ['one byte of the body changed', { ...headers }, Buffer.from(BODY.replace('bounced', 'bouncee')), 'bad_signature'],
    ['the body re-serialised with a space', { ...headers }, Buffer.from(JSON.stringify(JSON.parse(BODY), null, 1)), 'bad_signature'],
    ['one digit of the signature changed', { ...headers, 'X-CIO-Signature': `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}` }, body, 'bad_signature'],
    ['the signature with a v0= prefix', { ...headers, 'X-CIO-Signature': `v0=${signature}` }, body, 'bad_signature'],
    ['the signature cut short', { ...headers, 'X-CIO-Signature': signature.slice(0, 40) }, body, 'bad_signature'],
    ['the timestamp changed (the signature covers it)', { ...headers, 'X-CIO-Timestamp': String(now + 1) }, body, 'bad_signature'],
    ['no signature', { 'X-CIO-Timestamp': stamp }, body, 'no_signature'],
    ['no timestamp', { 'X-CIO-Signature': signature }, body, 'no_timestamp'],
    ['a timestamp that is not a number', { ...headers, 'X-CIO-Timestamp': '17e8' }, body, 'bad_timestamp'],
  ])('refuses %s', (_what, given, rawBody, reason) => {
    expect(verify(given, rawBody, key, 300, now)).toEqual({ verified: false, reason });
  });

  it('refuses the right signature under another key', () => {
    expect(verify(headers, body, 'whsec-test-2', 300, now)).toEqual({ verified: false, reason: 'bad_signature' });
  });

  it.each([
    [now + 300, true], [now - 300, true], [now + 301, false], [now - 301, false], [now + 86_400, false],
  ])('tolerance 300 s: a request stamped %s, checked at the vector\'s time ± …, verified: %s', (checkedAt, verified) => {
    expect(verify(headers, body, key, 300, checkedAt).verified).toBe(verified);
    if (!verified) expect(verify(headers, body, key, 300, checkedAt)).toEqual({ verified: false, reason: 'stale_timestamp' });
  });
});

describe('MemoryEventStore', () => {
  it('says first once per key within its memory, and again after it', async () => {
    let now = 0;
    const store = new MemoryEventStore(10, () => now);
    expect(await store.firstSeen('a', 1_000)).toBe(true);
    expect(await store.firstSeen('a', 1_000)).toBe(false);
    now = 1_001;
    expect(await store.firstSeen('a', 1_000)).toBe(true);
  });

  it('stays within its bound, forgetting the oldest first', async () => {
    const store = new MemoryEventStore(3);
    for (const key of ['a', 'b', 'c', 'd']) expect(await store.firstSeen(key, 60_000)).toBe(true);
    expect(await store.firstSeen('d', 60_000)).toBe(false);
    expect(await store.firstSeen('b', 60_000)).toBe(false);
    expect(await store.firstSeen('a', 60_000)).toBe(true); // forgotten: the oldest went first
  });
});

describe('which events a trigger hands over', () => {
  const mapping: TriggerMapping = {
    object_types: ['email'], events_input: 'events', filters: { campaign_id: 'campaign_id' }, recipient_domain_input: 'recipient_domain',
    register: 'create_reporting_webhook', unregister: 'delete_reporting_webhook', signing_key: 'signing_key',
  };
  const known = new Set(['email_sent', 'email_bounced', 'email_opened']);
  const event = (fields: Partial<ReportingEvent>, data: Record<string, unknown> = {}): ReportingEvent =>
    ({ event_id: '01E4C4CT6YDC7Y5M7FE1GWWPQJ', object_type: 'email', metric: 'bounced', timestamp: 1, ...fields, data }) as ReportingEvent;

  it.each([
    ['a chosen event', event({}), { events: ['email_bounced'] }, undefined],
    ['an event not chosen', event({ metric: 'opened' }), { events: ['email_bounced'] }, 'email_opened is not among the chosen events'],
    ['another object type', event({ object_type: 'sms' }), { events: ['email_bounced'] }, 'its object type is sms'],
    ['a metric no definition knows yet (passed on)', event({ metric: 'teleported' }), { events: ['email_bounced'] }, undefined],
    ['the filtered campaign', event({}, { campaign_id: 7 }), { events: ['email_bounced'], campaign_id: 7 }, undefined],
    ['another campaign', event({}, { campaign_id: 8 }), { events: ['email_bounced'], campaign_id: 7 }, 'its campaign_id is not 7'],
    ['a recipient at the domain, in any case', event({}, { recipient: 'Ada@Example.COM' }), { events: ['email_bounced'], recipient_domain: 'example.com' }, undefined],
    ['a recipient elsewhere', event({}, { recipient: 'ada@example.com.evil.test' }), { events: ['email_bounced'], recipient_domain: 'example.com' }, 'its recipient is not at example.com'],
  ])('%s', (_what, given, input, reason) => {
    expect(leftOutBecause(given, mapping, input, known)).toBe(reason);
  });

  it.each([
    ['not JSON', '{"event_id":', 'the body is not JSON'],
    ['a list', '[]', 'the body is not a JSON object'],
    ['no event id', '{"object_type":"email","metric":"sent","timestamp":1,"data":{}}', '"event_id" must be a non-empty text'],
    ['a text timestamp', '{"event_id":"e","object_type":"email","metric":"sent","timestamp":"1","data":{}}', '"timestamp" must be a number'],
    ['no data', '{"event_id":"e","object_type":"email","metric":"sent","timestamp":1}', '"data" must be an object'],
  ])('a body that is %s is refused', (_what, body, problem) => {
    expect(eventOf(body)).toEqual({ problem });
  });
});

describe('event names that differ from their registration', () => {
  it('the subscription-preferences event, sent as customer_cio_subscription_preferences_changed, counts as the chosen customer_subscription_preferences_changed', () => {
    const mapping: TriggerMapping = {
      object_types: ['customer'], events_input: 'events', event_aliases: { customer_cio_subscription_preferences_changed: 'customer_subscription_preferences_changed' },
      register: 'create_reporting_webhook', unregister: 'delete_reporting_webhook', signing_key: 'signing_key',
    };
    const known = new Set(['customer_subscribed', 'customer_subscription_preferences_changed']);
    const event = { event_id: 'e1', object_type: 'customer', metric: 'cio_subscription_preferences_changed', timestamp: 1, data: {} } as ReportingEvent;
    expect(leftOutBecause(event, mapping, { events: ['customer_subscription_preferences_changed'] }, known)).toBeUndefined();
    expect(leftOutBecause(event, mapping, { events: ['customer_subscribed'] }, known)).toBe('customer_subscription_preferences_changed is not among the chosen events');
  });
});
