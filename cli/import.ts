// cio-connectors import: streams an NDJSON or CSV file of people (bulk_identify_customers) or
// events (bulk_track_events) through runBulk, in constant memory for a file of any size. Lines
// are read lazily (an async generator that runBulk pulls), mapped to v2 entities by the same
// functions as the bulk operations, and every item ends up accepted or written to a failed file
// ({line, index, reason, field?, message, item}) that is itself a valid --file input, so a person
// can fix the lines and run the import again.
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { parseArgs } from 'node:util';
import { parse as parseCsv, type CsvError, type Parser } from 'csv-parse';
import type { AuthValues } from '../auth/credentials.js';
import { runBulk, type BulkRuntime, type BulkSummary, type ItemFailure } from '../runtime/bulk/run-bulk.js';
import { eventItemToEntity, identifyItemToEntity } from '../runtime/handlers/bulk.js';
import { loadConnectors, type Envelope, type ExecuteOptions } from '../runtime/index.js';
import { authArgument, timeoutArgument, UsageError, type CliResult } from './args.js';

export const IMPORT_USAGE = `  cio-connectors import <connector> <bulk-operation> --file <people.ndjson|people.csv> --auth <json|@file|env>
                 [--region us|eu] [--origin <url>] [--concurrency <1-16>] [--failed <path>]
                 [--identifier id|email|cio_id|phone] [--timeout <ms>] [--quiet]
                 (customer-io bulk_identify_customers or bulk_track_events; streams the file in
                 constant memory; failed items go to <file>.failed.ndjson, fix them and import that file)`;

type Item = Record<string, unknown>;

/** The bulk operations a file can be imported into, with the item → v2 entity mapping they use. */
const OPERATIONS = {
  bulk_identify_customers: { listKey: 'people', toEntity: identifyItemToEntity, dataKey: 'attributes' },
  bulk_track_events: { listKey: 'events', toEntity: eventItemToEntity, dataKey: 'data' },
} as const;
export type ImportOperation = keyof typeof OPERATIONS;

/** CSV columns that choose the person (case-insensitive); one of them must be filled in per row. */
export const IDENTIFIER_COLUMNS = ['id', 'email', 'cio_id', 'phone'] as const;
/** Further CSV columns of bulk_track_events: column → item key (`id` names the person, so the event's own ID is `event_id`). */
const EVENT_COLUMNS: Record<string, string> = { name: 'name', timestamp: 'timestamp', event_id: 'id' };
/** A line longer than this cannot be an item (each is under 32 KB); it is reported, not buffered. */
const MAX_LINE_CHARS = 1024 * 1024;

export interface ImportFailureRecord {
  /** Line of the file where the item starts (1-based). */
  line: number;
  /** Position of the item among the file's items (0-based; blank lines and the CSV header are not items). */
  index: number;
  reason: string;
  field?: string;
  message: string;
  /** The item as an object in the NDJSON item shape; the line's text when it was not JSON. */
  item: unknown;
}

interface Row {
  line: number;
  item: unknown;
  /** Set when the row is refused before sending (not JSON, not an item, CSV without an identifier…). */
  failure?: Omit<ItemFailure, 'index'>;
}

export interface ImportProgress {
  /** Items settled so far: accepted or failed. */
  done: number;
  accepted: number;
  failed: number;
  /** Items read from the file so far, and the bytes behind them. */
  read: number;
  bytes_read: number;
  file_bytes: number;
}

/** Where the progress bar goes: a TTY gets a redrawn bar, anything else a line every ~2 s. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

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
  identifier?: (typeof IDENTIFIER_COLUMNS)[number];
  /** Progress bar target; null for none. */
  progress?: ProgressStream | null;
  /** Redraw interval (default 200 ms on a TTY, 2 s otherwise). */
  progressIntervalMs?: number;
  /** Called as batches settle (for a caller that samples its own figures, such as the benchmark). */
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportSummary extends BulkSummary {
  seconds: number;
  items_per_second: number;
  max_rss_mb: number;
  failed_file: string | null;
  /** Set when Customer.io refused the credentials: the rest of the file was not sent (and is in the failed file). */
  stopped?: { code: string; message: string };
}

