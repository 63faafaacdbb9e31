// Every page of a list, joined (pagination.ts says how each style pages); a failing page fails
// the call and says how far it got.
import type { RunContext, Runner } from '../contracts.js';
import type { SuccessMeta } from '../envelope.js';
import { DEFAULT_MAX_ITEMS, firstPageInput, joinPages, nextPageInput, pageSize, withoutPagingControls } from './pagination.js';
import { withOutput } from './single.js';

export const runAllPages: Runner = async ({ operation, input, once }: RunContext) => {
  const pagination = operation.pagination!;
  const maxItems = Number(input.max_items ?? DEFAULT_MAX_ITEMS);
  let pageInput: Record<string, unknown> | undefined = firstPageInput(pagination, withoutPagingControls(input), maxItems);
  const pages: Record<string, unknown>[] = [];
  let first: SuccessMeta | undefined;
  let attempts = 0;
  let collected = 0;
  const started = performance.now();
  while (pageInput) {
    const page = await once(pageInput);
    if (!page.ok || !('output' in page)) {
      if (page.ok) return page; // dry run: the first page's request
      return { ...page, error: { ...page.error, details: { ...(page.error.details as object | undefined), pages_fetched: pages.length } } };
    }
    first ??= page.meta;
    attempts += page.meta.attempts;
    const body = (page.output ?? {}) as Record<string, unknown>;
    pages.push(body);
    collected += pageSize(pagination, body);
    pageInput = nextPageInput(pagination, pageInput, body, collected, maxItems);
  }
  return withOutput(operation, {
    ok: true,
    output: joinPages(pagination, pages, maxItems),
    meta: { ...first!, attempts, pages: pages.length, duration_ms: Math.round(performance.now() - started) },
  }, input);
};
