// Sends any number of v2 entity operations through `send_batch`: each item is validated on its
// own (a bad or oversized item is reported with its index, never silently dropped), events get a ULID first
// (so a retried batch never records one twice), items are packed near the 500 KB limit, and
// batches go out with bounded concurrency through execute() (rate limit, retries, redaction).
// Items are read lazily, so memory stays flat for any number of them. A batch whose answer never
// came is reported as possibly processed (see batch-outcome.ts), never as plainly failed.
import type { AuthValues } from '../../auth/credentials.js';
import type { Envelope } from '../envelope.js';
import { newEventId } from '../event-ids.js';
import type { ExecuteOptions, ExecuteRequest, Runtime } from '../execute.js';
import { byteSize } from '../byte-size.js';
import { describeErrors, validatorFor } from '../validation.js';
import type { JsonSchema } from '../definitions.js';
import type { LoadedOperation } from '../loader.js';
import { batchOutcome, type BatchOutcome } from './batch-outcome.js';
import { BatchPacker, type Batch, type PackedItem } from './pack.js';

export interface ItemFailure {
  index: number;
  reason: string;
  field?: string;
  message: string;
}

export interface BulkSummary {
  total: number;
  accepted: number;
  /** Items refused (before sending, in a 207, or with their whole batch) or never sent. */
  failed: number;
  /** Items of batches whose answer never came: Customer.io may have stored them. */
  possibly_processed: number;
  batches: number;
  /** Mean body size of the batches sent, in bytes, and as a share of the 500 KB limit. */
  average_batch_bytes: number;
  average_batch_fill: number;
}

export interface BulkOptions {
  auth: AuthValues;
  /** In-flight batches (default 4). */
  concurrency?: number;
  /** Passed to every batch's execute() (origin, timeouts, retry, signal…). */
  execute?: ExecuteOptions;
  /** Every item not accepted, with `reason` "possibly_processed" when its batch's answer never came. */
  onFailure?: (failure: ItemFailure) => void;
  onProgress?: (progress: { done: number; accepted: number; failed: number; possibly_processed: number }) => void;
  /** Every batch's envelope, as it arrives. */
  onBatch?: (result: Envelope) => void;
  /** A batch about to be sent: the indexes of its items. */
  onBatchStart?: (batch: SentBatch) => void;
  /** The same batch once settled, after onFailure for each of its items that was not accepted. */
  onBatchSettled?: (batch: SentBatch, outcome: BatchOutcome) => void;
}

/** One /v2/batch request: the input positions of its items, in order. */
export interface SentBatch {
  indexes: readonly number[];
}

const EVENT_ACTIONS = new Set(['event', 'page', 'screen']);

/** What bulk sending needs from a registry: its definitions and execute(). */
export type BulkRuntime = Pick<Runtime, 'connector'> & { execute(call: ExecuteRequest): Promise<Envelope> };

type EntityCheck = (entity: Record<string, unknown>, label: string) => string | undefined;
const entityChecks = new WeakMap<object, EntityCheck>();

/**
 * Checks one v2 entity against the branch its `type` and `action` pick, instead of the whole
 * 18-branch oneOf (several times faster, and this runs once per item of a bulk send). Returns the
 * problems as one message, or undefined when the entity is valid.
 */
function entityCheck(sendEntity: LoadedOperation): EntityCheck {
  let check = entityChecks.get(sendEntity);
  if (check) return check;
  const branches = entityBranches(sendEntity);
  const maxBytes = Number(entitySchema(sendEntity).maxBytes);
  check = (item, label) => {
    const key = `${String(item.type)}:${String(item.action)}`;
    const branch = branches.get(key);
    if (!branch) return `"${label}": type and action must be one of ${[...branches.keys()].join(', ')}`;
    const validate = validatorFor(branch);
    if (!validate(item)) return describeErrors(validate.errors ?? [], branch, label).map((p) => p.message).join('; ');
    const bytes = byteSize(item);
    return bytes > maxBytes ? `"${label}": must be at most ${maxBytes} bytes (it is ${bytes})` : undefined;
  };
  entityChecks.set(sendEntity, check);
  return check;
}

