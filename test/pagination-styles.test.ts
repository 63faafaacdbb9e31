// A paginated operation names its style (schemas/pagination.styles.json) and its items; the
// loader gives it the style's inputs, query keys, advanced keys and param, so no operation
// restates them.
import { afterAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSources, packageRoot, type LoadedOperation } from '../runtime/loader.js';
import { readJsonFile } from '../runtime/schema-bundle.js';

const root = packageRoot();
const appDefs = readJsonFile<{ $defs: Record<string, Record<string, unknown>> }>(join(root, 'schemas', 'app.defs.schema.json')).$defs;
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const listAnswer = { status: 200, body: { things: [], next: '' } };

/** A package of one connector holding `operations`, beside a copy of the real shared schemas. */
function packageWith(operations: Record<string, Record<string, unknown>>): Map<string, LoadedOperation> {
  const dir = mkdtempSync(join(tmpdir(), 'cio-paging-'));
  made.push(dir);
  cpSync(join(root, 'schemas'), join(dir, 'schemas'), { recursive: true });
  const folder = join(dir, 'connectors', 'demo');
  mkdirSync(join(folder, 'operations'), { recursive: true });
  writeFileSync(join(dir, 'connector.manifest.json'), JSON.stringify({ connectors: ['connectors/demo'] }));
  writeFileSync(join(folder, 'auth.schema.json'), JSON.stringify({ type: 'object', properties: {}, additionalProperties: false }));
  writeFileSync(join(folder, 'connector.json'), JSON.stringify({ name: 'demo', api: 'app', operations: Object.keys(operations) }));
  for (const [name, definition] of Object.entries(operations)) {
    writeFileSync(join(folder, 'operations', `${name}.json`), JSON.stringify({ name, title: 'List things', description: 'Lists things.', resource: 'Things', ...definition }));
  }
  return loadSources(dir).connectors[0]!.operationsByName;
}

function list(extra: Record<string, unknown> = {}, pagination: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    http: { method: 'GET', path: '/things', query: ['...pagination', 'kind'] },
    pagination: { style: 'cursor', items: 'things', default_limit: 100, max_limit: 500, limit_description: 'How many things per request (at most 500).', ...pagination },
    input_schema: {
      type: 'object',
      properties: { kind: { title: 'Kind', description: 'Only things of this kind.', type: 'string' }, deleted: { title: 'Deleted', description: 'Deleted things too.', type: 'boolean' } },
      advanced: ['deleted'],
      additionalProperties: false,
    },
    output_schema: { type: 'object' },
    examples: [{ title: 'A page', input: {}, request: { method: 'GET', path: '/things' }, response: listAnswer, output: listAnswer.body }],
    ...extra,
  };
}

describe('a pagination style', () => {
  it('adds its inputs after the operation\'s own, its query keys at "...pagination", its advanced keys, and its param', () => {
    const op = packageWith({ list_things: list() }).get('list_things')!;
    const properties = op.input_schema.properties as Record<string, Record<string, unknown>>;
    expect(Object.keys(properties)).toEqual(['kind', 'deleted', 'limit', 'start', 'all_pages', 'max_items']);
    expect(properties.limit).toEqual({ ...appDefs.limit, description: 'How many things per request (at most 500).', maximum: 500 });
    expect(properties.start).toEqual(appDefs.start);
    expect(properties.all_pages).toEqual(appDefs.all_pages);
    expect(properties.max_items).toEqual(appDefs.max_items);
    expect(op.input_schema.advanced).toEqual(['deleted', 'start', 'all_pages', 'max_items']);
    expect(op.http!.query).toEqual(['start', 'limit', 'kind']);
    expect(op.pagination).toEqual({ style: 'cursor', items: 'things', param: 'start', default_limit: 100 });
  });

  it('puts the query keys at the end without a marker, and leaves a paging key the operation lists itself where it is', () => {
    const ops = packageWith({
      list_things: list({ http: { method: 'GET', path: '/things', query: ['kind'] } }, { style: 'page' }),
      list_more: list({ http: { method: 'GET', path: '/more', query: ['limit', 'kind'] } }, { style: 'offset' }),
      list_none: list({ http: { method: 'GET', path: '/none' } }),
    });
    expect(ops.get('list_things')!.http!.query).toEqual(['kind', 'page', 'limit']);
    expect(ops.get('list_more')!.http!.query).toEqual(['limit', 'kind', 'offset']);
    expect(ops.get('list_none')!.http).toEqual({ method: 'GET', path: '/none', query: ['start', 'limit'] });
    expect(Object.keys(ops.get('list_more')!.input_schema.properties as object)).toEqual(['kind', 'deleted', 'limit', 'offset', 'all_pages', 'max_items']);
  });

  it('takes a param, next path and input of the operation\'s own, keeping it in the paging block', () => {
    const own = list({}, { param: 'cursor', next: 'meta.pagination.next_cursor' });
    const cursor = { title: 'Cursor', description: 'The meta.pagination.next_cursor of the previous page.', type: 'string' };
    (own.input_schema as { properties: Record<string, unknown> }).properties = { cursor, kind: { title: 'Kind', description: 'Only things of this kind.', type: 'string' }, deleted: { title: 'Deleted', description: 'Deleted things too.', type: 'boolean' } };
    const op = packageWith({ list_things: own }).get('list_things')!;
    expect(Object.keys(op.input_schema.properties as object)).toEqual(['kind', 'deleted', 'limit', 'cursor', 'all_pages', 'max_items']);
    expect((op.input_schema.properties as Record<string, unknown>).cursor).toEqual(cursor);
    expect(op.input_schema.advanced).toEqual(['deleted', 'cursor', 'all_pages', 'max_items']);
    expect(op.http!.query).toEqual(['cursor', 'limit', 'kind']);
    expect(op.pagination).toEqual({ style: 'cursor', items: 'things', param: 'cursor', next: 'meta.pagination.next_cursor', default_limit: 100 });
  });

  it('gives a dropdown that always reads every page only the paging inputs, laying its pagination over its list\'s', () => {
    const ops = packageWith({
      list_things: list(),
      list_things_ddl: { extends: './list_things.json', title: 'List things DDL', hidden: true, type: 'ddl', pagination: { all_pages: 'always' } },
    });
    const ddl = ops.get('list_things_ddl')!;
    expect(Object.keys(ddl.input_schema.properties as object)).toEqual(['kind', 'deleted', 'limit', 'start']);
    expect(ddl.input_schema.advanced).toEqual(['deleted', 'start']);
    expect(ddl.http!.query).toEqual(['start', 'limit', 'kind']);
    expect(ddl.pagination).toEqual({ style: 'cursor', items: 'things', param: 'start', default_limit: 100, all_pages: 'always' });
    expect(ops.get('list_things')!.pagination).toEqual({ style: 'cursor', items: 'things', param: 'start', default_limit: 100 });
  });

  it('must be one the styles file knows', () => {
    expect(() => packageWith({ list_things: list({}, { style: 'scroll' }) })).toThrow('list_things: unknown pagination style "scroll"');
  });
});
