// Bulk operations (bulk_identify_customers, bulk_track_events): a list of items in, batches out.
// The definition's `bulk` mapping says which input holds the items, how an item becomes an entry
// of a batch (a template), and which operation sends a batch; nothing here knows their names.
// Items are checked once: against the operation's item schema, by the operation's own input
// validation (execute) or here (`checked: false`, for items streamed from a file).
import type { RunContext, Runner } from '../../contracts.js';
import type { BulkMapping, JsonSchema, LoadedOperation } from '../../definitions.js';
import type { Envelope, SuccessMeta } from '../../envelope.js';
import { normalise } from '../../input/normalise.js';
import { describeErrors } from '../../input/validation.js';
import { fillTemplate } from '../../plan/template.js';
import { runBulk, type BatchTarget, type BulkEntry, type BulkFailure, type BulkOptions, type BulkSummary } from './run-bulk.js';

export type Item = Record<string, unknown>;

function mappingOf(operation: LoadedOperation): BulkMapping {
  if (!operation.bulk) throw new Error(`operation ${operation.name} has no bulk mapping`);
  return operation.bulk;
}

/** The schema one item of a bulk operation must fit. */
export function itemSchema(operation: LoadedOperation): JsonSchema {
  return (operation.input_schema.properties as Record<string, JsonSchema>)[mappingOf(operation).items]!.items as JsonSchema;
}

/** One item as the entry its batch carries. */
export function entryOf(operation: LoadedOperation, item: Item): Item {
  return fillTemplate(mappingOf(operation).entry, item) as Item;
}

/** Where a bulk operation's batches go, with calls bound to its connector. */
export function batchTarget(context: Pick<RunContext, 'connector' | 'operation' | 'call' | 'validator'>): BatchTarget {
  const mapping = mappingOf(context.operation);
  const send = context.connector.operationsByName.get(mapping.send);
  if (!send) throw new Error(`operation ${context.operation.name} sends through ${mapping.send}, which ${context.connector.name} does not have`);
  return { send, listInput: mapping.batch_input, call: context.call, validator: context.validator };
}

export interface ItemOptions<R> extends Omit<BulkOptions<R>, 'checked' | 'label'> {
  /** Whether the items were validated already (a bulk operation's input); otherwise each is, here. */
  checked: boolean;
}

/**
 * Sends items (each with the caller's reference) through the operation's batches. An item that
 * does not fit the item schema is reported as `invalid`, in the item's own terms (`"item.data"`),
 * and counted in the summary.
 */
export async function sendItems<R>(
  context: Pick<RunContext, 'connector' | 'operation' | 'call' | 'validator'>,
  items: AsyncIterable<{ item: Item; ref: R }> | Iterable<{ item: Item; ref: R }>,
  options: ItemOptions<R>,
): Promise<BulkSummary & { stopped?: Envelope }> {
  const { operation } = context;
  const schema = itemSchema(operation);
  const validate = options.checked ? undefined : context.validator(schema);
  let refused = 0;
  const refuse = (failure: BulkFailure<R>) => {
    refused++;
    options.onFailure?.(failure);
  };
  async function* entries(): AsyncGenerator<BulkEntry<R>> {
    for await (const { item, ref } of items) {
      let checked = item;
      if (validate) {
        checked = normalise(schema, item) as Item;
        if (!validate(checked)) {
          refuse({ ref, reason: 'invalid', message: describeErrors(validate.errors ?? [], schema, 'item', checked).map((p) => p.message).join('; ') });
          continue;
        }
      }
      yield { entry: entryOf(operation, checked), ref };
    }
  }
  const summary = await runBulk(batchTarget(context), entries(), {
    ...options,
    checked: true,
    label: () => 'item',
    onProgress: options.onProgress && ((p) => options.onProgress!({ ...p, done: p.done + refused, failed: p.failed + refused })),
  });
  return { ...summary, total: summary.total + refused, failed: summary.failed + refused };
}

/** A bulk operation run for a host: every item accounted for in one output. */
export const runBulkOperation: Runner = async (context) => {
  const { operation, input, options } = context;
  const mapping = mappingOf(operation);
  const items = input[mapping.items] as Item[];
  if (options.dryRun) {
    // The first batch's request, as the runtime would build it.
    const target = batchTarget(context);
    return context.call(target.send.name, { [target.listInput]: items.slice(0, 1).map((item) => entryOf(operation, item)) }, { checked: true });
  }
  const started = performance.now();
  const failed: (Omit<BulkFailure<number>, 'ref'> & { index: number })[] = [];
  let first: SuccessMeta | undefined;
  let attempts = 0;
  let partial = false;
  const summary = await sendItems(context, items.map((item, index) => ({ item, ref: index })), {
    checked: true,
    concurrency: Number(mapping.concurrency ? (input[mapping.concurrency] ?? 4) : 4),
    onFailure: ({ ref, ...failure }) => failed.push({ index: ref, ...failure }),
    onBatch: (result) => {
      const meta = 'meta' in result ? result.meta : undefined;
      if (meta?.request && !first) first = meta as SuccessMeta;
      attempts += meta?.attempts ?? 0;
      partial ||= meta?.status_code === 207 || !result.ok;
    },
  });
  if (summary.stopped) return summary.stopped;
  failed.sort((a, b) => a.index - b.index);
  return {
    ok: true,
    output: { total: summary.total, accepted: summary.accepted, failed, batches: summary.batches, average_batch_bytes: summary.average_batch_bytes },
    // The first batch's request stands for all of them; attempts and time cover every batch.
    meta: {
      request: first?.request ?? { method: 'POST', url: '', headers: {} }, // nothing was sent when every item was refused
      status_code: partial ? 207 : 200,
      attempts,
      duration_ms: Math.round(performance.now() - started),
    },
  };
};
