// A `default` is what is sent when a field is left out: the request carries it, the caller's
// input is left alone, and the lint refuses defaults that would never be applied and
// descriptions that promise a default the field does not have.
import { describe, expect, it } from '@jest/globals';
import { lintDefaults } from '../scripts/definition-lint.js';
import type { JsonSchema } from '../runtime/definitions.js';
import { withDefaults } from '../runtime/input/defaults.js';
import { authFor, sharedRegistry } from './helpers.js';
import { useNock } from './use-nock.js';

const nock = useNock();

describe('defaults on the wire', () => {
  it('unsubscribe_delivery with only a delivery ID sends {"unsubscribe": true}, as its form and the reference say', async () => {
    let sent: unknown;
    nock('https://track.customer.io').post('/unsubscribe/d1', (body) => ((sent = body), true)).reply(200, {});
    const registry = await sharedRegistry();
    const input = { delivery_id: 'd1' };
    const result = await registry.execute({ connector: 'customer-io', operation: 'unsubscribe_delivery', auth: authFor('customer-io', 'us'), input });
    expect(result).toMatchObject({ ok: true });
    expect(sent).toEqual({ unsubscribe: true });
    expect(input).toEqual({ delivery_id: 'd1' }); // the caller's object is untouched
  });

  it('a value given is sent as given, false included', async () => {
    const registry = await sharedRegistry();
    const result = await registry.execute({ connector: 'customer-io', operation: 'unsubscribe_delivery', auth: authFor('customer-io', 'us'), input: { delivery_id: 'd1', unsubscribe: false }, options: { dryRun: true } });
    expect(result).toMatchObject({ ok: true, request: { body: { unsubscribe: false } } });
  });

  it('segment membership sends id_type=id when the kind is left out', async () => {
    const registry = await sharedRegistry();
    const result = await registry.execute({ connector: 'customer-io', operation: 'add_customers_to_segment', auth: authFor('customer-io', 'eu'), input: { segment_id: 7, ids: ['42'] }, options: { dryRun: true } });
    expect(result).toMatchObject({ ok: true, request: { url: 'https://track-eu.customer.io/api/v1/segments/7/add_customers?id_type=id' } });
  });
});

describe('withDefaults', () => {
  const schema: JsonSchema = {
    type: 'object',
    properties: {
      flag: { type: 'boolean', default: true },
      options: { type: 'object', properties: { size: { type: 'integer', default: 3 }, list: { type: 'array', default: [] } } },
      choice: { oneOf: [{ type: 'object', properties: { kind: { const: 'a', default: 'a' } } }] },
    },
  };

  it('fills absent fields, and fields of objects that are given, copying on write', () => {
    const options = { size: 5 };
    const input = { options };
    expect(withDefaults(schema, input)).toEqual({ flag: true, options: { size: 5, list: [] } });
    expect(input).toEqual({ options: { size: 5 } });
    expect(options).toEqual({ size: 5 });
  });

  it('creates no object that was not given, and returns the same input when nothing is missing', () => {
    expect(withDefaults(schema, {})).toEqual({ flag: true });
    const full = { flag: false, options: { size: 1, list: [1] } };
    expect(withDefaults(schema, full)).toBe(full);
  });

  it('gives each call its own copy of an object default', () => {
    const first = withDefaults(schema, { options: {} }) as { options: { list: unknown[] } };
    first.options.list.push('changed');
    expect(withDefaults(schema, { options: {} })).toEqual({ flag: true, options: { size: 3, list: [] } });
  });

  it('leaves input that is not an object to validation', () => {
    for (const input of [['a'], 'text', null, 5]) expect(withDefaults(schema, input as never)).toBe(input);
  });
});

describe('lintDefaults', () => {
  it('refuses a default inside a choice or a list item, unless it repeats the const', () => {
    const problems = lintDefaults({
      type: 'object',
      properties: {
        choice: { oneOf: [{ type: 'object', properties: { kind: { const: 'a', default: 'a' }, size: { type: 'integer', default: 1 } } }] },
        list: { type: 'array', items: { type: 'object', properties: { on: { type: 'boolean', default: false } } } },
      },
    }, 'op');
    expect(problems).toEqual([
      'op input.choice{oneOf[0]}.size: a default inside a choice or a list item is never sent; give it on a field of the input or of an object in it (or only repeat the const)',
      'op input.list[].on: a default inside a choice or a list item is never sent; give it on a field of the input or of an object in it (or only repeat the const)',
    ]);
  });

  it('refuses a default its own field would refuse', () => {
    expect(lintDefaults({ type: 'object', properties: { n: { type: 'integer', minimum: 1, default: 0 } } }, 'op')).toEqual([
      'op input.n: the default 0 is not a valid value of the field: "default": must be at least 1',
    ]);
  });

  it('refuses a description that promises a default the field does not have, and accepts Customer.io\'s', () => {
    const field = (description: string) => ({ type: 'object', properties: { on: { type: 'boolean', description } } });
    expect(lintDefaults(field('Track clicks (default true).'), 'op')).toHaveLength(1);
    expect(lintDefaults(field('Ascending (the default) or descending.'), 'op')).toHaveLength(1);
    expect(lintDefaults(field("Track clicks (Customer.io's default: yes)."), 'op')).toEqual([]);
    expect(lintDefaults(field('Translate into this language; empty for its default language.'), 'op')).toEqual([]);
  });
});
