// What the page's fields decide, as the package's form helpers (forms/) and the page's own
// small modules decide it: what a row of a map means, which yes/no states a field offers, how a
// problem is named in the Run area, what a dropdown's DDL is run with, where JSON goes wrong,
// who answered, and which operations a search finds. The browser test drives the same through
// the page; these say it exactly.
import { describe, expect, it } from '@jest/globals';
import {
  booleanChoices,
  emptyRow,
  fieldTrail,
  lookupDependencies,
  mapFromRows,
  pathSegments,
  problemsAsErrorSchema,
  readJsonField,
  readTypedValue,
  resolveLookupInput,
  rowsFromValue,
  summariseErrors,
  valueKinds,
  type JsonSchema,
  type MapRow,
} from '../forms/index.js';
import { parseJsonObject } from '../cli/json-text.js';
import { groupOperations, searchScore } from '../host/web/operation-groups.js';
import { answeredBy } from '../host/web/wording.js';

const ATTRIBUTE_VALUE: JsonSchema = { type: ['string', 'number', 'boolean', 'object', 'array'], maxBytes: 1000 };
const row = (key: string, text: string, kind: MapRow['kind'] = 'text'): MapRow => ({ key, kind, text });

describe('a map of name → value rows', () => {
  it('sends nothing for rows not filled in: two new rows are no attribute at all', () => {
    const kinds = valueKinds(ATTRIBUTE_VALUE);
    expect(mapFromRows([emptyRow(kinds), emptyRow(kinds)], ATTRIBUTE_VALUE)).toEqual({ value: undefined, problems: [] });
  });

  it('starts a new row empty, as text where text is allowed', () => {
    expect(emptyRow(valueKinds(ATTRIBUTE_VALUE))).toEqual({ key: '', kind: 'text', text: '' });
    expect(emptyRow(valueKinds({ type: 'boolean' }))).toEqual({ key: '', kind: 'boolean', text: '' });
  });

  it('keeps text as text: 42 typed as text is "42", as a number 42', () => {
    expect(mapFromRows([row('plan_seats', '42')], ATTRIBUTE_VALUE).value).toEqual({ plan_seats: '42' });
    expect(mapFromRows([row('plan_seats', '42', 'number')], ATTRIBUTE_VALUE).value).toEqual({ plan_seats: 42 });
    expect(mapFromRows([row('vip', 'true', 'boolean'), row('tags', '["a", 1]', 'json')], ATTRIBUTE_VALUE).value).toEqual({ vip: true, tags: ['a', 1] });
  });

  it('sends an empty text under a name (Customer.io removes the attribute), and says so of nothing else', () => {
    expect(mapFromRows([row('plan', '')], ATTRIBUTE_VALUE)).toEqual({ value: { plan: '' }, problems: [] });
  });

  it('names what a row cannot mean instead of dropping or changing it', () => {
    const { value, problems } = mapFromRows(
      [row('', 'orphan'), row('plan', 'pro'), row('plan', 'trial'), row('seats', '4x', 'number'), row('tags', '[1,', 'json'), row('vip', '', 'boolean')],
      ATTRIBUTE_VALUE,
    );
    expect(value).toEqual({ plan: 'pro' });
    expect(problems.map((p) => p.row)).toEqual([0, 2, 3, 4, 5]);
    expect(problems[0]!.problem).toMatch(/name/);
    expect(problems[1]!.problem).toMatch(/“plan” is used above/);
    expect(problems[2]!.problem).toMatch(/Not a number/);
    expect(problems[3]!.problem).toMatch(/^Not valid JSON: .* at line 1, column \d+\.$/);
    expect(problems[4]!.problem).toMatch(/true or false/);
  });

  it('offers only the kinds the schema allows, and whole numbers where it says integer', () => {
    expect(valueKinds(ATTRIBUTE_VALUE)).toEqual(['text', 'number', 'boolean', 'json']);
    expect(valueKinds({ type: 'string' })).toEqual(['text']);
    expect(valueKinds({ type: 'boolean' })).toEqual(['boolean']);
    expect(valueKinds({})).toEqual(['text', 'number', 'boolean', 'json']);
    expect(mapFromRows([row('n', '1.5', 'number')], { type: 'integer' }).problems[0]!.problem).toMatch(/whole number/);
    expect(readTypedValue('number', ' -2.5e3 ')).toEqual({ ok: true, value: -2500 });
    expect(readTypedValue('number', '0x10').ok).toBe(false);
  });

  it('reopens a map as rows of the kinds its values have, leaving out the fields the object names', () => {
    expect(rowsFromValue({ plan: 'pro', seats: 4, vip: false, tags: ['a'], platform: 'ios' }, valueKinds(ATTRIBUTE_VALUE), ['platform'])).toEqual([
      row('plan', 'pro'),
      row('seats', '4', 'number'),
      row('vip', 'false', 'boolean'),
      row('tags', '["a"]', 'json'),
    ]);
  });
});

