// How Customer.io's answers and failures become envelopes: every error shape, each status
// family, timeouts and bodies that are not JSON; and which failures are retried.
import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { useNock } from './use-nock.js';
import type { Envelope } from '../runtime/index.js';
import { APP_AUTH, FAST_RETRY, sharedRegistry, TRACK_AUTH } from './helpers.js';

useNock();

const TRACK = 'https://track.customer.io';
const APP = 'https://api.customer.io';


async function track(operation: string, input: Record<string, unknown>, options: Record<string, unknown> = {}) {
  const registry = await sharedRegistry();
  return registry.execute({ connector: 'customer-io', operation, auth: { ...TRACK_AUTH, region: 'us' }, input, options: { retry: FAST_RETRY, ...options } });
}

function failureOf(result: Envelope) {
  expect(result.ok).toBe(false);
  return result as Extract<Envelope, { ok: false }>;
}

const identify = { identifier: '42', custom_attributes: { plan: 'pro' } };
const event = { identifier: '42', name: 'purchase', id: '01JGFJJZ000000000000000000' };

describe('Customer.io error bodies', () => {
  it.each([
    ['meta.errors (v1 400)', { meta: { errors: ['attribute names must be shorter', 'bad value'] } }, 'attribute names must be shorter; bad value'],
    ['meta.error (merge, sends)', { meta: { error: 'primary not found' } }, 'primary not found'],
    ['errors[].detail (App, Beta)', { errors: [{ detail: 'not found (reference 01F5)', status: '400' }] }, 'not found (reference 01F5)'],
    ['v2 errors[{reason, field, message}]', { errors: [{ reason: 'invalid', field: 'identifiers.id', message: 'must not be empty' }] }, 'identifiers.id: must not be empty'],
  ])('reads %s into the message', async (_shape, body, text) => {
    nock(TRACK).put('/api/v1/customers/42').reply(400, body);
    const { error } = failureOf(await track('create_or_update_customer', identify));
    expect(error).toMatchObject({ code: 'api_error', status_code: 400, retryable: false, body });
    expect(error.message).toBe(`Customer.io refused the request (400): ${text}.`);
  });
});

describe('status codes', () => {
  it('401 is an auth_error that says which key and region to check, and is not retried', async () => {
    const scope = nock(TRACK).put('/api/v1/customers/42').once().reply(401, 'Unauthorized');
    const { error, meta } = failureOf(await track('create_or_update_customer', identify));
    expect(error.code).toBe('auth_error');
    expect(error.message).toContain('a Tracking API key with its Site ID');
    expect(error.message).toContain('Region (US)');
    expect(meta?.attempts).toBe(1);
    expect(scope.isDone()).toBe(true);
  });

  it('404 is an api_error naming what Customer.io said', async () => {
    nock(APP).get('/v1/segments/9').reply(404, { errors: [{ detail: 'segment not found', status: '404' }] });
    const registry = await sharedRegistry();
    const result = await registry.execute({
      connector: 'customer-io-app', operation: 'raw_http_request', auth: { ...APP_AUTH, region: 'us' },
      input: { method: 'GET', url: { endpoint: '/segments/9' }, body: { none: null } },
    });
    const { error } = failureOf(result);
    expect(error).toMatchObject({ code: 'api_error', status_code: 404, retryable: false });
    expect(error.message).toBe('Customer.io could not find it (404): segment not found.');
    expect(error.details).toEqual({ response: { status_code: 404, headers: { 'content-type': 'application/json' }, body: { errors: [{ detail: 'segment not found', status: '404' }] } } });
  });

  it('429 is retried (any method) and succeeds, honouring Retry-After', async () => {
    const scope = nock(TRACK)
      .post('/api/v1/customers/42/events').reply(429, { meta: { error: 'slow down' } }, { 'Retry-After': '0' })
      .post('/api/v1/customers/42/events').reply(200, {});
    const result = await track('track_custom_event', event);
    expect(result).toMatchObject({ ok: true, output: {}, meta: { attempts: 2, status_code: 200 } });
    expect(scope.isDone()).toBe(true);
  });

  it('429 past the retry budget is rate_limited with retry_after_s', async () => {
    nock(TRACK).post('/api/v1/customers/42/events').times(3).reply(429, '', { 'Retry-After': '120' });
    const { error, meta } = failureOf(await track('track_custom_event', event));
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retry_after_s: 120, status_code: 429 });
    expect(meta?.attempts).toBe(1); // 120 s is beyond the 1 s budget given in FAST_RETRY: stop at once
  });

  it('5xx on an idempotent PUT is retried', async () => {
    const scope = nock(TRACK)
      .put('/api/v1/customers/42').reply(503, 'unavailable')
      .put('/api/v1/customers/42').reply(502, 'bad gateway')
      .put('/api/v1/customers/42').reply(200, {});
    const result = await track('create_or_update_customer', identify);
    expect(result).toMatchObject({ ok: true, meta: { attempts: 3 } });
    expect(scope.isDone()).toBe(true);
  });

  it('5xx on a POST that is not safe to repeat is reported once, never retried', async () => {
    const scope = nock(TRACK).post('/api/v1/merge_customers').once().reply(500, { meta: { error: 'boom' } });
    const { error, meta } = failureOf(await track('merge_customers', { primary: { id: '1' }, secondary: { id: '2' } }));
    expect(error).toMatchObject({ code: 'api_error', status_code: 500, retryable: false, details: { may_have_been_processed: true } });
    expect(error.message).toBe('Customer.io had a server error (500): boom. Customer.io may have received and processed the request; check before sending it again.');
    expect(meta?.attempts).toBe(1);
    expect(scope.isDone()).toBe(true);
  });

  it('events carry a dedupe id, so a 5xx on an event is retried with the same id', async () => {
    const bodies: unknown[] = [];
    nock(TRACK)
      .post('/api/v1/customers/42/events', (b) => { bodies.push(b); return true; }).reply(500)
      .post('/api/v1/customers/42/events', (b) => { bodies.push(b); return true; }).reply(200, {});
    const result = await track('track_custom_event', { identifier: '42', name: 'purchase' });
    expect(result).toMatchObject({ ok: true, meta: { attempts: 2 } });
    expect(bodies).toHaveLength(2);
    expect((bodies[0] as { id: string }).id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(bodies[1]).toEqual(bodies[0]);
  });

  it('a redirect is not followed, and one to the EU host says to choose the EU region', async () => {
    const eu = nock('https://api-eu.customer.io').get(/.*/).reply(200, {});
    nock(APP).get('/v1/segments').reply(301, { errors: [{ detail: 'wrong datacenter', status: '301' }] }, { Location: 'https://api-eu.customer.io/v1/segments' });
    const registry = await sharedRegistry();
    const result = await registry.execute({
      connector: 'customer-io-app', operation: 'raw_http_request', auth: { ...APP_AUTH, region: 'us' },
      input: { method: 'GET', url: { endpoint: '/segments' }, body: { none: null } },
    });
    const { error } = failureOf(result);
    expect(error.message).toMatch(/^This workspace is in the EU region: choose Region EU/);
    expect(eu.isDone()).toBe(false);
  });
});

