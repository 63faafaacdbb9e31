// People: finding them by any identifier, creating, updating, deleting, suppressing and
// merging them. Track writes through these; App reads through them, so both see one workspace.
// Lookups go through indexes.ts (no scan of everyone); a change of a person's identifiers goes
// through setIdentity (or is followed by reindexPerson) so the indexes move with it.
import { newCioId } from '../ids.js';
import type { Attributes, Person, PersonIdentifiers, State } from '../state.js';
import { applyAttributes, attributesAsText, ownAttribute, setOwn } from './attributes.js';
import { reportChange } from './changes.js';
import {
  activitiesOfPerson, addMember, addSuppressed, deliveriesOfPerson, hasMember, isSuppressedValue, peopleBy, personBy, reindexActivity,
  reindexDelivery, reindexPerson, reindexRelationship, relationshipsOfAnonymous, relationshipsOfPerson, removeMember, removePerson,
  removeRelationships, removeSuppressed, unclaimedActivities,
} from './indexes.js';

export type IdKind = 'id' | 'email' | 'cio_id' | 'phone';

export interface Identity {
  id?: string | null;
  email?: string | null;
  phone?: string | null;
}

export function looksLikeEmail(value: string): boolean {
  return /^[^@\s]+@[^@\s]+$/.test(value);
}

function withoutCioPrefix(value: string): string {
  return value.startsWith('cio_') ? value.slice(4) : value;
}

export function findPerson(state: State, kind: IdKind, value: string): Person | undefined {
  return personBy(state, kind, kind === 'cio_id' ? withoutCioPrefix(value) : value);
}

/** The person with exactly this cio_id (no `cio_` prefix taken off). */
export function personByCioId(state: State, cioId: string): Person | undefined {
  return personBy(state, 'cio_id', cioId);
}

/** The person who identified with this anonymous ID, if anyone has. */
export function personByAnonymousId(state: State, anonymousId: string): Person | undefined {
  return personBy(state, 'anonymous_id', anonymousId);
}

export function peopleWithEmail(state: State, email: string): Person[] {
  return [...peopleBy(state, 'email', email)];
}

/**
 * A Track v1 path identifier: `cio_<value>` is a Customer.io ID; otherwise an ID, or an email
 * address when it has that shape and no one has it as an ID (Customer.io infers the kind).
 */
export function resolvePathIdentifier(state: State, identifier: string): { person?: Person; kind: IdKind; value: string } {
  if (identifier.startsWith('cio_')) return { person: findPerson(state, 'cio_id', identifier), kind: 'cio_id', value: identifier.slice(4) };
  const byId = findPerson(state, 'id', identifier);
  if (byId || !looksLikeEmail(identifier)) return { person: byId, kind: 'id', value: identifier };
  return { person: findPerson(state, 'email', identifier), kind: 'email', value: identifier };
}

export function isSuppressed(state: State, identity: Identity): boolean {
  return (
    (!!identity.id && isSuppressedValue(state, 'id', identity.id)) ||
    (!!identity.email && isSuppressedValue(state, 'email', identity.email)) ||
    (!!identity.phone && isSuppressedValue(state, 'phone', identity.phone))
  );
}

export function createPerson(state: State, identity: Identity, now: number): Person {
  const person: Person = {
    cio_id: newCioId(state),
    id: null,
    email: null,
    phone: null,
    attributes: {},
    timestamps: {},
    unsubscribed: false,
    devices: [],
    topics: {},
    anonymous_ids: [],
    optouts: [],
    created_at: now,
    updated_at: now,
  };
  setIdentity(person, identity, now);
  state.people.push(person);
  return person;
}

/** Identifiers are attributes too (Customer.io lists id and email among them). */
export function setIdentity(person: Person, identity: Identity, at: number): void {
  for (const key of ['id', 'email', 'phone'] as const) {
    const value = identity[key];
    if (value === undefined) continue;
    person[key] = value === null || value === '' ? null : String(value);
    applyAttributes(person, { [key]: person[key] }, at);
  }
  reindexPerson(person);
}

export function identifiersOf(person: Person): PersonIdentifiers {
  return { id: person.id, email: person.email, cio_id: person.cio_id };
}

/** Anonymous activity and relationships under this anonymous ID become the person's. */
export function adoptAnonymous(state: State, person: Person, anonymousId: string): void {
  if (!person.anonymous_ids.includes(anonymousId)) {
    person.anonymous_ids.push(anonymousId);
    reindexPerson(person);
  }
  for (const activity of [...unclaimedActivities(state, anonymousId)]) {
    activity.cio_id = person.cio_id;
    activity.identifiers = identifiersOf(person);
    reindexActivity(state, activity);
  }
  for (const relationship of [...relationshipsOfAnonymous(state, anonymousId)]) {
    relationship.cio_id = person.cio_id;
    reindexRelationship(state, relationship);
  }
}

export interface ProfileChanges {
  attributes: Attributes;
  identity?: Identity;
  unsubscribed?: boolean;
  topics?: Record<string, boolean>;
  anonymous_id?: string;
}

/** Reserved keys of an identify body are not plain attributes: they change who the person is. */
export function splitIdentifyBody(body: Attributes): ProfileChanges {
  const { id, email, phone, unsubscribed, cio_subscription_preferences: preferences, anonymous_id, cio_relationships: _r, _update: _u, _timestamp: _t, ...attributes } = body;
  const identity: Identity = {};
  if (id !== undefined) identity.id = id === null ? null : String(id);
  if (email !== undefined) identity.email = email === null ? null : String(email);
  if (phone !== undefined) identity.phone = phone === null ? null : String(phone);
  const topics = (preferences as { topics?: Record<string, boolean> } | undefined)?.topics;
  return {
    attributes,
    identity,
    ...(typeof unsubscribed === 'boolean' ? { unsubscribed } : {}),
    ...(topics && typeof topics === 'object' ? { topics } : {}),
    ...(typeof anonymous_id === 'string' && anonymous_id ? { anonymous_id } : {}),
  };
}