describe('yes/no fields', () => {
  it('offer Not set beside Yes and No when they may be left out', () => {
    expect(booleanChoices({ type: 'boolean' }, false)).toEqual([
      { value: undefined, label: 'Not set' },
      { value: true, label: 'Yes' },
      { value: false, label: 'No' },
    ]);
  });

  it('mark the default where there is one: leaving it alone sends the default', () => {
    expect(booleanChoices({ type: 'boolean', default: true }, false)).toEqual([
      { value: true, label: 'Yes (default)' },
      { value: false, label: 'No' },
    ]);
    expect(booleanChoices({ type: 'boolean', default: false }, true).map((c) => c.label)).toEqual(['Yes', 'No (default)']);
  });

  it('offer only Yes and No when required', () => {
    expect(booleanChoices({ type: 'boolean' }, true).map((c) => c.value)).toEqual([true, false]);
  });
});

describe('the problems Run finds', () => {
  const schema: JsonSchema = {
    type: 'object',
    properties: {
      customer: { title: 'Person', oneOf: [{ title: 'By ID', type: 'object', properties: { id: { title: 'ID', type: 'string' } } }, { title: 'By email', type: 'object', properties: { email: { title: 'Email', type: 'string' } } }] },
      ids: { title: 'IDs', type: 'array', items: { type: 'string' } },
      custom_attributes: { title: 'Custom attributes', type: 'object', additionalProperties: { type: 'string' } },
    },
  };

  it('are named by their fields’ titles, through choices, list items and map names', () => {
    expect(fieldTrail(schema, ['customer', 'email'])).toEqual(['Person', 'Email']);
    expect(fieldTrail(schema, ['ids', '2'])).toEqual(['IDs', 'item 3']);
    expect(fieldTrail(schema, ['custom_attributes', 'plan'])).toEqual(['Custom attributes', 'plan']);
    expect(pathSegments(".custom_attributes['plan name']")).toEqual(['custom_attributes', 'plan name']);
  });

  it('are counted for the Run area, each once, with the data path only beside the title', () => {
    const summary = summariseErrors(schema, [
      { name: 'required', property: '.customer.id', message: "must have required property 'ID'" },
      { name: 'minLength', property: '.ids.0', message: 'must NOT have fewer than 1 characters' },
      { name: 'minLength', property: '.ids.0', message: 'must NOT have fewer than 1 characters' },
      { property: '.custom_attributes', message: 'row 2: Give this value a name, or remove the row.' },
    ]);
    expect(summary.heading).toBe('3 problems: see the marked fields');
    expect(summary.items.map((i) => [i.trail.join(' › '), i.message, i.path])).toEqual([
      ['Person › ID', 'is required', 'customer.id'],
      ['IDs › item 1', 'must NOT have fewer than 1 characters', 'ids.0'],
      ['Custom attributes', 'row 2: Give this value a name, or remove the row.', 'custom_attributes'],
    ]);
    expect(summariseErrors(schema, [{ property: '.ids', message: 'x' }]).heading).toBe('1 problem: see the marked field');
    expect(summariseErrors(schema, []).heading).toBe('');
  });

  it('include what fields could not make a value of, as an error schema the form shows', () => {
    expect(problemsAsErrorSchema({ message_data: ['Not valid JSON'], 'content.body': 'Empty', custom_attributes: ['a', 'b'] })).toEqual({
      message_data: { __errors: ['Not valid JSON'] },
      content: { body: { __errors: ['Empty'] } },
      custom_attributes: { __errors: ['a', 'b'] },
    });
  });
});

