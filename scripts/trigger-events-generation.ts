// Customer.io's reporting-webhooks document → schemas/reporting-events.schema.json: one schema per
// event kind (email_bounced…), a generic branch per object type for metrics the document does
// not know yet, the union of each object type's events (a trigger's output) and the names with
// labels a trigger's event picker offers. `npm run gen:triggers` writes it; a test regenerates it
// and compares. The document's mistakes are corrected in reporting-webhook-corrections.ts only.
import { join } from 'node:path';
import { applyCorrections, CORRECTIONS } from './reporting-webhook-corrections.js';
import { draft07Keywords, nullableBranch, orNull, type Schema } from './openapi-to-draft07.js';

export const REPORTING_EVENTS_FILE = join('schemas', 'reporting-events.schema.json');

/** Where the official document sits: beside the project, as the Track API's does. */
export function reportingWebhooksDocument(root: string): string {
  return join(root, '..', 'shared', 'openapi', 'customer-io-reporting-webhooks-openapi.json');
}

interface OpenApiDocument {
  info: { title: string; version: string };
  webhooks: Record<string, { post: { requestBody: { content: Record<string, { schema: { oneOf: { $ref: string }[] } }> } } }>;
  components: { schemas: Record<string, Schema> };
}

/** The App API's reporting_webhook_event enum: the names webhooks are registered with, and their labels. */
export interface AppEventEnum {
  enum: string[];
  enumLabels: string[];
}

/**
 * How each object type is named in titles ("Another SMS event"). Customer events are about
 * subscriptions; webhook events are about the webhook actions of campaigns, as the App API's labels say.
 */
const OBJECT_TYPE_NOUNS: Record<string, string> = {
  customer: 'subscription',
  email: 'email',
  push: 'push',
  in_app: 'in-app',
  sms: 'SMS',
  slack: 'Slack',
  webhook: 'webhook action',
  whatsapp: 'WhatsApp',
};

/**
 * The App API registers webhooks with `<object_type>_<metric>` names, except this one: the
 * subscription-preferences event reports the metric `cio_subscription_preferences_changed`
 * but is registered as `customer_subscription_preferences_changed` (the App API's enum).
 */
const APP_EVENT_NAMES: Record<string, string> = {
  'customer cio_subscription_preferences_changed': 'customer_subscription_preferences_changed',
};

/** The order of an event's top-level fields, as the document's examples write them. */
const EVENT_FIELD_ORDER = ['event_id', 'object_type', 'metric', 'timestamp', 'data'];

export interface EventKind {
  /** As the App API names it: `email_bounced`. */
  name: string;
  objectType: string;
  metric: string;
  label: string;
  /** The document's component and title, where the kind comes from. */
  component: string;
  documentTitle: string;
}

export interface GeneratedEvents {
  schema: Schema;
  kinds: EventKind[];
  /** What a person should know about the document against the App API, line by line. */
  report: string[];
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

/** JSON with sorted keys: two schemas that differ only in key order are the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as Schema)[key])}`).join(',')}}`;
}

function ordered(properties: Schema, order: string[]): Schema {
  const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
  return Object.fromEntries(Object.entries(properties).sort(([a], [b]) => rank(a) - rank(b)));
}

/** `body` under the keywords written beside the `allOf`/`oneOf` it came from: title and description first. */
function withOuter(outer: Schema, body: Schema): Schema {
  const { title, description, ...rest } = outer;
  const { title: innerTitle, description: innerDescription, ...inner } = body;
  const heading = { title: title ?? innerTitle, description: description ?? innerDescription };
  return { ...Object.fromEntries(Object.entries(heading).filter(([, v]) => v !== undefined)), ...inner, ...rest };
}

/**
 * Turns the document's schemas into draft-07 ones. Plain components (an ID, a timestamp, the
 * identifiers object) become shared `$defs` that events refer to; composed ones (`allOf` of a
 * common part and a specific one) are flattened into one object per event, so that each event
 * reads as the fields it has. The document's `oneOf` of message origins (campaign, broadcast,
 * newsletter, transactional message) keeps the fields every origin has on the event's data and
 * refers to each origin's own fields, said once as a `$def`.
 */
class Converter {
  readonly shared = new Map<string, Schema>();
  readonly origins = new Map<string, Schema>();

