// The reporting-event schemas come from Customer.io's own document (npm run gen:triggers): the
// committed file is what the generator makes of it today, every event kind it describes has a
// schema, every payload it shows fits its kind and the trigger that hands it over, its known
// mistakes are corrected in one place, and events of kinds it does not know yet still pass.
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadManifest, packageRoot } from '../runtime/loader.js';
import { compileSchema, describeErrors } from '../runtime/input/validation.js';
import { appEventEnum, loadEventCatalog } from '../scripts/reporting-events-catalog.js';
import { applyCorrections, CORRECTIONS } from '../scripts/reporting-webhook-corrections.js';
import { generateReportingEvents, renderReportingEvents, REPORTING_EVENTS_FILE, reportingWebhooksDocument } from '../scripts/trigger-events-generation.js';

const root = packageRoot();
const documentFile = reportingWebhooksDocument(root);
const haveDocument = existsSync(documentFile);
if (!haveDocument) console.warn(`skipping the reporting-webhooks document checks: ${documentFile} is absent`);

// In CI the document is always beside the project: its absence is a broken set-up, not a pass.
if (!haveDocument && process.env.CI === 'true') {
  it('has the official reporting-webhooks document to generate from', () => {
    throw new Error(`CI=true but ${documentFile} is absent`);
  });
}

type Schema = Record<string, unknown>;
const catalog = loadEventCatalog(root);
const trigger = loadManifest().find((c) => c.name === 'customer-io-trigger')!;
const compiled = new Map<string, ReturnType<typeof compileSchema>>();
function validatorOf(name: string, schema: () => Schema) {
  if (!compiled.has(name)) compiled.set(name, compileSchema(schema()));
  return compiled.get(name)!;
}
const kindValidator = (name: string) => validatorOf(`kind ${name}`, () => catalog.schema(name));
const outputValidator = (operation: string) => validatorOf(`op ${operation}`, () => trigger.operationsByName.get(operation)!.output_schema);

function problems(validate: ReturnType<typeof compileSchema>, data: unknown): string[] {
  return validate(data) ? [] : describeErrors(validate.errors ?? [], validate.schema, 'payload', data).map((p) => p.message);
}

/** The trigger that hands over events of an object type, besides watch_all_events. */
function triggerFor(objectType: string): string {
  const found = [...trigger.operationsByName.values()].find((op) => op.trigger?.object_types?.length === 1 && op.trigger.object_types[0] === objectType);
  if (!found) throw new Error(`no trigger for ${objectType}`);
  return found.name;
}

