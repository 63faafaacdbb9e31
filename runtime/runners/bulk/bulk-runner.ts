// Bulk operations (bulk_identify_customers, bulk_track_events): a list of items in, batches out.
// The definition's `bulk` mapping says which input holds the items, how an item becomes an entry
// of a batch (a template), and which operation sends a batch; nothing here knows their names.
// Items are checked once: against the operation's item schema, by the operation's own input
// validation (execute) or here (`checked: false`, for items streamed from a file), with the
// validator the build precompiled for that schema. A checked item is written straight into its
// entry's JSON (entry-serialiser.ts) and packed by that text's length; nothing else is copied.
import type { RunContext, Runner, Validator } from '../../contracts.js';
import type { BulkMapping, JsonSchema, LoadedOperation } from '../../definitions.js';
import type { Envelope, SuccessMeta } from '../../envelope.js';
import { normalise } from '../../input/normalise.js';
import { describeErrors } from '../../input/validation.js';
import { fillTemplate } from '../../plan/template.js';
import { BatchSender, entrySchema, type BatchTarget, type BulkFailure, type BulkOptions, type BulkSummary } from './batch-sender.js';
import { entrySerialiser, type EntrySerialiser } from './entry-serialiser.js';

export type Item = Record<string, unknown>;

function mappingOf(operation: LoadedOperation): BulkMapping {
  if (!operation.bulk) throw new Error(`operation ${operation.name} has no bulk mapping`);
  return operation.bulk;
}

/** The schema one item of a bulk operation must fit. */
export function itemSchema(operation: LoadedOperation): JsonSchema {
  return (operation.input_schema.properties as Record<string, JsonSchema>)[mappingOf(operation).items]!.items as JsonSchema;
}

/** Keywords whose values are data, not schemas: a `maxBytes` in them is not a limit. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);

/** `schema` without its `maxBytes` limits of `cap` bytes or more, copied where it changes. */
function withoutLimitsFrom(schema: unknown, cap: number): unknown {
  if (Array.isArray(schema)) {
    const items = schema.map((item) => withoutLimitsFrom(item, cap));
    return items.some((item, i) => item !== schema[i]) ? items : schema;
  }
  if (schema === null || typeof schema !== 'object') return schema;
  let copy: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(schema)) {
    const next = key === 'maxBytes' && typeof value === 'number' && value >= cap ? undefined : DATA_KEYWORDS.has(key) ? value : withoutLimitsFrom(value, cap);
    if (next !== value) (copy ??= { ...(schema as Record<string, unknown>) })[key] = next;
  }
  if (copy) for (const key of Object.keys(copy)) if (copy[key] === undefined) delete copy[key];
  return copy ?? schema;
}

const checkedItemSchemas = new WeakMap<LoadedOperation, JsonSchema>();

/**
 * The schema a bulk item is checked against before it is serialised: the item schema without
 * its byte limits of `entryMaxBytes` or more (event data's 100,000 bytes, against an entry's
 * 32,767). The entry's own limit, checked on the text the item is serialised into, implies them,
 * and measuring them meant serialising the data once more inside the validator (four fifths of
 * checking an event). An item over them is refused all the same, by the entry's limit. The build
 * precompiles these schemas too (scripts/validator-precompile.ts).
 */
export function checkedItemSchema(operation: LoadedOperation, entryMaxBytes: number): JsonSchema {
  let schema = checkedItemSchemas.get(operation);
  if (!schema) {
    schema = Number.isFinite(entryMaxBytes) ? (withoutLimitsFrom(itemSchema(operation), entryMaxBytes) as JsonSchema) : itemSchema(operation);
    checkedItemSchemas.set(operation, schema);
  }
  return schema;
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

const serialisers = new WeakMap<LoadedOperation, EntrySerialiser>();

/** The operation's entry serialiser, compiled once. */
function serialiserFor(operation: LoadedOperation, target: BatchTarget): EntrySerialiser {
  let serialise = serialisers.get(operation);
  if (!serialise) {
    serialise = entrySerialiser(mappingOf(operation).entry, target.send.http?.event_ids);
    serialisers.set(operation, serialise);
  }
  return serialise;
}

/**
 * Items of one bulk operation on their way to its batches. `add` is synchronous and returns a
 * promise only when the caller must wait for a batch to land. An item that does not fit the item
 * schema is reported as `invalid`, in the item's own terms (`"item.data"`), and counted.
 */
export class ItemSender<R> {
  private readonly schema: JsonSchema;
  private readonly validate: Validator | undefined;
  private readonly serialise: EntrySerialiser;
  private readonly sender: BatchSender<R>;

  constructor(context: Pick<RunContext, 'connector' | 'operation' | 'call' | 'validator'>, options: ItemOptions<R>) {
    const target = batchTarget(context);
    this.schema = checkedItemSchema(context.operation, Number(entrySchema(target).maxBytes ?? Infinity));
    this.validate = options.checked ? undefined : context.validator(this.schema);
    this.serialise = serialiserFor(context.operation, target);
    this.sender = new BatchSender<R>(target, { ...options, label: () => 'item' });
  }

  /** `eventId`: the id an event gets when the item has none (the import's stable id for its line). */
  add(item: Item, ref: R, eventId?: string): Promise<void> | undefined {
    const { validate, schema } = this;
    if (validate) {
      // Copy on write: only an item with a date-time to convert or a default to fill is copied.
      const checked = normalise(schema, item) as Item;
      if (!validate(checked)) {
        this.sender.refuse(ref, describeErrors(validate.errors ?? [], schema, 'item', checked).map((p) => p.message).join('; '));
        return undefined;
      }
      item = checked;
    }
    return this.sender.add(this.serialise(item, eventId), ref);
  }

  finish(): Promise<BulkSummary & { stopped?: Envelope }> {
    return this.sender.finish();
  }
}

/** Sends items (each with the caller's reference) through the operation's batches. */
export async function sendItems<R>(
  context: Pick<RunContext, 'connector' | 'operation' | 'call' | 'validator'>,
  items: AsyncIterable<{ item: Item; ref: R }> | Iterable<{ item: Item; ref: R }>,
  options: ItemOptions<R>,
): Promise<BulkSummary & { stopped?: Envelope }> {
  const sender = new ItemSender(context, options);
  if (Symbol.asyncIterator in items) {
    for await (const { item, ref } of items) await sender.add(item, ref);
  } else {
    for (const { item, ref } of items) {
      const wait = sender.add(item, ref);
      if (wait) await wait;
    }
  }
  return sender.finish();
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
