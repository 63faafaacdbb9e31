// A failed oneOf is reported by the branch the person meant (runtime/input/one-of-branch.ts), in
// the envelope (and so the CLI) as in the host page: the chosen branch's rule with its field,
// never the other branches' "is required" nor the bare "must match exactly one"; the list of
// choices only when no branch is plausible. Over the shapes the definitions use.
import { describe, expect, it } from '@jest/globals';
import { chooseOneOfBranch, focusOneOf, type SchemaError } from '../forms/index.js';
import { createAjv } from '../runtime/input/validation.js';
import type { Envelope } from '../runtime/index.js';
import { APP_AUTH, sharedRegistry, TRACK_AUTH } from './helpers.js';

const LONG_ID = 'x'.repeat(160);

async function refusal(connector: string, operation: string, input: Record<string, unknown>) {
  const registry = await sharedRegistry();
  const auth = connector === 'customer-io' ? { ...TRACK_AUTH, region: 'us' } : { ...APP_AUTH, region: 'us' };
  const result: Envelope = await registry.execute({ connector, operation, auth, input, options: { dryRun: true } } as never);
  expect(result.ok).toBe(false);
  const { error } = result as Extract<Envelope, { ok: false }>;
  expect(error.code).toBe('user_input_error');
  return error as { message: string; details: { field: string; rule: string; message: string }[] };
}

describe('the envelope names the rule of the branch meant', () => {
  it('a 160-character recipient ID (identifiers: ID, email or Customer.io ID) is the 150-byte rule alone', async () => {
    const error = await refusal('customer-io-app', 'send_transactional_email', { identifiers: { id: LONG_ID }, content: { transactional_message_id: 1 } });
    expect(error.message).toBe('"input.identifiers.id": must be at most 150 bytes (it is 160)');
    expect(error.details).toEqual([{ field: 'input.identifiers.id', rule: 'maxBytes', message: '"input.identifiers.id": must be at most 150 bytes (it is 160)' }]);
  });

  it.each([
    ['customer-io', 'merge_customers', { primary: { cio_id: LONG_ID }, secondary: { email: 'ada@example.com' } }, 'input.primary.cio_id'],
    ['customer-io-app', 'start_live_notification', { identifiers: { id: LONG_ID } }, 'input.identifiers.id'],
    ['customer-io', 'send_entity', { entity: { type: 'person', action: 'identify', identifiers: { cio_id: LONG_ID } } }, 'input.entity.identifiers.cio_id'],
    ['customer-io-app', 'trigger_broadcast', { broadcast_id: 1, audience: { per_user_data: [{ id: 'ok', data: {} }, { id: LONG_ID, data: {} }] } }, 'input.audience.per_user_data[1].id'],
  ])('%s %s: a nested or listed choice names its own field (%#)', async (connector, operation, input, field) => {
    const error = await refusal(connector, operation, input);
    const problems = error.details.filter((d) => d.field.startsWith(field.replace(/\.[^.]*$/, '')));
    expect(problems).toEqual([expect.objectContaining({ field, rule: 'maxBytes' })]);
    expect(error.message).not.toMatch(/exactly one|is not a field of this form/);
  });

  it('a discriminated choice (type and action) reports the branch they name', async () => {
    const error = await refusal('customer-io', 'send_entity', { entity: { type: 'object', action: 'identify', identifiers: { object_type_id: '1' } } });
    expect(error.details).toEqual([expect.objectContaining({ field: 'input.entity.identifiers.object_id', rule: 'required' })]);
  });

  it('the closest branch: written content missing a subject and body, not "From a template"', async () => {
    const error = await refusal('customer-io-app', 'send_transactional_email', { identifiers: { id: '42' }, content: { from: 'ab' } });
    expect(error.details.map((d) => `${d.field} ${d.rule}`).sort()).toEqual(['input.content.body required', 'input.content.from minLength', 'input.content.subject required']);
  });

  it('a value of another kind than every branch but one goes to that one (newsletter content by type)', async () => {
    const error = await refusal('customer-io-app', 'create_newsletter', { name: 'x', recipients: { segment: { id: 1 } }, content: { type: 'twilio', body: 1 } });
    expect(error.details).toContainEqual(expect.objectContaining({ field: 'input.content.body', rule: 'type' }));
    expect(error.message).not.toMatch(/exactly one/);
  });

  it.each([
    ['no identifier at all', { identifiers: {}, content: { transactional_message_id: 1 } }, '"input.identifiers": must match exactly one of: By ID; By email; By Customer.io ID'],
    ['two identifiers', { identifiers: { id: '42', email: 'ada@example.com' }, content: { transactional_message_id: 1 } }, '"input.identifiers": must match exactly one of: By ID; By email; By Customer.io ID'],
    ['a template and written content', { identifiers: { id: '42' }, content: { transactional_message_id: 1, from: 'Acme <a@b.co>' } }, '"input.content": must match exactly one of: From a template; Written here'],
  ])('falls back to the choices when no branch is plausible: %s', async (_what, input, message) => {
    const error = await refusal('customer-io-app', 'send_transactional_email', input);
    expect(error.message).toBe(message);
  });
});

