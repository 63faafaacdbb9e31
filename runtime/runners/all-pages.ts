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
  const durations: number[] = [];
  let collected = 0;
  const started = performance.now();
  while (pageInput) {
    const page = await once(pageInput);
    if (!page.ok || !('output' in page)) {
      if (page.ok) return page; // dry run: the first page's request
      const { error } = page;
      // A later page's input problem (not sent) lists fields; a sent call's details say how far it got.
      if (error.code === 'user_input_error') return page;
      return { ...page, error: { ...error, details: { ...error.details, pages_fetched: pages.length } } };
    }
    first ??= page.meta;
    attempts += page.meta.attempts;
    durations.push(...(page.meta.attempt_durations_ms ?? []));
    const body = (page.output ?? {}) as Record<string, unknown>;
    pages.push(body);
    collected += pageSize(pagination, body);
    pageInput = nextPageInput(pagination, pageInput, body, collected, maxItems);
  }
  return withOutput(operation, {
    ok: true,
    output: joinPages(pagination, pages, maxItems),
    meta: { ...first!, attempts, attempt_durations_ms: durations, pages: pages.length, duration_ms: Math.round(performance.now() - started) },
  }, input);
};