function entitySchema(sendEntity: LoadedOperation): JsonSchema {
  return (sendEntity.input_schema.properties as Record<string, JsonSchema>).entity!;
}

/** send_entity's `entity` choices by `type:action` (the build precompiles their validators too). */
export function entityBranches(sendEntity: LoadedOperation): Map<string, JsonSchema> {
  const branches = new Map<string, JsonSchema>();
  for (const branch of entitySchema(sendEntity).oneOf as JsonSchema[]) {
    const props = branch.properties as Record<string, { const: string }>;
    branches.set(`${props.type!.const}:${props.action!.const}`, branch);
  }
  return branches;
}

export async function runBulk(
  registry: BulkRuntime,
  entities: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>,
  options: BulkOptions,
): Promise<BulkSummary & { stopped?: Envelope }> {
  const connector = registry.connector('customer-io')!;
  const check = entityCheck(connector.operationsByName.get('send_entity')!);
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const packer = new BatchPacker();
  const inFlight = new Set<Promise<void>>();
  let total = 0, accepted = 0, failed = 0, possiblyProcessed = 0, batches = 0, batchBytes = 0, done = 0;
  let stopped: Envelope | undefined;

  const fail = (failure: ItemFailure) => {
    if (failure.reason === 'possibly_processed') possiblyProcessed++;
    else failed++;
    done++;
    options.onFailure?.(failure);
  };
  const progress = () => options.onProgress?.({ done, accepted, failed, possibly_processed: possiblyProcessed });

  async function send(batch: Batch): Promise<void> {
    const sent: SentBatch = { indexes: batch.items.map((item) => item.index) };
    options.onBatchStart?.(sent);
    const result = await registry.execute({
      connector: 'customer-io', operation: 'send_batch', auth: options.auth,
      input: { batch: batch.items.map((item) => item.entity) }, options: options.execute,
    });
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
        fail({ index: item.index, reason: f.reason ?? 'rejected', ...(f.field ? { field: f.field } : {}), message: f.message });
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
      for (const item of batch.items) fail({ index: item.index, reason, message });
    }
    options.onBatchSettled?.(sent, outcome);
    progress();
  }

  async function dispatch(batch: Batch | undefined): Promise<void> {
    if (!batch) return;
    const sending: Promise<void> = send(batch).finally(() => inFlight.delete(sending));
    inFlight.add(sending);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }

  for await (const raw of entities) {
    const index = total++;
    if (stopped) { fail({ index, reason: 'not_sent', message: 'not sent: the credentials were rejected' }); continue; }
    const entity = EVENT_ACTIONS.has(String(raw.action)) && raw.type === 'person' && raw.id === undefined ? { ...raw, id: newEventId() } : raw;
    const problem = check(entity, `items[${index}]`);
    if (problem) {
      fail({ index, reason: 'invalid', message: problem });
      continue;
    }
    // The entity schema already refused anything of 32 KB or more (maxBytes); this size packs it.
    const bytes = byteSize(entity);
    await dispatch(packer.add({ index, entity, bytes } satisfies PackedItem));
  }
  const last = packer.flush();
  if (stopped) {
    for (const item of last?.items ?? []) fail({ index: item.index, reason: 'not_sent', message: 'not sent: the credentials were rejected' });
  } else {
    await dispatch(last);
  }
  await Promise.all(inFlight);
  progress();

  return {
    total, accepted, failed, possibly_processed: possiblyProcessed, batches,
    average_batch_bytes: batches ? Math.round(batchBytes / batches) : 0,
    average_batch_fill: batches ? Number((batchBytes / batches / (500 * 1024)).toFixed(3)) : 0,
    ...(stopped ? { stopped } : {}),
  };
}