  constructor(private readonly components: Record<string, Schema>) {}

  component(name: string): Schema {
    const found = this.components[name];
    if (!found) throw new Error(`the reporting-webhooks document has no component ${name}`);
    return found;
  }

  private static componentName(ref: string): string {
    const match = /^#\/components\/schemas\/([^/]+)$/.exec(ref);
    if (!match) throw new Error(`unexpected $ref ${ref}`);
    return match[1]!;
  }

  private isPlain(name: string): boolean {
    const node = this.component(name);
    return !('allOf' in node || 'oneOf' in node || 'anyOf' in node);
  }

  /** A reference to a plain component (converted once into the shared defs), or the composed one flattened. */
  reference(name: string): Schema {
    if (!this.isPlain(name)) return this.convert(this.component(name));
    if (!this.shared.has(name)) {
      this.shared.set(name, {});
      this.shared.set(name, this.convert(this.component(name)));
    }
    return { $ref: `#/$defs/${name}` };
  }

  /** A node with its references resolved at the top (for merging): the content, not a `$ref`. */
  private inlined(node: Schema): Schema {
    return typeof node.$ref === 'string' ? this.convert(this.component(Converter.componentName(node.$ref))) : this.convert(node);
  }

  convert(node: Schema): Schema {
    if (typeof node.$ref === 'string') return this.reference(Converter.componentName(node.$ref));
    const nullable = nullableBranch(node);
    if (nullable) {
      const { oneOf: _oneOf, anyOf: _anyOf, ...outer } = draft07Keywords(node);
      return { ...orNull(this.inlined(nullable)), ...outer };
    }
    const own = draft07Keywords(node);
    if (Array.isArray(own.allOf)) {
      const { allOf, ...outer } = own;
      return withOuter(outer, this.merged((allOf as Schema[]).map((part) => this.inlined(part))));
    }
    if (Array.isArray(own.oneOf)) {
      const { oneOf, ...outer } = own;
      return withOuter(outer, this.hoisted((oneOf as Schema[]).map((branch) => this.inlined(branch))));
    }
    const out: Schema = { ...own };
    if (own.properties) out.properties = Object.fromEntries(Object.entries(own.properties as Record<string, Schema>).map(([k, v]) => [k, this.convert(v)]));
    if (own.items && typeof own.items === 'object') out.items = this.convert(own.items as Schema);
    if (own.additionalProperties && typeof own.additionalProperties === 'object') out.additionalProperties = this.convert(own.additionalProperties as Schema);
    return out;
  }

  /** Objects joined into one: their properties and required fields together, and at most one `oneOf`. */
  private merged(parts: Schema[]): Schema {
    const result: Schema = { type: 'object', properties: {} as Schema, required: [] as string[] };
    for (const part of parts) {
      if (part.type !== undefined && part.type !== 'object') throw new Error(`cannot merge a ${String(part.type)} into an object`);
      const properties = result.properties as Schema;
      for (const [key, field] of Object.entries((part.properties ?? {}) as Record<string, Schema>)) {
        const before = properties[key] as Schema | undefined;
        properties[key] = before && canonical(before) !== canonical(field) ? this.merged([before, field]) : field;
      }
      for (const key of (part.required ?? []) as string[]) if (!(result.required as string[]).includes(key)) (result.required as string[]).push(key);
      if (part.oneOf) {
        if (result.oneOf) throw new Error('cannot merge two oneOf lists');
        result.oneOf = part.oneOf;
      }
      for (const key of ['title', 'description'] as const) if (part[key] !== undefined && result[key] === undefined) result[key] = part[key];
    }
    const { title, description, ...rest } = result;
    return { ...(title ? { title } : {}), ...(description ? { description } : {}), ...rest };
  }

