// Track API v2: one entity operation per /api/v2/entity call, or many in /api/v2/batch.
// A refused entity answers 400 `errors[{reason, field, message}]`; a batch applies what it
// can and answers 207 with the refused items' `batch_index`. Each operation is checked in full
// before its first change, so a refused one (alone or in a batch) leaves the workspace as it was.
import { byteLength, checkAttributes, checkEvent, checkIdentifier, LIMITS, type Problem } from '../limits.js';
import { ok, v2Errors, type V2Problem } from '../reply.js';
import type { Context, Route } from '../router.js';
import type { Attributes, Person, State } from '../state.js';
import { recordEvent } from '../model/activities.js';
import { deleteObject, relate, unrelate, updateObject } from '../model/objects.js';
import { applyMetric, findDelivery } from '../model/outbox.js';
import {
  createPerson, deletePerson, findPerson, isSuppressed, mergePeople, splitIdentifyBody, suppressIdentity,
  unsuppressIdentity, type IdKind,
} from '../model/people.js';
import { planPersonRelationships, resolveObject } from './track-relationships.js';
import { identifyRecorded } from '../model/attribute-changes.js';
import { TooDeepItem } from '../json-body.js';

type Operation = Record<string, unknown>;

class Refused extends Error {
  constructor(readonly problem: V2Problem) {
    super(problem.message);
  }
}

function refuse(problem: Problem | undefined, reason = 'invalid'): void {
  if (problem) throw new Refused({ reason, field: problem.field, message: problem.message });
}

function refuseAll(problems: Problem[]): void {
  refuse(problems[0]);
}

const PERSON_KINDS: IdKind[] = ['id', 'email', 'phone', 'cio_id'];

/** An attribute map as sent (absent or null: none); anything but an object is refused. */
function attributeMap(value: unknown, field: string): Attributes {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new Refused({ reason: 'invalid', field, message: 'must be an object of attributes' });
  return value as Attributes;
}

function personReference(value: unknown, field: string, kinds: IdKind[] = PERSON_KINDS): { kind: IdKind; value: string } {
  const entries = value && typeof value === 'object' ? Object.entries(value as object) : [];
  if (entries.length !== 1 || !kinds.includes(entries[0][0] as IdKind) || (typeof entries[0][1] !== 'string' && typeof entries[0][1] !== 'number') || entries[0][1] === '') {
    throw new Refused({ reason: 'invalid', field, message: `must have exactly one of ${kinds.join(', ')}` });
  }
  const [kind, raw] = entries[0];
  refuse(checkIdentifier(String(raw), `${field}.${kind}`));
  return { kind: kind as IdKind, value: String(raw) };
}

/**
 * The person an operation is about, found without changing anything; `create` makes them
 * (id/email/phone only, never a suppressed identity) and is called once every check passed.
 */
function personOf(state: State, op: Operation, now: number): { person?: Person; create(): Person | undefined } {
  const ref = personReference(op.identifiers, 'identifiers');
  const person = findPerson(state, ref.kind, ref.value);
  if (person) return { person, create: () => person };
  if (ref.kind === 'cio_id') throw new Refused({ reason: 'not_found', field: 'identifiers.cio_id', message: `no person has cio_id ${ref.value}` });
  const identity = { [ref.kind]: ref.value };
  return { create: () => (isSuppressed(state, identity) ? undefined : createPerson(state, identity, now)) };
}

/** The person an operation is about; created for id/email/phone when `create` allows it. */
function personFor(state: State, op: Operation, create: boolean, now: number): Person | undefined {
  const found = personOf(state, op, now);
  return found.person ?? (create ? found.create() : undefined);
}