export type FileKind = 'ndjson' | 'csv';

export function fileKind(file: string): FileKind | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  if (ext === '.csv') return 'csv';
  return undefined;
}

/** The keys an item of the operation may have, from its definition (`people[]` / `events[]`). */
function itemKeys(registry: BulkRuntime, operation: ImportOperation): Set<string> {
  const definition = registry.connector('customer-io')?.operationsByName.get(operation);
  const list = (definition?.input_schema as { properties?: Record<string, { items?: { properties?: Item } }> } | undefined)?.properties?.[OPERATIONS[operation].listKey];
  return new Set(Object.keys(list?.items?.properties ?? {}));
}

// ---------------------------------------------------------------------------------------------
// NDJSON

/** One NDJSON line as an item; a failed-file record stands for its `item`, so that file is an input too. */
function ndjsonItem(text: string, line: number, keys: Set<string>): Row {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { line, item: text, failure: { reason: 'parse_error', message: `not JSON: ${(error as Error).message}` } };
  }
  if (isObject(value) && 'item' in value && 'reason' in value && 'line' in value) {
    value = value.item;
    if (typeof value === 'string') {
      // The text of a line that was not JSON, perhaps fixed in the failed file.
      try {
        value = JSON.parse(value);
      } catch (error) {
        return { line, item: value, failure: { reason: 'parse_error', message: `"item" is still not JSON: ${(error as Error).message}; write the item as an object` } };
      }
    }
  }
  return checkedItem(value, line, keys);
}

function isObject(value: unknown): value is Item {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** An item must be an object with the operation's keys only (a misspelt key would otherwise be lost silently). */
function checkedItem(value: unknown, line: number, keys: Set<string>): Row {
  if (!isObject(value)) return { line, item: value, failure: { reason: 'invalid', message: `an item must be a JSON object with ${[...keys].join(', ')}` } };
  const unknown = Object.keys(value).find((key) => !keys.has(key));
  if (unknown !== undefined) {
    return { line, item: value, failure: { reason: 'invalid', field: unknown, message: `unknown key "${unknown}": an item has ${[...keys].join(', ')}` } };
  }
  return { line, item: value };
}

/** Rows of the file, read lazily; close() releases the file when the rows are never read. */
interface Source {
  rows: AsyncIterable<Row>;
  close(): void;
}

/** Lines of the file, one at a time, without ever holding more than a read chunk and one line. */
async function* ndjsonRows(file: string, keys: Set<string>, read: { bytes: number }): AsyncGenerator<Row> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let line = 0;
  let tooLong = false; // inside a line past MAX_LINE_CHARS: skip to its end
  const lineOf = (text: string): Row | undefined => {
    line++;
    if (tooLong) {
      tooLong = false;
      return { line, item: null, failure: { reason: 'invalid', message: `line longer than ${MAX_LINE_CHARS} characters; an item is under 32 KB` } };
    }
    const trimmed = text.trim();
    return trimmed ? ndjsonItem(trimmed, line, keys) : undefined; // a blank line is no item
  };
  for await (const chunk of createReadStream(file)) {
    read.bytes += (chunk as Buffer).length;
    const text = rest + decoder.write(chunk as Buffer);
    let start = 0;
    for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
      const row = lineOf(text.slice(start, end));
      start = end + 1;
      if (row) yield row;
    }
    rest = text.slice(start);
    if (rest.length > MAX_LINE_CHARS) {
      tooLong = true;
      rest = '';
    }
  }
  rest += decoder.end();
  if (rest || tooLong) {
    const row = lineOf(rest);
    if (row) yield row;
  }
}

// ---------------------------------------------------------------------------------------------
// CSV

type Column = { kind: 'identifier' | 'field' | 'data'; key: string };

