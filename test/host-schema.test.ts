// The reference host turns Tray form hints into rjsf's uiSchema, groups operations for its list
// and tidies form data before a run. These are pure functions; the browser test covers the page.
import { describe, expect, it } from '@jest/globals';
import { connectorCatalogue } from '../host/server.js';
import { groupOperations, matchesSearch } from '../host/web/operation-groups.js';
import {
  coerceChoice,
  credentialsComplete,
  isAnyValue,
  isFreeFormObject,
  isIntegerOrText,
  prepareForm,
  pruneEmpty,
  redactSecrets,
  type JsonSchema,
  type UiSchema,
} from '../forms/index.js';
import { sharedRegistry } from './helpers.js';

const ui = (value: unknown) => value as UiSchema;

describe('prepareForm: Tray hints to rjsf', () => {
  const region: JsonSchema = { type: 'string', enum: ['us', 'eu'], enumLabels: ['US', 'EU'] };

  it('labels enums with enumLabels', () => {
    const { uiSchema } = prepareForm({ type: 'object', properties: { region } });
    expect(ui(uiSchema.region)['ui:enumNames']).toEqual(['US', 'EU']);
  });

  it('ignores enumLabels that do not pair with the enum', () => {
    const { uiSchema } = prepareForm({ type: 'object', properties: { region: { ...region, enumLabels: ['US'] } } });
    expect(ui(uiSchema.region)['ui:enumNames']).toBeUndefined();
  });

  it('masks secrets', () => {
    const { uiSchema } = prepareForm({ type: 'object', properties: { api_key: { type: 'string', secret: true } } });
    expect(uiSchema.api_key).toMatchObject({ 'ui:widget': 'password', 'ui:autocomplete': 'new-password' });
  });

  it('gives a raw request\'s Endpoint (format "endpoint") the endpoint widget, in every connector\'s raw request', async () => {
    const registry = await sharedRegistry();
    for (const connector of ['customer-io', 'customer-io-app', 'customer-io-beta']) {
      const raw = registry.describe(connector).operations.find((operation) => operation.name === 'raw_http_request')!;
      const branches = ui(prepareForm(raw.input_schema).uiSchema.url).oneOf as UiSchema[];
      expect(ui(branches[0]!.endpoint)['ui:widget']).toBe('endpoint');
      expect(ui(branches[1]!.full_url)['ui:widget']).toBeUndefined();
    }
  });

  it('hides advanced keys until asked, and counts them', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { name: { type: 'string' }, id: { type: 'string' }, timestamp: { type: 'integer' } },
      advanced: ['id', 'timestamp'],
    };
    const hidden = prepareForm(schema);
    expect(hidden.advancedCount).toBe(2);
    expect(ui(hidden.uiSchema.id)['ui:widget']).toBe('hidden');
    expect(ui(hidden.uiSchema.timestamp)['ui:widget']).toBe('hidden');
    expect(ui(hidden.uiSchema.name)['ui:widget']).toBeUndefined();

    const shown = prepareForm(schema, { showAdvanced: true });
    expect(ui(shown.uiSchema.id)['ui:widget']).toBeUndefined();
    expect(ui(shown.uiSchema.id)['ui:classNames']).toBe('advanced-field');
  });

  it('hides advanced keys of nested objects too', () => {
    const { uiSchema, advancedCount } = prepareForm({
      type: 'object',
      properties: { options: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, advanced: ['b'] } },
    });
    expect(advancedCount).toBe(1);
    expect(ui(ui(uiSchema.options).b)['ui:widget']).toBe('hidden');
  });

  it('turns a lookup into the lookup widget with its DDL operation', () => {
    const { uiSchema, lookups } = prepareForm({
      type: 'object',
      properties: { segment_id: { type: 'integer', lookup: { operation: 'list_segments_ddl' } } },
    });
    expect(uiSchema.segment_id).toEqual({ 'ui:widget': 'lookup', 'ui:options': { lookup: { operation: 'list_segments_ddl' } } });
    expect(lookups).toEqual(['list_segments_ddl']);
  });

  it('keeps a hidden advanced lookup hidden (no dropdown call for a field nobody sees)', () => {
    const { uiSchema } = prepareForm({
      type: 'object',
      properties: { campaign_id: { type: 'integer', lookup: { operation: 'list_campaigns_ddl' } } },
      advanced: ['campaign_id'],
    });
    expect(ui(uiSchema.campaign_id)['ui:widget']).toBe('hidden');
  });

  it('gives code and text formats a textarea, monospace for code', () => {
    const { uiSchema } = prepareForm({
      type: 'object',
      properties: { body: { type: 'string', format: 'code' }, note: { type: 'string', format: 'text' } },
    });
    expect(uiSchema.body).toEqual({ 'ui:widget': 'textarea', 'ui:classNames': 'code-field', 'ui:options': { rows: 6 } });
    expect(uiSchema.note).toEqual({ 'ui:widget': 'textarea', 'ui:options': { rows: 3 } });
  });

  it('walks oneOf branches, array items and map values', () => {
    const { uiSchema } = prepareForm({
      type: 'object',
      properties: {
        content: {
          oneOf: [
            { title: 'From a template', type: 'object', properties: { id: { type: ['integer', 'string'], lookup: { operation: 'list_transactional_messages_ddl' } } } },
            { title: 'Written here', type: 'object', properties: { body: { type: 'string', format: 'code' } } },
          ],
        },
        ids: { type: 'array', items: { type: 'string', enum: ['a'], enumLabels: ['A'] } },
        attributes: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean', 'object', 'array'] } },
      },
    });
    const branches = ui(uiSchema.content).oneOf as UiSchema[];
    expect(branches).toHaveLength(2);
    expect(ui(branches[0].id)['ui:widget']).toBe('lookup');
    expect(ui(branches[0].id)['ui:options']).toMatchObject({ inputType: 'text' });
    expect(ui(branches[1].body)['ui:widget']).toBe('textarea');
    expect(ui(ui(uiSchema.ids).items)['ui:enumNames']).toEqual(['A']);
    // A name → value map is one field of rows (name, kind, value), not rjsf's "+" with placeholder rows.
    expect(ui(uiSchema.attributes)['ui:field']).toBe('keyValueMap');
    expect(ui(uiSchema.attributes).additionalProperties).toBeUndefined();
  });

  it('marks an object chosen in a picker, so its title is not a second heading', () => {
    const { uiSchema } = prepareForm({
      type: 'object',
      properties: { customer: { title: 'Person', oneOf: [{ title: 'By ID', type: 'object', properties: { id: { title: 'ID', type: 'string' } } }, { title: 'None', type: 'null' }] } },
    });
    const [byId, none] = ui(uiSchema.customer).oneOf as UiSchema[];
    expect(ui(byId!['ui:options'])).toMatchObject({ titleFromChoice: true });
    expect(none!['ui:options']).toBeUndefined();
  });

  it('gives yes/no fields the three-state choice, and values of several kinds a kind chooser', () => {
    const { uiSchema } = prepareForm({
      type: 'object',
      properties: {
        unsubscribed: { type: 'boolean' },
        tracked: { type: 'boolean', default: true },
        mode: { type: 'boolean', enum: [true] },
        value: { type: ['string', 'number', 'boolean', 'object', 'array'] },
      },
    });
    expect(ui(uiSchema.unsubscribed)['ui:widget']).toBe('booleanChoice');
    expect(ui(uiSchema.tracked)['ui:widget']).toBe('booleanChoice');
    expect(ui(uiSchema.mode)['ui:widget']).toBeUndefined();
    expect(ui(uiSchema.value)['ui:field']).toBe('anyValue');
  });

  it('lays out properties that a dependency adds', () => {
    const { uiSchema } = prepareForm({
      type: 'object',
      properties: { rate: { type: 'integer' } },
      dependencies: { rate: { properties: { period: { type: 'string', enum: ['s', 'm'], enumLabels: ['Second', 'Minute'] } } } },
    });
    expect(ui(uiSchema.period)['ui:enumNames']).toEqual(['Second', 'Minute']);
  });

  it('edits a free-form object as JSON', () => {
    const { uiSchema } = prepareForm({ type: 'object', properties: { data: { type: 'object', maxBytes: 100 } } });
    expect(ui(uiSchema.data)['ui:field']).toBe('jsonObject');
  });

  it('hides keys the host sets itself', () => {
    const { uiSchema } = prepareForm({ type: 'object', properties: { api_key: { type: 'string' }, region } }, { hiddenKeys: ['region'] });
    expect(ui(uiSchema.region)).toMatchObject({ 'ui:widget': 'hidden', 'ui:enumNames': ['US', 'EU'] });
  });

  it('describes a pattern in words when the field has no description', () => {
    const { uiSchema } = prepareForm({ type: 'object', properties: { id: { type: 'string', pattern: '^[0-9]+$', patternDescription: 'digits only' } } });
    expect(ui(uiSchema.id)['ui:help']).toBe('Must be digits only.');
  });
});