  /**
   * A `oneOf` of objects (the origins of a message): the fields every branch has alike stay on
   * the object; each branch keeps what is its own, as a shared `$def` named after its title.
   */
  private hoisted(branches: Schema[]): Schema {
    const props = branches.map((b) => (b.properties ?? {}) as Schema);
    const first = props[0] ?? {};
    const common = Object.keys(first).filter((key) => props.every((p) => key in p && canonical(p[key]) === canonical(first[key])));
    const requiredBy = branches.map((b) => (b.required ?? []) as string[]);
    const commonRequired = (requiredBy[0] ?? []).filter((key) => common.includes(key) && requiredBy.every((r) => r.includes(key)));
    const refs = branches.map((branch, i) => {
      const own = Object.fromEntries(Object.entries(props[i]!).filter(([key]) => !common.includes(key)));
      const { properties: _properties, required: _required, ...rest } = branch;
      const origin: Schema = { ...rest, type: 'object', properties: own, required: requiredBy[i]!.filter((key) => !commonRequired.includes(key)) };
      if (typeof origin.title !== 'string') throw new Error(`a oneOf branch without a title: ${JSON.stringify(branch)}`);
      const name = `origin_${slug(origin.title)}`;
      const known = this.origins.get(name);
      if (known && canonical(known) !== canonical(origin)) throw new Error(`two different "${origin.title}" origins: ${canonical(known)} / ${canonical(origin)}`);
      this.origins.set(name, origin);
      return { $ref: `#/$defs/${name}` };
    });
    return { type: 'object', properties: Object.fromEntries(common.map((key) => [key, first[key]])), required: commonRequired, oneOf: refs };
  }
}

/** The object types and their event components, in the order the webhook's body lists them. */
function eventComponents(document: OpenApiDocument, converter: Converter): { objectType: string; container: Schema; components: string[] }[] {
  const webhook = Object.values(document.webhooks)[0]!;
  const unions = webhook.post.requestBody.content['application/json']!.schema.oneOf;
  return unions.map(({ $ref }) => {
    const containerName = $ref.split('/').pop()!;
    const objectType = containerName.replace(/_event$/, '');
    const container = converter.component(containerName);
    return { objectType, container, components: (container.oneOf as { $ref: string }[]).map((branch) => branch.$ref.split('/').pop()!) };
  });
}

function nounOf(objectType: string): string {
  const noun = OBJECT_TYPE_NOUNS[objectType];
  if (!noun) throw new Error(`the document has a new object type "${objectType}": name it in OBJECT_TYPE_NOUNS`);
  return noun;
}

/** A metric description the document gives events of different metrics alike says nothing of any one of them. */
function specificMetricTexts(converted: Schema[]): Set<string> {
  const metricsOf = new Map<string, Set<unknown>>();
  for (const kind of converted) {
    const metric = (kind.properties as Record<string, Schema>).metric;
    const text = metric?.description as string | undefined;
    if (text) metricsOf.set(text, (metricsOf.get(text) ?? new Set()).add(metric!.const));
  }
  return new Set([...metricsOf].filter(([, metrics]) => metrics.size === 1).map(([text]) => text));
}

function genericBranch(objectType: string, metrics: string[], converter: Converter, commonObjectType: Schema | undefined): Schema {
  const noun = nounOf(objectType);
  return {
    title: `Another ${noun} event`,
    description: `Any other ${noun} event: one whose metric the reporting-webhooks document does not describe yet (Customer.io adds metrics from time to time), handed over as it came.`,
    type: 'object',
    properties: {
      event_id: converter.reference('event_id'),
      object_type: { description: (commonObjectType?.description as string | undefined) ?? `The event's channel: ${objectType}.`, type: 'string', const: objectType },
      metric: {
        description: `What happened: any metric other than ${metrics.join(', ')}.`,
        type: 'string',
        minLength: 1,
        not: { enum: metrics },
      },
      timestamp: converter.reference('webhook_timestamp'),
      data: { description: 'What Customer.io reports of the event; its fields depend on the metric.', type: 'object' },
    },
    required: EVENT_FIELD_ORDER,
  };
}

type Group = ReturnType<typeof eventComponents>[number];

/** One flattened schema per event kind, named and labelled as the App API does. */
function eventKinds(groups: Group[], converter: Converter, appEvents: AppEventEnum): { kinds: EventKind[]; kindDefs: Record<string, Schema> } {
  const appLabels = new Map(appEvents.enum.map((name, i) => [name, appEvents.enumLabels[i]!]));
  const converted = groups.flatMap((group) => group.components.map((component) => ({ group, component, schema: converter.convert(converter.component(component)) })));
  const specificTexts = specificMetricTexts(converted.map((c) => c.schema));
  const kinds: EventKind[] = [];
  const kindDefs: Record<string, Schema> = {};
  for (const { group, component, schema } of converted) {
    const properties = schema.properties as Record<string, Schema>;
    const metric = properties.metric?.const;
    if (typeof metric !== 'string') throw new Error(`${component} declares no single metric`);
    const objectType = properties.object_type;
    if (objectType?.const !== undefined && objectType.const !== group.objectType) throw new Error(`${component} is in ${group.objectType}_event but its object_type is ${String(objectType.const)}`);
    const name = APP_EVENT_NAMES[`${group.objectType} ${metric}`] ?? `${group.objectType}_${metric}`;
    if (kindDefs[name]) throw new Error(`two events are named ${name}: the document declares one metric twice for ${group.objectType}`);
    const documentTitle = String(schema.title ?? component);
    const label = appLabels.get(name) ?? documentTitle;
    const metricText = properties.metric?.description as string | undefined;
    const description = (schema.description as string | undefined) ?? (metricText && specificTexts.has(metricText) ? metricText : undefined);
    const { title: _title, description: _description, type: _type, properties: _properties, required, ...rest } = schema;
    kindDefs[name] = {
      $comment: `components.schemas.${component} in the reporting-webhooks document`,
      title: label,
      ...(description ? { description } : {}),
      type: 'object',
      properties: ordered(properties, EVENT_FIELD_ORDER),
      required: [...(required as string[])].sort((a, b) => EVENT_FIELD_ORDER.indexOf(a) - EVENT_FIELD_ORDER.indexOf(b)),
      ...rest,
    };
    kinds.push({ name, objectType: group.objectType, metric, label, component, documentTitle });
  }
  return { kinds, kindDefs };
}

/** An object type's kinds, its generic branch, their union (a trigger's output) and its event names (a trigger's picker). */
function objectTypeDefs(group: Group, own: EventKind[], kindDefs: Record<string, Schema>, converter: Converter, components: Record<string, Schema>): Schema {
  const { objectType } = group;
  const noun = nounOf(objectType);
  const common = components[`${objectType}_event_common`]?.properties as Record<string, Schema> | undefined;
  return {
    ...Object.fromEntries(own.map((kind) => [kind.name, kindDefs[kind.name]])),
    [`${objectType}_other`]: genericBranch(objectType, own.map((k) => k.metric), converter, common?.object_type),
    [`${objectType}_event`]: {
      title: `${capitalised(noun)} event`,
      description: `${String(group.container.description ?? '')} One of the kinds the reporting-webhooks document describes, or another whose metric it does not know yet.`.trim(),
      type: 'object',
      oneOf: [...own.map((k) => ({ $ref: `#/$defs/${k.name}` })), { $ref: `#/$defs/${objectType}_other` }],
    },
    [`${objectType}_event_name`]: {
      title: `${capitalised(noun)} event`,
      description: `Which ${noun} event: its name as the App API registers reporting webhooks with it.`,
      type: 'string',
      enum: own.map((k) => k.name),
      enumLabels: own.map((k) => k.label),
    },
  };
}

export function generateReportingEvents(source: unknown, appEvents: AppEventEnum): GeneratedEvents {
  const document = structuredClone(source) as OpenApiDocument;
  applyCorrections(document);
  const converter = new Converter(document.components.schemas);
  const groups = eventComponents(document, converter);
  const { kinds, kindDefs } = eventKinds(groups, converter, appEvents);

  const defs: Schema = {};
  const allBranches: Schema[] = [];
  for (const group of groups) {
    const own = kinds.filter((k) => k.objectType === group.objectType);
    const typeDefs = objectTypeDefs(group, own, kindDefs, converter, document.components.schemas);
    Object.assign(defs, typeDefs);
    allBranches.push(...((typeDefs[`${group.objectType}_event`] as Schema).oneOf as Schema[]));
  }
  const allNames = kinds.map((k) => k.name);
  defs.event = {
    $comment: 'anyOf, not oneOf: a subscription event carries the channel that caused it as its object_type, so it may also fit that channel\'s generic branch.',
    title: 'Reporting-webhook event',
    description: 'Any event Customer.io reports to a reporting webhook: one of the kinds the document describes, or another of an object type it knows.',
    type: 'object',
    anyOf: allBranches,
  };
  defs.event_name = {
    title: 'Event',
    description: 'An event, by the name the App API registers reporting webhooks with.',
    type: 'string',
    enum: allNames,
    enumLabels: kinds.map((k) => k.label),
  };
  for (const [name, origin] of converter.origins) defs[name] = origin;
  for (const [name, shared] of converter.shared) defs[name] = shared;

  const report = differences(kinds, appEvents);
  const schema: Schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'reporting-events.schema.json',
    title: 'Customer.io reporting-webhook events',
    description:
      'The events Customer.io posts to a reporting webhook, one $def per kind (email_bounced…) and a generic branch per object type ' +
      '(email_other…) for metrics not described yet; <type>_event is the union a trigger hands over, <type>_event_name the names it registers.',
    $comment: [
      `Generated by \`npm run gen:triggers\` from "${document.info.title}" ${document.info.version} (Customer.io's OpenAPI document); do not edit by hand.`,
      `Corrections of the document: scripts/reporting-webhook-corrections.ts (${CORRECTIONS.length}).`,
      ...report,
    ].join(' '),
    $defs: defs,
  };
  return { schema, kinds, report };
}