function runPerson(state: State, op: Operation, now: number): void {
  const timestamp = typeof op.timestamp === 'number' ? op.timestamp : undefined;
  switch (op.action) {
    case 'identify': {
      const attributes = attributeMap(op.attributes, 'attributes');
      const { cio_subscription_preferences: _p, _update, ...attributeLike } = attributes;
      refuseAll(checkAttributes(attributeLike, 'attributes'));
      const plan = op.cio_relationships === undefined ? undefined : planPersonRelationships(state, 'add_relationships', op.cio_relationships, 'cio_relationships');
      if (plan) refuseAll(plan.problems);
      const changes = splitIdentifyBody(attributes);
      const found = personOf(state, op, now);
      // Counted before anyone is created, so a refusal leaves no empty profile behind.
      const total = new Set([...Object.keys(found.person?.attributes ?? {}), ...Object.keys(changes.attributes)]).size;
      if (total > LIMITS.attributes) refuse({ field: 'attributes', message: `a person can have at most ${LIMITS.attributes} attributes (this update would give them ${total})` });
      const person = found.person ?? (_update === true ? undefined : found.create());
      if (!person) return;
      identifyRecorded(state, person, changes, timestamp ?? now);
      plan?.apply?.(person, now);
      return;
    }
    case 'delete': {
      const person = personFor(state, op, false, now);
      if (person) deletePerson(state, person);
      return;
    }
    case 'event':
    case 'screen':
    case 'page': {
      refuseAll(checkEvent(op.name, op.attributes, { name: 'name', data: 'attributes' }));
      const person = personFor(state, op, true, now);
      if (!person) return;
      recordEvent(state, op.id, { type: op.action, name: op.name as string, person, timestamp, data: (op.attributes as Attributes) ?? null }, now);
      return;
    }
    case 'add_relationships':
    case 'delete_relationships': {
      const plan = planPersonRelationships(state, op.action, op.cio_relationships, 'cio_relationships');
      refuseAll(plan.problems);
      const person = personFor(state, op, op.action === 'add_relationships', now);
      if (person) plan.apply?.(person, now);
      return;
    }
    case 'add_device':
    case 'delete_device': {
      const device = op.device as Record<string, unknown> | undefined;
      if (!device || typeof device.token !== 'string' || device.token === '') refuse({ field: 'device.token', message: 'the device token is required' });
      if (op.action === 'add_device' && device!.platform !== 'ios' && device!.platform !== 'android') refuse({ field: 'device.platform', message: 'must be ios or android' });
      const attributes = attributeMap(device!.attributes, 'device.attributes');
      refuseAll(checkAttributes(attributes, 'device.attributes'));
      const person = personFor(state, op, op.action === 'add_device', now);
      if (!person) return;
      person.devices = person.devices.filter((d) => d.id !== device!.token);
      if (op.action === 'add_device') {
        person.devices.push({ id: device!.token as string, platform: device!.platform as string, last_used: typeof device!.last_used === 'number' ? device!.last_used : now, attributes });
      }
      return;
    }
    case 'merge': {
      const primaryRef = personReference(op.primary, 'primary', ['id', 'email', 'cio_id']);
      const secondaryRef = personReference(op.secondary, 'secondary', ['id', 'email', 'cio_id']);
      const primary = findPerson(state, primaryRef.kind, primaryRef.value);
      if (!primary) refuse({ field: 'primary', message: `the primary person (${primaryRef.kind} ${primaryRef.value}) does not exist` }, 'not_found');
      const secondary = findPerson(state, secondaryRef.kind, secondaryRef.value);
      if (secondary && secondary !== primary) mergePeople(state, primary!, secondary, now);
      return;
    }
    case 'suppress': {
      const ref = personReference(op.identifiers, 'identifiers');
      const person = findPerson(state, ref.kind, ref.value);
      suppressIdentity(state, person ? { id: person.id, email: person.email, phone: person.phone } : { [ref.kind]: ref.value });
      if (person) deletePerson(state, person);
      return;
    }
    case 'unsuppress': {
      const ref = personReference(op.identifiers, 'identifiers');
      unsuppressIdentity(state, ref.value);
      return;
    }
    default:
      refuse({ field: 'action', message: `person operations take identify, delete, event, screen, page, add_relationships, delete_relationships, add_device, delete_device, merge, suppress or unsuppress (got ${String(op.action)})` });
  }
}

interface PartyRef {
  person?: Person;
  anonymous_id?: string;
  attributes: Attributes;
}

function peopleOf(state: State, relationships: unknown, anonymous: boolean): PartyRef[] {
  if (relationships === undefined) return [];
  if (!Array.isArray(relationships)) refuse({ field: 'cio_relationships', message: 'must be a list of relationships' });
  return (relationships as { identifiers?: unknown; relationship_attributes?: Attributes }[]).map((r, i) => {
    const field = `cio_relationships[${i}]`;
    refuseAll(checkAttributes(attributeMap(r?.relationship_attributes, `${field}.relationship_attributes`), `${field}.relationship_attributes`));
    if (anonymous) {
      const anonymousId = (r?.identifiers as { anonymous_id?: unknown } | undefined)?.anonymous_id;
      if (typeof anonymousId !== 'string' || anonymousId === '') refuse({ field: `${field}.identifiers.anonymous_id`, message: 'is required for identify_anonymous' });
      const identified = state.people.find((p) => p.anonymous_ids.includes(anonymousId as string));
      return identified ? { person: identified, attributes: r.relationship_attributes ?? {} } : { anonymous_id: anonymousId as string, attributes: r.relationship_attributes ?? {} };
    }
    const ref = personReference(r?.identifiers, `${field}.identifiers`, ['id', 'email', 'cio_id']);
    const person = findPerson(state, ref.kind, ref.value);
    if (!person) refuse({ field: `${field}.identifiers.${ref.kind}`, message: `no person has ${ref.kind} ${ref.value}` }, 'not_found');
    return { person, attributes: r.relationship_attributes ?? {} };
  });
}

