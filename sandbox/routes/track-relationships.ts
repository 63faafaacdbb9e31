// Relationships written through Track (v1 identify's cio_relationships, v2 person and object
// operations): every reference is checked before anything changes, so a refused request
// leaves the workspace as it was.
import type { Attributes, Person, State, WorkspaceObject } from '../state.js';
import { createObject, findObject, objectTypeExists, relate, unrelate, type ObjectRef } from '../model/objects.js';
import { checkAttributes, checkIdentifier, type Problem } from '../limits.js';

export interface ObjectRelationship {
  identifiers?: ObjectRef;
  relationship_attributes?: Attributes;
}

/** The object a reference names, created when it is named by type and ID (not by cio_object_id). */
export function resolveObject(state: State, ref: unknown, field: string, create: boolean, now: number): { object?: WorkspaceObject; problem?: Problem } {
  if (!ref || typeof ref !== 'object') return { problem: { field, message: 'must name an object by object_type_id and object_id, or by cio_object_id' } };
  const { object_type_id: typeId, object_id: objectId, cio_object_id: cioObjectId } = ref as ObjectRef;
  if (cioObjectId !== undefined) {
    const object = findObject(state, { cio_object_id: String(cioObjectId) });
    return object ? { object } : { problem: { field: `${field}.cio_object_id`, message: `no object has cio_object_id ${cioObjectId}` } };
  }
  if (typeId === undefined || typeof objectId !== 'string' || objectId === '') {
    return { problem: { field, message: 'must name an object by object_type_id and object_id, or by cio_object_id' } };
  }
  const tooLong = checkIdentifier(objectId, `${field}.object_id`);
  if (tooLong) return { problem: tooLong };
  if (!objectTypeExists(state, String(typeId))) return { problem: { field: `${field}.object_type_id`, message: `object type ${typeId} does not exist in this workspace` } };
  const object = findObject(state, { object_type_id: String(typeId), object_id: objectId });
  if (object || !create) return { object };
  return { object: createObject(state, String(typeId), objectId, now) };
}

/** Checks a person's relationship list; returns the problems, or an apply function. */
export function planPersonRelationships(
  state: State,
  action: 'add_relationships' | 'delete_relationships',
  relationships: unknown,
  field: string,
): { problems: Problem[]; apply?: (person: Person, now: number) => void } {
  if (!Array.isArray(relationships) || relationships.length === 0) return { problems: [{ field, message: 'must be a non-empty list of relationships' }] };
  const problems: Problem[] = [];
  relationships.forEach((r: ObjectRelationship, i) => {
    const at = `${field}[${i}]`;
    const ref = r?.identifiers;
    if (ref?.cio_object_id !== undefined && !findObject(state, { cio_object_id: String(ref.cio_object_id) }) && action === 'add_relationships') {
      problems.push({ field: `${at}.identifiers.cio_object_id`, message: `no object has cio_object_id ${ref.cio_object_id}` });
    } else if (ref?.cio_object_id === undefined) {
      if (!ref || ref.object_type_id === undefined || typeof ref.object_id !== 'string') problems.push({ field: `${at}.identifiers`, message: 'must name an object by object_type_id and object_id, or by cio_object_id' });
      else if (!objectTypeExists(state, String(ref.object_type_id))) problems.push({ field: `${at}.identifiers.object_type_id`, message: `object type ${ref.object_type_id} does not exist in this workspace` });
    }
    if (r?.relationship_attributes) problems.push(...checkAttributes(r.relationship_attributes, `${at}.relationship_attributes`));
  });
  if (problems.length) return { problems };
  return {
    problems,
    apply: (person, now) => {
      for (const r of relationships as ObjectRelationship[]) {
        const { object } = resolveObject(state, r.identifiers, '', action === 'add_relationships', now);
        if (!object) continue;
        if (action === 'add_relationships') relate(state, object, { person }, r.relationship_attributes ?? {}, now);
        else unrelate(state, object, person);
      }
    },
  };
}
