// The definition rules that say what an operation is from its data: dropdown helpers are
// `type: "ddl"` (hidden, answering with choices, the only targets of a lookup), and every
// Unix-time field ends with the one shared ISO 8601 note.
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { lintFormSchema, lintOperation } from '../scripts/definition-lint.js';
import { describeOperation } from '../runtime/describe-operation.js';
import { servicesOf } from '../runtime/services.js';
import { packageRoot, type LoadedConnector, type LoadedOperation } from '../runtime/loader.js';
import { loadBundledSchema, UNIX_TIME_NOTE } from '../runtime/schema-bundle.js';
import { sharedRegistry } from './helpers.js';

const ddlAnswer = { status: 200, body: { things: [{ id: 1, name: 'One' }] } };

function operation(name: string, extra: Partial<LoadedOperation> = {}): LoadedOperation {
  return {
    name,
    title: 'List things',
    description: 'Lists things.',
    resource: 'Things',
    http: { method: 'GET', path: '/things' },
    input_schema: { type: 'object', properties: {}, additionalProperties: false },
    output_schema: { type: 'object' },
    examples: [],
    file: `${name}.json`,
    ...extra,
  };
}

const dropdown = operation('list_things_ddl', {
  type: 'ddl',
  hidden: true,
  response: { mode: 'ddl', items: 'things', text: 'name', value: 'id' },
  output_schema: { type: 'object' },
  examples: [{ title: 'Choices', input: {}, request: { method: 'GET', path: '/things' }, response: ddlAnswer, output: { result: [{ text: 'One', value: 1 }] } }],
});

function connectorOf(...operations: LoadedOperation[]): LoadedConnector {
  return {
    name: 'demo', version: '1.0', title: 'Demo', description: 'Demo.', icon: '', api: 'app', auth: { scheme: 'bearer', token: 'api_key', described_as: 'a demo key' },
    operations: operations.map((op) => op.name), folder: '.', auth_schema: {}, operationsByName: new Map(operations.map((op) => [op.name, op])),
  };
}

const lint = (op: LoadedOperation, ...others: LoadedOperation[]) => lintOperation(connectorOf(op, ...others), op);

describe('dropdown helpers are known by their type', () => {
  it('accepts a hidden ddl operation that answers with choices', () => {
    expect(lint(dropdown)).toEqual([]);
  });

  it('refuses a hidden operation that is not of type ddl, whatever its name', () => {
    const { type: _type, ...untyped } = dropdown;
    expect(lint(untyped)).toEqual([
      'demo/list_things_ddl: dropdown helpers (type "ddl"), and only they, are hidden',
      'demo/list_things_ddl: dropdown helpers (type "ddl"), and only they, answer with dropdown choices (response mode ddl)',
    ]);
  });

  it('refuses a ddl operation that is shown, or that answers with something else', () => {
    expect(lint({ ...dropdown, hidden: false })).toEqual(['demo/list_things_ddl: dropdown helpers (type "ddl"), and only they, are hidden']);
    expect(lint({ ...dropdown, response: { mode: 'body' } })).toEqual([
      'demo/list_things_ddl: dropdown helpers (type "ddl"), and only they, answer with dropdown choices (response mode ddl)',
    ]);
  });

  it('lets a lookup run only a ddl operation of the connector', () => {
    const field = (lookup: string) => ({ title: 'Thing', description: 'A thing.', type: 'integer', lookup: { operation: lookup } });
    const plain = operation('list_things');
    const picking = (lookup: string) => operation('get_thing', { input_schema: { type: 'object', properties: { thing: field(lookup) }, additionalProperties: false } });
    expect(lint(picking('list_things_ddl'), dropdown, plain)).toEqual([]);
    expect(lint(picking('list_things'), dropdown, plain)).toEqual([
      'demo/get_thing input #/properties/thing: lookup names list_things, which is not a dropdown helper (an operation of type "ddl") of this connector',
    ]);
    expect(lint(picking('list_others_ddl'), dropdown, plain)).toHaveLength(1);
  });
});