describe('JSON typed into a field', () => {
  it('says where it goes wrong, by line and column, quoting none of it', () => {
    const read = readJsonField('{\n  "plan": "pro"\n  "seats": 4\n}', { object: true });
    expect(read).toEqual({ ok: false, problem: "Not valid JSON: expected ',' between entries at line 3, column 3.", line: 3, column: 3 });
    expect(readJsonField('[1, 2]', { object: true })).toMatchObject({ ok: false, problem: 'Must be a JSON object ({ … }), not a list.' });
    expect(readJsonField('[1, 2]')).toEqual({ ok: true, value: [1, 2] });
  });

  it('is read the same way by the CLI', () => {
    expect(() => parseJsonObject('{"secret": tok}')).toThrow('is not valid JSON: a character that cannot start a JSON value (text needs double quotes) at line 1, column 12');
  });
});

describe('dropdowns that depend on the operation or on other fields', () => {
  it('run their DDL with the fixed input of the hint', () => {
    expect(resolveLookupInput({ operation: 'list_transactional_messages_ddl', input: { type: ['email'] } }, {})).toEqual({ ready: true, input: { type: ['email'] } });
  });

  it('take {{{field}}} values from the form, and wait while those fields are empty', () => {
    const hint = { operation: 'list_campaign_actions_ddl', input: { campaign_id: '{{{campaign_id}}}', kind: '{{{ filter.kind }}}', fixed: 'x' } };
    expect(lookupDependencies(hint)).toEqual(['campaign_id', 'filter.kind']);
    expect(resolveLookupInput(hint, { campaign_id: 7 })).toEqual({ ready: false, missing: ['filter.kind'] });
    expect(resolveLookupInput(hint, { campaign_id: 7, filter: { kind: 'email' } })).toEqual({ ready: true, input: { campaign_id: 7, kind: 'email', fixed: 'x' } });
    expect(resolveLookupInput(hint, { campaign_id: '', filter: { kind: 'email' } })).toEqual({ ready: false, missing: ['campaign_id'] });
  });
});

describe('who answered', () => {
  it('is the sandbox when the sandbox is the target', () => {
    expect(answeredBy('Customer.io refused the request (400): transactional message 5 has no email content.', 'sandbox')).toBe('The sandbox refused the request (400): transactional message 5 has no email content.');
    expect(answeredBy('Customer.io rejected the credentials (401). Check that you used an App API key.', 'sandbox')).toMatch(/^The sandbox rejected the credentials/);
    expect(answeredBy('This workspace is in the EU region (Customer.io answered 301).', 'sandbox')).toBe('This workspace is in the EU region (the sandbox answered 301).');
  });

  it('is Customer.io on a production target, and a rule stays Customer.io’s', () => {
    expect(answeredBy('Customer.io refused the request (400).', 'us')).toBe('Customer.io refused the request (400).');
    expect(answeredBy('"input": Customer.io accepts at most 300 attributes', 'sandbox')).toBe('"input": Customer.io accepts at most 300 attributes');
  });
});

describe('searching the operation list', () => {
  const folder = { name: 'delete_design_folder', title: 'Delete design folder', description: 'Deletes a Design Studio folder. Customer.io refuses (409) when something it holds prevents the deletion.', group: 'Design Studio' };
  const track = { name: 'track_custom_event', title: 'Track a custom event', description: 'Records an event for a person.', group: 'Events' };
  const activities = { name: 'list_activities', title: 'List activities', description: 'Lists events, deliveries and attribute changes.', group: 'Activities' };

  it('matches whole words from their start, so "event" is not in "prevents"', () => {
    expect(searchScore(folder, 'event')).toBe(0);
    expect(searchScore(track, 'event')).toBeGreaterThan(0);
    expect(searchScore(track, 'trac cust')).toBeGreaterThan(0);
  });

  it('ranks a title or name above a resource, and both above a word of the description', () => {
    expect(searchScore(track, 'event')).toBe(3);
    expect(searchScore({ ...track, title: 'Record something', name: 'record' }, 'event')).toBe(2);
    expect(searchScore(activities, 'event')).toBe(1);
    const listed = groupOperations([activities, { ...track, group: 'Activities' }], 'event').flatMap((g) => g.operations.map((o) => o.name));
    expect(listed).toEqual(['track_custom_event', 'list_activities']);
  });
});
