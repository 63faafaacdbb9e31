// Hostile identifiers travel as one path segment on the real wire: a local HTTP server
// records the request line, so nothing between the runtime and the socket can rewrite it.
// Identifiers `.` and `..`, and raw endpoints with dot segments or whitespace, are refused
// before anything is sent: every URL parser would fold or rewrite them.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APP_AUTH, sharedRegistry, TRACK_AUTH } from './helpers.js';

let server: Server;
let origin: string;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('path parameters', () => {
  it.each([
    ['...', '/api/v1/customers/.../events'],
    ['.hidden', '/api/v1/customers/.hidden/events'],
    ['a/b', '/api/v1/customers/a%2Fb/events'],
    ['x?y=1', '/api/v1/customers/x%3Fy%3D1/events'],
    ['50%', '/api/v1/customers/50%25/events'],
    ['me+1@example.com', '/api/v1/customers/me%2B1%40example.com/events'],
    ['#fragment', '/api/v1/customers/%23fragment/events'],
    ['../../v1/merge_customers', '/api/v1/customers/..%2F..%2Fv1%2Fmerge_customers/events'],
  ])('%s reaches the events endpoint as one segment', async (identifier, expectedPath) => {
    const registry = await sharedRegistry();
    seen.length = 0;
    const result = await registry.execute({
      connector: 'customer-io',
      operation: 'track_custom_event',
      auth: { ...TRACK_AUTH, region: 'us' },
      input: { identifier, name: 'checked', id: '01JGFJJZ000000000000000000' },
      options: { origin },
    });
    expect(result).toMatchObject({ ok: true });
    expect(seen).toEqual([`POST ${expectedPath}`]);
    expect((result as { meta: { request: { url: string } } }).meta.request.url).toBe(`${origin}${expectedPath}`);
  });

  it.each(['.', '..'])('%j is refused naming the field, and nothing is sent', async (identifier) => {
    const registry = await sharedRegistry();
    seen.length = 0;
    const result = await registry.execute({
      connector: 'customer-io', operation: 'track_custom_event', auth: { ...TRACK_AUTH, region: 'us' },
      input: { identifier, name: 'checked' }, options: { origin },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'user_input_error', message: expect.stringContaining(`"input.identifier": cannot be "${identifier}"`) } });
    expect(seen).toEqual([]);
  });

  it('names the chosen kind of an identifier choice', async () => {
    const registry = await sharedRegistry();
    seen.length = 0;
    const result = await registry.execute({
      connector: 'customer-io-app', operation: 'get_customer_attributes', auth: { api_key: 'app-key-test', region: 'us' },
      input: { customer: { id: '..' } }, options: { origin },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'user_input_error', details: [{ field: 'input.customer.id', rule: 'not_dot_segment' }] } });
    expect(seen).toEqual([]);
  });
});

describe('raw request endpoints', () => {
  const raw = async (endpoint: string) => {
    const registry = await sharedRegistry();
    seen.length = 0;
    return registry.execute({
      connector: 'customer-io', operation: 'raw_http_request', auth: { ...TRACK_AUTH, region: 'us' },
      input: { method: 'GET', url: { endpoint }, body: { none: null } }, options: { origin },
    });
  };

  it.each([
    ['/v1/customers/a%20b', '/api/v1/customers/a%20b'],
    ['/v1/customers/josé', '/api/v1/customers/jos%C3%A9'],
    ['v1/customers/42?x=1', '/api/v1/customers/42?x=1'],
    ['/v1/customers/.../events', '/api/v1/customers/.../events'],
  ])('%s goes on the wire as shown', async (endpoint, expectedPath) => {
    const result = await raw(endpoint);
    expect(result).toMatchObject({ ok: true, meta: { request: { url: `${origin}${expectedPath}` } } });
    expect(seen).toEqual([`GET ${expectedPath}`]);
  });

  it.each([
    ['/v1/customers/a b', 'no_whitespace'],
    [' /v1/customers/42', 'no_whitespace'],
    ['/v1/customers/42\n', 'no_control_characters'],
    ['/v1/%2E/x', 'no_dot_segments'],
    ['/v1/customers/../accounts/region', 'no_dot_segments'],
    ['/v1/customers/.%2e/accounts/region', 'no_dot_segments'],
    ['/v1\\customers', 'no_backslash'],
    ['/v1/customers#x', 'no_fragment'],
  ])('%j is refused (%s) and nothing is sent', async (endpoint, rule) => {
    const result = await raw(endpoint);
    expect(result).toMatchObject({ ok: false, error: { code: 'user_input_error', details: [{ field: 'input.url.endpoint', rule }] } });
    expect(seen).toEqual([]);
  });
});