describe('the committed event schemas', () => {
  it('describe 69 event kinds of 8 object types, each with a generic branch, a union and its names', () => {
    expect(catalog.objectTypes).toEqual(['customer', 'email', 'push', 'in_app', 'sms', 'slack', 'webhook', 'whatsapp']);
    expect(catalog.kinds()).toHaveLength(69);
    for (const type of catalog.objectTypes) {
      const kinds = catalog.kinds([type]);
      expect((catalog.schema(`${type}_event`).oneOf as Schema[]).map((b) => b.title)).toEqual([...kinds.map((k) => k.label), catalog.schema(`${type}_other`).title]);
    }
  });

  it('compile in strict mode, every kind and union', () => {
    for (const kind of catalog.kinds()) expect(() => kindValidator(kind.name)).not.toThrow();
    for (const type of catalog.objectTypes) expect(() => compileSchema(catalog.schema(`${type}_event`))).not.toThrow();
    expect(() => compileSchema(catalog.schema('event'))).not.toThrow();
  });

  it('name every kind as the App API registers it, and label it as the App API\'s enum does', () => {
    const app = appEventEnum(root);
    for (const kind of catalog.kinds()) {
      expect(app.enum).toContain(kind.name);
      expect([kind.name, kind.label]).toEqual([kind.name, app.enumLabels[app.enum.indexOf(kind.name)]]);
    }
  });

  it('leave out only the App API\'s events that the document does not describe (their events fit the generic branches)', () => {
    const described = new Set(catalog.kinds().map((k) => k.name));
    expect(appEventEnum(root).enum.filter((name) => !described.has(name))).toEqual(['email_deferred', 'slack_converted', 'sms_dropped', 'webhook_converted']);
    const deferred = { event_id: '01J0F88K0M1N2P3Q4R5S6T7V8W', object_type: 'email', metric: 'deferred', timestamp: 1718035740, data: { delivery_id: 'x', recipient: 'ada@acme.example' } };
    expect(problems(kindValidator('email_other'), deferred)).toEqual([]);
    expect(problems(outputValidator('watch_email_events'), deferred)).toEqual([]);
  });

  it('say the push_drafted event is the metric drafted (the document says attempted)', () => {
    const metric = (name: string) => (catalog.schema(name).properties as Record<string, Schema>).metric!.const;
    expect(metric('push_drafted')).toBe('drafted');
    expect(metric('push_attempted')).toBe('attempted');
    const drafted = { event_id: '01J0F89M1N2P3Q4R5S6T7V8W9X', object_type: 'push', metric: 'drafted', timestamp: 1718035800, data: { campaign_id: 7, action_id: 31, delivery_id: 'ZAIAAXNX', identifiers: { id: '42' } } };
    expect(problems(kindValidator('push_drafted'), drafted)).toEqual([]);
    expect(problems(kindValidator('push_drafted'), { ...drafted, metric: 'attempted' })).not.toEqual([]);
    expect(problems(outputValidator('watch_push_events'), drafted)).toEqual([]);
  });
});

describe('the generic branch of an object type', () => {
  const unknown = { event_id: '01J0F8AN2P3Q4R5S6T7V8W9X0Y', object_type: 'sms', metric: 'queued_for_carrier', timestamp: 1718035860, data: { anything: ['Customer.io', 'adds'] } };

  it('takes an event of a metric the document does not know, whatever its data', () => {
    expect(problems(kindValidator('sms_other'), unknown)).toEqual([]);
    expect(problems(outputValidator('watch_sms_events'), unknown)).toEqual([]);
    expect(problems(outputValidator('watch_all_events'), unknown)).toEqual([]);
  });

  it('does not take a known metric, so a malformed known event is not passed off as a new one', () => {
    expect(problems(kindValidator('sms_other'), { ...unknown, metric: 'sent' })).not.toEqual([]);
    expect(problems(outputValidator('watch_sms_events'), { ...unknown, metric: 'sent' })).not.toEqual([]);
  });

  it('is only for its own object type and still needs the event fields', () => {
    expect(problems(kindValidator('sms_other'), { ...unknown, object_type: 'email' })).not.toEqual([]);
    const { event_id: _id, ...withoutId } = unknown;
    expect(problems(kindValidator('sms_other'), withoutId)).toEqual(['"payload.event_id": is required']);
  });
});

