// Dry runs build the exact request and send nothing; credentials never appear in anything shown.
import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { useNock } from './use-nock.js';
import { APP_AUTH, FAST_RETRY, sharedRegistry, TRACK_AUTH } from './helpers.js';

useNock();

const BASIC = Buffer.from(`${TRACK_AUTH.site_id}:${TRACK_AUTH.api_key}`).toString('base64');


function expectNoCredential(value: unknown): void {
  const text = JSON.stringify(value);
  expect(text).not.toContain(TRACK_AUTH.api_key);
  expect(text).not.toContain(APP_AUTH.api_key);
  expect(text).not.toContain(BASIC);
}

describe('dry run', () => {
  it('returns the full request with the credentials redacted, and sends nothing', async () => {
    const registry = await sharedRegistry();
    const scope = nock('https://track-eu.customer.io').post(/.*/).reply(200, {});
    const result = await registry.execute({
      connector: 'customer-io', operation: 'track_custom_event',
      auth: { ...TRACK_AUTH, region: 'eu' },
      input: { identifier: '42', name: 'purchase', data: { total: 9.5 }, id: '01JGFJJZ000000000000000000' },
      options: { dryRun: true },
    });
    expect(result).toEqual({
      ok: true,
      request: {
        method: 'POST',
        url: 'https://track-eu.customer.io/api/v1/customers/42/events',
        headers: { accept: 'application/json', 'content-type': 'application/json', authorization: '[REDACTED]' },
        body: { name: 'purchase', data: { total: 9.5 }, id: '01JGFJJZ000000000000000000' },
      },
    });
    expect(scope.isDone()).toBe(false);
  });

  it('puts the unsubscribe endpoint outside /api and sends it without credentials', async () => {
    const registry = await sharedRegistry();
    const result = await registry.execute({
      connector: 'customer-io', operation: 'unsubscribe_delivery', auth: { ...TRACK_AUTH, region: 'us' },
      input: { delivery_id: 'RPILAgUBcRhIBqSfeiIwdIYJKxTY', unsubscribe: true }, options: { dryRun: true },
    });
    expect(result).toMatchObject({ ok: true, request: { method: 'POST', url: 'https://track.customer.io/unsubscribe/RPILAgUBcRhIBqSfeiIwdIYJKxTY' } });
    expect((result as { request: { headers: object } }).request.headers).not.toHaveProperty('authorization');
  });

  it('applies a host-configured origin but keeps the API path prefix', async () => {
    const registry = await sharedRegistry();
    const track = await registry.execute({
      connector: 'customer-io', operation: 'delete_customer', auth: { ...TRACK_AUTH, region: 'us' },
      input: { identifier: '42' }, options: { dryRun: true, origin: 'http://127.0.0.1:4010' },
    });
    expect(track).toMatchObject({ ok: true, request: { method: 'DELETE', url: 'http://127.0.0.1:4010/api/v1/customers/42' } });
    const beta = await registry.execute({
      connector: 'customer-io-beta', operation: 'raw_http_request', auth: { ...APP_AUTH, region: 'eu' },
      input: { method: 'GET', url: { endpoint: '/segments' }, body: { none: null } }, options: { dryRun: true, origin: 'http://localhost:4010/' },
    });
    expect(beta).toMatchObject({ ok: true, request: { url: 'http://localhost:4010/v1/api/segments' } });
  });

  it('still validates everything', async () => {
    const registry = await sharedRegistry();
    const result = await registry.execute({
      connector: 'customer-io', operation: 'delete_customer', auth: { site_id: 'site-test', region: 'us' },
      input: { identifier: '42' }, options: { dryRun: true },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'user_input_error', message: '"auth.api_key": is required' } });
  });
});

