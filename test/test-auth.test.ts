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

});

describe.each([
  ['customer-io-app', '/v1/segments', 'https://api.customer.io', 'https://api-eu.customer.io'],
  ['customer-io-beta', '/v1/api/segments', 'https://beta-api.customer.io', 'https://beta-api-eu.customer.io'],
] as const)('testAuth on %s', (connector, path, us, eu) => {
  it('accepts a key that works in the chosen region, sending it as a Bearer token', async () => {
    const scope = nock(eu, { reqheaders: { authorization: expectedAuthorization(connector) } }).get(path).reply(200, {});
    const registry = await sharedRegistry();
    const result = await registry.testAuth(connector, { ...APP_AUTH, region: 'eu' });
    expect(result).toMatchObject({ ok: true, output: { valid: true, region: 'eu' } });
    expect(scope.isDone()).toBe(true);
  });

  it('turns the 301 "wrong datacenter" into "choose Region EU", without following it', async () => {
    const followed = nock(eu).get(path).reply(200, {});
    nock(us).get(path).reply(301, { errors: [{ detail: 'wrong datacenter', status: '301' }] }, { Location: `${eu}${path}` });
    const registry = await sharedRegistry();
    const result = await registry.testAuth(connector, { ...APP_AUTH, region: 'us' });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'user_input_error', message: 'Customer.io says this workspace is in the EU region: choose Region EU instead of US.', details: { region: 'eu' } },
    });
    expect(followed.isDone()).toBe(false);
  });

  it('reports a rejected key as an auth_error naming the App API key', async () => {
    nock(us).get(path).reply(401, { meta: { error: 'Unauthorized request' } });
    const registry = await sharedRegistry();
    const result = await registry.testAuth(connector, { ...APP_AUTH, region: 'us' }, { retry: FAST_RETRY });
    expect(result).toMatchObject({ ok: false, error: { code: 'auth_error', message: expect.stringContaining('an App API key') } });
  });
});

describe('host API (more)', () => {
  it('hides dropdown helpers but keeps them callable', async () => {
    const registry = await sharedRegistry();
    const ops = registry.describe('customer-io-app').operations;
    expect(ops.filter((op) => op.hidden).every((op) => op.name.endsWith('_ddl'))).toBe(true);
    expect(ops.find((op) => op.name === 'list_segments_ddl')).toMatchObject({ hidden: true });
  });
});

describe('host API', () => {
  it('lists the four connectors', async () => {
    const registry = await sharedRegistry();
    expect(registry.list().map((c) => [c.name, c.version, c.title])).toEqual([
      ['customer-io', '2.0', 'Customer.io - Track'],
      ['customer-io-app', '1.0', 'Customer.io - App'],
      ['customer-io-beta', '1.0', 'Customer.io - Beta'],
      ['customer-io-trigger', '1.0', 'Customer.io - Triggers'],
    ]);
  });

  it('describes the trigger connector self-contained too: its triggers say kind trigger, their events and event schemas inlined', async () => {
    const registry = await sharedRegistry();
    const description = registry.describe('customer-io-trigger');
    expect(JSON.stringify(description)).not.toContain('$ref');
    const email = description.operations.find((op) => op.name === 'watch_email_events')!;
    expect(email).toMatchObject({ kind: 'trigger', resource: 'Email events', hidden: false });
    const events = (email.input_schema.properties as Record<string, { items: { enum: string[] } }>).events;
    expect(events.items.enum).toContain('email_bounced');
    expect((email.output_schema.oneOf as { title: string }[]).map((b) => b.title)).toContain('Another email event');
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
    const result = await registry.execute({ connector: 'customer-io', operation: 'fly' as string, auth: { ...TRACK_AUTH, region: 'us' }, input: {} });
    expect(result).toMatchObject({ ok: false, error: { code: 'user_input_error', message: 'connector customer-io has no operation "fly"' } });
  });
});
