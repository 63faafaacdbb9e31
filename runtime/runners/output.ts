// An answer's body → the operation's output, as its definition's `response` mapping says: the
// body itself, one key of it, a v2 batch's accepted/failed items, or a dropdown's options (only
// those that fit what the dropdown's input asks for, when its definition says how to tell).
import type { ResponseMapping } from '../definitions.js';
import { PackedList } from '../packed-list.js';

interface BatchItemError {
  batch_index?: number;
  reason?: string;
  field?: string;
  message?: string;
}

/** A v2 batch answer: 200 means every item was accepted, 207 lists the items that were not. */
function batchOutput(body: unknown, input: Record<string, unknown>) {
  // The list as given, or as a bulk runner packed it (its entries serialised already).
  const total = Array.isArray(input.batch) || input.batch instanceof PackedList ? input.batch.length : 0;
  const errors = (body as { errors?: BatchItemError[] })?.errors ?? [];
  const failed = errors.map((e) => ({
    index: e.batch_index ?? -1,
    ...(e.reason !== undefined ? { reason: e.reason } : {}),
    ...(e.field !== undefined ? { field: e.field } : {}),
    message: e.message ?? e.reason ?? 'rejected',
  }));
  const failedIndexes = new Set(failed.map((f) => f.index));
  return { accepted: total - failedIndexes.size, failed };
}

/** The values a dropdown's input asks for (`keep.input`), or undefined when it asks for none. */
export function wantedValues(mapping: Extract<ResponseMapping, { mode: 'ddl' }>, input: Record<string, unknown>): unknown[] | undefined {
  if (!mapping.keep) return undefined;
  const wanted = input[mapping.keep.input];
  if (wanted === undefined) return undefined;
  return Array.isArray(wanted) ? wanted : [wanted];
}

/** Does an item's field (one value or a list of them) hold one of the wanted values? */
function fits(value: unknown, wanted: readonly unknown[]): boolean {
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => wanted.includes(v));
}

function dropdownOutput(body: unknown, mapping: Extract<ResponseMapping, { mode: 'ddl' }>, input: Record<string, unknown>) {
  const items = (body as Record<string, unknown>)?.[mapping.items];
  const wanted = wantedValues(mapping, input);
  const all = Array.isArray(items) ? (items as Record<string, unknown>[]) : [];
  const list = wanted ? all.filter((item) => fits(item?.[mapping.keep!.field], wanted)) : all;
  return {
    result: list.map((item) => ({
      text: String(item[mapping.text] ?? item[mapping.value]),
      value: item[mapping.value],
    })),
  };
}

export function mapOutput(mapping: ResponseMapping | undefined, body: unknown, input: Record<string, unknown>): unknown {
  switch (mapping?.mode) {
    case undefined:
    case 'body':
      return body;
    case 'unwrap':
      return (body as Record<string, unknown>)?.[mapping.key];
    case 'v2_batch':
      return batchOutput(body, input);
    case 'ddl':
      return dropdownOutput(body, mapping, input);
    case 'binary':
      return body;
  }
}
