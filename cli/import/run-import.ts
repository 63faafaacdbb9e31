// The import loop: hashes the file, reads its rows lazily, gives events their stable ids, streams
// them through runBulk, and settles every item (acknowledged by Customer.io, or written to the
// failed file) in a ledger whose watermark goes into a checkpoint as batches are answered.
//
// Interruption: `stop` ends the reading; the batches in flight are waited for (at most
// drainTimeoutMs) and the checkpoint is written. `abort` (or the end of that wait) cancels the
// batches in flight at once: their items are reported as possibly processed but stay open in
// the checkpoint, so --resume sends them again, with the same ids; items it stopped from being
// sent at all are left as if unread.
import { setMaxListeners } from 'node:events';
import { rmSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { AuthValues } from '../../auth/types.js';
import { openBulkSession, type BulkFailure, type BulkSummary, type SentBatch } from '../../runtime/bulk-session.js';
import type { ExecuteOptions, Registry } from '../../runtime/index.js';
import { OperationError } from '../../runtime/envelope.js';
import { UsageError } from '../args.js';
import { addCounts, checkpointPath, noCounts, readCheckpoint, removeCheckpoint, writeCheckpoint, writeCheckpointAsync, type Checkpoint, type CheckpointShard, type Counts } from './checkpoint.js';
import { DEFAULT_READING, readingFlags, shellWord, type CsvReading } from './csv-reading.js';
import { csvSource } from './csv-source.js';
import { FailedItemsFile } from './failed-file.js';
import { fileIdentity, StoppedBeforeSending, type FileIdentity } from './file-identity.js';
import { SettlementLedger, type Entry, type Outcome } from './ledger.js';
import { ndjsonSource } from './ndjson-source.js';
import { identifierOf, itemKeys, type IdentifierColumn, type ImportOperation, type Item, type Source } from './operations.js';
import { ProgressBar, type ImportProgress, type ProgressStream } from './progress.js';
import { shardRange, type ShardRange, type ShardSpec } from './shard.js';
import { StableEventIds } from './stable-ids.js';

export type FileKind = 'ndjson' | 'csv';

export function fileKind(file: string): FileKind | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  if (ext === '.csv') return 'csv';
  return undefined;
}

/** The longest wait for batches in flight after `stop`: a call's own time budget (execute's default). */
export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;
/** A checkpoint lags the answers by at most this much (one is written at the start and at the end too). */
const CHECKPOINT_INTERVAL_MS = 100;

export interface ImportOptions {
  operation: ImportOperation;
  file: string;
  /** Where failed items go (default `<file>.failed.ndjson`); removed again when nothing failed. */
  failedFile?: string;
  auth: AuthValues;
  /** Options for every batch's execute() (origin, timeouts, retry…). */
  execute?: ExecuteOptions;
  concurrency?: number;
  /** CSV only: the column that identifies the person; the other identifier columns become attributes (data). */
  identifier?: IdentifierColumn;
  /** CSV only: --delimiter, --encoding and --column (default: comma-separated UTF-8, the header's names). */
  reading?: CsvReading;
  /** Go on from the checkpoint an interrupted run left beside the failed file. */
  resume?: boolean;
  /**
   * NDJSON only: import one shard of the file (`--shard k/n`, shard.ts), the lines that start in
   * its k-th n-th; n processes with 1/n … n/n import every line once. Line numbers and event ids
   * stay the whole file's; the failed file (default `<file>.shard-k-of-n.failed.ndjson`) and the
   * checkpoint are the shard's.
   */
  shard?: ShardSpec;
  /** Fired on the first interruption: stop reading, let the batches in flight finish, keep a checkpoint. */
  stop?: AbortSignal;
  /** Fired on the second: cancel the batches in flight at once. */
  abort?: AbortSignal;
  /** How long `stop` waits for batches in flight before cancelling them (default 30 s). */
  drainTimeoutMs?: number;
  /** Progress bar target; null for none. */
  progress?: ProgressStream | null;
  /** Redraw interval (default 200 ms on a TTY, 2 s otherwise). */
  progressIntervalMs?: number;
  /** Called as batches settle (for a caller that samples its own figures, such as the benchmark). */
  onProgress?: (progress: ImportProgress) => void;
  /** Notes for the person (an earlier checkpoint replaced…); default none. */
  note?: (text: string) => void;
}