describe('dropdowns that list only what fits', () => {
  const things = { title: 'Kinds', description: 'Only these kinds.', type: 'array', items: { type: 'string', enum: ['a', 'b'] } };
  const narrowing = operation('list_things_ddl', {
    ...dropdown,
    input_schema: { type: 'object', properties: { kind: things }, additionalProperties: false },
    response: { mode: 'ddl', items: 'things', text: 'name', value: 'id', keep: { input: 'kind', field: 'kind' } },
  });
  const picking = (lookup: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    operation('get_thing', { input_schema: { type: 'object', properties: { thing: { title: 'Thing', description: 'A thing.', type: 'integer', lookup }, ...extra }, additionalProperties: false } });

  it('runs them with an input they take: fixed values valid there, {{{field}}} values fields of the form', () => {
    const kindField = { kind: { title: 'Kind', description: 'Its kind.', type: 'string' } };
    expect(lint(picking({ operation: 'list_things_ddl', input: { kind: ['a'] } }), narrowing)).toEqual([]);
    expect(lint(picking({ operation: 'list_things_ddl', input: { kind: '{{{kind}}}' } }, kindField), narrowing)).toEqual([]);
    expect(lint(picking({ operation: 'list_things_ddl', input: { kind: ['c'] } }), narrowing)).toEqual([
      expect.stringMatching(/^demo\/get_thing input #\/properties\/thing: lookup input for list_things_ddl: .*kind/),
    ]);
    expect(lint(picking({ operation: 'list_things_ddl', input: { colour: ['a'] } }), narrowing)).toContain('demo/get_thing input #/properties/thing: lookup input colour is not an input of list_things_ddl');
    expect(lint(picking({ operation: 'list_things_ddl', input: { kind: '{{{sort}}}' } }), narrowing)).toEqual([
      'demo/get_thing input #/properties/thing: lookup input kind takes {{{sort}}}, which is no field of this form',
    ]);
  });

  it('narrow by an input they have, through an operation of their connector that takes what they give it', () => {
    const details = operation('list_thing_parts', { input_schema: { type: 'object', properties: { thing_id: { title: 'Thing', description: 'The thing.', type: 'integer' } }, required: ['thing_id'], additionalProperties: false } });
    const via = (from: Record<string, unknown>, input = 'kind') =>
      ({ ...narrowing, response: { mode: 'ddl', items: 'things', text: 'name', value: 'id', keep: { input, field: 'kind', from } } }) as LoadedOperation;
    expect(lint(via({ operation: 'list_thing_parts', input: { thing_id: 'id' }, items: 'parts' }), details)).toEqual([]);
    expect(lint(via({ operation: 'list_thing_parts', input: { thing_id: 'id' }, items: 'parts' }, 'colour'), details)).toEqual(['demo/list_things_ddl: response.keep.input colour is not an input of the dropdown']);
    expect(lint(via({ operation: 'list_parts', input: { thing_id: 'id' }, items: 'parts' }), details)).toEqual(['demo/list_things_ddl: response.keep.from names list_parts, which is not an action of demo']);
    expect(lint(via({ operation: 'list_thing_parts', input: { part: 'id' }, items: 'parts' }), details)).toEqual(['demo/list_things_ddl: response.keep.from.input part is not an input of list_thing_parts']);
  });

  it('are the only operations whose examples go on past their first request', () => {
    const [example] = dropdown.examples;
    expect(lint({ ...dropdown, examples: [{ ...example!, then: [{ request: { method: 'GET', path: '/things/1' }, response: ddlAnswer }] }] })).toEqual([
      "demo/list_things_ddl example 0: only a dropdown that reads each item's details (response.keep.from) sends more than one request",
    ]);
  });
});

describe('Unix-time fields', () => {
  const defs = join(packageRoot(), 'schemas', 'defs.schema.json');
  const when = (description?: string) => ({ $ref: '#/$defs/unix_timestamp', title: 'When', ...(description === undefined ? {} : { description }) });

  it('get the shared ISO 8601 note after their own description, once, wherever they sit', () => {
    const schema = loadBundledSchema(defs, { type: 'object', properties: { at: when('When it happened, in Unix seconds.'), list: { title: 'Times', description: 'Some times.', type: 'array', items: when() } } });
    const props = schema.properties as Record<string, Record<string, unknown>>;
    expect(props.at!.description).toBe(`When it happened, in Unix seconds. ${UNIX_TIME_NOTE}`);
    expect((props.list!.items as Record<string, unknown>).description).toBe(`A time in Unix seconds, such as 1735689600. ${UNIX_TIME_NOTE}`);
    expect(lintFormSchema(schema, 'op', new Set())).toEqual([]);
  });

  it('must not say it themselves, nor lack it', () => {
    const restated = loadBundledSchema(defs, { type: 'object', properties: { at: when(`When it happened. ${UNIX_TIME_NOTE}`) } });
    expect(lintFormSchema(restated, 'op', new Set())).toEqual(["op #/properties/at: a Unix-time field's description speaks of ISO 8601 again; the shared note says it"]);
    const unbundled = { type: 'object', properties: { at: { title: 'When', description: 'Unix seconds.', type: 'integer', unixTime: true } } };
    expect(lintFormSchema(unbundled, 'op', new Set())).toEqual([
      'op #/properties/at: a Unix-time field must say it also takes an ISO 8601 date-time: its description must end with the shared note the bundler adds',
    ]);
  });
});

describe('describeOperation', () => {
  it('is what describe() says of every operation, plus its resource and kind', async () => {
    const registry = await sharedRegistry();
    for (const { name } of registry.list()) {
      const described = registry.describe(name).operations;
      const connector = servicesOf(registry).connector(name)!;
      const loaded = [...connector.operationsByName.values()];
      expect(described).toEqual(loaded.map((op) => describeOperation(op, connector)));
      expect(described.map((op) => [op.resource, op.kind])).toEqual(loaded.map((op) => [op.resource, op.type ?? 'action']));
    }
  });

  it('tells dropdown helpers from actions by their type', async () => {
    const registry = await sharedRegistry();
    const connector = servicesOf(registry).connector('customer-io-app')!;
    const app = connector.operationsByName;
    expect(describeOperation(app.get('list_segments_ddl')!, connector)).toMatchObject({ name: 'list_segments_ddl', hidden: true, kind: 'ddl', resource: 'Segments' });
    expect(describeOperation(app.get('send_transactional_email')!, connector)).toMatchObject({ hidden: false, kind: 'action', resource: 'Transactional messages' });
    expect(describeOperation(app.get('raw_http_request')!, connector)).toMatchObject({ http: { method: 'ANY', path: '{url}' }, kind: 'action', resource: 'Raw request' });
  });

  // What a host decides retries, replays and confirmations by.
  it.each([
    ['customer-io', 'create_or_update_customer', { read_only: false, safe_to_repeat: true, sends_message: false }], // PUT
    ['customer-io', 'track_custom_event', { read_only: false, safe_to_repeat: true, sends_message: false }], // POST, events carry an id
    ['customer-io', 'merge_customers', { read_only: false, safe_to_repeat: false, sends_message: false }], // POST
    ['customer-io', 'bulk_identify_customers', { read_only: false, safe_to_repeat: true, sends_message: false }], // as send_batch
    ['customer-io', 'get_account_region', { read_only: true, safe_to_repeat: true, sends_message: false }],
    ['customer-io-app', 'search_customers', { read_only: true, safe_to_repeat: true, sends_message: false }], // POST marked read_only
    ['customer-io-app', 'list_segments_ddl', { read_only: true, safe_to_repeat: true, sends_message: false }],
    ['customer-io-app', 'send_transactional_email', { read_only: false, safe_to_repeat: false, sends_message: true }],
    ['customer-io-app', 'trigger_broadcast', { read_only: false, safe_to_repeat: false, sends_message: true }],
    ['customer-io-app', 'create_manual_segment', { read_only: false, safe_to_repeat: false, sends_message: false }],
    ['customer-io-app', 'raw_http_request', { read_only: false, safe_to_repeat: false, sends_message: true }], // worst case
    ['customer-io-beta', 'get_segment', { read_only: true, safe_to_repeat: true, sends_message: false }],
    ['customer-io-trigger', 'watch_email_events', { read_only: true, safe_to_repeat: true, sends_message: false }],
  ])('%s/%s: %j', async (connectorName, operation, effects) => {
    const described = (await sharedRegistry()).describe(connectorName).operations.find((op) => op.name === operation)!;
    expect({ read_only: described.read_only, safe_to_repeat: described.safe_to_repeat, sends_message: described.sends_message }).toEqual(effects);
  });

  it('marks read_only only on a POST, and never on an operation that sends a message', async () => {
    const connector = servicesOf(await sharedRegistry()).connector('customer-io-app')!;
    const send = connector.operationsByName.get('send_transactional_email')!;
    const list = connector.operationsByName.get('list_segments')!;
    expect(lintOperation(connector, { ...send, http: { ...send.http!, read_only: true } })).toContain('customer-io-app/send_transactional_email: an operation that sends a message is not read-only');
    expect(lintOperation(connector, { ...list, http: { ...list.http!, read_only: true } })).toContain('customer-io-app/list_segments: read_only is for a POST that only reads; GET says what it does already');
  });
});
