// A raw request's Endpoint as a host's page shows it (forms' resolveEndpoint: the base URL, the
// final URL or the problem with its fix) is exactly what the runtime then does with it: the same
// URL sent, or the same refusal before anything is sent.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { repeatedBasePath, resolveEndpoint } from '../forms/index.js';
import { APP_AUTH, sharedRegistry, TRACK_AUTH } from './helpers.js';

const SANDBOX = 'http://127.0.0.1:4010';

describe('resolveEndpoint, for the page', () => {
  it('gives the final URL as the person types', () => {
    expect(resolveEndpoint('https://api.customer.io/v1', '/customers/ID/attributes')).toEqual({
      ok: true, url: 'https://api.customer.io/v1/customers/ID/attributes', pathname: '/v1/customers/ID/attributes', search: '',
    });
    expect(resolveEndpoint(`${SANDBOX}/v1/api`, 'customers?email=a%40b.co')).toMatchObject({ ok: true, url: `${SANDBOX}/v1/api/customers?email=a%40b.co` });
  });

  it('names the repeated base path, what to write instead, and the one-click fix', () => {
    expect(resolveEndpoint('https://api.customer.io/v1', '/v1/customers/ID/attributes')).toEqual({
      ok: false,
      problem: {
        field: 'input.url.endpoint',
        rule: 'repeated_base_path',
        message: '"input.url.endpoint": the base URL https://api.customer.io/v1 already ends in /v1; remove /v1 and write /customers/ID/attributes',
        what: 'the base URL https://api.customer.io/v1 already ends in /v1; remove /v1 and write /customers/ID/attributes',
        fix: '/customers/ID/attributes',
      },
    });
  });

  it('offers no fix where none is certain', () => {
    const result = resolveEndpoint('https://api.customer.io/v1', '/customers/a b');
    expect(result).toMatchObject({ ok: false, problem: { rule: 'no_whitespace' } });
    expect(result.ok ? undefined : result.problem.fix).toBeUndefined();
  });

  it.each([
    ['/v1', '/v1/customers', { repeated: '/v1', rest: '/customers' }],
    ['/v1', '/v10/customers', undefined],
    ['/api', '/api2', undefined],
    ['/v1/api', '/v1/api/v1/x', { repeated: '/v1/api/v1', rest: '/x' }],
    ['/v1/api', '/API/x', { repeated: '/API', rest: '/x' }],
    ['/v1', '/%2Fv1/x', undefined], // an encoded slash is not a segment boundary
    ['', '/v1/x', undefined],
  ])('repeatedBasePath(%j, %j) compares segments', (prefix, path, expected) => {
    expect(repeatedBasePath(prefix, path)).toEqual(expected);
  });
});

describe('the page and the runtime agree', () => {
  const connectors = [
    ['customer-io', { ...TRACK_AUTH, region: 'us' }, '/api'],
    ['customer-io-app', { ...APP_AUTH, region: 'us' }, '/v1'],
    ['customer-io-beta', { ...APP_AUTH, region: 'us' }, '/v1/api'],
  ] as const;
  const segment = fc.constantFrom('v1', 'V1', 'api', 'v2', 'v10', 'api2', '%76%31', 'customers', '42', '', '.', 'a b', 'x?y=1', 'é', '%2e%2e');
  const endpoint = fc.array(segment, { maxLength: 5 }).chain((segments) => fc.boolean().map((slash) => `${slash ? '/' : ''}${segments.join('/')}`));

  it.each(connectors)('%s: a dry run sends the URL the page shows, or refuses with the page\'s message', async (connector, auth, prefix) => {
    const registry = await sharedRegistry();
    await fc.assert(
      fc.asyncProperty(endpoint, async (text) => {
        const shown = resolveEndpoint(`${SANDBOX}${prefix}`, text);
        const result = await registry.execute({
          connector, operation: 'raw_http_request', auth, input: { method: 'GET', url: { endpoint: text }, body: { none: null } }, options: { dryRun: true, origin: SANDBOX },
        } as never);
        if (shown.ok) expect(result).toEqual({ ok: true, request: expect.objectContaining({ url: shown.url }) });
        else expect(result).toMatchObject({ ok: false, error: { code: 'user_input_error', message: shown.problem.message, details: [{ field: shown.problem.field, rule: shown.problem.rule }] } });
        // Never doubled: whatever is sent does not start with the base path twice.
        if (result.ok && 'request' in result) expect(new URL(result.request.url).pathname.toLowerCase().startsWith(`${prefix}${prefix}/`)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });
});
