// Track API v1: people, events, devices, suppression, merges, manual segment membership,
// forms, delivery metrics, unsubscribes and the region check. Errors are `meta.errors[]`
// (merges: `meta.error`), as Customer.io answers them.
import { checkAttributes, checkEvent, checkIdentifier, describeProblems, LIMITS, type Problem } from '../limits.js';
import { ok, noContent, trackError, trackErrors } from '../reply.js';
import type { Context, Route } from '../router.js';
import type { Attributes, Person } from '../state.js';
import { recordActivity, recordEvent } from '../model/activities.js';
import { applyMetric, findDelivery } from '../model/outbox.js';
import {
  createPerson, deletePerson, findPerson, isSuppressed, mergePeople, personByAnonymousId, resolvePathIdentifier, splitIdentifyBody,
  suppressIdentity, unsuppressIdentity, updateProfile, type IdKind, type Identity,
} from '../model/people.js';
import { addMember, removeMember } from '../model/indexes.js';
import { findSegment } from '../model/segments.js';
import { intParam, objectBody, type Fail } from './common.js';
import { planPersonRelationships } from './track-relationships.js';
import { identifyRecorded } from '../model/attribute-changes.js';

const fail: Fail = (message) => trackErrors(400, [message]);

function refuse(problems: (Problem | undefined)[]): void {
  const found = problems.filter((p): p is Problem => !!p);
  if (found.length) throw trackErrors(400, describeProblems(found));
}

function identityFor(kind: IdKind, value: string): Identity {
  return kind === 'email' ? { email: value } : kind === 'id' ? { id: value } : {};
}

/**
 * The person a path identifier names, created when they do not exist yet (identify, events and
 * devices create people). undefined when nobody may be created: an unknown cio_ identifier,
 * `_update: true`, or a suppressed identifier; Customer.io accepts and drops those.
 */
function personForWrite(ctx: Context, identifier: string, extra: Identity = {}, updateOnly = false): Person | undefined {
  const { person, kind, value } = resolvePathIdentifier(ctx.state, identifier);
  if (person) return person;
  if (updateOnly || kind === 'cio_id') return undefined;
  const identity = { ...identityFor(kind, value), ...Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined && v !== null)) };
  if (isSuppressed(ctx.state, identity)) return undefined;
  return createPerson(ctx.state, identity, ctx.now);
}

function identify(ctx: Context) {
  const { identifier } = ctx.params;
  const body = objectBody(ctx, fail);
  const { cio_relationships: relationships, cio_subscription_preferences: _p, _update, _timestamp, ...attributeLike } = body;
  refuse([checkIdentifier(identifier, 'identifier'), ...checkAttributes(attributeLike, 'attributes')]);
  const changes = splitIdentifyBody(body);
  const rel = relationships as { action?: string; relationships?: unknown } | undefined;
  let plan: ReturnType<typeof planPersonRelationships> | undefined;
  if (rel !== undefined) {
    if (rel.action !== 'add_relationships' && rel.action !== 'delete_relationships') throw fail('cio_relationships.action must be add_relationships or delete_relationships');
    plan = planPersonRelationships(ctx.state, rel.action, rel.relationships, 'cio_relationships.relationships');
    refuse(plan.problems);
  }
  const existing = resolvePathIdentifier(ctx.state, identifier);
  const total = new Set([...Object.keys(existing.person?.attributes ?? {}), ...Object.keys(changes.attributes), ...Object.keys(changes.identity ?? {})]).size;
  if (total > LIMITS.attributes) throw fail(`a person can have at most ${LIMITS.attributes} attributes (this update would give them ${total})`);

  const person = personForWrite(ctx, identifier, changes.identity, _update === true);
  if (!person) return ok();
  // Only a person addressed by cio_ (or one without an ID yet) can be given another ID.
  if (existing.person && existing.kind !== 'cio_id' && person.id !== null && changes.identity?.id && changes.identity.id !== person.id) delete changes.identity.id;
  identifyRecorded(ctx.state, person, changes, typeof _timestamp === 'number' ? _timestamp : ctx.now);
  plan?.apply?.(person, ctx.now);
  return ok();
}

function deleteCustomer(ctx: Context) {
  const { person } = resolvePathIdentifier(ctx.state, ctx.params.identifier);
  if (person) deletePerson(ctx.state, person);
  return ok();
}

