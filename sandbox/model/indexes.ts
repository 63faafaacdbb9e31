// Every lookup the sandbox makes on a hot path, by key instead of by scanning: people by id,
// email (case-insensitive), phone, cio_id and anonymous ID; objects by type + ID and by
// cio_object_id; relationships by object, by person (or anonymous visitor) and by the pair;
// deliveries by ID and by person; activities by person and unclaimed anonymous ID; suppressed
// identifiers, event IDs already seen and manual segments' members as sets; the records of
// records.ts (files, exports, imports, assets, Design Studio, live notifications, test groups)
// and ESP suppressions by their ID and by what groups them.
//
// The indexes live in a WeakMap keyed by the state object (loading a state file makes a new
// one, indexed afresh at its first lookup), built lazily, and follow their arrays (index-core.ts):
// a push is seen at the next lookup, a replaced array is indexed again. Fields that are keys
// and change in place (a person's email, an activity's cio_id…) are moved by the model
// function that changes them, through the `reindex…` functions here.
import type {
  Asset, AssetFolder, DesignComponent, DesignEmail, DesignFolder, DesignPublish, DesignVersion, ExportJob, HostedFile, ImportJob, InboxPreviewJob, LiveNotification,
  NewsletterTestGroup,
} from '../records.js';
import type { Activity, Delivery, EspSuppression, Person, Relationship, Segment, State, WorkspaceObject } from '../state.js';
import { KeyedIndex, ValueSet } from './index-core.js';

export type PersonKey = 'id' | 'email' | 'phone' | 'cio_id' | 'anonymous_id';

const PERSON_PREFIX: Record<PersonKey, string> = { id: 'i:', email: 'e:', phone: 'p:', cio_id: 'c:', anonymous_id: 'a:' };

function personKeys(person: Person): string[] {
  const keys = [`c:${person.cio_id}`];
  if (person.id !== null) keys.push(`i:${person.id}`);
  if (person.email !== null) keys.push(`e:${person.email.toLowerCase()}`);
  if (person.phone !== null) keys.push(`p:${person.phone}`);
  for (const anonymousId of person.anonymous_ids) keys.push(`a:${anonymousId}`);
  return keys;
}

export function objectKey(typeId: string, objectId: string): string {
  return `${typeId}\u0000${objectId}`;
}

function objectKeys(object: WorkspaceObject): string[] {
  return [`k:${objectKey(object.object_type_id, object.object_id)}`, `c:${object.cio_object_id}`];
}

/** Who is on the person's side of a relationship: a person, else an anonymous visitor. */
function partyKey(cioId: string | null, anonymousId: string | null): string | undefined {
  if (cioId !== null) return `p${cioId}`;
  return anonymousId !== null ? `a${anonymousId}` : undefined;
}

function relationshipKeys(relationship: Relationship): string[] {
  const object = objectKey(relationship.object_type_id, relationship.object_id);
  const keys = [`o:${object}`];
  const party = partyKey(relationship.cio_id, relationship.anonymous_id);
  if (party !== undefined) keys.push(`${party[0] === 'p' ? 'c' : 'a'}:${party.slice(1)}`, `k:${object}\u0000${party}`);
  return keys;
}

function deliveryKeys(delivery: Delivery): string[] {
  return delivery.cio_id === null ? [`i:${delivery.id}`] : [`i:${delivery.id}`, `c:${delivery.cio_id}`];
}

function activityKeys(activity: Activity): string[] {
  if (activity.cio_id !== null) return [`c:${activity.cio_id}`];
  return activity.anonymous_id !== null ? [`a:${activity.anonymous_id}`] : [];
}

const lowerCase = (value: string) => value.toLowerCase();

interface Indexes {
  people: KeyedIndex<Person>;
  objects: KeyedIndex<WorkspaceObject>;
  relationships: KeyedIndex<Relationship>;
  deliveries: KeyedIndex<Delivery>;
  activities: KeyedIndex<Activity>;
  suppressedIds: ValueSet;
  suppressedEmails: ValueSet;
  suppressedPhones: ValueSet;
  seenEvents: ValueSet;
  members: WeakMap<Segment, ValueSet>;
  records: Map<RecordKind, KeyedIndex<object>>;
}

