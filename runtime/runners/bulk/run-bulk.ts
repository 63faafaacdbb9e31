// Sends any number of entries through a batch operation (Track's send_batch, as a bulk
// operation's definition names it): each entry is checked on its own unless the caller already
// checked it (a bad or oversized entry is reported, never silently dropped), entries are packed
// up to the batch operation's body limit, and batches go out with bounded concurrency through
// the runtime's calls (rate limit, retries, redaction, event ids). Entries are read lazily, so
// memory stays flat for any number of them. Every entry comes with a reference of the caller's
// (`ref`), and every outcome is reported with it; a batch whose answer never came is reported as
// possibly processed (batch-outcome.ts), never as plainly failed.
import type { RunContext } from '../../contracts.js';
import type { JsonSchema, LoadedOperation } from '../../definitions.js';
import type { Envelope } from '../../envelope.js';
import { byteSize } from '../../byte-size.js';
import { describeErrors } from '../../input/validation.js';
import { batchOutcome, type BatchOutcome } from './batch-outcome.js';
import { BatchPacker, type Batch, type PackedItem } from './pack.js';

export interface BulkFailure<R> {
  ref: R;
  reason: string;
  field?: string;
  message: string;
}

export interface BulkSummary {
  total: number;
  accepted: number;
  /** Entries refused (before sending, in a 207, or with their whole batch) or never sent. */
  failed: number;
  /** Entries of batches whose answer never came: Customer.io may have stored them. */
  possibly_processed: number;
  batches: number;
  /** Mean body size of the batches sent, in bytes, and as a share of the body limit. */
  average_batch_bytes: number;
  average_batch_fill: number;
}

/** Where batches go: the batch operation, its list input, and calls bound to its connector. */
export interface BatchTarget {
  send: LoadedOperation;
  listInput: string;
  call: RunContext['call'];
  validator: RunContext['validator'];
}

export interface BulkEntry<R> {
  entry: Record<string, unknown>;
  ref: R;
}

/** A batch about to be sent, or settled: the references of its entries, in order. */
export interface SentBatch<R> {
  refs: readonly R[];
}

export interface BulkOptions<R> {
  /** The entries were checked by the caller (their items fit the operation's schema): only their size is. */
  checked?: boolean;
  /** In-flight batches (default 4). */
  concurrency?: number;
  /** How an entry is named in a refusal (default `items[<position>]`). */
  label?: (position: number) => string;
  /** Every entry not accepted, with `reason` "possibly_processed" when its batch's answer never came. */
  onFailure?: (failure: BulkFailure<R>) => void;
  onProgress?: (progress: { done: number; accepted: number; failed: number; possibly_processed: number }) => void;
  /** Every batch's envelope, as it arrives. */
  onBatch?: (result: Envelope) => void;
  onBatchStart?: (batch: SentBatch<R>) => void;
  /** The same batch once settled, after onFailure for each of its entries that was not accepted. */
  onBatchSettled?: (batch: SentBatch<R>, outcome: BatchOutcome) => void;
}

type EntryCheck = (entry: Record<string, unknown>, label: string) => string | undefined;
const checks = new WeakMap<object, EntryCheck>();

/** The schema of one entry of the batch operation's list. */
export function entrySchema(target: Pick<BatchTarget, 'send' | 'listInput'>): JsonSchema {
  return ((target.send.input_schema.properties as Record<string, JsonSchema>)[target.listInput]!.items as JsonSchema);
}

/**
 * A choice (oneOf) whose branches are told apart by constant fields (`type`, `action`): those
 * fields, and the branches by their values. Checking an entry against the one branch it picks is
 * several times faster than against all of them (the build precompiles these validators too).
 */
export function entryBranches(schema: JsonSchema): { selectors: string[]; branches: Map<string, JsonSchema> } | undefined {
  const choices = schema.oneOf as JsonSchema[] | undefined;
  if (!choices?.length) return undefined;
  const constants = (branch: JsonSchema) => Object.entries((branch.properties as Record<string, JsonSchema> | undefined) ?? {}).filter(([, field]) => 'const' in field).map(([key]) => key);
  const selectors = constants(choices[0]!).filter((key) => choices.every((branch) => constants(branch).includes(key)));
  if (selectors.length === 0) return undefined;
  const branches = new Map<string, JsonSchema>();
  for (const branch of choices) branches.set(selectors.map((key) => String((branch.properties as Record<string, JsonSchema>)[key]!.const)).join(':'), branch);
  return { selectors, branches };
}

