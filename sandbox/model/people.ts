// People: finding them by any identifier, creating, updating, deleting, suppressing and
// merging them. Track writes through these; App reads through them, so both see one workspace.
import { newCioId } from '../ids.js';
import type { Attributes, Person, PersonIdentifiers, State } from '../state.js';
import { applyAttributes, attributesAsText, ownAttribute, setOwn } from './attributes.js';
import { reportChange } from './changes.js';

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

function sameEmail(a: string | null, b: string): boolean {
  return a !== null && a.toLowerCase() === b.toLowerCase();
}

export function findPerson(state: State, kind: IdKind, value: string): Person | undefined {
  switch (kind) {
    case 'id':
      return state.people.find((p) => p.id === value);
    case 'email':
      return state.people.find((p) => sameEmail(p.email, value));
    case 'phone':
      return state.people.find((p) => p.phone === value);
    case 'cio_id':
      return state.people.find((p) => p.cio_id === withoutCioPrefix(value));
  }
}

export function peopleWithEmail(state: State, email: string): Person[] {
  return state.people.filter((p) => sameEmail(p.email, email));
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
  const { ids, emails, phones } = state.suppressed;
  return (
    (!!identity.id && ids.includes(identity.id)) ||
    (!!identity.email && emails.some((e) => e.toLowerCase() === identity.email!.toLowerCase())) ||
    (!!identity.phone && phones.includes(identity.phone))
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
}

export function identifiersOf(person: Person): PersonIdentifiers {
  return { id: person.id, email: person.email, cio_id: person.cio_id };
}

/** Anonymous activity and relationships under this anonymous ID become the person's. */
export function adoptAnonymous(state: State, person: Person, anonymousId: string): void {
  if (!person.anonymous_ids.includes(anonymousId)) person.anonymous_ids.push(anonymousId);
  for (const activity of state.activities) {
    if (activity.cio_id === null && activity.anonymous_id === anonymousId) {
      activity.cio_id = person.cio_id;
      activity.identifiers = identifiersOf(person);
    }
  }
  for (const relationship of state.relationships) {
    if (relationship.cio_id === null && relationship.anonymous_id === anonymousId) relationship.cio_id = person.cio_id;
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
    if (identity.id && state.people.some((p) => p !== person && p.id === identity.id)) delete identity.id;
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
  state.people = state.people.filter((p) => p !== person);
  for (const segment of state.segments) segment.members = segment.members.filter((m) => m !== person.cio_id);
  state.relationships = state.relationships.filter((r) => r.cio_id !== person.cio_id);
  for (const activity of state.activities) {
    if (activity.cio_id === person.cio_id) activity.deleted = true;
  }
}

/** Deletes the profile and blocks its identifiers from coming back until unsuppressed. */
export function suppressIdentity(state: State, identity: Identity): void {
  const { suppressed } = state;
  if (identity.id && !suppressed.ids.includes(identity.id)) suppressed.ids.push(identity.id);
  if (identity.email && !suppressed.emails.includes(identity.email)) suppressed.emails.push(identity.email);
  if (identity.phone && !suppressed.phones.includes(identity.phone)) suppressed.phones.push(identity.phone);
}

export function unsuppressIdentity(state: State, value: string): void {
  const { suppressed } = state;
  suppressed.ids = suppressed.ids.filter((v) => v !== value);
  suppressed.emails = suppressed.emails.filter((v) => v.toLowerCase() !== value.toLowerCase());
  suppressed.phones = suppressed.phones.filter((v) => v !== value);
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
  for (const segment of state.segments) {
    if (segment.members.includes(secondary.cio_id) && !segment.members.includes(primary.cio_id)) segment.members.push(primary.cio_id);
  }
  for (const activity of state.activities) {
    if (activity.cio_id === secondary.cio_id) {
      activity.cio_id = primary.cio_id;
      activity.identifiers = identifiersOf(primary);
    }
  }
  for (const delivery of state.deliveries) {
    if (delivery.cio_id === secondary.cio_id) delivery.cio_id = primary.cio_id;
  }
  for (const relationship of state.relationships) {
    if (relationship.cio_id === secondary.cio_id) relationship.cio_id = primary.cio_id;
  }
  state.relationships = state.relationships.filter(
    (r, i, all) => all.findIndex((o) => o.cio_id === r.cio_id && o.object_type_id === r.object_type_id && o.object_id === r.object_id) === i,
  );
  primary.updated_at = now;
  deletePerson(state, secondary);
}