const byState = new WeakMap<State, Indexes>();
/** Which index holds a person, so a change of identifiers can move them without the state at hand. */
const personOwners = new WeakMap<Person, KeyedIndex<Person>>();

function indexesOf(state: State): Indexes {
  let indexes = byState.get(state);
  if (!indexes) {
    indexes = {
      people: new KeyedIndex(personKeys, personOwners),
      objects: new KeyedIndex(objectKeys),
      relationships: new KeyedIndex(relationshipKeys),
      deliveries: new KeyedIndex(deliveryKeys),
      activities: new KeyedIndex(activityKeys),
      suppressedIds: new ValueSet(),
      suppressedEmails: new ValueSet(lowerCase),
      suppressedPhones: new ValueSet(),
      seenEvents: new ValueSet(),
      members: new WeakMap(),
      records: new Map(),
    };
    byState.set(state, indexes);
  }
  return indexes;
}

// People.

function peopleIndex(state: State): KeyedIndex<Person> {
  return indexesOf(state).people.sync(state.people);
}

function personKey(kind: PersonKey, value: string): string {
  return PERSON_PREFIX[kind] + (kind === 'email' ? value.toLowerCase() : value);
}

/** Still true of the person the index gave: a stale entry (a key changed behind its back) sends the index back to the array. */
function stillHas(person: Person, kind: PersonKey, value: string): boolean {
  switch (kind) {
    case 'id': return person.id === value;
    case 'email': return person.email !== null && person.email.toLowerCase() === value.toLowerCase();
    case 'phone': return person.phone === value;
    case 'cio_id': return person.cio_id === value;
    case 'anonymous_id': return person.anonymous_ids.includes(value);
  }
}

/** Everyone with this identifier, in the order they were created (email: any case). */
export function peopleBy(state: State, kind: PersonKey, value: string): readonly Person[] {
  const index = peopleIndex(state);
  const found = index.all(personKey(kind, value));
  if (found.every((person) => stillHas(person, kind, value))) return found;
  index.reset();
  return index.sync(state.people).all(personKey(kind, value));
}

/** The first person (in creation order) with this identifier: what `state.people.find` gave. */
export function personBy(state: State, kind: PersonKey, value: string): Person | undefined {
  const index = peopleIndex(state);
  const found = index.first(personKey(kind, value));
  if (found === undefined || stillHas(found, kind, value)) return found;
  index.reset();
  return index.sync(state.people).first(personKey(kind, value));
}

/** After a person's id, email, phone or anonymous IDs changed in place. */
export function reindexPerson(person: Person): void {
  personOwners.get(person)?.reindex(person);
}

/** Takes the person out of `state.people` (in place) and out of the index. */
export function removePerson(state: State, person: Person): void {
  indexesOf(state).people.remove(state.people, [person]);
}

// Suppression and event IDs.

export function isSuppressedValue(state: State, kind: 'id' | 'email' | 'phone', value: string): boolean {
  const indexes = indexesOf(state);
  const { suppressed } = state;
  if (kind === 'id') return indexes.suppressedIds.sync(suppressed.ids).has(value);
  if (kind === 'email') return indexes.suppressedEmails.sync(suppressed.emails).has(value);
  return indexes.suppressedPhones.sync(suppressed.phones).has(value);
}

/** Adds a suppressed identifier unless it is already listed exactly so. */
export function addSuppressed(state: State, kind: 'id' | 'email' | 'phone', value: string): void {
  const list = kind === 'id' ? state.suppressed.ids : kind === 'email' ? state.suppressed.emails : state.suppressed.phones;
  // Emails match in any case, but the list keeps each spelling it was given (as it always has).
  if (isSuppressedValue(state, kind, value) && (kind !== 'email' || list.includes(value))) return;
  list.push(value);
}