describe('field kinds', () => {
  it('tells number-or-text, any-value and free-form objects apart', () => {
    expect(isIntegerOrText({ type: ['integer', 'string'] })).toBe(true);
    expect(isIntegerOrText({ type: ['integer', 'null'] })).toBe(false);
    expect(isAnyValue({ type: ['string', 'number', 'boolean', 'object', 'array'] })).toBe(true);
    expect(isAnyValue({ type: ['integer', 'string'] })).toBe(false);
    expect(isFreeFormObject({ type: 'object' })).toBe(true);
    expect(isFreeFormObject({ type: 'object', additionalProperties: true })).toBe(true);
    expect(isFreeFormObject({ type: 'object', additionalProperties: { type: 'string' } })).toBe(false);
    expect(isFreeFormObject({ type: 'object', properties: {} })).toBe(false);
  });

  it('types a dropdown or typed value as the field wants it', () => {
    expect(coerceChoice({ type: 'integer' }, '12')).toBe(12);
    expect(coerceChoice({ type: ['integer', 'string'] }, '12')).toBe(12);
    expect(coerceChoice({ type: ['integer', 'string'] }, 'order_receipt')).toBe('order_receipt');
    expect(coerceChoice({ type: 'string' }, '1')).toBe('1');
    expect(coerceChoice({ type: 'integer' }, '')).toBeUndefined();
  });
});