function entryCheck(target: BatchTarget): EntryCheck {
  const schema = entrySchema(target);
  let check = checks.get(schema);
  if (check) return check;
  const choice = entryBranches(schema);
  check = (entry, label) => {
    let branch = schema;
    if (choice) {
      const picked = choice.branches.get(choice.selectors.map((field) => String(entry[field])).join(':'));
      if (!picked) return `"${label}": ${choice.selectors.join(' and ')} must be one of ${[...choice.branches.keys()].join(', ')}`;
      branch = picked;
    }
    const validate = target.validator(branch);
    return validate(entry) ? undefined : describeErrors(validate.errors ?? [], branch, label, entry).map((p) => p.message).join('; ');
  };
  checks.set(schema, check);
  return check;
}

export async function runBulk<R>(target: BatchTarget, entries: AsyncIterable<BulkEntry<R>> | Iterable<BulkEntry<R>>, options: BulkOptions<R>): Promise<BulkSummary & { stopped?: Envelope }> {
  const check = options.checked ? undefined : entryCheck(target);
  const maxEntryBytes = Number(entrySchema(target).maxBytes ?? Infinity);
  const maxBatchBytes = target.send.http?.max_body_bytes ?? Infinity;
  const label = options.label ?? ((position: number) => `items[${position}]`);
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const packer = new BatchPacker<R>(maxBatchBytes, target.listInput);
  const inFlight = new Set<Promise<void>>();
  let total = 0, accepted = 0, failed = 0, possiblyProcessed = 0, batches = 0, batchBytes = 0, done = 0;
  let stopped: Envelope | undefined;

  const fail = (failure: BulkFailure<R>) => {
    if (failure.reason === 'possibly_processed') possiblyProcessed++;
    else failed++;
    done++;
    options.onFailure?.(failure);
  };
  const progress = () => options.onProgress?.({ done, accepted, failed, possibly_processed: possiblyProcessed });

  async function send(batch: Batch<R>): Promise<void> {
    const sent: SentBatch<R> = { refs: batch.items.map((item) => item.ref) };
    options.onBatchStart?.(sent);
    const result = await target.call(target.send.name, { [target.listInput]: batch.items.map((item) => item.entry) }, { checked: true });
    const outcome = batchOutcome(result);
    if (outcome !== 'not_sent') {
      batches++;
      batchBytes += batch.bytes;
    }
    options.onBatch?.(result);
    if (result.ok && 'output' in result) {
      const output = result.output as { failed: { index: number; reason?: string; field?: string; message: string }[] };
      const rejected = new Set<number>();
      for (const f of output.failed) {
        const item = batch.items[f.index];
        if (!item || rejected.has(f.index)) continue;
        rejected.add(f.index);
        fail({ ref: item.ref, reason: f.reason ?? 'rejected', ...(f.field ? { field: f.field } : {}), message: f.message });
      }
      accepted += batch.items.length - rejected.size;
      done += batch.items.length - rejected.size;
    } else if (!result.ok) {
      stopped ??= result.error.code === 'auth_error' ? result : undefined;
      const reason = outcome === 'possibly_processed' || outcome === 'not_sent' ? outcome : result.error.code;
      const message =
        outcome === 'possibly_processed' ? `${result.error.message} No answer came for this batch: Customer.io may have stored it (send it again as it is: events keep their id, so Customer.io deduplicates them).`
        : outcome === 'not_sent' ? `not sent: ${result.error.message}`
        : result.error.message;
      for (const item of batch.items) fail({ ref: item.ref, reason, message });
    }
    options.onBatchSettled?.(sent, outcome);
    progress();
  }

  async function dispatch(batch: Batch<R> | undefined): Promise<void> {
    if (!batch) return;
    const sending: Promise<void> = send(batch).finally(() => inFlight.delete(sending));
    inFlight.add(sending);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }

  const notSent = (ref: R) => fail({ ref, reason: 'not_sent', message: 'not sent: the credentials were rejected' });
  for await (const { entry, ref } of entries) {
    const position = total++;
    if (stopped) { notSent(ref); continue; }
    const problem = check?.(entry, label(position));
    if (problem) {
      fail({ ref, reason: 'invalid', message: problem });
      continue;
    }
    const bytes = byteSize(entry);
    if (bytes > maxEntryBytes) {
      fail({ ref, reason: 'invalid', message: `"${label(position)}": must be at most ${maxEntryBytes} bytes (it is ${bytes})` });
      continue;
    }
    await dispatch(packer.add({ ref, entry, bytes } satisfies PackedItem<R>));
  }
  const last = packer.flush();
  if (stopped) {
    for (const item of last?.items ?? []) notSent(item.ref);
  } else {
    await dispatch(last);
  }
  await Promise.all(inFlight);
  progress();

  return {
    total, accepted, failed, possibly_processed: possiblyProcessed, batches,
    average_batch_bytes: batches ? Math.round(batchBytes / batches) : 0,
    average_batch_fill: batches && Number.isFinite(maxBatchBytes) ? Number((batchBytes / batches / (maxBatchBytes + 1)).toFixed(3)) : 0,
    ...(stopped ? { stopped } : {}),
  };
}