function upsertDevice(ctx: Context) {
  const body = objectBody(ctx, fail);
  const device = body.device as Record<string, unknown> | undefined;
  if (!device || typeof device !== 'object') throw fail('device is required');
  if (typeof device.id !== 'string' || device.id === '') throw fail('device.id (the device token) is required');
  if (device.platform !== 'ios' && device.platform !== 'android') throw fail('device.platform must be ios or android');
  const attributes = (device.attributes ?? {}) as Attributes;
  refuse([checkIdentifier(ctx.params.identifier, 'identifier'), ...checkAttributes(attributes, 'device.attributes')]);
  const person = personForWrite(ctx, ctx.params.identifier);
  if (!person) return ok();
  const entry = { id: device.id, platform: device.platform, last_used: typeof device.last_used === 'number' ? device.last_used : ctx.now, attributes };
  person.devices = [...person.devices.filter((d) => d.id !== device.id), entry];
  return ok();
}

function deleteDevice(ctx: Context) {
  const { person } = resolvePathIdentifier(ctx.state, ctx.params.identifier);
  if (person) person.devices = person.devices.filter((d) => d.id !== ctx.params.device_id);
  return ok();
}

function suppress(ctx: Context) {
  const { person, kind, value } = resolvePathIdentifier(ctx.state, ctx.params.identifier);
  suppressIdentity(ctx.state, person ? { id: person.id, email: person.email, phone: person.phone } : identityFor(kind, value));
  if (person) deletePerson(ctx.state, person);
  return ok();
}

function unsuppress(ctx: Context) {
  unsuppressIdentity(ctx.state, ctx.params.identifier);
  return ok();
}

function trackEvent(ctx: Context) {
  const body = objectBody(ctx, fail);
  const type = body.type ?? 'event';
  if (type !== 'event' && type !== 'page' && type !== 'screen') throw fail('type must be event, page or screen');
  refuse([checkIdentifier(ctx.params.identifier, 'identifier'), ...checkEvent(body.name, body.data, { name: 'name', data: 'data' })]);
  const person = personForWrite(ctx, ctx.params.identifier);
  if (!person) return ok();
  const anonymousId = typeof body.anonymous_id === 'string' ? body.anonymous_id : null;
  recordEvent(ctx.state, body.id, {
    type, name: body.name as string, person, anonymous_id: anonymousId,
    timestamp: typeof body.timestamp === 'number' ? body.timestamp : undefined, data: (body.data as Attributes) ?? null,
  }, ctx.now);
  return ok();
}

function trackAnonymousEvent(ctx: Context) {
  const body = objectBody(ctx, fail);
  const type = body.type ?? 'event';
  if (type !== 'event' && type !== 'page' && type !== 'screen') throw fail('type must be event, page or screen');
  refuse(checkEvent(body.name, body.data, { name: 'name', data: 'data' }));
  const anonymousId = typeof body.anonymous_id === 'string' && body.anonymous_id !== '' ? body.anonymous_id : null;
  // Someone already identified with this anonymous ID gets the event directly.
  const person = anonymousId ? personByAnonymousId(ctx.state, anonymousId) : undefined;
  recordEvent(ctx.state, body.id, {
    type, name: body.name as string, person, anonymous_id: anonymousId,
    timestamp: typeof body.timestamp === 'number' ? body.timestamp : undefined, data: (body.data as Attributes) ?? null,
  }, ctx.now);
  return ok();
}

const FORM_FIELDS = ['form_id', 'form_name', 'form_type', 'form_url', 'form_url_param'];