/** What each header column becomes in the item. */
function csvColumns(header: string[], operation: ImportOperation, identifier: ImportOptions['identifier']): Column[] {
  const names = header.map((name) => name.trim());
  const seen = new Set<string>();
  for (const name of names) {
    if (!name) throw new UsageError('the CSV header has an empty column name');
    if (seen.has(name.toLowerCase())) throw new UsageError(`the CSV header names the column "${name}" twice`);
    seen.add(name.toLowerCase());
  }
  const columns = names.map((name): Column => {
    const lower = name.toLowerCase();
    if ((IDENTIFIER_COLUMNS as readonly string[]).includes(lower) && (!identifier || identifier === lower)) return { kind: 'identifier', key: lower };
    if (operation === 'bulk_track_events' && EVENT_COLUMNS[lower]) return { kind: 'field', key: EVENT_COLUMNS[lower]! };
    return { kind: 'data', key: name };
  });
  if (!columns.some((c) => c.kind === 'identifier')) {
    throw new UsageError(`the CSV header needs a column that identifies the person: ${identifier ?? IDENTIFIER_COLUMNS.join(', ')}`);
  }
  if (operation === 'bulk_track_events' && !columns.some((c) => c.key === 'name' && c.kind === 'field')) {
    throw new UsageError('a CSV of events needs a "name" column');
  }
  return columns;
}

/** A CSV row as an item in the NDJSON shape; empty cells are left out, values stay strings (timestamps become numbers). */
function csvItem(columns: Column[], values: string[], line: number, operation: ImportOperation): Row {
  const identifiers: Item = {};
  const item: Item = { identifiers };
  const data: Item = {};
  columns.forEach((column, i) => {
    const value = values[i];
    if (value === undefined || value === '') return;
    if (column.kind === 'identifier') identifiers[column.key] = value;
    else if (column.kind === 'field') item[column.key] = column.key === 'timestamp' && /^\d{1,15}$/.test(value) ? Number(value) : value;
    else data[column.key] = value;
  });
  if (Object.keys(data).length > 0) item[OPERATIONS[operation].dataKey] = data;
  if (values.length !== columns.length) {
    return { line, item, failure: { reason: 'parse_error', message: `the row has ${values.length} field${values.length === 1 ? '' : 's'} and the header ${columns.length}` } };
  }
  const given = Object.keys(identifiers);
  if (given.length !== 1) {
    const choices = columns.filter((c) => c.kind === 'identifier').map((c) => c.key).join(', ');
    return {
      line, item,
      failure: { reason: 'invalid', field: 'identifiers', message: `a row needs exactly one of ${choices} filled in; this one has ${given.length ? given.join(' and ') : 'none'}` },
    };
  }
  return { line, item };
}

// csv-parse's own line count takes a CRLF inside quotes for two lines, so lines are counted here
// from each record's raw text: the raw texts follow one another through the file, a skipped empty
// line leads the next record's, and a CRLF, a CR or an LF is one line break.
const BREAKS = /\r\n|\r|\n/g;
const LEADING_BREAKS = /^(?:\r\n|\r|\n)*/;
function breaks(text: string | undefined): number {
  return text ? (text.match(BREAKS)?.length ?? 0) : 0;
}

/** Opens the CSV and reads its header (usage errors surface before anything is sent); rows follow lazily. */
export async function csvRows(file: string, operation: ImportOperation, identifier: ImportOptions['identifier'], read: { bytes: number }): Promise<Source> {
  // Records csv-parse could not read, in order, each after the records emitted before it.
  const skipped: { after: number; raw: string | undefined; message: string }[] = [];
  const parser: Parser = createReadStream(file).pipe(
    parseCsv({
      bom: true,
      info: true,
      raw: true,
      skip_empty_lines: true,
      relax_column_count: true, // a row of the wrong width is one failed item, not the end of the import
      relax_quotes: true,
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined, raw: string | undefined) => {
        skipped.push({ after: parser.info.records, raw, message: `not a CSV record: ${error?.message ?? 'unreadable'}` });
        return undefined;
      },
    }),
  );
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<{ record: string[]; raw?: string }>;
  let line = 1; // where the next raw text starts
  let emitted = 0;
  /** The line a record starts on, moving past its text. */
  const startOf = (raw: string | undefined): number => {
    const start = line + breaks(LEADING_BREAKS.exec(raw ?? '')?.[0]);
    line += breaks(raw);
    return start;
  };
  const first = await records.next();
  emitted++;
  if (first.done) {
    parser.destroy();
    throw new UsageError(`${file} is empty: a CSV needs a header row`);
  }
  let columns: Column[];
  try {
    columns = csvColumns(first.value.record, operation, identifier);
    startOf(first.value.raw);
  } catch (error) {
    parser.destroy();
    throw error;
  }
  const rows = (async function* () {
    try {
      const skippedRows = function* (): Generator<Row> {
        while (skipped.length && skipped[0]!.after <= emitted) {
          const { raw, message } = skipped.shift()!;
          yield { line: startOf(raw), item: raw?.replace(LEADING_BREAKS, '') ?? null, failure: { reason: 'parse_error', message } };
        }
      };
      for (let next = await records.next(); !next.done; next = await records.next()) {
        yield* skippedRows();
        emitted++;
        read.bytes = parser.info.bytes;
        yield csvItem(columns, next.value.record, startOf(next.value.raw), operation);
      }
      read.bytes = parser.info.bytes;
      emitted = Infinity;
      yield* skippedRows();
    } finally {
      parser.destroy();
    }
  })();
  return { rows, close: () => parser.destroy() };
}