function runObject(state: State, op: Operation, now: number): void {
  const action = op.action;
  if (!['identify', 'identify_anonymous', 'delete', 'add_relationships', 'delete_relationships'].includes(String(action))) {
    refuse({ field: 'action', message: `object operations take identify, identify_anonymous, delete, add_relationships or delete_relationships (got ${String(action)})` });
  }
  const creates = action === 'identify' || action === 'identify_anonymous' || action === 'add_relationships';
  const attributes = attributeMap(op.attributes, 'attributes');
  refuseAll(checkAttributes(attributes, 'attributes'));
  const parties = action === 'delete' ? [] : peopleOf(state, op.cio_relationships, action === 'identify_anonymous');
  const { object, problem } = resolveObject(state, op.identifiers, 'identifiers', creates, now);
  refuse(problem, problem?.message.startsWith('no object') || problem?.message.includes('does not exist') ? 'not_found' : 'invalid');
  if (!object) return;
  switch (action) {
    case 'identify':
    case 'identify_anonymous':
      updateObject(object, attributes, now);
      for (const party of parties) relate(state, object, party.person ? { person: party.person } : { anonymous_id: party.anonymous_id! }, party.attributes, now);
      return;
    case 'delete':
      deleteObject(state, object);
      return;
    case 'add_relationships':
      for (const party of parties) relate(state, object, { person: party.person! }, party.attributes, now);
      return;
    case 'delete_relationships':
      for (const party of parties) unrelate(state, object, party.person!);
  }
}

function runDelivery(state: State, op: Operation, now: number): void {
  if (op.action !== 'event') refuse({ field: 'action', message: 'delivery operations take the action event' });
  const deliveryId = (op.identifiers as { id?: unknown } | undefined)?.id;
  if (typeof deliveryId !== 'string' || deliveryId === '') refuse({ field: 'identifiers.id', message: 'the delivery ID is required' });
  if (!['opened', 'converted', 'delivered'].includes(String(op.name))) refuse({ field: 'name', message: 'must be opened, converted or delivered' });
  const delivery = findDelivery(state, deliveryId as string);
  if (!delivery) refuse({ field: 'identifiers.id', message: `no delivery has the ID ${deliveryId}` }, 'not_found');
  applyMetric(state, delivery!, String(op.name), typeof op.timestamp === 'number' ? op.timestamp : now);
}

/**
 * Applies one operation, or returns the problem when Customer.io would refuse it. Every check
 * runs before the first change, so a refused operation leaves the workspace as it was.
 */
function runOperation(state: State, op: unknown, now: number): V2Problem | undefined {
  try {
    if (!op || typeof op !== 'object' || Array.isArray(op)) refuse({ field: '', message: 'each operation must be an object with type and action' });
    const operation = op as Operation;
    if (operation.type === 'person') runPerson(state, operation, now);
    else if (operation.type === 'object') runObject(state, operation, now);
    else if (operation.type === 'delivery') runDelivery(state, operation, now);
    else refuse({ field: 'type', message: `must be person, object or delivery (got ${String(operation.type)})` });
    return undefined;
  } catch (error) {
    if (error instanceof Refused) return error.problem;
    throw error;
  }
}

function entity(ctx: Context) {
  const size = byteLength(ctx.body ?? null);
  if (size > LIMITS.entityBytes) throw v2Errors(400, [{ reason: 'too_large', field: '', message: `an entity request must be under 32 KB (${LIMITS.entityBytes + 1} bytes); it is ${size}` }]);
  const problem = runOperation(ctx.state, ctx.body, ctx.now);
  if (problem) throw v2Errors(400, [problem]);
  return ok();
}

function batch(ctx: Context) {
  const size = byteLength(ctx.body ?? null);
  if (size > LIMITS.batchBytes) throw v2Errors(400, [{ reason: 'too_large', field: '', message: `a batch request must be under 500 KB (${LIMITS.batchBytes + 1} bytes); it is ${size}` }]);
  const items = (ctx.body as { batch?: unknown } | undefined)?.batch;
  if (!Array.isArray(items)) throw v2Errors(400, [{ reason: 'invalid', field: 'batch', message: 'batch must be a list of entity operations' }]);
  const errors: (V2Problem & { batch_index: number })[] = [];
  items.forEach((item, index) => {
    if (item instanceof TooDeepItem) {
      errors.push({ batch_index: index, reason: 'invalid', field: '', message: `this operation nests more than ${item.limit} levels deep; the sandbox reads at most ${item.limit}` });
      return;
    }
    const itemSize = byteLength(item);
    if (itemSize > LIMITS.entityBytes) {
      errors.push({ batch_index: index, reason: 'too_large', field: '', message: `each operation must be under 32 KB; this one is ${itemSize} bytes` });
      return;
    }
    const problem = runOperation(ctx.state, item, ctx.now);
    if (problem) errors.push({ batch_index: index, ...problem });
  });
  return errors.length ? ok({ errors }, 207) : ok();
}

export const trackV2Routes: Route[] = [
  { method: 'POST', path: '/v2/entity', operations: ['send_entity', 'create_or_update_object', 'delete_object', 'add_object_relationships', 'delete_object_relationships'], handle: entity },
  { method: 'POST', path: '/v2/batch', operations: ['send_batch', 'bulk_identify_customers', 'bulk_track_events'], handle: batch },
];