describe('redaction', () => {
  it('keeps credentials out of success metadata', async () => {
    nock('https://track.customer.io').delete('/api/v1/customers/42').reply(200, {});
    const registry = await sharedRegistry();
    const result = await registry.execute({ connector: 'customer-io', operation: 'delete_customer', auth: { ...TRACK_AUTH, region: 'us' }, input: { identifier: '42' } });
    expect(result).toMatchObject({ ok: true, meta: { request: { headers: { authorization: '[REDACTED]' } } } });
    expectNoCredential(result);
  });

  it('keeps credentials out of errors even when Customer.io echoes them', async () => {
    nock('https://api.customer.io').get('/v1/segments').reply(401, { meta: { error: `invalid key ${APP_AUTH.api_key}` } });
    const registry = await sharedRegistry();
    const result = await registry.execute({
      connector: 'customer-io-app', operation: 'raw_http_request', auth: { ...APP_AUTH, region: 'us' },
      input: { method: 'GET', url: { endpoint: '/segments' }, body: { none: null } }, options: { retry: FAST_RETRY },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'auth_error', message: expect.stringContaining('invalid key [REDACTED]') } });
    expectNoCredential(result);
  });

  it('keeps credentials out of input echoed in validation errors', async () => {
    const registry = await sharedRegistry();
    const result = await registry.execute({
      connector: 'customer-io', operation: 'create_or_update_customer', auth: { ...TRACK_AUTH, region: 'us' },
      input: { identifier: '42', custom_attributes: { [TRACK_AUTH.api_key]: 'x'.repeat(1001) } },
    });
    expect(result.ok).toBe(false);
    expectNoCredential(result);
  });
});

describe('raw_http_request', () => {
  async function raw(input: Record<string, unknown>, region: 'us' | 'eu' = 'us') {
    const registry = await sharedRegistry();
    // `as string`: the inputs are deliberately incomplete, so not typed as the raw request's.
    return registry.execute({ connector: 'customer-io', operation: 'raw_http_request' as string, auth: { ...TRACK_AUTH, region }, input: { body: { none: null }, ...input } });
  }

  it.each([
    ['a host that is not Customer.io', 'https://attacker.example/api/v1/accounts/region', 'us'],
    ['the other region\'s host', 'https://track-eu.customer.io/api/v1/accounts/region', 'us'],
    ['another Customer.io API', 'https://api.customer.io/v1/segments', 'us'],
    ['a look-alike host', 'https://track.customer.io.attacker.example/api', 'us'],
  ] as const)('refuses a Full URL on %s and sends nothing', async (_what, full_url, region) => {
    const anywhere = nock(/.*/).intercept(/.*/, 'GET').reply(200, {});
    const result = await raw({ method: 'GET', url: { full_url } }, region);
    expect(result).toMatchObject({ ok: false, error: { code: 'user_input_error', message: expect.stringContaining('"input.url.full_url": must be on https://track.customer.io') } });
    expect(anywhere.isDone()).toBe(false);
  });

  it('accepts a Full URL on its own host, including the unsubscribe path outside /api', async () => {
    nock('https://track.customer.io').post('/unsubscribe/abc', { unsubscribe: true }).reply(200, {});
    const result = await raw({ method: 'POST', url: { full_url: 'https://track.customer.io/unsubscribe/abc' }, body: { raw: { unsubscribe: true } } });
    expect(result).toMatchObject({ ok: true, output: { response: { status_code: 200, body: {} } } });
  });

  it('tells the user to use Full URL when an endpoint is a URL', async () => {
    const result = await raw({ method: 'GET', url: { endpoint: 'https://track.customer.io/api/v1/x' } });
    expect(result).toMatchObject({ ok: false, error: { code: 'user_input_error', message: expect.stringContaining('choose the Full URL option') } });
  });

  it('refuses a body on a GET instead of dropping it', async () => {
    const result = await raw({ method: 'GET', url: { endpoint: '/v1/x' }, body: { raw: 'hello' } });
    expect(result).toMatchObject({ ok: false, error: { code: 'user_input_error', message: '"input.body": a GET request carries no body; choose the Body Type "none"' } });
  });

  it('refuses an Authorization header, which would replace the credentials', async () => {
    const result = await raw({ method: 'GET', url: { endpoint: '/v1/x' }, headers: [{ key: 'Authorization', value: 'Bearer other' }] });
    expect(result).toMatchObject({ ok: false, error: { code: 'user_input_error', message: expect.stringContaining('"input.headers[0].key"') } });
  });

  it.each([
    ['Host', 'evil.example', 'reserved_header'],
    ['content-length', '5', 'reserved_header'],
    ['Transfer-Encoding', 'chunked', 'reserved_header'],
    ['Connection', 'close', 'reserved_header'],
    ['Proxy-Authorization', 'Basic eA==', 'reserved_header'],
    ['X-Note', 'line one\r\nX-Injected: 1', 'pattern'],
    ['X-Note', 'café', 'pattern'],
    ['X-Note', 'tab\u0000nul', 'pattern'],
    ['X Note', 'x', 'pattern'],
    ['X-Note:', 'x', 'pattern'],
  ])('refuses the header %j: %j (%s), sending nothing', async (key, value, rule) => {
    const anywhere = nock(/.*/).intercept(/.*/, 'GET').reply(200, {});
    const part = key === 'X-Note' ? 'value' : 'key';
    const result = await raw({ method: 'GET', url: { endpoint: '/v1/x' }, headers: [{ key: 'Accept-Language', value: 'en' }, { key, value }] });
    expect(result).toMatchObject({ ok: false, error: { code: 'user_input_error', details: [{ field: `input.headers[1].${part}`, rule }] } });
    expect(anywhere.isDone()).toBe(false);
  });

  it('refuses a header given twice in different case rather than keeping one of them', async () => {
    const result = await raw({ method: 'GET', url: { endpoint: '/v1/x' }, headers: [{ key: 'X-Trace', value: 'a' }, { key: 'x-trace', value: 'b' }] });
    expect(result).toMatchObject({ ok: false, error: { code: 'user_input_error', details: [{ field: 'input.headers[1].key', rule: 'unique' }] } });
  });

  it('redacts credentials an answer repeats, decoded or not, in a successful output too', async () => {
    const basic = `Basic ${Buffer.from('site-test:key-test').toString('base64')}`;
    nock('https://track.customer.io').get('/api/v1/echo').reply(200, { you_sent: basic, decoded: 'site-test:key-test', token: basic.slice(6) }, { 'x-echo': basic });
    const result = await raw({ method: 'GET', url: { endpoint: '/v1/echo' } });
    expect(result).toMatchObject({ ok: true, output: { response: { status_code: 200, headers: { 'x-echo': '[REDACTED]' }, body: { you_sent: '[REDACTED]', decoded: '[REDACTED]', token: '[REDACTED]' } } } });
    expect(JSON.stringify(result)).not.toContain('key-test');
  });

  it('sends form-data as multipart with a boundary', async () => {
    let contentType = '';
    let body = '';
    nock('https://track.customer.io')
      .post('/api/v1/forms/x/submit')
      .reply(function (_uri, requestBody) {
        contentType = String(this.req.headers['content-type']);
        body = String(requestBody);
        return [204];
      });
    const result = await raw({ method: 'POST', url: { endpoint: '/v1/forms/x/submit' }, body: { form_data: { email: 'ada@example.com' } } });
    expect(result).toMatchObject({ ok: true, output: { response: { status_code: 204, body: '' } } });
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(body).toContain('name="email"');
    expect(body).toContain('ada@example.com');
  });
});

