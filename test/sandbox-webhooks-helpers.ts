// What the reporting-webhook tests share: a loopback endpoint that records every attempt and
// answers as the test decides, a small client for the sandbox's APIs (plain fetch, so these
// tests depend on the sandbox alone), and validators for the payloads: Customer.io's reporting
// webhooks document itself, and the trigger connector's generated schema when it exists.
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { existsSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { packageRoot } from '../runtime/package-root.js';
import type { ReportingEvent, Sandbox } from '../sandbox/index.js';
import { startLocalServer, type LocalServer, type Seen } from './local-server.js';

export interface Attempt extends Seen {
  event: ReportingEvent;
  /** How many times this event_id had arrived, this one included. */
  attempt: number;
}

export interface Answer {
  status: number;
  /** Answer this long after the body arrived (a slow endpoint). */
  delayMs?: number;
  /** Answer only when this promise settles (an endpoint that hangs until the test lets it go). */
  until?: Promise<unknown>;
}

export interface Endpoint {
  url: string;
  attempts: Attempt[];
  /** Each event once, in the order of first arrival. */
  events(): ReportingEvent[];
  names(): string[];
  close(): Promise<void>;
}

export async function endpoint(answer: (event: ReportingEvent, attempt: number) => Answer = () => ({ status: 200 })): Promise<Endpoint> {
  const attempts: Attempt[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: LocalServer = await startLocalServer((seen: Seen, res: ServerResponse) => {
    const event = JSON.parse(seen.body) as ReportingEvent;
    const attempt = attempts.filter((a) => a.event.event_id === event.event_id).length + 1;
    attempts.push({ ...seen, event, attempt });
    const { status, delayMs = 0, until } = answer(event, attempt);
    const reply = () => {
      if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    };
    const later = () => {
      if (delayMs <= 0) return reply();
      const timer = setTimeout(() => {
        timers.delete(timer);
        reply();
      }, delayMs);
      timers.add(timer);
    };
    if (until) void until.then(later, later);
    else later();
  });
  const events = () => {
    const seenIds = new Set<string>();
    return attempts.map((a) => a.event).filter((e) => !seenIds.has(e.event_id) && seenIds.add(e.event_id));
  };
  return {
    url: `${server.origin}/cio`,
    attempts,
    events,
    names: () => events().map((e) => `${e.object_type}_${e.metric}`),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      await server.close();
    },
  };
}

/** A promise the test settles when it wants a hanging endpoint to answer. */
export function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

type Body = Record<string, unknown>;

export function client(sandbox: Sandbox) {
  const { site_id, track_api_key, app_api_key } = sandbox.credentials;
  const basic = `Basic ${Buffer.from(`${site_id}:${track_api_key}`).toString('base64')}`;
  const bearer = `Bearer ${app_api_key}`;
  const call = async (method: string, path: string, body?: unknown, authorization?: string) => {
    const response = await fetch(`${sandbox.origin}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Body };
  };
  const ok = async (method: string, path: string, body?: unknown, authorization?: string) => {
    const answer = await call(method, path, body, authorization);
    if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  return {
    call,
    track: (method: string, path: string, body?: unknown) => ok(method, `/api${path}`, body, basic),
    app: (method: string, path: string, body?: unknown) => ok(method, `/v1${path}`, body, bearer),
    /** Customer.io's unauthenticated Track endpoints (/unsubscribe, metrics, push events). */
    open: (method: string, path: string, body?: unknown) => ok(method, path, body),
    bearer,
    /** Registers a reporting webhook through the App API and answers its ID. */
    webhook: async (fields: Body) => (await ok('POST', '/v1/reporting_webhooks', { name: 'Test', ...fields }, bearer)).id as number,
    sendEmail: async (id: string, fields: Body = {}) =>
      (await ok('POST', '/v1/send/email', { transactional_message_id: 3, identifiers: { id }, message_data: { link: 'https://acme.example/reset' }, ...fields }, bearer)).delivery_id as string,
  };
}

export const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

// --- Payload validation ---------------------------------------------------------------------

const documentFile = join(packageRoot(), '..', 'shared', 'openapi', 'customer-io-reporting-webhooks-openapi.json');
const generatedFile = join(packageRoot(), 'schemas', 'reporting-events.schema.json');

export const haveDocument = existsSync(documentFile);
export const haveGenerated = existsSync(generatedFile);

/**
 * The official document, with the few places it contradicts itself or Customer.io's behaviour
 * put right (and nothing else), so that what Customer.io really sends can pass:
 *  - push_drafted declares the metric `attempted` (push_attempted's), though titled "Push drafted";
 *  - other_event_common_data (SMS, in-app, WhatsApp…) has no transactional branch, though
 *    transactional SMS, in-app and WhatsApp messages exist and event_common_data has one;
 *  - the subscription-preferences event names its channel `object_type_type`, and requires the
 *    ids of a message even when the change came from the profile (an identify), which its own
 *    description allows: the message's ids are checked when there is a message.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the OpenAPI document, walked by known paths
function patchDocument(document: any): void {
  const schemas = document.components.schemas;
  schemas.push_drafted.allOf[1].properties.metric.enum = ['drafted'];
  const transactional = schemas.event_common_data.oneOf.find((b: { title?: string }) => b.title === 'Transactional message');
  if (!schemas.other_event_common_data.oneOf.some((b: { title?: string }) => b.title === 'Transactional message')) schemas.other_event_common_data.oneOf.push(transactional);
  const preferences = schemas.person_cio_subscription_preferences_changed;
  const { object_type_type: objectType, ...properties } = preferences.properties;
  preferences.properties = { ...properties, object_type: objectType };
  preferences.properties.data.allOf[1] = { if: { required: ['delivery_id'] }, then: preferences.properties.data.allOf[1] };
}

function documentName(event: ReportingEvent): string {
  if (event.object_type !== 'customer') return `${event.object_type}_${event.metric}`;
  return { subscribed: 'person_subscribed', unsubscribed: 'person_unsubscribed' }[event.metric] ?? `person_${event.metric}`;
}

function generatedName(event: ReportingEvent): string {
  if (event.object_type !== 'customer') return `${event.object_type}_${event.metric}`;
  return event.metric === 'cio_subscription_preferences_changed' ? 'customer_subscription_preferences_changed' : `customer_${event.metric}`;
}

let documentAjv: Ajv2020 | undefined;
let generatedAjv: Ajv | undefined;

function errorsOf(validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** Problems with the event under the document's schema of its kind, and under the whole request body's oneOf. */
export function documentProblems(event: ReportingEvent): string[] {
  if (!documentAjv) {
    const document = JSON.parse(readFileSync(documentFile, 'utf8'));
    patchDocument(document);
    // The document carries OpenAPI-only keywords and formats ("unix timestamp"): not strict.
    documentAjv = new Ajv2020({ strict: false, allErrors: true, logger: false, validateFormats: false });
    documentAjv.addSchema({ ...document, $id: 'reporting' });
  }
  const kind = documentAjv.getSchema(`reporting#/components/schemas/${documentName(event)}`);
  if (!kind) return [`the document has no schema ${documentName(event)}`];
  const any = documentAjv.getSchema('reporting#/webhooks/reportingWebhook/post/requestBody/content/application~1json/schema')!;
  return [...(kind(event) ? [] : errorsOf(kind)), ...(any(event) ? [] : [`not exactly one kind of the request body: ${errorsOf(any).slice(0, 3).join('; ')}`])];
}

/** Problems with the event under the trigger connector's generated schema of its kind. */
export function generatedProblems(event: ReportingEvent): string[] {
  if (!generatedAjv) {
    generatedAjv = new Ajv({ strict: false, allErrors: true, logger: false, validateFormats: false });
    generatedAjv.addSchema(JSON.parse(readFileSync(generatedFile, 'utf8')));
  }
  const kind = generatedAjv.getSchema(`reporting-events.schema.json#/$defs/${generatedName(event)}`);
  if (!kind) return [`the generated schema has no $defs/${generatedName(event)}`];
  const any = generatedAjv.getSchema('reporting-events.schema.json#/$defs/event')!;
  return [...(kind(event) ? [] : errorsOf(kind)), ...(any(event) ? [] : ['not an event of $defs/event'])];
}