(haveDocument ? describe : describe.skip)('against the reporting-webhooks document', () => {
  type Document = {
    webhooks: Record<string, { post: { requestBody: { content: Record<string, { examples: Record<string, { value: Schema }> }> } } }>;
    components: { schemas: Record<string, Schema> };
  };
  const document = haveDocument ? (JSON.parse(readFileSync(documentFile, 'utf8')) as Document) : ({} as Document);
  const generated = () => generateReportingEvents(document, appEventEnum(root));
  const components = () => document.components.schemas;
  /** Each object type's event components, as the document's `<type>_event` unions list them. */
  const eventComponents = () =>
    Object.entries(components())
      .filter(([name, schema]) => name.endsWith('_event') && Array.isArray(schema.oneOf))
      .flatMap(([name, union]) => ((union.oneOf ?? []) as { $ref: string }[]).map((b) => ({ objectType: name.replace(/_event$/, ''), component: b.$ref.split('/').pop()! })));

  it(`gives ${REPORTING_EVENTS_FILE} (run \`npm run gen:triggers\` and commit when this fails)`, () => {
    expect(readFileSync(join(root, REPORTING_EVENTS_FILE), 'utf8')).toBe(renderReportingEvents(generated().schema));
  });

  it('has a schema for every event kind it describes', () => {
    const listed = eventComponents();
    expect(listed).toHaveLength(69);
    const schemas = (JSON.parse(readFileSync(join(root, REPORTING_EVENTS_FILE), 'utf8')) as { $defs: Record<string, Schema> }).$defs;
    const byComponent = new Map(Object.entries(schemas).filter(([, s]) => String(s.$comment ?? '').startsWith('components.schemas.')).map(([name, s]) => [String(s.$comment).split(' ')[0], name]));
    for (const { objectType, component } of listed) {
      const name = byComponent.get(`components.schemas.${component}`);
      expect([component, name?.startsWith(`${objectType}_`)]).toEqual([component, true]);
    }
    expect(new Set(byComponent.values()).size).toBe(69);
  });

  const examples = () => Object.entries(document.webhooks.reportingWebhook!.post.requestBody.content['application/json']!.examples);

  it('shows three payloads, and each fits the schema of its kind, its trigger\'s output and watch_all_events\'s', () => {
    expect(examples().map(([name]) => name)).toEqual(['customer_subscribed', 'email_sent', 'sms_sent']);
    for (const [name, { value }] of examples()) {
      const objectType = String(value.object_type);
      expect([name, problems(kindValidator(name), value)]).toEqual([name, []]);
      expect([name, problems(outputValidator(triggerFor(objectType)), value)]).toEqual([name, []]);
      expect([name, problems(outputValidator('watch_all_events'), value)]).toEqual([name, []]);
    }
  });

  it('fits each example an event kind\'s schema gives, where the document gives one', () => {
    const nameOf = new Map(generated().kinds.map((k) => [k.component, k.name]));
    let checked = 0;
    for (const { component } of eventComponents()) {
      const schema = components()[component]!;
      const given = [schema.example, ...((schema.examples as unknown[] | undefined) ?? [])].filter((e) => e !== undefined);
      for (const example of given) {
        expect([component, problems(kindValidator(nameOf.get(component)!), example)]).toEqual([component, []]);
        checked++;
      }
    }
    // Today the document gives no example on an event kind itself (only on shared parts).
    expect(checked).toBe(0);
  });

  it('says metric "attempted" for push_drafted, which the corrections table fixes in one place', () => {
    const pushDrafted = components().push_drafted!.allOf as Schema[];
    expect(((pushDrafted[1]!.properties as Record<string, Schema>).metric!.enum)).toEqual(['attempted']);
    const corrected = structuredClone(document);
    applyCorrections(corrected);
    expect((((corrected.components.schemas.push_drafted!.allOf as Schema[])[1]!.properties as Record<string, Schema>).metric!.enum)).toEqual(['drafted']);
    expect(CORRECTIONS.filter((c) => c.at.includes('push_drafted'))).toHaveLength(1);
  });

  it('stops the generator when a corrected place no longer says what the correction expects', () => {
    const fixedUpstream = structuredClone(document);
    ((fixedUpstream.components.schemas.push_drafted!.allOf as Schema[])[1]!.properties as Record<string, Schema>).metric!.enum = ['drafted'];
    expect(() => generateReportingEvents(fixedUpstream, appEventEnum(root))).toThrow(/push_drafted.*no longer says \["attempted"\]/);
  });

  it('reports how the App API\'s event list and the document differ', () => {
    const { report } = generated();
    expect(report[0]).toContain('email_deferred, slack_converted, sms_dropped, webhook_converted');
    expect(report.join(' ')).toContain('customer_subscription_preferences_changed (metric cio_subscription_preferences_changed)');
  });
});