/** What the App API's event enum and the document say differently, in sentences. */
export function differences(kinds: EventKind[], appEvents: AppEventEnum): string[] {
  const documented = new Set(kinds.map((k) => k.name));
  const appOnly = appEvents.enum.filter((name) => !documented.has(name));
  const documentOnly = kinds.filter((k) => !appEvents.enum.includes(k.name)).map((k) => k.name);
  const renamed = kinds.filter((k) => k.name !== `${k.objectType}_${k.metric}`).map((k) => `${k.name} (metric ${k.metric})`);
  const relabelled = kinds.filter((k) => k.label !== k.documentTitle).map((k) => `${k.name} "${k.label}" (document: "${k.documentTitle}")`);
  return [
    appOnly.length
      ? `The App API also registers ${appOnly.join(', ')}, which the document does not describe: triggers do not offer them, and such events fit their object type's generic branch.`
      : 'The App API registers no event the document does not describe.',
    documentOnly.length ? `The App API's enum lacks ${documentOnly.join(', ')}, which the document describes.` : 'Every event the document describes is in the App API\'s enum.',
    ...(renamed.length ? [`Named by the App API, not <object_type>_<metric>: ${renamed.join(', ')}.`] : []),
    ...(relabelled.length ? [`Labelled as in the App API's enum: ${relabelled.join('; ')}.`] : []),
  ];
}

export function renderReportingEvents(schema: Schema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
