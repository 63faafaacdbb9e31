// Bad input is refused before any request, with a message that names the field and the rule.
import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { useNock } from './use-nock.js';
import type { Envelope } from '../runtime/index.js';
import { sharedRegistry, TRACK_AUTH } from './helpers.js';

useNock();


async function run(operation: string, input: Record<string, unknown>, auth: Record<string, unknown> = { ...TRACK_AUTH, region: 'us' }) {
  const registry = await sharedRegistry();
  return registry.execute({ connector: 'customer-io', operation, auth, input });
}

function errorOf(result: Envelope) {
  expect(result.ok).toBe(false);
  return (result as Extract<Envelope, { ok: false }>).error;
}

describe('input validation', () => {
  it('names a missing required field', async () => {
    const error = errorOf(await run('track_custom_event', { identifier: '42' }));
    expect(error).toMatchObject({ code: 'user_input_error', retryable: false });
    expect(error.message).toBe('"input.name": is required');
    expect(error.details).toEqual([{ field: 'input.name', rule: 'required', message: '"input.name": is required' }]);
  });

  it('counts identifier limits in UTF-8 bytes, not characters', async () => {
    const identifier = 'é'.repeat(76); // 76 characters, 152 bytes
    const error = errorOf(await run('delete_customer', { identifier }));
    expect(error.message).toBe('"input.identifier": must be at most 150 bytes (it is 152)');
  });

  it('refuses unknown top-level fields instead of dropping them', async () => {
    const error = errorOf(await run('track_custom_event', { identifier: '42', name: 'x', colour: 'red' }));
    expect(error.message).toBe('"input.colour": is not a field of this form');
  });

  it('lists the allowed values of an enum', async () => {
    const error = errorOf(await run('delete_customer', { identifier: '42' }, { ...TRACK_AUTH, region: 'apac' }));
    expect(error.message).toBe('"auth.region": must be one of "us", "eu"');
  });

  it('checks custom attribute names and values against Customer.io limits', async () => {
    const longName = 'n'.repeat(151);
    const error = errorOf(await run('create_or_update_customer', { identifier: '42', custom_attributes: { [longName]: 'x', bio: 'y'.repeat(1001) } }));
    expect(error.message).toContain(`"input.custom_attributes.${longName}": name must be at most 150 bytes (it is 151)`);
    expect(error.message).toContain('"input.custom_attributes.bio": must be at most 1000 bytes (it is 1001)');
  });

  it('explains a pattern in words', async () => {
    const error = errorOf(await run('track_custom_event', { identifier: '42', name: 'x', id: 'not-a-ulid' }));
    expect(error.message).toMatch(/^"input\.id": must be a ULID \(26 characters of Crockford base32/);
  });

  it('reports only the errors of the v2 choice the input picked', async () => {
    const error = errorOf(await run('send_entity', { entity: { type: 'person', action: 'event', identifiers: { id: '42' } } }));
    expect(error.message).toBe('"input.entity.name": is required');
  });

  it('names the choices when the input matches none of them', async () => {
    const error = errorOf(await run('send_entity', { entity: { type: 'robot', action: 'dance' } }));
    expect(error.message).toMatch(/^"input\.entity": must match exactly one of: Person: identify; Person: delete; .*Delivery: event$/);
  });

  it('refuses a custom attribute that the form has a field of its own for, given or not', async () => {
    const twice = errorOf(await run('create_or_update_customer', { identifier: '42', email: 'a@example.com', custom_attributes: { email: 'b@example.com' } }));
    expect(twice.message).toBe('"input.custom_attributes.email": is a field of its own ("input.email"); set it there');
    const bypass = errorOf(await run('create_or_update_customer', { identifier: '42', custom_attributes: { _timestamp: 'not a time' } }));
    expect(bypass.message).toBe('"input.custom_attributes._timestamp": is a field of its own ("input._timestamp"); set it there');
  });

  it('keeps attributes named like Object.prototype members as plain attributes', async () => {
    const registry = await sharedRegistry();
    const custom = JSON.parse('{"constructor":"x","toString":"y","__proto__":"z"}');
    const result = await registry.execute({ connector: 'customer-io', operation: 'create_or_update_customer', auth: { ...TRACK_AUTH, region: 'us' }, input: { identifier: '42', custom_attributes: custom }, options: { dryRun: true } });
    expect(result.ok).toBe(true);
    expect(JSON.stringify((result as { request: { body: unknown } }).request.body)).toBe('{"constructor":"x","toString":"y","__proto__":"z"}');
    expect(({} as Record<string, unknown>).z).toBeUndefined();
  });

  it('counts every attribute of an identify call against the 300 limit', async () => {
    const custom = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`attribute_${i}`, i]));
    const error = errorOf(await run('create_or_update_customer', { identifier: '42', email: 'a@example.com', custom_attributes: custom }));
    expect(error.message).toBe('"input": the request would carry 301 attributes; Customer.io accepts at most 300 in one call');
  });

  it('names the field holding text that cannot be encoded', async () => {
    const error = errorOf(await run('delete_customer', { identifier: 'a\uD800b' }));
    expect(error.message).toBe('"input.identifier": must be valid Unicode text (it holds an unpaired surrogate)');
  });

  it('refuses a v2 entity body of 32 KB or more before sending it', async () => {
    const attributes = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`a${i}`, 'x'.repeat(900)]));
    const error = errorOf(await run('send_entity', { entity: { type: 'person', action: 'identify', identifiers: { id: '42' }, attributes } }));
    expect(error.code).toBe('user_input_error');
    expect(error.message).toMatch(/"input\.entity": must be at most 32767 bytes|request body would be \d+ bytes/);
  });

  it('converts an ISO 8601 date-time given for a Unix-time field, and leaves the caller\'s input alone', async () => {
    const registry = await sharedRegistry();
    const input = { identifier: '42', name: 'purchase', timestamp: '2025-01-01T01:00:00+01:00', id: '01JGFJJZ000000000000000000' };
    const result = await registry.execute({ connector: 'customer-io', operation: 'track_custom_event', auth: { ...TRACK_AUTH, region: 'us' }, input, options: { dryRun: true } });
    expect(result).toMatchObject({ ok: true, request: { body: { timestamp: 1735689600 } } });
    expect(input.timestamp).toBe('2025-01-01T01:00:00+01:00');
  });

  it('refuses a date-time without a time zone, which would be a guess', async () => {
    const error = errorOf(await run('track_custom_event', { identifier: '42', name: 'x', timestamp: '2025-01-01T00:00:00' }));
    expect(error.message).toBe('"input.timestamp": must be Unix seconds or an ISO 8601 date-time with a time zone, such as 2025-01-01T09:30:00Z');
  });

  it('sends nothing when the input is invalid', async () => {
    const scope = nock('https://track.customer.io').post(/.*/).reply(200, {});
    await run('track_custom_event', { identifier: '', name: 'x' });
    expect(scope.isDone()).toBe(false);
    nock.cleanAll();
  });
});

describe('input nested too deeply to check', () => {
  const nested = (levels: number) => {
    let value: unknown = 1;
    for (let i = 0; i < levels; i++) value = { a: value };
    return value;
  };

  it.each([
    ['track_custom_event', (deep: unknown) => ({ identifier: '42', name: 'x', data: deep, timestamp: '2025-01-01T00:00:00Z' }), 'input.data'],
    ['create_or_update_customer', (deep: unknown) => ({ identifier: '42', custom_attributes: { x: deep } }), 'input.custom_attributes'],
  ] as const)('%s: a user_input_error naming the field, nothing sent', async (operation, inputWith, field) => {
    const anywhere = nock(/.*/).intercept(/.*/, operation === 'track_custom_event' ? 'POST' : 'PUT').reply(200, {});
    const error = errorOf(await run(operation, inputWith(nested(200_000))));
    expect(error).toMatchObject({ code: 'user_input_error', details: [{ field, rule: 'max_depth' }] });
    expect(error.message).toMatch(new RegExp(`^"${field.replace('.', '\\.')}": is nested 200,00\\d levels deep`));
    expect(anywhere.isDone()).toBe(false);
  });
});