function submitForm(ctx: Context) {
  const body = objectBody(ctx, fail);
  const data = body.data as Record<string, unknown> | undefined;
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw fail('data is required: the form fields as an object');
  const id = typeof data.id === 'string' && data.id ? data.id : undefined;
  const email = typeof data.email === 'string' && data.email ? data.email : undefined;
  if (!id && !email) throw fail('the form data needs an email or an id to identify the person');
  const { id: _i, email: _e, ...fields } = data;
  const attributes = Object.fromEntries(Object.entries(fields).filter(([k]) => !FORM_FIELDS.includes(k)));
  refuse(checkAttributes(attributes, 'data'));
  const identity: Identity = { ...(id ? { id } : {}), ...(email ? { email } : {}) };
  let person = (id && findPerson(ctx.state, 'id', id)) || (email && findPerson(ctx.state, 'email', email)) || undefined;
  if (!person && !isSuppressed(ctx.state, identity)) person = createPerson(ctx.state, identity, ctx.now);
  if (person) {
    updateProfile(ctx.state, person, { attributes, identity: person.email ? {} : identity }, ctx.now);
    recordActivity(ctx.state, { type: 'form_submission', name: ctx.params.form_id, person, data }, ctx.now);
  }
  const form = ctx.state.forms.find((f) => f.id === ctx.params.form_id);
  if (form) {
    form.submissions++;
    form.last_submitted_at = ctx.now;
  } else {
    ctx.state.forms.push({ id: ctx.params.form_id, submissions: 1, last_submitted_at: ctx.now });
  }
  return noContent();
}

function mergeReference(value: unknown, field: string): { kind: IdKind; value: string } {
  const entries = value && typeof value === 'object' ? Object.entries(value) : [];
  if (entries.length !== 1 || !['id', 'email', 'cio_id'].includes(entries[0][0]) || typeof entries[0][1] !== 'string') {
    throw trackError(400, `${field} must have exactly one of id, email or cio_id`);
  }
  return { kind: entries[0][0] as IdKind, value: entries[0][1] as string };
}

function merge(ctx: Context) {
  const body = objectBody(ctx, (m) => trackError(400, m));
  const primaryRef = mergeReference(body.primary, 'primary');
  const secondaryRef = mergeReference(body.secondary, 'secondary');
  const primary = findPerson(ctx.state, primaryRef.kind, primaryRef.value);
  if (!primary) throw trackError(400, `the primary person (${primaryRef.kind} ${primaryRef.value}) does not exist`);
  const secondary = findPerson(ctx.state, secondaryRef.kind, secondaryRef.value);
  if (secondary && secondary !== primary) mergePeople(ctx.state, primary, secondary, ctx.now);
  return ok();
}

const METRICS = ['sent', 'delivered', 'opened', 'clicked', 'converted', 'bounced', 'spammed', 'dropped', 'unsubscribed', 'failed', 'undeliverable', 'deferred', 'human_clicked', 'machine_clicked'];

function reportMetric(ctx: Context) {
  const body = objectBody(ctx, fail);
  if (typeof body.delivery_id !== 'string' || body.delivery_id === '') throw fail('delivery_id is required');
  if (typeof body.metric !== 'string' || !METRICS.includes(body.metric)) throw fail(`metric must be one of ${METRICS.join(', ')}`);
  const delivery = findDelivery(ctx.state, body.delivery_id);
  // Customer.io accepts metrics for deliveries it cannot match; they change nothing.
  if (delivery) {
    applyMetric(ctx.state, delivery, body.metric, typeof body.timestamp === 'number' ? body.timestamp : ctx.now, {
      href: typeof body.href === 'string' ? body.href : undefined,
      reason: typeof body.reason === 'string' ? body.reason : undefined,
    });
  }
  return ok();
}

function reportPushEvent(ctx: Context) {
  const body = objectBody(ctx, fail);
  if (typeof body.delivery_id !== 'string' || body.delivery_id === '') throw fail('delivery_id is required');
  if (!['opened', 'converted', 'delivered'].includes(String(body.event))) throw fail('event must be opened, converted or delivered');
  const delivery = findDelivery(ctx.state, body.delivery_id);
  if (delivery) applyMetric(ctx.state, delivery, String(body.event), typeof body.timestamp === 'number' ? body.timestamp : ctx.now);
  return ok();
}