export function updateProfile(state: State, person: Person, changes: ProfileChanges, at: number): void {
  if (changes.identity) {
    const identity = { ...changes.identity };
    // An ID that belongs to someone else is not taken over (Customer.io's "Attribute Update Failure").
    if (identity.id && peopleBy(state, 'id', identity.id).some((p) => p !== person)) delete identity.id;
    setIdentity(person, identity, at);
  }
  applyAttributes(person, changes.attributes, at);
  if (changes.unsubscribed !== undefined) setUnsubscribed(state, person, changes.unsubscribed, at);
  if (changes.topics) setTopics(state, person, changes.topics, at);
  if (changes.anonymous_id) adoptAnonymous(state, person, changes.anonymous_id);
  person.updated_at = at;
}

/** Sets the `unsubscribed` attribute; a change (not a repeat of the same value) is reported. */
export function setUnsubscribed(state: State, person: Person, unsubscribed: boolean, at: number): void {
  if (person.unsubscribed === unsubscribed) return;
  person.unsubscribed = unsubscribed;
  reportChange(state, { kind: 'subscription', person, metric: unsubscribed ? 'unsubscribed' : 'subscribed', at });
}

/** Sets topic preferences (`topic_<id>` → subscribed); the topics whose value changed are reported. */
export function setTopics(state: State, person: Person, topics: Record<string, boolean>, at: number): void {
  const changed = Object.fromEntries(Object.entries(topics).filter(([topic, value]) => ownAttribute(person.topics, topic) !== value));
  // Topic names are data: set as own properties (Object.assign would let `__proto__` replace the prototype).
  for (const [topic, value] of Object.entries(topics)) setOwn(person.topics, topic, value);
  if (Object.keys(changed).length > 0) reportChange(state, { kind: 'preferences', person, at, topics: changed });
}

/** The profile as the App API shows it: attribute values as text, devices, timestamps. */
export function customerView(person: Person) {
  return {
    id: person.id,
    identifiers: identifiersOf(person),
    attributes: attributesAsText(person.attributes),
    timestamps: { ...person.timestamps },
    unsubscribed: person.unsubscribed,
    devices: person.devices.map((d) => ({ id: d.id, platform: d.platform, last_used: d.last_used, attributes: d.attributes })),
  };
}

export function deletePerson(state: State, person: Person): void {
  removePerson(state, person);
  for (const segment of state.segments) removeMember(state, segment, person.cio_id);
  removeRelationships(state, relationshipsOfPerson(state, person.cio_id));
  for (const activity of activitiesOfPerson(state, person.cio_id)) activity.deleted = true;
}

/** Deletes the profile and blocks its identifiers from coming back until unsuppressed. */
export function suppressIdentity(state: State, identity: Identity): void {
  if (identity.id) addSuppressed(state, 'id', identity.id);
  if (identity.email) addSuppressed(state, 'email', identity.email);
  if (identity.phone) addSuppressed(state, 'phone', identity.phone);
}

export function unsuppressIdentity(state: State, value: string): void {
  removeSuppressed(state, value);
}

/** The secondary person's data moves to the primary (the primary's values win); the secondary is deleted. */
export function mergePeople(state: State, primary: Person, secondary: Person, now: number): void {
  for (const [name, value] of Object.entries(secondary.attributes)) {
    if (!Object.hasOwn(primary.attributes, name) && !['id', 'email', 'phone'].includes(name)) {
      setOwn(primary.attributes, name, value);
      setOwn(primary.timestamps, name, ownAttribute(secondary.timestamps, name) ?? now);
    }
  }
  if (!primary.email && secondary.email) setIdentity(primary, { email: secondary.email }, now);
  if (!primary.phone && secondary.phone) setIdentity(primary, { phone: secondary.phone }, now);
  for (const device of secondary.devices) {
    if (!primary.devices.some((d) => d.id === device.id)) primary.devices.push(device);
  }
  primary.topics = { ...secondary.topics, ...primary.topics };
  primary.anonymous_ids = [...new Set([...primary.anonymous_ids, ...secondary.anonymous_ids])];
  reindexPerson(primary);
  for (const segment of state.segments) {
    if (hasMember(state, segment, secondary.cio_id)) addMember(state, segment, primary.cio_id);
  }
  for (const activity of [...activitiesOfPerson(state, secondary.cio_id)]) {
    activity.cio_id = primary.cio_id;
    activity.identifiers = identifiersOf(primary);
    reindexActivity(state, activity);
  }
  for (const delivery of [...deliveriesOfPerson(state, secondary.cio_id)]) {
    delivery.cio_id = primary.cio_id;
    reindexDelivery(state, delivery);
  }
  for (const relationship of [...relationshipsOfPerson(state, secondary.cio_id)]) {
    relationship.cio_id = primary.cio_id;
    reindexRelationship(state, relationship);
  }
  // The primary keeps one relationship per object: the first in the workspace's order.
  const seen = new Set<string>();
  const repeated = relationshipsOfPerson(state, primary.cio_id).filter((r) => {
    const key = `${r.object_type_id}\u0000${r.object_id}`;
    if (seen.has(key)) return true;
    seen.add(key);
    return false;
  });
  removeRelationships(state, repeated);
  primary.updated_at = now;
  deletePerson(state, secondary);
}
