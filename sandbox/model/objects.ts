// Objects (companies, accounts…) and their relationships to people, written by Track v2 and
// read by the App API. Objects are found by type + ID or cio_object_id, relationships by
// object, person or both, through indexes.ts.
import { newCioObjectId } from '../ids.js';
import type { Attributes, Person, Relationship, State, WorkspaceObject } from '../state.js';
import { applyAttributes, attributesAsText } from './attributes.js';
import {
  objectByCioId, objectByKey, relationshipsBetween, relationshipsOfObject, relationshipsOfPerson, removeObject, removeRelationships,
} from './indexes.js';
import { identifiersOf, personByCioId } from './people.js';

export interface ObjectRef {
  object_type_id?: string | number;
  object_id?: string;
  cio_object_id?: string;
}

export function objectTypeExists(state: State, typeId: string): boolean {
  return state.object_types.some((t) => t.id === typeId);
}

export function findObject(state: State, ref: ObjectRef): WorkspaceObject | undefined {
  if (ref.cio_object_id !== undefined) return objectByCioId(state, ref.cio_object_id);
  return ref.object_id === undefined ? undefined : objectByKey(state, String(ref.object_type_id), ref.object_id);
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
  removeObject(state, object);
  removeRelationships(state, relationshipsOfObject(state, object.object_type_id, object.object_id));
}

type Party = { person: Person } | { anonymous_id: string };

export function relate(state: State, object: WorkspaceObject, party: Party, attributes: Attributes, now: number): void {
  let relationship: Relationship | undefined = 'person' in party
    ? relationshipsBetween(state, object.object_type_id, object.object_id, party.person.cio_id, null)[0]
    : relationshipsBetween(state, object.object_type_id, object.object_id, null, party.anonymous_id)[0];
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
  removeRelationships(state, relationshipsBetween(state, object.object_type_id, object.object_id, person.cio_id, null));
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
  return relationshipsOfPerson(state, person.cio_id)
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
  return relationshipsOfObject(state, object.object_type_id, object.object_id)
    .filter((r) => r.cio_id !== null)
    .map((r) => personByCioId(state, r.cio_id!))
    .filter((p): p is Person => !!p)
    .map((person) => ({ identifiers: identifiersOf(person), object_type_id: object.object_type_id, object_type_disabled: type ? !type.enabled : false }));
}
