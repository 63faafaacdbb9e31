// Objects (companies, accounts…) and their relationships to people, written by Track v2 and
// read by the App API.
import { newCioObjectId } from '../ids.js';
import type { Attributes, Person, Relationship, State, WorkspaceObject } from '../state.js';
import { applyAttributes, attributesAsText } from './attributes.js';
import { identifiersOf } from './people.js';

export interface ObjectRef {
  object_type_id?: string | number;
  object_id?: string;
  cio_object_id?: string;
}

export function objectTypeExists(state: State, typeId: string): boolean {
  return state.object_types.some((t) => t.id === typeId);
}

export function findObject(state: State, ref: ObjectRef): WorkspaceObject | undefined {
  if (ref.cio_object_id !== undefined) return state.objects.find((o) => o.cio_object_id === ref.cio_object_id);
  return state.objects.find((o) => o.object_type_id === String(ref.object_type_id) && o.object_id === ref.object_id);
}

export function createObject(state: State, typeId: string, objectId: string, now: number): WorkspaceObject {
  const object: WorkspaceObject = {
    object_type_id: typeId,
    object_id: objectId,
    cio_object_id: newCioObjectId(state),
    attributes: {},
    timestamps: {},
    created_at: now,
    updated_at: now,
  };
  state.objects.push(object);
  return object;
}

export function updateObject(object: WorkspaceObject, attributes: Attributes, now: number): void {
  applyAttributes(object, attributes, now);
  object.updated_at = now;
}

export function deleteObject(state: State, object: WorkspaceObject): void {
  state.objects = state.objects.filter((o) => o !== object);
  state.relationships = state.relationships.filter((r) => !(r.object_type_id === object.object_type_id && r.object_id === object.object_id));
}

type Party = { person: Person } | { anonymous_id: string };

function sameParty(r: Relationship, party: Party): boolean {
  return 'person' in party ? r.cio_id === party.person.cio_id : r.cio_id === null && r.anonymous_id === party.anonymous_id;
}

export function relate(state: State, object: WorkspaceObject, party: Party, attributes: Attributes, now: number): void {
  let relationship = state.relationships.find((r) => r.object_type_id === object.object_type_id && r.object_id === object.object_id && sameParty(r, party));
  if (!relationship) {
    relationship = {
      object_type_id: object.object_type_id,
      object_id: object.object_id,
      cio_id: 'person' in party ? party.person.cio_id : null,
      anonymous_id: 'anonymous_id' in party ? party.anonymous_id : null,
      attributes: {},
      timestamps: {},
    };
    state.relationships.push(relationship);
  }
  applyAttributes(relationship, attributes, now);
}

export function unrelate(state: State, object: WorkspaceObject, person: Person): void {
  state.relationships = state.relationships.filter(
    (r) => !(r.object_type_id === object.object_type_id && r.object_id === object.object_id && r.cio_id === person.cio_id),
  );
}

export function objectView(object: WorkspaceObject) {
  return {
    object_type_id: object.object_type_id,
    identifiers: { object_id: object.object_id, cio_object_id: object.cio_object_id },
    attributes: attributesAsText(object.attributes),
    timestamps: { ...object.timestamps },
  };
}

/** A person's relationships, as GET /customers/{id}/relationships lists them. */
export function personRelationships(state: State, person: Person) {
  return state.relationships
    .filter((r) => r.cio_id === person.cio_id)
    .map((r) => {
      const object = findObject(state, { object_type_id: r.object_type_id, object_id: r.object_id });
      return {
        object_type_id: Number(r.object_type_id),
        identifiers: { object_id: r.object_id, cio_object_id: object?.cio_object_id ?? null },
        attributes: attributesAsText(r.attributes),
        timestamps: { ...r.timestamps },
      };
    });
}

/** An object's related people, as GET /objects/{type}/{id}/relationships lists them. */
export function objectRelationships(state: State, object: WorkspaceObject) {
  const type = state.object_types.find((t) => t.id === object.object_type_id);
  return state.relationships
    .filter((r) => r.object_type_id === object.object_type_id && r.object_id === object.object_id && r.cio_id !== null)
    .map((r) => state.people.find((p) => p.cio_id === r.cio_id))
    .filter((p): p is Person => !!p)
    .map((person) => ({ identifiers: identifiersOf(person), object_type_id: object.object_type_id, object_type_disabled: type ? !type.enabled : false }));
}