describe('raw request endpoints that repeat the base path', () => {
  const raw = async (connector: string, endpoint: string) => {
    const registry = await sharedRegistry();
    seen.length = 0;
    return registry.execute({
      connector, operation: 'raw_http_request', auth: connector === 'customer-io' ? { ...TRACK_AUTH, region: 'us' } : { ...APP_AUTH, region: 'us' },
      input: { method: 'GET', url: { endpoint }, body: { none: null } }, options: { origin },
    } as never);
  };

  it.each([
    ['customer-io-app', '/v1/customers/ID/attributes', '/v1', '/v1', '/customers/ID/attributes'],
    ['customer-io-app', 'v1/customers/ID/attributes?limit=1', '/v1', '/v1', '/customers/ID/attributes?limit=1'],
    ['customer-io-app', '/v1', '/v1', '/v1', '/'],
    ['customer-io-app', '/V1/segments', '/v1', '/V1', '/segments'],
    ['customer-io-app', '/%76%31/segments', '/v1', '/%76%31', '/segments'],
    ['customer-io-app', '/v1/v1/segments', '/v1', '/v1/v1', '/segments'],
    ['customer-io-app', '//v1/segments', '/v1', '//v1', '/segments'],
    ['customer-io', '/api/v1/customers/42', '/api', '/api', '/v1/customers/42'],
    ['customer-io-beta', '/v1/api/customers/42/attributes', '/v1/api', '/v1/api', '/customers/42/attributes'],
    // App's path on Beta (the reference maps App /v1/customers/… to Beta /v1/api/customers/…).
    ['customer-io-beta', '/v1/customers/42/attributes', '/v1/api', '/v1', '/customers/42/attributes'],
    ['customer-io-beta', '/api/customers/42', '/v1/api', '/api', '/customers/42'],
  ])('%s refuses %j before sending (base path %s, %s repeated, %s to write)', async (connector, endpoint, basePath, repeated, fix) => {
    const result = await raw(connector, endpoint);
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'user_input_error',
        message: `"input.url.endpoint": the base URL ${origin}${basePath} already ends in ${basePath}; remove ${repeated} and write ${fix}`,
        details: [{ field: 'input.url.endpoint', rule: 'repeated_base_path' }],
      },
    });
    expect(seen).toEqual([]);
  });

  it.each([
    // Other segments that only look alike.
    ['customer-io-app', '/v10/segments', '/v1/v10/segments'],
    ['customer-io-app', '/v1x/segments', '/v1/v1x/segments'],
    ['customer-io', '/api2/x', '/api/api2/x'],
    // Real endpoints that start with a segment of another API's base path.
    ['customer-io', '/v1/customers/42', '/api/v1/customers/42'],
    ['customer-io-app', '/api/campaigns/1/triggers', '/v1/api/campaigns/1/triggers'],
    ['customer-io-beta', '/customers/42/attributes', '/v1/api/customers/42/attributes'],
    // A repeat further in is a path of its own.
    ['customer-io-app', '/customers/v1', '/v1/customers/v1'],
  ])('%s sends %j once, to %s', async (connector, endpoint, path) => {
    const result = await raw(connector, endpoint);
    expect(result).toMatchObject({ ok: true, meta: { request: { url: `${origin}${path}` } } });
    expect(seen).toEqual([`GET ${path}`]);
  });

  it('leaves a Full URL alone: it names the whole path, base path included', async () => {
    const registry = await sharedRegistry();
    seen.length = 0;
    const result = await registry.execute({
      connector: 'customer-io-app', operation: 'raw_http_request', auth: { ...APP_AUTH, region: 'us' },
      input: { method: 'GET', url: { full_url: `${origin}/v1/segments` }, body: { none: null } }, options: { origin },
    });
    expect(result).toMatchObject({ ok: true });
    expect(seen).toEqual(['GET /v1/segments']);
  });
});