describe('form data and credentials', () => {
  const schema: JsonSchema = {
    type: 'object',
    required: ['identifier'],
    properties: {
      identifier: { type: 'string' },
      email: { type: 'string' },
      relationships: { type: 'object', properties: { action: { type: 'string' } } },
      attributes: { type: 'object', additionalProperties: { type: 'string' } },
    },
  };

  it('drops fields left empty, keeps empty strings inside maps', () => {
    expect(pruneEmpty(schema, { identifier: '42', email: undefined, relationships: {}, attributes: { plan: '' } })).toEqual({
      identifier: '42',
      attributes: { plan: '' },
    });
  });

  it('keeps a required object even when empty, so validation can say what it lacks', () => {
    const required = { ...schema, required: ['identifier', 'relationships'] };
    expect(pruneEmpty(required, { identifier: '42', relationships: {} })).toEqual({ identifier: '42', relationships: {} });
  });

  it('redacts secret credentials for display', () => {
    const auth: JsonSchema = { type: 'object', properties: { site_id: { type: 'string' }, api_key: { type: 'string', secret: true } }, required: ['site_id', 'api_key'] };
    expect(redactSecrets(auth, { site_id: 's', api_key: 'k', region: 'us' })).toEqual({ site_id: 's', api_key: '[REDACTED]', region: 'us' });
    expect(credentialsComplete(auth, { site_id: 's', api_key: '' })).toBe(false);
    expect(credentialsComplete(auth, { site_id: 's', api_key: 'k' })).toBe(true);
  });
});

