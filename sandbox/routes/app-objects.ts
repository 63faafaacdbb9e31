// App API objects: the seeded object types and the objects and relationships Track v2 wrote.
import { cursorPage } from '../paging.js';
import { appError, ok } from '../reply.js';
import type { Context, Route } from '../router.js';
import type { WorkspaceObject } from '../state.js';
import { objectMatches } from '../model/filters.js';
import { findObject, objectRelationships, objectView } from '../model/objects.js';
import { appFail, objectBody } from './common.js';

function objectFromPath(ctx: Context): WorkspaceObject {
  const kind = ctx.query.get('id_type') ?? 'object_id';
  if (kind !== 'object_id' && kind !== 'cio_object_id') throw appError(400, `id_type must be object_id or cio_object_id (got ${kind})`);
  const typeId = ctx.params.object_type_id;
  const value = ctx.params.object_id;
  const object = kind === 'cio_object_id'
    ? findObject(ctx.state, { cio_object_id: value })
    : findObject(ctx.state, { object_type_id: typeId, object_id: value });
  if (!object || object.object_type_id !== typeId) throw appError(404, `no object of type ${typeId} has ${kind} ${value}`);
  return object;
}

function types(ctx: Context) {
  return ok({ types: ctx.state.object_types });
}

function search(ctx: Context) {
  const body = objectBody(ctx, appFail);
  if (body.object_type_id === undefined) throw appError(400, 'object_type_id is required');
  if (body.filter === undefined) throw appError(400, 'filter is required');
  const typeId = String(body.object_type_id);
  if (!ctx.state.object_types.some((t) => t.id === typeId)) throw appError(404, `object type ${typeId} not found`);
  const matches = ctx.state.objects.filter((o) => o.object_type_id === typeId && objectMatches(body.filter, o));
  const page = cursorPage(matches, ctx.query, { defaultLimit: 100, maxLimit: 1000 });
  return ok({
    identifiers: page.items.map((o) => ({ object_id: o.object_id, cio_object_id: o.cio_object_id })),
    ids: page.items.map((o) => o.object_id),
    next: page.next,
  });
}

function attributes(ctx: Context) {
  return ok({ object: objectView(objectFromPath(ctx)) });
}

function relationships(ctx: Context) {
  const page = cursorPage(objectRelationships(ctx.state, objectFromPath(ctx)), ctx.query, { defaultLimit: 10, maxLimit: 1000 });
  return ok({ cio_relationships: page.items, next: page.next });
}

export const appObjectRoutes: Route[] = [
  { method: 'GET', path: '/object_types', operations: ['list_object_types', 'list_object_types_ddl'], handle: types },
  // A search: a POST that changes nothing, so it is not journaled.
  { method: 'POST', path: '/objects', operations: ['search_objects'], changes: false, handle: search },
  { method: 'GET', path: '/objects/{object_type_id}/{object_id}/attributes', operations: ['get_object_attributes'], handle: attributes },
  { method: 'GET', path: '/objects/{object_type_id}/{object_id}/relationships', operations: ['list_object_relationships'], handle: relationships },
];