describe('credentials reused across calls', () => {
  it('follow a change to the same auth object: the new key is sent, and the new one is redacted too', async () => {
    const registry = await sharedRegistry();
    const auth: Record<string, string> = { site_id: 'site-test', api_key: 'key-test', region: 'us' };
    const seen: string[] = [];
    nock('https://track.customer.io').persist().get('/api/v1/accounts/region').reply(function () {
      seen.push(String(this.req.headers.authorization));
      return [500, { meta: { error: `echo ${auth.api_key}` } }];
    });
    const first = await registry.execute({ connector: 'customer-io', operation: 'get_account_region', auth, input: {}, options: { retry: FAST_RETRY } });
    auth.api_key = 'key-test-rotated';
    const second = await registry.execute({ connector: 'customer-io', operation: 'get_account_region', auth, input: {}, options: { retry: FAST_RETRY } });
    expect(seen[0]).toBe(`Basic ${Buffer.from('site-test:key-test').toString('base64')}`);
    expect(seen.at(-1)).toBe(`Basic ${Buffer.from('site-test:key-test-rotated').toString('base64')}`);
    expect(JSON.stringify(first)).not.toContain('key-test');
    expect(JSON.stringify(second)).not.toContain('key-test-rotated');
    nock.cleanAll();
  });
});