// ---------------------------------------------------------------------------------------------
// Progress

const count = (n: number) => Math.round(n).toLocaleString('en-US');

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

/** Draws progress from the state it is handed: a bar redrawn in place on a TTY, or plain lines. */
export class ProgressBar {
  private timer: NodeJS.Timeout | undefined;
  private readonly started = performance.now();

  constructor(
    private readonly out: ProgressStream,
    private readonly state: () => ImportProgress,
    private readonly intervalMs = out.isTTY ? 200 : 2000,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.draw(), this.intervalMs);
    this.timer.unref();
  }

  /** One progress text: share of the file read, items settled (and the estimated total), items/s, ETA. */
  text(final = false): string {
    const p = this.state();
    const elapsed = (performance.now() - this.started) / 1000;
    // The share of the file read stands for the share of items: their total is known only at the end.
    const share = final || p.file_bytes === 0 ? 1 : Math.min(1, p.bytes_read / p.file_bytes);
    const perSecond = elapsed > 0 ? p.done / elapsed : 0;
    const estimate = final ? p.read : p.bytes_read > 0 ? p.read / share : NaN;
    const total = Number.isFinite(estimate) ? `${final ? '' : '~'}${count(estimate)}` : '?';
    const time = final ? `in ${duration(elapsed)}` : `ETA ${duration(share > 0 ? (elapsed * (1 - share)) / share : Infinity)}`;
    const failed = p.failed ? `, ${count(p.failed)} failed` : '';
    const pct = `${(share * 100).toFixed(1).padStart(5)}%`;
    if (!this.out.isTTY) return `import: ${pct} ${count(p.done)}/${total} items, ${count(perSecond)} items/s, ${time}${failed}`;
    const width = 24;
    const filled = Math.round(share * width);
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct} ${count(p.done)}/${total} · ${count(perSecond)} items/s · ${time}${failed}`;
  }

  draw(final = false): void {
    this.out.write(this.out.isTTY ? `\r${this.text(final)}\x1b[K${final ? '\n' : ''}` : `${this.text(final)}\n`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.draw(true);
  }
}

// ---------------------------------------------------------------------------------------------
// The import

interface Pending {
  /** Position among the file's items, and runBulk's position (rows refused here never reach it). */
  index: number;
  bulkIndex: number;
  line: number;
  item: unknown;
}

/** Streams the file through runBulk and writes every failed item to the failed file. */
export async function importFile(registry: BulkRuntime, options: ImportOptions): Promise<ImportSummary> {
  const { operation, file } = options;
  const spec = OPERATIONS[operation];
  const kind = fileKind(file);
  if (!kind) throw new UsageError(`--file must end in .ndjson, .jsonl or .csv: ${file}`);
  const failedFile = options.failedFile ?? `${file}.failed.ndjson`;
  if (resolve(failedFile) === resolve(file)) throw new UsageError('--failed must not be the file being imported');
  const fileBytes = statSync(file).size;
  const read = { bytes: 0 };
  const started = performance.now();
  const source: Source = kind === 'csv'
    ? await csvRows(file, operation, options.identifier, read)
    : { rows: ndjsonRows(file, itemKeys(registry, operation), read), close: () => {} };

  const failedOut = createWriteStream(failedFile); // replaces the failed file of an earlier run
  try {
    await once(failedOut, 'open');
  } catch (error) {
    source.close();
    throw new UsageError(`--failed ${failedFile} cannot be written (${(error as Error).message})`);
  }
  let writeError: Error | undefined;
  failedOut.on('error', (error) => void (writeError ??= error));
  let failedWritten = 0;
  const writeFailure = (pending: Omit<Pending, 'bulkIndex'>, failure: Omit<ItemFailure, 'index'>) => {
    failedWritten++;
    const record: ImportFailureRecord = {
      line: pending.line, index: pending.index, reason: failure.reason,
      ...(failure.field ? { field: failure.field } : {}), message: failure.message, item: pending.item,
    };
    failedOut.write(`${JSON.stringify(record)}\n`);
  };

  // Items between being read and being settled, so that a failure reported later (a 207, a failed
  // batch) can be written with its line and item. At most the open batch plus those in flight.
  const unbatched: Pending[] = []; // read, validated or packed, not yet in a sent batch (in order)
  const inBatch = new Map<number, Pending>(); // bulkIndex → item, while its batch is in flight
  const batchOf = new WeakMap<Envelope, Pending[]>();
  let settling: Pending[] | undefined;
  let itemsRead = 0, refusedHere = 0, bulkIndex = 0;
  let bulkDone = 0, bulkAccepted = 0, bulkFailed = 0;

  // runBulk packs items in the order it reads them and calls execute() once per batch, in order,
  // so a batch of n entities is always the first n items not yet batched.
  const tracked: BulkRuntime = {
    connector: (name) => registry.connector(name),
    async execute(call) {
      const size = Array.isArray(call.input?.batch) ? call.input.batch.length : 0;
      const batch = unbatched.splice(0, size);
      for (const pending of batch) inBatch.set(pending.bulkIndex, pending);
      const result = await registry.execute(call);
      batchOf.set(result, batch);
      return result;
    },
  };

  async function* entities(): AsyncGenerator<Item> {
    for await (const row of source.rows) {
      // A slow disk under many failures pauses reading rather than buffering the failed file.
      if (failedOut.writableNeedDrain) await once(failedOut, 'drain');
      const index = itemsRead++;
      if (row.failure) {
        refusedHere++;
        writeFailure({ index, line: row.line, item: row.item }, row.failure);
        continue;
      }
      unbatched.push({ index, bulkIndex: bulkIndex++, line: row.line, item: row.item });
      yield spec.toEntity(row.item as Item);
    }
  }

  const itemPath = operation === 'bulk_track_events' ? (message: string) => message.replace(/"item\.attributes/g, '"item.data') : (message: string) => message;
  const state = (): ImportProgress => ({
    done: bulkDone + refusedHere, accepted: bulkAccepted, failed: bulkFailed + refusedHere, read: itemsRead, bytes_read: read.bytes, file_bytes: fileBytes,
  });
  const bar = options.progress ? new ProgressBar(options.progress, state, options.progressIntervalMs) : undefined;
  bar?.start();

  let summary;
  try {
    summary = await runBulk(tracked, entities(), {
      auth: options.auth,
      concurrency: options.concurrency ?? 4,
      execute: options.execute,
      onFailure: (failure) => {
        let pending: Pending | undefined;
        if (unbatched.at(-1)?.bulkIndex === failure.index) pending = unbatched.pop(); // refused before packing
        else {
          pending = inBatch.get(failure.index); // rejected in a 207, or its batch failed
          inBatch.delete(failure.index);
        }
        const message = itemPath(failure.message.replaceAll(`items[${failure.index}]`, 'item'));
        writeFailure(pending ?? { index: -1, line: 0, item: null }, { ...failure, message });
      },
      // runBulk reports a batch's envelope, then its rejected items, then progress, all at once:
      // what is still in flight of that batch at the progress call was accepted.
      onBatch: (result) => {
        settling = batchOf.get(result);
      },
      onProgress: (progress) => {
        for (const pending of settling ?? []) inBatch.delete(pending.bulkIndex);
        settling = undefined;
        bulkDone = progress.done;
        bulkAccepted = progress.accepted;
        bulkFailed = progress.failed;
        options.onProgress?.(state());
      },
    });
  } finally {
    failedOut.end();
    await finished(failedOut).catch(() => {}); // a write error is reported below
    bar?.stop();
  }
  if (writeError) throw new Error(`the failed items could not be written to ${failedFile}: ${writeError.message}`);
  if (failedWritten === 0) rmSync(failedFile, { force: true });

  const seconds = (performance.now() - started) / 1000;
  const total = summary.total + refusedHere;
  return {
    total,
    accepted: summary.accepted,
    failed: summary.failed + refusedHere,
    batches: summary.batches,
    average_batch_bytes: summary.average_batch_bytes,
    average_batch_fill: summary.average_batch_fill,
    seconds: Number(seconds.toFixed(2)),
    items_per_second: seconds > 0 ? Math.round(total / seconds) : total,
    max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    failed_file: failedWritten > 0 ? failedFile : null,
    ...(summary.stopped && !summary.stopped.ok ? { stopped: { code: summary.stopped.error.code, message: summary.stopped.error.message } } : {}),
  };
}

/** Where `import` draws its progress, and a hook for callers that sample it. */
export interface ImportIo {
  /** Default process.stderr; null for no progress. */
  progress?: ProgressStream | null;
  onProgress?: (progress: ImportProgress) => void;
}

/** `cio-connectors import <connector> <bulk-operation> --file … --auth …`: the summary, exit 0 (all accepted) or 1. */
export async function runImportCommand(argv: string[], env: NodeJS.ProcessEnv, registry: BulkRuntime | undefined, io: ImportIo = {}): Promise<CliResult> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      file: { type: 'string' },
      failed: { type: 'string' },
      auth: { type: 'string' },
      region: { type: 'string' },
      origin: { type: 'string' },
      concurrency: { type: 'string' },
      identifier: { type: 'string' },
      timeout: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { output: `Usage:\n${IMPORT_USAGE}`, exitCode: 0 };
  const [connector, operation, extra] = positionals;
  if (!connector || !operation || extra !== undefined) throw new UsageError('import needs a connector and a bulk operation, such as: import customer-io bulk_identify_customers --file people.csv');
  if (connector !== 'customer-io' || !(operation in OPERATIONS)) {
    throw new UsageError(`import sends to customer-io ${Object.keys(OPERATIONS).join(' or ')}, not ${connector} ${operation}`);
  }
  if (!values.file) throw new UsageError('import needs --file <people.ndjson|people.csv>');
  if (!fileKind(values.file)) throw new UsageError(`--file must end in .ndjson, .jsonl or .csv: ${values.file}`);
  try {
    if (!statSync(values.file).isFile()) throw new Error('not a file');
  } catch (error) {
    throw new UsageError(`--file ${values.file} cannot be read (${(error as Error).message})`);
  }
  const concurrency = values.concurrency === undefined ? 4 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) throw new UsageError('--concurrency must be a whole number from 1 to 16');
  const identifier = values.identifier?.toLowerCase();
  if (identifier !== undefined && !(IDENTIFIER_COLUMNS as readonly string[]).includes(identifier)) {
    throw new UsageError(`--identifier must be one of ${IDENTIFIER_COLUMNS.join(', ')}`);
  }
  const auth = authArgument(connector, values.auth, values.region, env, 'import');
  const timeoutMs = timeoutArgument(values.timeout);
  const loaded = registry ?? (await loadConnectors());

  const summary = await importFile(loaded, {
    operation: operation as ImportOperation,
    file: values.file,
    ...(values.failed ? { failedFile: values.failed } : {}),
    auth,
    execute: { ...(values.origin ? { origin: values.origin } : {}), ...(timeoutMs ? { timeoutMs } : {}) },
    concurrency,
    ...(identifier ? { identifier: identifier as ImportOptions['identifier'] } : {}),
    progress: values.quiet ? null : io.progress === undefined ? process.stderr : io.progress,
    ...(io.onProgress ? { onProgress: io.onProgress } : {}),
  });
  return { output: summary, exitCode: summary.failed === 0 ? 0 : 1 };
}