describe('bodies and timeouts', () => {
  it('a 2xx answer that is not JSON is a connector_error quoting it', async () => {
    nock(TRACK).put('/api/v1/customers/42').reply(200, '<html>gateway</html>', { 'content-type': 'text/html' });
    const { error } = failureOf(await track('create_or_update_customer', identify));
    expect(error).toMatchObject({ code: 'connector_error', status_code: 200, retryable: false });
    expect(error.message).toContain('not JSON: <html>gateway</html>');
  });

  it('an empty 2xx body counts as {}', async () => {
    nock(TRACK).post('/api/v1/forms/contact/submit').reply(204);
    const result = await track('submit_form', { form_id: 'contact', data: { email: 'ada@example.com' } });
    expect(result).toMatchObject({ ok: true, output: {}, meta: { status_code: 204 } });
  });

  it('a slow answer is a timeout, retried only where safe, never a hang', async () => {
    const scope = nock(TRACK).put('/api/v1/customers/42').times(2).delay(200).reply(200, {});
    const { error, meta } = failureOf(await track('create_or_update_customer', identify, { timeoutMs: 50, retry: { ...FAST_RETRY, maxAttempts: 2 } }));
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect(meta?.attempts).toBe(2);
    expect(scope.isDone()).toBe(true);
  });

  it('a timeout on a merge says Customer.io may have processed it', async () => {
    nock(TRACK).post('/api/v1/merge_customers').delay(200).reply(200, {});
    const { error, meta } = failureOf(await track('merge_customers', { primary: { id: '1' }, secondary: { id: '2' } }, { timeoutMs: 50 }));
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('may have received and processed the request');
    expect(meta?.attempts).toBe(1);
  });

});

describe('v2 batches', () => {
  it('a 207 maps each failed item back to its index; the rest are accepted', async () => {
    const batch = [
      { type: 'person', action: 'identify', identifiers: { id: '1' } },
      { type: 'person', action: 'delete', identifiers: { id: '2' } },
      { type: 'object', action: 'delete', identifiers: { object_type_id: '1', object_id: 'acme' } },
    ];
    nock(TRACK).post('/api/v2/batch').reply(207, {
      errors: [
        { batch_index: 0, reason: 'invalid', field: 'identifiers', message: 'unknown person' },
        { batch_index: 2, reason: 'not_found', message: 'object not found' },
      ],
    });
    const result = await track('send_batch', { batch });
    expect(result).toMatchObject({
      ok: true,
      meta: { status_code: 207 },
      output: {
        accepted: 1,
        failed: [
          { index: 0, reason: 'invalid', field: 'identifiers', message: 'unknown person' },
          { index: 2, reason: 'not_found', message: 'object not found' },
        ],
      },
    });
  });

  it('gives each person event in a batch its own ULID and leaves other items alone', async () => {
    let sent: { batch: Record<string, unknown>[] } | undefined;
    nock(TRACK).post('/api/v2/batch', (b) => { sent = b; return true; }).reply(200, {});
    await track('send_batch', {
      batch: [
        { type: 'person', action: 'event', identifiers: { id: '1' }, name: 'a' },
        { type: 'person', action: 'page', identifiers: { id: '1' }, name: 'https://example.com' },
        { type: 'person', action: 'event', identifiers: { id: '1' }, name: 'b', id: '01JGFJJZ000000000000000000' },
        { type: 'person', action: 'identify', identifiers: { id: '1' } },
      ],
    });
    const ids = sent!.batch.map((item) => item.id);
    expect(ids[0]).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(ids[1]).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids[2]).toBe('01JGFJJZ000000000000000000');
    expect(ids[3]).toBeUndefined();
  });
});