/** Removes every listing of `value` (emails in any case). */
export function removeSuppressed(state: State, value: string): void {
  const indexes = indexesOf(state);
  indexes.suppressedIds.remove(state.suppressed.ids, value);
  indexes.suppressedEmails.remove(state.suppressed.emails, value);
  indexes.suppressedPhones.remove(state.suppressed.phones, value);
}

/** Records an event ID; false when it was seen before. */
export function firstSighting(state: State, eventId: string): boolean {
  const seen = indexesOf(state).seenEvents.sync(state.seen_event_ids);
  if (seen.has(eventId)) return false;
  state.seen_event_ids.push(eventId);
  return true;
}

// Manual segments' members.

function membersIndex(state: State, segment: Segment): ValueSet {
  const all = indexesOf(state).members;
  let set = all.get(segment);
  if (!set) {
    set = new ValueSet();
    all.set(segment, set);
  }
  return set.sync(segment.members);
}

export function hasMember(state: State, segment: Segment, cioId: string): boolean {
  return membersIndex(state, segment).has(cioId);
}

export function addMember(state: State, segment: Segment, cioId: string): void {
  if (!hasMember(state, segment, cioId)) segment.members.push(cioId);
}

export function removeMember(state: State, segment: Segment, cioId: string): void {
  membersIndex(state, segment).remove(segment.members, cioId);
}

// Objects and relationships.

function objectsIndex(state: State): KeyedIndex<WorkspaceObject> {
  return indexesOf(state).objects.sync(state.objects);
}

export function objectByKey(state: State, typeId: string, objectId: string): WorkspaceObject | undefined {
  const found = objectsIndex(state).first(`k:${objectKey(typeId, objectId)}`);
  return found && found.object_type_id === typeId && found.object_id === objectId ? found : undefined;
}

export function objectByCioId(state: State, cioObjectId: string): WorkspaceObject | undefined {
  const found = objectsIndex(state).first(`c:${cioObjectId}`);
  return found?.cio_object_id === cioObjectId ? found : undefined;
}

export function removeObject(state: State, object: WorkspaceObject): void {
  indexesOf(state).objects.remove(state.objects, [object]);
}

function relationshipsIndex(state: State): KeyedIndex<Relationship> {
  return indexesOf(state).relationships.sync(state.relationships);
}

/** A person's relationships (array order). */
export function relationshipsOfPerson(state: State, cioId: string): readonly Relationship[] {
  return relationshipsIndex(state).all(`c:${cioId}`);
}

/** An anonymous visitor's relationships not yet claimed by a person. */
export function relationshipsOfAnonymous(state: State, anonymousId: string): readonly Relationship[] {
  return relationshipsIndex(state).all(`a:${anonymousId}`);
}

export function relationshipsOfObject(state: State, typeId: string, objectId: string): readonly Relationship[] {
  return relationshipsIndex(state).all(`o:${objectKey(typeId, objectId)}`);
}

/** The relationships between one object and one party (usually none or one). */
export function relationshipsBetween(state: State, typeId: string, objectId: string, cioId: string | null, anonymousId: string | null): readonly Relationship[] {
  const party = partyKey(cioId, anonymousId);
  return party === undefined ? [] : relationshipsIndex(state).all(`k:${objectKey(typeId, objectId)}\u0000${party}`);
}

export function reindexRelationship(state: State, relationship: Relationship): void {
  relationshipsIndex(state).reindex(relationship);
}

export function removeRelationships(state: State, relationships: Iterable<Relationship>): void {
  indexesOf(state).relationships.remove(state.relationships, relationships);
}

/** Relationships gathered from several keys, back in array order. */
export function relationshipsInOrder(state: State, relationships: Relationship[]): Relationship[] {
  return relationshipsIndex(state).inOrder(relationships);
}

// Deliveries and activities (only ever added; their person can change).

function deliveriesIndex(state: State): KeyedIndex<Delivery> {
  return indexesOf(state).deliveries.sync(state.deliveries);
}

export function deliveryById(state: State, id: string): Delivery | undefined {
  const found = deliveriesIndex(state).first(`i:${id}`);
  return found?.id === id ? found : undefined;
}