function unsubscribe(ctx: Context) {
  if (!String(ctx.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
    throw fail('this endpoint needs Content-Type: application/json');
  }
  const body = objectBody(ctx, fail);
  if (typeof body.unsubscribe !== 'boolean') throw fail('unsubscribe must be true or false');
  const delivery = findDelivery(ctx.state, ctx.params.delivery_id);
  if (!delivery) throw fail(`no delivery has the ID ${ctx.params.delivery_id}`);
  if (body.unsubscribe) applyMetric(ctx.state, delivery, 'unsubscribed', ctx.now);
  return ok();
}

function segmentMembership(change: 'add' | 'remove') {
  return (ctx: Context) => {
    const segmentId = intParam(ctx, 'segment_id', fail);
    const kind = ctx.query.get('id_type') ?? 'id';
    if (!['id', 'email', 'cio_id'].includes(kind)) throw fail(`id_type must be id, email or cio_id (got ${kind})`);
    const body = objectBody(ctx, fail);
    const ids = body.ids;
    if (!Array.isArray(ids) || ids.length < 1 || ids.length > LIMITS.segmentIds) {
      throw fail(`ids must list between 1 and ${LIMITS.segmentIds} people (got ${Array.isArray(ids) ? ids.length : 'none'})`);
    }
    if (ids.some((id) => typeof id !== 'string')) throw fail('ids must be strings');
    const segment = findSegment(ctx.state, segmentId);
    if (!segment) throw fail(`segment ${segmentId} does not exist`);
    if (segment.type !== 'manual') throw fail(`segment ${segmentId} is a data-driven segment; only manual segments take people through the API`);
    // Values that match nobody (or are not of id_type's kind) are ignored, as Customer.io does.
    for (const value of ids as string[]) {
      const person = findPerson(ctx.state, kind as IdKind, value);
      if (!person) continue;
      if (change === 'add') addMember(ctx.state, segment, person.cio_id);
      else removeMember(ctx.state, segment, person.cio_id);
    }
    segment.updated_at = ctx.now;
    return ok();
  };
}

/** The Track host Customer.io names for each region (the only two values its schema allows for `url`). */
const TRACK_URLS = { us: 'https://track.customer.io', eu: 'https://track-eu.customer.io' } as const;

function region(ctx: Context) {
  const { region: name, environment_id } = ctx.state.workspace;
  // `sandbox_origin` is the sandbox's own: where these credentials work here.
  return ok({ url: TRACK_URLS[name] ?? TRACK_URLS.us, region: name, environment_id, sandbox_origin: ctx.origin });
}

export const trackV1Routes: Route[] = [
  { method: 'GET', path: '/v1/accounts/region', operations: ['get_account_region'], handle: region },
  { method: 'PUT', path: '/v1/customers/{identifier}', operations: ['create_or_update_customer'], handle: identify },
  { method: 'DELETE', path: '/v1/customers/{identifier}', operations: ['delete_customer'], handle: deleteCustomer },
  { method: 'PUT', path: '/v1/customers/{identifier}/devices', operations: ['add_or_update_device'], handle: upsertDevice },
  { method: 'DELETE', path: '/v1/customers/{identifier}/devices/{device_id}', operations: ['delete_device'], handle: deleteDevice },
  { method: 'POST', path: '/v1/customers/{identifier}/suppress', operations: ['suppress_customer'], handle: suppress },
  { method: 'POST', path: '/v1/customers/{identifier}/unsuppress', operations: ['unsuppress_customer'], handle: unsuppress },
  { method: 'POST', path: '/v1/customers/{identifier}/events', operations: ['track_custom_event', 'track_page_view', 'track_screen_view'], handle: trackEvent },
  { method: 'POST', path: '/v1/events', operations: ['track_anonymous_event'], handle: trackAnonymousEvent },
  { method: 'POST', path: '/v1/forms/{form_id}/submit', operations: ['submit_form'], handle: submitForm },
  { method: 'POST', path: '/v1/merge_customers', operations: ['merge_customers'], handle: merge },
  { method: 'POST', path: '/v1/metrics', operations: ['report_delivery_metric'], auth: false, handle: reportMetric },
  { method: 'POST', path: '/v1/push/events', operations: ['report_push_metric'], auth: false, handle: reportPushEvent },
  { method: 'POST', path: '/v1/segments/{segment_id}/add_customers', operations: ['add_customers_to_segment'], handle: segmentMembership('add') },
  { method: 'POST', path: '/v1/segments/{segment_id}/remove_customers', operations: ['remove_customers_from_segment'], handle: segmentMembership('remove') },
];

/** Served at the host root, not under /api. */
export const trackOriginRoutes: Route[] = [
  { method: 'POST', path: '/unsubscribe/{delivery_id}', operations: ['unsubscribe_delivery'], auth: false, handle: unsubscribe },
];