describe('operation list', () => {
  it('groups by the resource each definition names, related operations together', async () => {
    const catalogue = connectorCatalogue(await sharedRegistry());
    const groupOf = (connector: string, operation: string) => catalogue.find((c) => c.name === connector)!.operations.find((o) => o.name === operation)!.group;
    expect(groupOf('customer-io-app', 'list_segment_members')).toBe('Segments');
    expect(groupOf('customer-io', 'create_or_update_customer')).toBe('People');
    expect(groupOf('customer-io', 'track_page_view')).toBe('Events');
    expect(groupOf('customer-io-app', 'send_transactional_email')).toBe('Transactional messages');
    expect(groupOf('customer-io', 'add_customers_to_segment')).toBe('Segments');
    expect(groupOf('customer-io-app', 'get_design_email_review')).toBe('Design Studio');
    expect(groupOf('customer-io-app', 'list_newsletters')).toBe('Newsletters');
    expect(groupOf('customer-io', 'bulk_identify_customers')).toBe('People');
    expect(groupOf('customer-io', 'bulk_track_events')).toBe('Events');
    expect(groupOf('customer-io-beta', 'list_segments_ddl')).toBe('Segments');
  });

  it('hides DDL helpers, filters by search, and puts the raw request last', () => {
    const operations = [
      { name: 'raw_http_request', title: 'Raw HTTP request', group: 'Raw request' },
      { name: 'list_segments', title: 'List segments', group: 'Segments' },
      { name: 'list_segments_ddl', title: 'List segments DDL', hidden: true, group: 'Segments' },
      { name: 'get_segment', title: 'Get a segment', group: 'Segments' },
      { name: 'list_campaigns', title: 'List campaigns', group: 'Campaigns' },
    ];
    const groups = groupOperations(operations);
    expect(groups.map((g) => g.group)).toEqual(['Segments', 'Campaigns', 'Raw request']);
    expect(groups[0].operations.map((o) => o.name)).toEqual(['list_segments', 'get_segment']);
    expect(groupOperations(operations, 'get seg').flatMap((g) => g.operations.map((o) => o.name))).toEqual(['get_segment']);
    expect(matchesSearch({ name: 'list_campaigns', title: 'List campaigns', group: 'Campaigns' }, 'CAMPAIGN')).toBe(true);
    expect(groupOperations(operations, 'segments').flatMap((g) => g.operations.map((o) => o.name))).toEqual(['list_segments', 'get_segment']);
  });

  it('lists every visible operation of every connector once, in a named group', async () => {
    for (const { title, operations } of connectorCatalogue(await sharedRegistry())) {
      const groups = groupOperations(operations, '', title);
      expect(groups.filter((g) => !/^[A-Z]/.test(g.group))).toEqual([]);
      const listed = groups.flatMap((g) => g.operations.map((o) => o.name));
      expect(listed.sort()).toEqual(operations.filter((o) => !o.hidden).map((o) => o.name).sort());
    }
  });

  it('prepares a form for every operation, naming only DDL operations its connector has', async () => {
    const registry = await sharedRegistry();
    for (const { name } of registry.list()) {
      const description = registry.describe(name);
      const ddls = new Set(description.operations.filter((o) => o.hidden).map((o) => o.name));
      for (const operation of description.operations) {
        const { lookups } = prepareForm(operation.input_schema, { showAdvanced: true });
        for (const lookup of lookups) expect(`${name}/${lookup}: ${ddls.has(lookup)}`).toBe(`${name}/${lookup}: true`);
      }
    }
  });
});
