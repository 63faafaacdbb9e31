// Content that messages use: snippets ({{snippets.<name>}}) and collections (rows of data
// messages can loop over). A collection's rows come as data, or from a URL the sandbox can
// read without fetching: a data: URL or a file it hosts, holding a JSON list of objects or CSV.
import { nextNumber } from '../ids.js';
import { byteLength } from '../limits.js';
import { appError, noContent, ok } from '../reply.js';
import type { Context, Route } from '../router.js';
import type { Collection } from '../state.js';
import { fromCsv } from '../model/csv.js';
import { readUrl } from '../model/files.js';
import { appFail, intParam, objectBody, requireString } from './common.js';

// Snippets

function createSnippet(upsert: boolean) {
  return (ctx: Context) => {
    const body = objectBody(ctx, appFail);
    const name = requireString(body.name, 'name', appFail).trim();
    const value = requireString(body.value, 'value', appFail);
    const existing = ctx.state.snippets.find((s) => s.name === name);
    if (existing && !upsert) throw appError(400, `a snippet named ${name} already exists; update it with PUT /v1/snippets`);
    const snippet = existing ?? { name, value, updated_at: ctx.now };
    if (!existing) ctx.state.snippets.push(snippet);
    Object.assign(snippet, { value, updated_at: ctx.now });
    return ok({ snippet });
  };
}

function deleteSnippet(ctx: Context) {
  const name = ctx.params.snippet_name;
  if (!ctx.state.snippets.some((s) => s.name === name)) throw appError(404, `snippet ${name} not found`);
  ctx.state.snippets = ctx.state.snippets.filter((s) => s.name !== name);
  return noContent();
}

// Collections

function collectionView(collection: Collection) {
  const keys = new Set<string>();
  for (const row of collection.rows) if (row && typeof row === 'object') Object.keys(row).forEach((k) => keys.add(k));
  return {
    id: collection.id,
    name: collection.name,
    bytes: byteLength(collection.rows),
    rows: collection.rows.length,
    schema: [...keys].sort(),
    created_at: collection.created_at,
    updated_at: collection.updated_at,
  };
}

function collectionFromPath(ctx: Context): Collection {
  const id = intParam(ctx, 'collection_id');
  const collection = ctx.state.collections.find((c) => c.id === id);
  if (!collection) throw appError(404, `collection ${id} not found`);
  return collection;
}

/** The rows behind a collection's url: a JSON list of objects, or CSV with a header row. */
function rowsAt(ctx: Context, url: unknown): unknown[] {
  const read = readUrl(ctx.state, requireString(url, 'url', appFail), ctx.origin, ctx.now);
  if ('problem' in read) throw appError(422, `url: ${read.problem}`);
  const text = read.bytes.toString('utf8');
  try {
    const rows = JSON.parse(text) as unknown;
    if (Array.isArray(rows)) return rows;
  } catch {
    // Not JSON: CSV, below.
  }
  try {
    return fromCsv(text).rows;
  } catch (error) {
    throw appError(422, `url: the file is neither a JSON list nor CSV (${(error as Error).message})`);
  }
}

function rowsFrom(ctx: Context, body: Record<string, unknown>, required: boolean): unknown[] | undefined {
  if (body.url !== undefined && body.data !== undefined) throw appError(400, 'give data or url, not both');
  if (body.url !== undefined) body = { data: rowsAt(ctx, body.url) };
  if (body.data === undefined) {
    if (required) throw appError(400, 'data is required: the rows, as a list of objects');
    return undefined;
  }
  if (!Array.isArray(body.data) || body.data.some((row) => !row || typeof row !== 'object' || Array.isArray(row))) {
    throw appError(400, 'data must be a list of objects (one per row)');
  }
  return body.data;
}

function createCollection(ctx: Context) {
  const body = objectBody(ctx, appFail);
  const name = requireString(body.name, 'name', appFail);
  const rows = rowsFrom(ctx, body, true)!;
  const collection: Collection = { id: nextNumber(ctx.state, 'collection'), name, rows, created_at: ctx.now, updated_at: ctx.now };
  ctx.state.collections.push(collection);
  return ok({ collection: collectionView(collection) });
}

function updateCollection(ctx: Context) {
  const collection = collectionFromPath(ctx);
  const body = objectBody(ctx, appFail);
  const rows = rowsFrom(ctx, body, false);
  if (body.name !== undefined) collection.name = requireString(body.name, 'name', appFail);
  if (rows) collection.rows = rows;
  collection.updated_at = ctx.now;
  return ok({ collection: collectionView(collection) });
}

function replaceContent(ctx: Context) {
  const collection = collectionFromPath(ctx);
  if (!Array.isArray(ctx.body) || ctx.body.some((row) => !row || typeof row !== 'object' || Array.isArray(row))) {
    throw appError(400, 'the body must be the rows: a list of objects');
  }
  collection.rows = ctx.body;
  collection.updated_at = ctx.now;
  return ok({ collection: collectionView(collection) });
}

export const appLibraryRoutes: Route[] = [
  { method: 'GET', path: '/snippets', operations: ['list_snippets'], handle: (ctx) => ok({ snippets: ctx.state.snippets }) },
  { method: 'POST', path: '/snippets', operations: ['create_snippet'], handle: createSnippet(false) },
  { method: 'PUT', path: '/snippets', operations: ['create_or_update_snippet'], handle: createSnippet(true) },
  { method: 'DELETE', path: '/snippets/{snippet_name}', operations: ['delete_snippet'], handle: deleteSnippet },

  { method: 'GET', path: '/collections', operations: ['list_collections', 'list_collections_ddl'], handle: (ctx) => ok({ collections: ctx.state.collections.map(collectionView) }) },
  { method: 'POST', path: '/collections', operations: ['create_collection'], handle: createCollection },
  { method: 'GET', path: '/collections/{collection_id}', operations: ['get_collection'], handle: (ctx) => ok({ collection: collectionView(collectionFromPath(ctx)) }) },
  { method: 'PUT', path: '/collections/{collection_id}', operations: ['update_collection'], handle: updateCollection },
  {
    method: 'DELETE', path: '/collections/{collection_id}', operations: ['delete_collection'],
    handle: (ctx) => {
      const collection = collectionFromPath(ctx);
      ctx.state.collections = ctx.state.collections.filter((c) => c !== collection);
      return noContent();
    },
  },
  { method: 'GET', path: '/collections/{collection_id}/content', operations: ['get_collection_content'], handle: (ctx) => ok(collectionFromPath(ctx).rows) },
  { method: 'PUT', path: '/collections/{collection_id}/content', operations: ['update_collection_content'], handle: replaceContent },
];
