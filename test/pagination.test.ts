// Every list operation that pages is followed to the end against a nock-served three-page
// fixture in its own style (cursor, integer cursor, offset, page), and stops at max_items.
import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { useNock } from './use-nock.js';
import type { Pagination } from '../runtime/definitions.js';
import { loadManifest, type LoadedOperation } from '../runtime/loader.js';
import { authFor, originOf, REGION_TABLE, sharedRegistry } from './helpers.js';

useNock();

const paginated = loadManifest().flatMap((connector) =>
  [...connector.operationsByName.values()].filter((op) => op.pagination).map((op) => ({ connector, op })),
);

function keysOf(p: Pagination): string[] {
  return Array.isArray(p.items) ? p.items : [p.items];
}

/** Page n (1-based) of a 3-page list: the example's first item of each list, tagged with n. */
function pageBody(op: LoadedOperation, n: number, integerCursor: boolean): Record<string, unknown> {
  const p = op.pagination!;
  const template = (op.examples[0]!.response.body ?? {}) as Record<string, unknown>;
  const body: Record<string, unknown> = { ...template };
  for (const key of keysOf(p)) {
    const sample = (Array.isArray(template[key]) ? (template[key] as unknown[])[0] : undefined) ?? { id: 0 };
    const item = sample !== null && typeof sample === 'object' ? { ...(sample as object), page_marker: n } : `${String(sample)}-${n}`;
    body[key] = n <= 3 ? [item] : [];
  }
  if (p.style === 'cursor') {
    const next = n < 3 ? (integerCursor ? n + 1 : `cursor-${n + 1}`) : integerCursor ? null : '';
    const path = (p.next ?? 'next').split('.');
    let node: Record<string, unknown> = body;
    for (const key of path.slice(0, -1)) node = node[key] = { ...(node[key] as object) };
    node[path[path.length - 1]!] = next;
  }
  return body;
}

function pageNumberOf(p: Pagination, query: URLSearchParams): number {
  const value = query.get(p.param);
  if (value === null) return 1;
  if (p.style === 'cursor') return Number(String(value).replace('cursor-', ''));
  if (p.style === 'offset') return Number(value) + 1; // one item per page
  return Number(value);
}

describe.each(paginated.map(({ connector, op }) => [`${connector.name} ${op.name}`, connector, op] as const))('%s', (_label, connector, op) => {
  const p = op.pagination!;
  const example = op.examples[0]!;
  const cursorInExample = (p.next ?? 'next').split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], example.response.body);
  const integerCursor = typeof cursorInExample === 'number';
  const limitKey = p.limit ?? 'limit';
  const prefix = new URL(REGION_TABLE[connector.api].us).pathname.replace(/\/$/, '');
  const pathOnly = `${prefix}${example.request.path.split('?')[0]}`;

  function serve(seen: URLSearchParams[]) {
    return nock(originOf(connector.api, 'us'))
      .intercept((path) => path.split('?')[0] === pathOnly, example.request.method)
      .times(10)
      .reply((uri) => {
        const query = new URL(uri, 'http://x').searchParams;
        seen.push(query);
        return [200, pageBody(op, pageNumberOf(p, query), integerCursor)];
      });
  }

  it('follows every page to the end and joins the items', async () => {
    const registry = await sharedRegistry();
    const seen: URLSearchParams[] = [];
    serve(seen);
    const { [p.param]: _start, all_pages: _all, max_items: _max, ...input } = example.input;
    const result = await registry.execute({
      connector: connector.name, operation: op.name, auth: authFor(connector.name, 'us'),
      input: { ...input, [limitKey]: 1, ...(p.all_pages === 'always' ? {} : { all_pages: true }) },
    });
    expect(result).toMatchObject({ ok: true, meta: { pages: p.style === 'cursor' ? 3 : 4 } });
    const output = (result as { output: Record<string, unknown> }).output;
    if (op.response?.mode === 'ddl') {
      expect((output.result as unknown[]).length).toBe(3);
    } else {
      for (const key of keysOf(p)) expect((output[key] as unknown[]).length).toBe(3);
    }
    expect(seen.map((q) => q.get(limitKey))).toEqual(seen.map(() => '1'));
    expect(seen[0]!.get(p.param)).toBeNull();
    if (p.style === 'cursor') expect(seen.slice(1).map((q) => q.get(p.param))).toEqual(integerCursor ? ['2', '3'] : ['cursor-2', 'cursor-3']);
    if (p.style === 'offset') expect(seen.slice(1).map((q) => q.get(p.param))).toEqual(['1', '2', '3']);
    if (p.style === 'page') expect(seen.slice(1).map((q) => q.get(p.param))).toEqual(['2', '3', '4']);
  });

  if (p.all_pages !== 'always' && p.style !== 'page') {
    it('stops at max_items, shrinking the last page so next continues exactly', async () => {
      const registry = await sharedRegistry();
      const seen: URLSearchParams[] = [];
      serve(seen);
      const { [p.param]: _start, ...input } = example.input;
      const result = await registry.execute({
        connector: connector.name, operation: op.name, auth: authFor(connector.name, 'us'),
        // The fixture serves one item per page. A cursor walk asks for 3, shrunk to the 2 still
        // wanted, then 1; an offset walk reads a short page as the end, so it asks for 1 each time.
        input: { ...input, [limitKey]: p.style === 'cursor' ? 3 : 1, all_pages: true, max_items: 2 },
      });
      expect(result).toMatchObject({ ok: true, meta: { pages: 2 } });
      expect(seen.map((q) => q.get(limitKey))).toEqual(p.style === 'cursor' ? ['2', '1'] : ['1', '1']);
      for (const key of keysOf(p)) expect(((result as { output: Record<string, unknown[]> }).output[key])!.length).toBe(2);
    });
  }
});

if (paginated.length === 0) it.todo('no paginated operations yet');

describe('a cursor that does not move on', () => {
  it('ends the walk instead of reading the same page forever', async () => {
    const { nextPageInput } = await import('../runtime/runners/pagination.js');
    const cursor = { style: 'cursor', items: 'errors', param: 'start', default_limit: 10 } as const;
    const body = { errors: ['line 1: bad email'], next: 'abc' };
    expect(nextPageInput(cursor, { start: 'abc', limit: 10 }, body, 1, 100)).toBeUndefined();
    expect(nextPageInput(cursor, { start: 5, limit: 10 }, { errors: ['x'], next: 0 }, 1, 100)).toBeUndefined();
    expect(nextPageInput(cursor, { start: 5, limit: 10 }, { errors: ['x'], next: 15 }, 1, 100)).toEqual({ start: 15, limit: 10 });
  });
});