describe('chooseOneOfBranch and focusOneOf, as the page uses them', () => {
  const schema = {
    type: 'object',
    properties: {
      who: {
        title: 'Recipient',
        oneOf: [
          { title: 'By ID', type: 'object', properties: { id: { type: 'string', maxLength: 5 } }, required: ['id'], additionalProperties: false },
          { title: 'By email', type: 'object', properties: { email: { type: 'string', format: 'email' } }, required: ['email'], additionalProperties: false },
        ],
      },
      list: { type: 'array', items: { oneOf: [{ type: 'string', maxLength: 3 }, { type: 'integer', minimum: 0 }] } },
    },
  };
  const validate = createAjv(true).compile(schema);
  const errorsOf = (data: unknown) => {
    expect(validate(data)).toBe(false);
    return focusOneOf(validate.errors ?? [], schema, data);
  };

  it('keeps only the errors of the branch meant, with their own fields (ajv errors in, the same objects out)', () => {
    const errors = errorsOf({ who: { id: 'toolong' } });
    expect(errors.map((e) => `${e.instancePath} ${e.keyword}`)).toEqual(['/who/id maxLength']);
  });

  it('tells apart the items of a list that fail the same oneOf', () => {
    const errors = errorsOf({ list: ['ok', 'long text', -1, true] });
    expect(errors.map((e) => `${e.instancePath} ${e.keyword}`)).toEqual(['/list/1 maxLength', '/list/2 minimum', '/list/3 oneOf']);
    expect(errors[2]!.message).toBe('must match exactly one of: choice 1; choice 2');
  });

  it('says so when a value fits several branches', () => {
    const both = { oneOf: [{ type: 'number' }, { type: 'integer' }] };
    const check = createAjv(true).compile(both);
    expect(check(3)).toBe(false);
    expect(focusOneOf(check.errors ?? [], both, 3).map((e) => e.message)).toEqual(['must match exactly one of: choice 1; choice 2 (it matches choice 1 and choice 2; give only what one of them takes)']);
  });

  it('decides from the value: discriminating keys first, then shape, then the fewest errors', () => {
    const typed = [
      { properties: { type: { const: 'a' }, x: {} }, required: ['type'] },
      { properties: { type: { const: 'b' }, x: {} }, required: ['type'] },
    ];
    const some: SchemaError[] = [{ keyword: 'required', instancePath: '', schemaPath: '#/oneOf/0/required', params: {} }];
    expect(chooseOneOfBranch(typed, [some, some], { type: 'b', x: 1 }, '')).toBe(1);
    expect(chooseOneOfBranch(typed, [some, some], { type: 'c' }, '')).toBeUndefined();
    const keyed = [{ properties: { id: {} } }, { properties: { email: {} } }];
    expect(chooseOneOfBranch(keyed, [some, some], { email: 'x' }, '')).toBe(1);
    expect(chooseOneOfBranch(keyed, [some, some], {}, '')).toBeUndefined();
    const shared = [{ properties: { data: {}, id: {} } }, { properties: { data: {}, email: {} } }];
    const two: SchemaError[] = [...some, ...some];
    expect(chooseOneOfBranch(shared, [some, two], { data: {} }, '')).toBe(0);
    expect(chooseOneOfBranch(shared, [some, some], { data: {} }, '')).toBeUndefined();
  });
});
