// "Fetch every page": calls a list endpoint page after page in its own paging style and joins
// the pages into one answer, bounded by max_items. The page size of the last request shrinks to
// what is still wanted, so `next` in the result continues exactly after the last item returned.
import type { Pagination } from '../definitions.js';

export const PAGING_CONTROLS = ['all_pages', 'max_items'] as const;
export const DEFAULT_MAX_ITEMS = 1000;

type Input = Record<string, unknown>;
type Body = Record<string, unknown>;

export function wantsAllPages(pagination: Pagination | undefined, input: Input): boolean {
  return pagination !== undefined && (pagination.all_pages === 'always' || input.all_pages === true);
}

/** The input without the runtime's own paging fields, which are never sent to Customer.io. */
export function withoutPagingControls(input: Input): Input {
  const rest = { ...input };
  for (const key of PAGING_CONTROLS) delete rest[key];
  return rest;
}

/** The value at a dotted path such as `meta.pagination.next_cursor`. */
function valueAt(body: Body, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Body)[key] : undefined), body);
}

function withoutValueAt(body: Body, path: string): Body {
  const [head, ...rest] = path.split('.');
  if (!(head! in body)) return body;
  if (rest.length === 0) {
    const { [head!]: _dropped, ...others } = body;
    return others;
  }
  const inner = body[head!];
  return inner && typeof inner === 'object' ? { ...body, [head!]: withoutValueAt(inner as Body, rest.join('.')) } : body;
}

function itemKeys(pagination: Pagination): string[] {
  return Array.isArray(pagination.items) ? pagination.items : [pagination.items];
}

function listAt(body: Body, key: string): unknown[] {
  const value = body?.[key];
  return Array.isArray(value) ? value : [];
}

/** How many items one page brought (the first list counts; others run alongside it). */
export function pageSize(pagination: Pagination, body: Body): number {
  return listAt(body, itemKeys(pagination)[0]!).length;
}

export function firstPageInput(pagination: Pagination, input: Input, maxItems: number): Input {
  const limitKey = pagination.limit ?? 'limit';
  if (pagination.style === 'page') return { ...input };
  const limit = Math.min(Number(input[limitKey] ?? pagination.default_limit), maxItems);
  return { ...input, [limitKey]: limit };
}

/** The input for the page after `body`, or undefined when this was the last page wanted. */
export function nextPageInput(pagination: Pagination, pageInput: Input, body: Body, collected: number, maxItems: number): Input | undefined {
  const limitKey = pagination.limit ?? 'limit';
  const received = pageSize(pagination, body);
  const remaining = maxItems - collected;
  if (received === 0 || remaining <= 0) return undefined;
  const pageLimit = Number(pageInput[limitKey] ?? pagination.default_limit);
  const nextLimit = pagination.style === 'page' ? pageInput[limitKey] : Math.min(pageLimit, remaining);
  const withLimit = (next: Input): Input => (nextLimit === undefined ? next : { ...next, [limitKey]: nextLimit });

  switch (pagination.style) {
    case 'cursor': {
      const cursor = valueAt(body, pagination.next ?? 'next');
      if (cursor === undefined || cursor === null || cursor === '') return undefined;
      // A cursor that does not move on (the same value, or an integer offset that goes back)
      // would read the same pages forever.
      const current = pageInput[pagination.param];
      if (cursor === current || (typeof cursor === 'number' && typeof current === 'number' && cursor <= current)) return undefined;
      return withLimit({ ...pageInput, [pagination.param]: cursor });
    }
    case 'offset':
      if (received < pageLimit) return undefined;
      return withLimit({ ...pageInput, [pagination.param]: Number(pageInput[pagination.param] ?? 0) + received });
    case 'page':
      if (received < pageLimit) return undefined;
      return { ...pageInput, [pagination.param]: Number(pageInput[pagination.param] ?? 1) + 1 };
  }
}

/** The joined answer: the last page's fields, with every list holding all pages' items (at most maxItems). */
export function joinPages(pagination: Pagination, pages: Body[], maxItems: number): Body {
  const last = pages[pages.length - 1] ?? {};
  let joined: Body = { ...last };
  for (const key of itemKeys(pagination)) {
    joined[key] = pages.flatMap((page) => listAt(page, key)).slice(0, maxItems);
  }
  const truncated = pages.reduce((n, page) => n + pageSize(pagination, page), 0) > maxItems;
  // A page cut short cannot be continued exactly: say so by dropping the cursor.
  if (truncated && pagination.style === 'cursor') joined = withoutValueAt(joined, pagination.next ?? 'next');
  return joined;
}