export function deliveriesOfPerson(state: State, cioId: string): readonly Delivery[] {
  return deliveriesIndex(state).all(`c:${cioId}`);
}

export function reindexDelivery(state: State, delivery: Delivery): void {
  deliveriesIndex(state).reindex(delivery);
}

function activitiesIndex(state: State): KeyedIndex<Activity> {
  return indexesOf(state).activities.sync(state.activities);
}

export function activitiesOfPerson(state: State, cioId: string): readonly Activity[] {
  return activitiesIndex(state).all(`c:${cioId}`);
}

/** Activities recorded under an anonymous ID that nobody has claimed yet. */
export function unclaimedActivities(state: State, anonymousId: string): readonly Activity[] {
  return activitiesIndex(state).all(`a:${anonymousId}`);
}

export function reindexActivity(state: State, activity: Activity): void {
  activitiesIndex(state).reindex(activity);
}

// Records (records.ts) and ESP suppressions.

export interface RecordTypes {
  files: HostedFile;
  exports: ExportJob;
  imports: ImportJob;
  asset_folders: AssetFolder;
  assets: Asset;
  design_folders: DesignFolder;
  design_components: DesignComponent;
  design_emails: DesignEmail;
  design_versions: DesignVersion;
  design_publishes: DesignPublish;
  inbox_previews: InboxPreviewJob;
  live_notifications: LiveNotification;
  newsletter_test_groups: NewsletterTestGroup;
  esp_suppressions: EspSuppression;
}

export type RecordKind = keyof RecordTypes;

interface RecordSpec<T> {
  list(state: State): T[];
  /** `i:<id>`, and the other keys it is found by. */
  keys(item: T): string[];
}

/**
 * Where each kind lives and its keys. Besides the ID: a Design Studio email's language group
 * (the email and its translations) and the messages it is linked to (`l:<type>:<id>`, moved by
 * `reindexRecord` when its links change), a version's email, a test group's newsletter, an
 * inbox preview's fingerprint, a suppression's address (any case).
 */
const RECORDS: { [K in RecordKind]: RecordSpec<RecordTypes[K]> } = {
  files: { list: (s) => s.files, keys: (f) => [`i:${f.id}`] },
  exports: { list: (s) => s.exports, keys: (e) => [`i:${e.id}`] },
  imports: { list: (s) => s.imports, keys: (i) => [`i:${i.id}`] },
  asset_folders: { list: (s) => s.asset_folders, keys: (f) => [`i:${f.id}`] },
  assets: { list: (s) => s.assets, keys: (a) => [`i:${a.id}`] },
  design_folders: { list: (s) => s.design_studio.folders, keys: (f) => [`i:${f.id}`] },
  design_components: { list: (s) => s.design_studio.components, keys: (c) => [`i:${c.id}`] },
  design_emails: {
    list: (s) => s.design_studio.emails,
    keys: (e) => [`i:${e.id}`, `g:${e.language_group_id}`, ...new Set(e.links.map((l) => `l:${l.type}:${l.id}`))],
  },
  design_versions: { list: (s) => s.design_studio.versions, keys: (v) => [`i:${v.id}`, `n:${v.node_id}`] },
  design_publishes: { list: (s) => s.design_studio.publishes, keys: (p) => [`i:${p.id}`] },
  inbox_previews: { list: (s) => s.design_studio.inbox_previews, keys: (j) => [`i:${j.run_id}`, `f:${j.fingerprint}`] },
  live_notifications: { list: (s) => s.live_notifications, keys: (n) => [`i:${n.instance_id}`] },
  newsletter_test_groups: { list: (s) => s.newsletter_test_groups, keys: (g) => [`i:${g.id}`, `n:${g.newsletter_id}`] },
  esp_suppressions: { list: (s) => s.esp_suppressions, keys: (x) => [`e:${x.email.toLowerCase()}`] },
};

function recordSpec<K extends RecordKind>(kind: K): RecordSpec<RecordTypes[K]> {
  return RECORDS[kind] as unknown as RecordSpec<RecordTypes[K]>;
}