export interface ImportSummary extends BulkSummary {
  /** Items read from the file, across runs: accepted + failed + possibly_processed. `total` is the same figure. */
  read: number;
  /** Items by the identifier that chose the person, e.g. `{ "id": 1200, "email": 30 }`. */
  identified_by: Partial<Record<IdentifierColumn, number>>;
  seconds: number;
  items_per_second: number;
  max_rss_mb: number;
  failed_file: string | null;
  /** The checkpoint --resume goes on from; null once the whole file is settled (it is then removed). */
  checkpoint: string | null;
  /** Set when the import stopped before the end of the file. */
  interrupted?: {
    /** Every item up to this line is settled; --resume reads on from the next one. */
    watermark_line: number;
    /** Items after the watermark that were read (those of cut-off batches reported here as possibly processed): --resume sends them again. */
    items_after_watermark: number;
  };
  /** Set on --resume: the line the run went on from, and how many runs the import took so far. */
  resumed?: { from_line: number; runs: number };
  /** Set when Customer.io refused the credentials: the rest of the file was not sent (and is in the failed file). */
  stopped?: { code: string; message: string };
  /** Set for one shard of the file: which, and its bytes and first line. */
  shard?: CheckpointShard;
}

/** Where a run starts: from the top, or from a checkpoint. */
interface Start {
  watermarkLine: number;
  counts: Counts;
  runs: number;
  identifier: IdentifierColumn | undefined;
  reading: CsvReading;
}

function startFrom(options: ImportOptions, identity: FileIdentity, checkpointFile: string, range: ShardRange | undefined): Start {
  // A shard's lines start after the lines before it, which are other processes'.
  const firstLine = range?.firstLine ?? 1;
  if (!options.resume) {
    if (readCheckpointSafely(checkpointFile)) options.note?.(`an earlier, interrupted import left ${checkpointFile}; starting over from line ${firstLine} (--resume would have gone on from it)`);
    return { watermarkLine: firstLine - 1, counts: noCounts(), runs: 1, identifier: options.identifier, reading: options.reading ?? DEFAULT_READING };
  }
  let checkpoint: Checkpoint | undefined;
  try {
    checkpoint = readCheckpoint(checkpointFile);
  } catch (error) {
    throw new UsageError(`--resume: ${(error as Error).message}`);
  }
  if (!checkpoint) throw new UsageError(`--resume: there is no checkpoint at ${checkpointFile} (the import finished, or never started; give the same --failed as the interrupted run)`);
  if (checkpoint.file_sha256 !== identity.sha256Hex) {
    throw new UsageError(`--resume: ${options.file} is not the file the checkpoint was written for (SHA-256 ${identity.sha256Hex.slice(0, 12)}…, the checkpoint's ${checkpoint.file_sha256.slice(0, 12)}…: the content changed); import it without --resume`);
  }
  if (checkpoint.operation !== options.operation) {
    throw new UsageError(`--resume: the checkpoint is of ${checkpoint.operation}, not ${options.operation}`);
  }
  const shardOf = (shard: { index: number; count: number } | undefined) => (shard ? `shard ${shard.index}/${shard.count}` : 'the whole file');
  if (shardOf(checkpoint.shard) !== shardOf(options.shard)) {
    throw new UsageError(`--resume: the checkpoint is of ${shardOf(checkpoint.shard)}, not ${shardOf(options.shard)}; resume it with the same --shard`);
  }
  if (options.identifier && options.identifier !== (checkpoint.identifier ?? undefined)) {
    throw new UsageError(`--resume: the interrupted run used ${checkpoint.identifier ? `--identifier ${checkpoint.identifier}` : 'no --identifier'}; resume it the same way`);
  }
  // Rows must be read as they were: another delimiter, encoding or column name would change them.
  const kept = checkpoint.csv_reading ?? DEFAULT_READING;
  if (options.reading && JSON.stringify(options.reading) !== JSON.stringify(DEFAULT_READING) && JSON.stringify(options.reading) !== JSON.stringify(kept)) {
    const flags = readingFlags(kept).map(shellWord).join(' ');
    throw new UsageError(`--resume: the interrupted run read the CSV ${flags ? `with ${flags}` : 'with no --delimiter, --encoding or --column'}; resume it the same way`);
  }
  return { watermarkLine: checkpoint.watermark_line, counts: checkpoint.counts, runs: checkpoint.runs + 1, identifier: checkpoint.identifier ?? undefined, reading: kept };
}

