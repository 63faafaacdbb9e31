// testAuth: hosts check credentials with Track's region endpoint, which also reveals the
// workspace's real region.
import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { useNock } from './use-nock.js';
import { expectedAuthorization, FAST_RETRY, sharedRegistry, TRACK_AUTH, APP_AUTH } from './helpers.js';

useNock();


describe('testAuth on Track', () => {
  it('accepts credentials that belong to the chosen region', async () => {
    nock('https://track-eu.customer.io', { reqheaders: { authorization: expectedAuthorization('customer-io') } })
      .get('/api/v1/accounts/region')
      .reply(200, { url: 'https://track-eu.customer.io', region: 'eu', environment_id: 7 });
    const registry = await sharedRegistry();
    const result = await registry.testAuth('customer-io', { ...TRACK_AUTH, region: 'eu' });
    expect(result).toMatchObject({ ok: true, output: { valid: true, region: 'eu', message: 'Credentials accepted for the EU region.' } });
  });

  it('says so when the credentials belong to the other region', async () => {
    nock('https://track.customer.io').get('/api/v1/accounts/region').reply(200, { url: 'https://track-eu.customer.io', region: 'eu', environment_id: 7 });
    const registry = await sharedRegistry();
    const result = await registry.testAuth('customer-io', { ...TRACK_AUTH, region: 'us' });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'user_input_error', message: 'These credentials are valid, but they belong to a workspace in the EU region: choose Region EU instead of US.', details: { region: 'eu' } },
    });
  });

  it('reports rejected credentials as an auth_error', async () => {
    nock('https://track.customer.io').get('/api/v1/accounts/region').reply(401, 'Unauthorized');
    const registry = await sharedRegistry();
    const result = await registry.testAuth('customer-io', { ...TRACK_AUTH, region: 'us' }, { retry: FAST_RETRY });
    expect(result).toMatchObject({ ok: false, error: { code: 'auth_error', status_code: 401 } });
  });

  it('says plainly when a connector has no credential check yet', async () => {
    const registry = await sharedRegistry();
    const result = await registry.testAuth('customer-io-app', { ...APP_AUTH, region: 'us' });
    expect(result).toMatchObject({ ok: false, error: { code: 'connector_error', message: 'connector "customer-io-app" has no credential check' } });
  });
});

describe('host API', () => {
  it('lists the three connectors', async () => {
    const registry = await sharedRegistry();
    expect(registry.list().map((c) => [c.name, c.version, c.title])).toEqual([
      ['customer-io', '2.0', 'Customer.io - Track'],
      ['customer-io-app', '1.0', 'Customer.io - App'],
      ['customer-io-beta', '1.0', 'Customer.io - Beta'],
    ]);
  });

  it('describes a connector with self-contained schemas (no $ref left)', async () => {
    const registry = await sharedRegistry();
    const description = registry.describe('customer-io');
    expect(description.base_urls).toEqual({ us: 'https://track.customer.io/api', eu: 'https://track-eu.customer.io/api' });
    expect(JSON.stringify(description)).not.toContain('$ref');
    const event = description.operations.find((op) => op.name === 'track_custom_event')!;
    expect(event.http).toEqual({ method: 'POST', path: '/v1/customers/{identifier}/events' });
    expect((event.input_schema.properties as Record<string, { title: string }>).identifier.title).toBe('Person identifier');
  });

  it('answers an unknown operation with a user_input_error, not a throw', async () => {
    const registry = await sharedRegistry();
    const result = await registry.execute({ connector: 'customer-io', operation: 'fly', auth: { ...TRACK_AUTH, region: 'us' }, input: {} });
    expect(result).toMatchObject({ ok: false, error: { code: 'user_input_error', message: 'connector customer-io has no operation "fly"' } });
  });
});