function recordIndex<K extends RecordKind>(state: State, kind: K): KeyedIndex<RecordTypes[K]> {
  const all = indexesOf(state).records;
  let index = all.get(kind) as KeyedIndex<RecordTypes[K]> | undefined;
  if (!index) {
    index = new KeyedIndex(recordSpec(kind).keys);
    all.set(kind, index as unknown as KeyedIndex<object>);
  }
  return index.sync(recordSpec(kind).list(state));
}

/** The records of a kind under `key` (`i:<id>`, `g:<email id>`…), in array order. */
export function recordsUnder<K extends RecordKind>(state: State, kind: K, key: string): readonly RecordTypes[K][] {
  const index = recordIndex(state, kind);
  const found = index.all(key);
  const { keys, list } = recordSpec(kind);
  if (found.every((item) => keys(item).includes(key))) return found;
  // A key changed behind the index's back: read the array again.
  index.reset();
  return index.sync(list(state)).all(key);
}

/** The first record of a kind with this ID: what `list.find((x) => x.id === id)` gave. */
export function recordById<K extends RecordKind>(state: State, kind: K, id: string | number): RecordTypes[K] | undefined {
  return recordsUnder(state, kind, `i:${id}`)[0];
}

/** After a keyed field of a record changed in place (a Design Studio email's links). */
export function reindexRecord<K extends RecordKind>(state: State, kind: K, item: RecordTypes[K]): void {
  recordIndex(state, kind).reindex(item);
}

/** Takes the records out of their array in place (the order of the rest kept) and out of the index. */
export function removeRecords<K extends RecordKind>(state: State, kind: K, items: Iterable<RecordTypes[K]>): number {
  return recordIndex(state, kind).remove(recordSpec(kind).list(state), items);
}

/**
 * Compares every index of `state` with one built from scratch, key by key: the problems found
 * (none when the indexes are right). For tests, and for anyone who doubts them.
 */
export function indexProblems(state: State): string[] {
  const problems: string[] = [];
  const live = indexesOf(state);
  const compare = <T extends object>(name: string, index: KeyedIndex<T>, array: T[], keysOf: (item: T) => string[]) => {
    const fresh = new KeyedIndex(keysOf).sync(array).entries();
    const current = index.sync(array).entries();
    const text = (entries: [string, readonly T[]][]) => entries.map(([key, items]) => `${key}→${items.map((item) => array.indexOf(item)).join(',')}`);
    const [a, b] = [text(current), text(fresh)];
    for (const line of a) if (!b.includes(line)) problems.push(`${name}: the index has ${line}`);
    for (const line of b) if (!a.includes(line)) problems.push(`${name}: the index lacks ${line}`);
  };
  compare('people', live.people, state.people, personKeys);
  compare('objects', live.objects, state.objects, objectKeys);
  compare('relationships', live.relationships, state.relationships, relationshipKeys);
  compare('deliveries', live.deliveries, state.deliveries, deliveryKeys);
  compare('activities', live.activities, state.activities, activityKeys);
  for (const kind of Object.keys(RECORDS) as RecordKind[]) {
    const { list, keys } = recordSpec(kind);
    compare(kind, recordIndex(state, kind) as KeyedIndex<object>, list(state) as object[], keys as (item: object) => string[]);
  }
  const sets: [string, ValueSet, string[], (v: string) => string][] = [
    ['suppressed ids', live.suppressedIds, state.suppressed.ids, (v) => v],
    ['suppressed emails', live.suppressedEmails, state.suppressed.emails, lowerCase],
    ['suppressed phones', live.suppressedPhones, state.suppressed.phones, (v) => v],
    ['seen event ids', live.seenEvents, state.seen_event_ids, (v) => v],
  ];
  for (const segment of state.segments) sets.push([`segment ${segment.id} members`, membersIndex(state, segment), segment.members, (v) => v]);
  for (const [name, set, array, normalise] of sets) {
    set.sync(array);
    const expected = new Set(array.map(normalise));
    if (set.size !== expected.size || [...expected].some((v) => !set.has(v))) problems.push(`${name}: the set differs from the list`);
  }
  return problems;
}