function readCheckpointSafely(path: string): Checkpoint | undefined {
  try {
    return readCheckpoint(path);
  } catch {
    return undefined;
  }
}

/** Streams the file through the operation's batches and writes every failed item to the failed file. */
export async function importFile(registry: Registry, options: ImportOptions): Promise<ImportSummary> {
  const { operation, file } = options;
  const kind = fileKind(file);
  if (!kind) throw new UsageError(`--file must end in .ndjson, .jsonl or .csv: ${file}`);
  if (options.shard && kind === 'csv') {
    throw new UsageError('--shard needs an NDJSON file: a CSV record can span lines (a quoted line break), so where a record starts is known only by reading the file from its start');
  }
  const failedPath = options.failedFile ?? (options.shard ? `${file}.shard-${options.shard.index}-of-${options.shard.count}.failed.ndjson` : `${file}.failed.ndjson`);
  if (resolve(failedPath) === resolve(file)) throw new UsageError('--failed must not be the file being imported');
  const checkpointFile = checkpointPath(failedPath);
  const started = performance.now();
  // The batches' own options: a signal that the interruption below can fire is added to them.
  const cancel = new AbortController();
  const signal = options.execute?.signal ? AbortSignal.any([options.execute.signal, cancel.signal]) : cancel.signal;
  // Every batch in flight or waiting for the rate limit listens to it (a shared limiter's wait
  // adds its own listener): more than Node's default ten, which it would warn about, by design.
  setMaxListeners(8 * Math.max(options.concurrency ?? 4, 4) + 10, signal);
  let session;
  try {
    session = openBulkSession(registry, {
      connector: 'customer-io', operation, auth: options.auth,
      options: { ...options.execute, signal },
    });
  } catch (error) {
    if (error instanceof OperationError) throw new UsageError(`the credentials cannot be used: ${error.message}`);
    throw error;
  }
  // Items the form gives an id field (events) get one from the file's content and their line.
  const givesIds = Object.hasOwn((session.itemSchema.properties as object | undefined) ?? {}, 'id');

  let identity: FileIdentity;
  try {
    identity = await fileIdentity(file, options.stop);
  } catch (error) {
    if (!(error instanceof StoppedBeforeSending)) throw error;
    return nothingSent(options, failedPath, checkpointFile, started);
  }
  const range = options.shard ? await shardRange(file, identity.bytes, options.shard, itemKeys(session.itemSchema)) : undefined;
  const shard: CheckpointShard | undefined = options.shard && range
    ? { index: options.shard.index, count: options.shard.count, start_byte: range.start, end_byte: range.end, first_line: range.firstLine }
    : undefined;
  const start = startFrom(options, identity, checkpointFile, range);
  const identifier = start.identifier;

  const source: Source = kind === 'csv'
    ? await csvSource(file, { operation, ...(identifier ? { identifier } : {}), skipThrough: start.watermarkLine, reading: start.reading })
    : ndjsonSource(file, { keys: itemKeys(session.itemSchema), skipThrough: start.watermarkLine, ...(range ? { range } : {}) });
  /** The bytes this run's source reads through (progress). */
  const sourceBytes = range ? range.end - range.start : identity.bytes;
  // Starting over: the old checkpoint goes before the failed file it relies on is emptied.
  if (!options.resume) removeCheckpoint(checkpointFile);
  let failed: FailedItemsFile;
  try {
    failed = options.resume ? await FailedItemsFile.resume(failedPath, start.watermarkLine) : FailedItemsFile.create(failedPath);
  } catch (error) {
    source.close();
    throw new UsageError(`--failed ${failedPath} cannot be written (${(error as Error).message})`);
  }
  const keptRecords = failed.records;
  if (options.resume && keptRecords !== start.counts.failed + start.counts.possibly_processed) {
    options.note?.(`${failedPath} holds ${keptRecords} records of lines 1-${start.watermarkLine}; the checkpoint counted ${start.counts.failed + start.counts.possibly_processed} (was it edited?)`);
  }

  const ledger = new SettlementLedger({ watermarkLine: start.watermarkLine, counts: start.counts });
  const inFlight = new Map<SentBatch<Entry>, Checkpoint['in_flight'][number]>();
  let exhausted = false;

  const checkpointNow = (): Checkpoint => ({
    version: 1,
    file,
    file_bytes: identity.bytes,
    file_sha256: identity.sha256Hex,
    operation,
    identifier: identifier ?? null,
    ...(kind === 'csv' ? { csv_reading: start.reading } : {}),
    failed_file: failedPath,
    watermark_line: ledger.watermarkLine,
    in_flight: [...inFlight.values()].sort((a, b) => a.first_line - b.first_line),
    counts: structuredClone(ledger.settledThrough),
    runs: start.runs,
    ...(shard ? { shard } : {}),
    updated_at: new Date().toISOString(),
  });
  const saveCheckpoint = () => {
    failed.sync(); // every record of a settled line is on disk before the checkpoint says so
    writeCheckpoint(checkpointFile, checkpointNow());
    lastCheckpoint = performance.now();
  };
  let lastCheckpoint = 0;
  try {
    saveCheckpoint(); // a kill from here on leaves something to resume
  } catch (error) {
    source.close();
    failed.close();
    throw new UsageError(`the checkpoint ${checkpointFile} cannot be written (${(error as Error).message})`);
  }

  // Cancelling: the caller's abort, or the end of the wait after stop.
  const onAbort = () => cancel.abort();
  let drainTimer: NodeJS.Timeout | undefined;
  const onStop = () => {
    drainTimer ??= setTimeout(onAbort, options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
  };
  if (options.abort?.aborted) onAbort();
  else options.abort?.addEventListener('abort', onAbort, { once: true });
  if (options.stop?.aborted) onStop();
  else options.stop?.addEventListener('abort', onStop, { once: true });
  const stopping = () => options.stop?.aborted === true || cancel.signal.aborted;

  const eventIds = new StableEventIds(identity.sha256);
  // Ids made again for failed records, apart, so the loop's keystream block stays where it is.
  const failedIds = new StableEventIds(identity.sha256);
  const writeFailure = (entry: Pick<Entry, 'line' | 'index' | 'item' | 'text' | 'at' | 'length' | 'gaveId'>, failure: Omit<BulkFailure<unknown>, 'ref'>) => {
    const item = (entry.text !== undefined || entry.at !== -1) && source.itemOf ? source.itemOf(entry.text, entry.at, entry.length) : entry.item;
    failed.write({
      line: entry.line, index: entry.index, reason: failure.reason,
      ...(failure.field ? { field: failure.field } : {}), message: failure.message,
      // An event with the id it was sent with, so that importing the failed file sends the same one.
      item: entry.gaveId ? { ...(item as Item), id: failedIds.idFor(entry.line) } : item,
    });
  };
  const state = (): ImportProgress => {
    const counts = addCounts(start.counts, ledger.thisRun);
    return {
      done: counts.read, accepted: counts.accepted, failed: counts.failed, possibly_processed: counts.possibly_processed,
      read: counts.read + ledger.openItems, bytes_read: source.bytesRead(), file_bytes: sourceBytes,
    };
  };
  // Written when a batch settles, at most every CHECKPOINT_INTERVAL_MS: one that comes sooner
  // is written by a timer at the end of the interval, so the checkpoint is never further behind
  // (nor, when a write is still under way, further than that write takes). The state is taken
  // when the write starts; the waits of writing it run off the main thread (one at a time).
  // A write error (a full disk) is kept and thrown when the import ends, not from a timer.
  let checkpointTimer: NodeJS.Timeout | undefined;
  let checkpointError: Error | undefined;
  let writing: Promise<void> | undefined;
  let writeAgain = false;
  let ended = false; // the last checkpoint is the finally block's: none is started after it
  const saveCheckpointLater = () => {
    checkpointTimer = undefined;
    if (ended) return;
    if (writing) {
      writeAgain = true;
      return;
    }
    const checkpoint = checkpointNow();
    lastCheckpoint = performance.now();
    writing = failed.syncAsync()
      .then(() => writeCheckpointAsync(checkpointFile, checkpoint))
      .catch((error: unknown) => void (checkpointError ??= error as Error))
      .finally(() => {
        writing = undefined;
        if (writeAgain) {
          writeAgain = false;
          settled(false);
        }
      });
  };
  const settled = (progress = true) => {
    const since = performance.now() - lastCheckpoint;
    if (since >= CHECKPOINT_INTERVAL_MS) saveCheckpointLater();
    else checkpointTimer ??= setTimeout(saveCheckpointLater, CHECKPOINT_INTERVAL_MS - since);
    if (progress) options.onProgress?.(state());
  };

  const bar = options.progress ? new ProgressBar(options.progress, state, options.progressIntervalMs) : undefined;
  bar?.start();

  const sender = session.sender<Entry>({
    concurrency: options.concurrency ?? 4,
    onFailure: ({ ref: entry, ...failure }) => {
      entry.reported = true;
      // Never sent because of the interruption: as good as unread, --resume reads it again.
      if (failure.reason === 'not_sent' && cancel.signal.aborted) return;
      writeFailure(entry, failure);
      const outcome: Outcome = failure.reason === 'possibly_processed' ? 'possibly_processed' : 'failed';
      if (cancel.signal.aborted && failure.reason === 'possibly_processed') ledger.interrupt(entry, outcome);
      else ledger.settle(entry, outcome);
    },
    onBatchStart: (batch) => {
      inFlight.set(batch, { first_line: batch.refs[0]!.line, last_line: batch.refs.at(-1)!.line, items: batch.refs.length });
    },
    onBatchSettled: (batch, outcome) => {
      // Items of the batch not reported failed were accepted.
      for (const entry of batch.refs) if (!entry.reported) ledger.settle(entry, 'accepted');
      // A batch cut off by the interruption stays listed: sent, never answered, sent again on --resume.
      if (!(cancel.signal.aborted && outcome === 'possibly_processed')) inFlight.delete(batch);
      settled();
    },
  });

  let summary: (BulkSummary & { stopped?: import('../../runtime/index.js').Envelope }) | undefined;
  let complete = false;
  let closeError: Error | undefined;
  try {
    // A read chunk's rows at a time, each checked and packed synchronously; the loop waits only
    // when the sender has `concurrency` batches in flight (once a batch, not once an item).
    reading: {
      for await (const rows of source.chunks) {
        for (const row of rows) {
          if (stopping()) break reading; // this row and the rest are read again on --resume
          if (row.failure) {
            const entry = ledger.add(row.line, undefined, row.index, row.item);
            writeFailure(entry, row.failure);
            ledger.settle(entry, 'failed');
            continue;
          }
          const item = row.item as Item;
          // Events get an id from the file's content and their line, unless the file gives one.
          const id = givesIds && item.id === undefined ? eventIds.idFor(row.line) : undefined;
          // The entry keeps where the item can be read again from (its text, or its place in the file), not the item.
          const again = (row.text !== undefined || row.at !== undefined) && source.itemOf !== undefined;
          const entry = again
            ? ledger.add(row.line, row.identifiedBy ?? identifierOf(item), row.index, undefined, row.text, row.at ?? -1, row.length ?? 0, id !== undefined)
            : ledger.add(row.line, row.identifiedBy ?? identifierOf(item), row.index, item, undefined, -1, 0, id !== undefined);
          const wait = sender.add(item, entry, id);
          if (wait) await wait;
        }
      }
      exhausted = true;
    }
    summary = await sender.finish();
    complete = exhausted && ledger.openItems === 0;
  } finally {
    if (drainTimer) clearTimeout(drainTimer);
    if (checkpointTimer) clearTimeout(checkpointTimer);
    options.abort?.removeEventListener('abort', onAbort);
    options.stop?.removeEventListener('abort', onStop);
    source.close();
    bar?.stop(complete ? 'done' : 'interrupted');
    // A checkpoint still being written lands before the last one (they share a temp file, and an
    // older one renamed after it would win).
    ended = true;
    while (writing) await writing;
    if (checkpointTimer) clearTimeout(checkpointTimer);
    try {
      if (!complete) saveCheckpoint();
      failed.close();
    } catch (error) {
      closeError = new Error(`the failed items could not be written to ${failedPath}: ${(error as Error).message}`, { cause: error });
    }
  }
  if (closeError) throw closeError;
  if (checkpointError) throw new Error(`the checkpoint ${checkpointFile} could not be written: ${checkpointError.message}`);
  if (complete) removeCheckpoint(checkpointFile);
  if (failed.records === 0) rmSync(failedPath, { force: true }); // --resume starts an absent one afresh

  const counts = addCounts(start.counts, ledger.thisRun);
  const seconds = (performance.now() - started) / 1000;
  const bulk = summary!;
  return {
    total: counts.read,
    read: counts.read,
    accepted: counts.accepted,
    failed: counts.failed,
    possibly_processed: counts.possibly_processed,
    identified_by: counts.identified_by,
    batches: bulk.batches,
    average_batch_bytes: bulk.average_batch_bytes,
    average_batch_fill: bulk.average_batch_fill,
    seconds: Number(seconds.toFixed(2)),
    items_per_second: seconds > 0 ? Math.round(ledger.thisRun.read / seconds) : ledger.thisRun.read,
    max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    failed_file: failed.records > 0 ? failedPath : null,
    checkpoint: complete ? null : checkpointFile,
    ...(complete ? {} : { interrupted: { watermark_line: ledger.watermarkLine, items_after_watermark: ledger.openItems } }),
    ...(options.resume ? { resumed: { from_line: start.watermarkLine + 1, runs: start.runs } } : {}),
    ...(shard ? { shard } : {}),
    ...(bulk.stopped && !bulk.stopped.ok ? { stopped: { code: bulk.stopped.error.code, message: bulk.stopped.error.message } } : {}),
  };
}

/** Stopped during the hash pass: nothing read or sent, any earlier checkpoint left as it was. */
function nothingSent(options: ImportOptions, failedPath: string, checkpointFile: string, started: number): ImportSummary {
  const checkpoint = options.resume ? readCheckpointSafely(checkpointFile) : undefined;
  const counts = checkpoint?.counts ?? noCounts();
  return {
    total: counts.read, read: counts.read, accepted: counts.accepted, failed: counts.failed, possibly_processed: counts.possibly_processed,
    identified_by: counts.identified_by, batches: 0, average_batch_bytes: 0, average_batch_fill: 0,
    seconds: Number(((performance.now() - started) / 1000).toFixed(2)), items_per_second: 0,
    max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    failed_file: null, checkpoint: checkpoint ? checkpointFile : null,
    interrupted: { watermark_line: checkpoint?.watermark_line ?? 0, items_after_watermark: 0 },
  };
}
