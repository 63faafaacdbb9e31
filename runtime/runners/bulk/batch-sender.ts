// Sends serialised entries through a batch operation (Track's send_batch, as a bulk operation's
// definition names it): entries are packed by their JSON's byte length up to the batch
// operation's body limit (pack.ts) and written straight into the body's bytes (batch-body.ts);
// batches go out with bounded concurrency through the runtime's calls (rate limit, retries,
// timeouts, redaction), their list given as a PackedList. Every entry comes with a reference of
// the caller's (`ref`) and every outcome is reported with it; a batch whose answer never came is
// reported as possibly processed (batch-outcome.ts), never as plainly failed.
//
// Adding an entry is synchronous and keeps nothing of it but its bytes and its reference; a
// promise is returned only when the caller has to wait, because `concurrency` batches are in
// flight. A caller streaming millions of entries thus awaits once per batch, not per entry.
import type { RunContext } from '../../contracts.js';
import type { JsonSchema, LoadedOperation } from '../../definitions.js';
import type { Envelope } from '../../envelope.js';
import { PackedList } from '../../packed-list.js';
import { BatchBody } from './batch-body.js';
import { batchOutcome, type BatchOutcome } from './batch-outcome.js';
import { BatchPacker, type Batch } from './pack.js';

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

/** The schema of one entry of the batch operation's list. */
export function entrySchema(target: Pick<BatchTarget, 'send' | 'listInput'>): JsonSchema {
  return ((target.send.input_schema.properties as Record<string, JsonSchema>)[target.listInput]!.items as JsonSchema);
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class BatchSender<R> {
  private readonly packer: BatchPacker<R, undefined>;
  /** The open batch's body, written as entries are let in. */
  private body: BatchBody;
  /**
   * Buffers of batches that have landed, written again by later ones: a million-item import
   * allocates `concurrency + 1` bodies, not hundreds. Only when no one is handed the batches'
   * envelopes (onBatch), as their shown request reads its body from these bytes when asked.
   */
  private readonly spare: Buffer[] | undefined;
  private readonly maxEntryBytes: number;
  private readonly maxBatchBytes: number;
  private readonly concurrency: number;
  private readonly label: (position: number) => string;
  private total = 0;
  private accepted = 0;
  private failed = 0;
  private possiblyProcessed = 0;
  private batches = 0;
  private batchBytes = 0;
  private done = 0;
  private inFlight = 0;
  /** The caller waiting for a batch to land (at most one: entries come from one loop). */
  private waiter: Waiter | undefined;
  /** finish() waiting for the last batches. */
  private drained: (() => void) | undefined;
  /** Thrown by a callback of the caller's while a batch settled: handed to whoever waits next. */
  private error: unknown;
  /** The envelope that stopped the sending (credentials refused): the rest is reported not sent. */
  stopped: Envelope | undefined;

  constructor(private readonly target: BatchTarget, private readonly options: Omit<BulkOptions<R>, 'checked'>) {
    this.maxEntryBytes = Number(entrySchema(target).maxBytes ?? Infinity);
    this.maxBatchBytes = target.send.http?.max_body_bytes ?? Infinity;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.label = options.label ?? ((position: number) => `items[${position}]`);
    this.packer = new BatchPacker<R, undefined>(this.maxBatchBytes, target.listInput);
    this.body = new BatchBody(target.listInput, this.maxBatchBytes);
    this.spare = options.onBatch ? undefined : [];
  }

  /** Counts an entry the caller refused before it was serialised (it does not fit its schema). */
  refuse(ref: R, message: string): void {
    this.total++;
    this.fail({ ref, reason: 'invalid', message });
  }

  /** The label of the next entry, for the caller's own refusal messages. */
  nextLabel(): string {
    return this.label(this.total);
  }

  /**
   * Packs one entry, given as its JSON text; a batch it closes is sent. Returns a promise only
   * when `concurrency` batches are in flight: the caller awaits it before adding more.
   */
  add(json: string, ref: R): Promise<void> | undefined {
    const position = this.total++;
    if (this.stopped) {
      this.notSent(ref);
      return undefined;
    }
    const bytes = Buffer.byteLength(json);
    if (bytes > this.maxEntryBytes) {
      this.fail({ ref, reason: 'invalid', message: `"${this.label(position)}": must be at most ${this.maxEntryBytes} bytes (it is ${bytes})` });
      return undefined;
    }
    const full = this.packer.add({ ref, entry: undefined, bytes });
    // The entry went into a new batch when it closed the open one.
    const closed = full ? this.nextBody() : undefined;
    this.body.add(json, bytes);
    return full ? this.launch(full, closed!) : undefined;
  }

  /** Sends what is left, waits for every batch in flight, and sums up. */
  async finish(): Promise<BulkSummary & { stopped?: Envelope }> {
    const last = this.packer.flush();
    if (last && this.stopped) for (const item of last.items) this.notSent(item.ref);
    else if (last) await this.launch(last, this.body);
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    this.rethrow();
    this.progress();
    const { batches, batchBytes, maxBatchBytes } = this;
    return {
      total: this.total, accepted: this.accepted, failed: this.failed, possibly_processed: this.possiblyProcessed, batches,
      average_batch_bytes: batches ? Math.round(batchBytes / batches) : 0,
      average_batch_fill: batches && Number.isFinite(maxBatchBytes) ? Number((batchBytes / batches / (maxBatchBytes + 1)).toFixed(3)) : 0,
      ...(this.stopped ? { stopped: this.stopped } : {}),
    };
  }

  private fail(failure: BulkFailure<R>): void {
    if (failure.reason === 'possibly_processed') this.possiblyProcessed++;
    else this.failed++;
    this.done++;
    this.options.onFailure?.(failure);
  }

  private notSent(ref: R): void {
    this.fail({ ref, reason: 'not_sent', message: 'not sent: the credentials were rejected' });
  }

  private progress(): void {
    this.options.onProgress?.({ done: this.done, accepted: this.accepted, failed: this.failed, possibly_processed: this.possiblyProcessed });
  }

  private rethrow(): void {
    if (this.error === undefined) return;
    const error = this.error;
    this.error = undefined;
    throw error;
  }

  /** The open batch's body, finished; a new one is opened. */
  private nextBody(): BatchBody {
    const body = this.body;
    this.body = new BatchBody(this.target.listInput, this.maxBatchBytes, this.spare?.pop());
    return body;
  }

  /** Sends a batch; resolves when the caller may go on (a slot is free), undefined when one is already. */
  private launch(batch: Batch<R, undefined>, body: BatchBody): Promise<void> | undefined {
    this.rethrow();
    this.inFlight++;
    void this.send(batch, body).then(() => this.landed(undefined), (error: unknown) => this.landed(error));
    if (this.inFlight < this.concurrency) return undefined;
    return new Promise<void>((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  private landed(error: unknown): void {
    this.inFlight--;
    if (error !== undefined) this.error ??= error;
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) {
      if (this.error !== undefined) {
        waiter.reject(this.error);
        this.error = undefined;
      } else {
        waiter.resolve();
      }
    }
    if (this.inFlight === 0) this.drained?.();
  }

  private async send(batch: Batch<R, undefined>, body: BatchBody): Promise<void> {
    const { target, options } = this;
    const refs = batch.items.map((item) => item.ref);
    const bytes = batch.bytes;
    const written = body.finish();
    // The packer counted what the body holds; were they ever to differ, the size limit would mean nothing.
    if (written.length !== bytes) throw new Error(`a batch body is ${written.length} bytes where its entries add up to ${bytes}`);
    const sent: SentBatch<R> = { refs };
    options.onBatchStart?.(sent);
    const list = new PackedList(target.listInput, written, refs.length);
    const result = await target.call(target.send.name, { [target.listInput]: list }, { checked: true });
    // Every attempt is over (answered, failed or cancelled): nothing more is sent from these bytes.
    this.spare?.push(body.storage);
    const outcome = batchOutcome(result);
    if (outcome !== 'not_sent') {
      this.batches++;
      this.batchBytes += bytes;
    }
    options.onBatch?.(result);
    if (result.ok && 'output' in result) {
      const output = result.output as { failed: { index: number; reason?: string; field?: string; message: string }[] };
      const rejected = new Set<number>();
      for (const f of output.failed) {
        if (!Number.isInteger(f.index) || f.index < 0 || f.index >= refs.length || rejected.has(f.index)) continue;
        rejected.add(f.index);
        this.fail({ ref: refs[f.index]!, reason: f.reason ?? 'rejected', ...(f.field ? { field: f.field } : {}), message: f.message });
      }
      this.accepted += refs.length - rejected.size;
      this.done += refs.length - rejected.size;
    } else if (!result.ok) {
      this.stopped ??= result.error.code === 'auth_error' ? result : undefined;
      const reason = outcome === 'possibly_processed' || outcome === 'not_sent' ? outcome : result.error.code;
      const message =
        outcome === 'possibly_processed' ? `${result.error.message} No answer came for this batch: Customer.io may have stored it (send it again as it is: events keep their id, so Customer.io deduplicates them).`
        : outcome === 'not_sent' ? `not sent: ${result.error.message}`
        : result.error.message;
      for (const ref of refs) this.fail({ ref, reason, message });
    }
    options.onBatchSettled?.(sent, outcome);
    this.progress();
  }
}
