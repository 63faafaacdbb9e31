// CSV rows as items in the NDJSON shape, read lazily in constant memory. csv-parse reads the
// records; before it, CsvRecordGuard bounds each record's size. csv-parse decodes as latin1, which
// maps every byte to one character, so each cell can be checked as UTF-8 byte for byte and a cell
// that is not UTF-8 is refused naming its line and column rather than imported with U+FFFD.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { parse as parseCsv, type CsvError, type Options as CsvParseOptions, type Parser } from 'csv-parse';
import { parse as parseCsvText } from 'csv-parse/sync';
import { setOwn } from '../../runtime/own-property.js';
import { UsageError } from '../args.js';
import { CsvRecordGuard } from './csv-record-guard.js';
import { DecodeToUtf8, DEFAULT_READING, missingEventNameHint, missingIdentifierHint, NOT_UTF8_HINT, type CsvReading } from './csv-reading.js';
import {
  IDENTIFIER_COLUMNS, IDENTIFIER_PRECEDENCE, isIdentifierColumn, OPERATIONS,
  rowsOf as rowsOfChunks, type IdentifierColumn, type ImportOperation, type Item, type Row, type Source,
} from './operations.js';
import { readBatches } from './read-batches.js';
import { firstInvalidUtf8 } from './utf8.js';

/** A record longer than this cannot be an item (each is under 32 KB); it is cut and reported, not buffered. */
export const MAX_RECORD_BYTES = 1024 * 1024;
/** Bytes per read: fewer, larger reads cost less per record. */
const READ_BYTES = 16 * 1024;

/** A record as csv-parse hands it over with `raw: true`. */
interface CsvRecord {
  record: string[];
  raw?: string;
}

/** Further CSV columns of bulk_track_events: column → item key (`id` names the person, so the event's own ID is `event_id`). */
const EVENT_COLUMNS: Record<string, string> = { name: 'name', timestamp: 'timestamp', event_id: 'id' };

type Column =
  | { kind: 'identifier'; key: IdentifierColumn; name: string }
  | { kind: 'field'; key: string; name: string }
  | { kind: 'data'; key: string; name: string };

const NON_ASCII = /[\x80-\xff]/;

/** A cell as read (latin1: one character per byte) → its UTF-8 text, or where it is not UTF-8. */
function utf8Cell(raw: string): { text: string } | { byte: number; char: number } {
  if (!NON_ASCII.test(raw)) return { text: raw };
  const bytes = Buffer.from(raw, 'latin1');
  const invalid = firstInvalidUtf8(bytes);
  return invalid ?? { text: bytes.toString('utf8') };
}

/** What each header column becomes in the item (its name as --column renames it). */
function csvColumns(header: string[], operation: ImportOperation, identifier: IdentifierColumn | undefined, reading: CsvReading): Column[] {
  const written = header.map((raw, i) => {
    const cell = utf8Cell(raw);
    if (!('text' in cell)) throw new UsageError(`the CSV header is not UTF-8: column ${i + 1}, byte ${cell.byte}; ${NOT_UTF8_HINT}`);
    return cell.text.trim();
  });
  if (written.some((name) => name.includes('\u0000'))) {
    throw new UsageError('the CSV header holds NUL characters, as UTF-16 text read as UTF-8 does: import it with --encoding utf-16le (or utf-16be), or save it as UTF-8');
  }
  // --column names the file's header exactly as written (case and all), then case aside.
  const renames = reading.columns.map(([from, to]) => {
    const at = written.indexOf(from) !== -1 ? written.indexOf(from) : written.findIndex((name) => name.toLowerCase() === from.toLowerCase());
    if (at === -1) throw new UsageError(`--column ${from}=${to}: the CSV header has no column ${JSON.stringify(from)} (it has ${written.map((name) => JSON.stringify(name)).join(', ')})`);
    return [at, to] as const;
  });
  const names = written.map((name, i) => renames.find(([at]) => at === i)?.[1] ?? name);
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    if (!name) throw new UsageError(`the CSV header has an empty column name (column ${i + 1}); name it in the file, or with --column`);
    const earlier = seen.get(name.toLowerCase());
    if (earlier !== undefined) {
      const hint = written[earlier] !== written[i] ? `; give one of them another name with --column, such as --column ${written[i]}=${written[i]}_2` : '; rename one of them in the file';
      throw new UsageError(`the CSV header names the column "${name}" twice (columns ${earlier + 1} and ${i + 1})${hint}`);
    }
    seen.set(name.toLowerCase(), i);
  });
  const columns = names.map((name): Column => {
    const lower = name.toLowerCase();
    if (isIdentifierColumn(lower)) return { kind: 'identifier', key: lower, name };
    if (operation === 'bulk_track_events' && EVENT_COLUMNS[lower]) return { kind: 'field', key: EVENT_COLUMNS[lower]!, name };
    return { kind: 'data', key: name, name };
  });
  const identifiers = columns.filter((c) => c.kind === 'identifier');
  if (identifier && !identifiers.some((c) => c.key === identifier)) {
    throw new UsageError(`--identifier ${identifier}: the CSV header has no "${identifier}" column (it has ${names.map((name) => JSON.stringify(name)).join(', ')}); name one with --column <header>=${identifier}`);
  }
  if (identifiers.length === 0) {
    throw new UsageError(`the CSV header needs a column that identifies the person: ${IDENTIFIER_COLUMNS.join(', ')} (it has ${names.map((name) => JSON.stringify(name)).join(', ')})${missingIdentifierHint(written, reading)}`);
  }
  if (operation === 'bulk_track_events' && !columns.some((c) => c.kind === 'field' && c.key === 'name')) {
    throw new UsageError(`a CSV of events needs a "name" column (it has ${names.map((name) => JSON.stringify(name)).join(', ')})${missingEventNameHint(written)}`);
  }
  return columns;
}

/**
 * csvItem for the common row: as wide as the header, all ASCII, nothing cut, an identifier
 * filled in. The same item, made without the per-cell checks and objects the general case needs
 * (a million rows are a million times what a row costs); undefined when the row is not such a one.
 */
function plainCsvItem(columns: Column[], cells: string[], operation: ImportOperation, identifier: IdentifierColumn | undefined, layout: IdentifierLayout): Omit<Row, 'index' | 'line'> | undefined {
  if (cells.length !== columns.length) return undefined;
  // The identifier: the one --identifier names, else the first filled of id, cio_id, email, phone.
  let chosen: IdentifierColumn | undefined;
  let chosenAt = -1;
  for (const key of identifier ? [identifier] : IDENTIFIER_PRECEDENCE) {
    const at = layout.at[key];
    if (at !== undefined && cells[at] !== '') {
      chosen = key;
      chosenAt = at;
      break;
    }
  }
  if (chosen === undefined) return undefined;
  const fields: Item = {};
  const data: Item = {};
  for (let i = 0; i < columns.length; i++) {
    const value = cells[i]!;
    const column = columns[i]!;
    if (value === '' || column.kind === 'identifier') continue;
    if (column.kind === 'field') fields[column.key] = column.key === 'timestamp' && /^\d{1,15}$/.test(value) ? Number(value) : value;
    else setOwn(data, column.key, value);
  }
  // The other identifier cells filled in are data, after the rest, in column order.
  for (const at of layout.columns) if (at !== chosenAt && cells[at] !== '') setOwn(data, columns[at]!.name, cells[at]!);
  const item: Item = { identifiers: { [chosen]: cells[chosenAt]! }, ...fields };
  for (const _ in data) {
    item[OPERATIONS[operation].dataKey] = data;
    break;
  }
  return { item, identifiedBy: chosen };
}

/** Where a CSV's identifier columns are, worked out once from its header (each key names one column at most). */
interface IdentifierLayout {
  at: Partial<Record<IdentifierColumn, number>>;
  /** Their positions, in column order. */
  columns: number[];
}

function identifierLayout(columns: Column[]): IdentifierLayout {
  const layout: IdentifierLayout = { at: {}, columns: [] };
  columns.forEach((column, i) => {
    if (column.kind !== 'identifier') return;
    layout.at[column.key] = i;
    layout.columns.push(i);
  });
  return layout;
}

/** A CSV row as an item in the NDJSON shape; empty cells are left out, values stay strings (timestamps become numbers). */
function csvItem(columns: Column[], cells: string[], operation: ImportOperation, identifier: IdentifierColumn | undefined, guard: CsvRecordGuard, maxRecordBytes: number): Omit<Row, 'index' | 'line'> {
  const filled = new Map<IdentifierColumn, { value: string; name: string }>();
  const fields: Item = {};
  const data: Item = {};
  // A cut record: its marker is in the cell where the cut began (perhaps one past the header's width).
  const cutAt = cells.findIndex((cell) => guard.cutsIn(cell).length > 0);
  let notUtf8: string | undefined;
  columns.forEach((column, i) => {
    let value = cells[i];
    if (value === undefined) return;
    const cuts = guard.cutsIn(value);
    if (cuts.length) {
      value = `[${cuts.reduce((n, c) => n + c.bytes, 0) + guard.withoutMarker(value).length} bytes, left out]`; // latin1: a character per byte
    } else {
      const cell = utf8Cell(value);
      if (!('text' in cell)) {
        notUtf8 ??= `column ${i + 1} ("${column.name}") is not UTF-8: byte ${cell.byte} (character ${cell.char}) of the cell starts an invalid sequence; ${NOT_UTF8_HINT}`;
        value = Buffer.from(value, 'latin1').toString('utf8'); // shown in the failed file, U+FFFD and all
      } else {
        value = cell.text;
      }
    }
    if (value === '') return;
    // Column names are the person's own: set as own properties, so `__proto__` or `constructor` is an attribute like any other.
    if (column.kind === 'identifier') filled.set(column.key, { value, name: column.name });
    else if (column.kind === 'field') fields[column.key] = column.key === 'timestamp' && /^\d{1,15}$/.test(value) ? Number(value) : value;
    else setOwn(data, column.key, value);
  });

  // The identifier: the one --identifier names, else the first filled of id, cio_id, email, phone.
  // The other identifier cells are attributes of the person (data of the event).
  const chosen = identifier ?? IDENTIFIER_PRECEDENCE.find((key) => filled.has(key));
  const identifiers: Item = {};
  if (chosen && filled.has(chosen)) identifiers[chosen] = filled.get(chosen)!.value;
  for (const [key, { value, name }] of filled) if (key !== chosen) setOwn(data, name, value);
  const item: Item = { identifiers, ...fields };
  if (Object.keys(data).length > 0) item[OPERATIONS[operation].dataKey] = data;

  if (cutAt !== -1) {
    const bytes = guard.cutsIn(cells[cutAt]!).reduce((n, c) => n + c.bytes, 0);
    const name = columns[cutAt]?.name ?? `${cutAt + 1}`;
    return { item, failure: { reason: 'invalid', field: name, message: `the row is larger than ${maxRecordBytes} bytes (column "${name}" and what follows: ${bytes} bytes more were left out); an item is under 32 KB` } };
  }
  if (notUtf8) return { item, failure: { reason: 'invalid_utf8', message: notUtf8 } };
  if (cells.length !== columns.length) {
    return { item, failure: { reason: 'parse_error', message: `the row has ${cells.length} field${cells.length === 1 ? '' : 's'} and the header ${columns.length}` } };
  }
  if (!chosen || !filled.has(chosen)) {
    const message = identifier
      ? `the --identifier column "${identifier}" is empty on this row`
      : `no identifier: fill in one of ${columns.filter((c) => c.kind === 'identifier').map((c) => c.name).join(', ')} (or name the column to use with --identifier)`;
    return { item, failure: { reason: 'invalid', field: 'identifiers', message } };
  }
  return { item, identifiedBy: chosen };
}

// csv-parse's own line count takes a CRLF inside quotes for two lines, so lines are counted here
// from each record's raw text: the raw texts follow one another through the file, a skipped empty
// line leads the next record's, and a CRLF, a CR or an LF is one line break. A cut record's
// dropped line breaks are added back from its marker.
// Counted with indexOf rather than a regular expression's matches: an array per record was most
// of what counting cost.
const LEADING_BREAKS = /^(?:\r\n|\r|\n)*/;
function breaks(text: string | undefined, from = 0, to = text?.length ?? 0): number {
  if (!text) return 0;
  let count = 0;
  const cr = text.indexOf('\r', from);
  if (cr === -1 || cr >= to) {
    // LF only, the common case.
    for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1)) count++;
    return count;
  }
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) count++;
    else if (c === 13) {
      count++;
      if (i + 1 < to && text.charCodeAt(i + 1) === 10) i++; // CRLF: one break
    }
  }
  return count;
}

/** Where a record's raw text begins after the empty lines csv-parse skipped before it. */
function afterLeadingBreaks(text: string): number {
  let at = 0;
  for (let c = text.charCodeAt(0); c === 10 || c === 13; c = text.charCodeAt(++at));
  return at;
}

export interface CsvOptions {
  operation: ImportOperation;
  identifier?: IdentifierColumn;
  /** Rows starting on a line up to this one were settled by an earlier run: counted, not yielded. */
  skipThrough?: number;
  maxRecordBytes?: number;
  /** --delimiter, --encoding and --column (default: comma-separated UTF-8, the header's own names). */
  reading?: CsvReading;
}

/** Opens the CSV and reads its header (usage errors surface before anything is sent); rows follow lazily. */
export async function csvSource(file: string, options: CsvOptions): Promise<Source> {
  const { operation, identifier, skipThrough = 0, reading = DEFAULT_READING } = options;
  const maxRecordBytes = options.maxRecordBytes ?? MAX_RECORD_BYTES;
  const guard = new CsvRecordGuard(maxRecordBytes, reading.delimiter);
  const input = createReadStream(file, { highWaterMark: READ_BYTES });
  const decode = reading.encoding === 'utf-8' ? undefined : new DecodeToUtf8(reading.encoding);
  // Records csv-parse could not read, in order, each after the records emitted before it.
  const skipped: { after: number; raw: string | undefined; message: string }[] = [];
  // How records are read: by the stream below, and again by itemOf for a record that failed.
  const parsing: CsvParseOptions = {
    encoding: 'latin1',
    delimiter: reading.delimiter,
    skip_empty_lines: true,
    relax_column_count: true, // a row of the wrong width is one failed item, not the end of the import
    relax_quotes: true,
  };
  const parser: Parser = parseCsv({
    ...parsing,
    // The raw text of each record counts its lines (startOf), and reads its item again (itemOf).
    // No `info`: its object per record cost more than the parsing, and parser.info (read in
    // on_skip) is kept without it.
    raw: true,
    skip_records_with_error: true,
    on_skip: (error: CsvError | undefined, raw: string | undefined) => {
      skipped.push({ after: parser.info.records, raw, message: `not a CSV record: ${error?.message ?? 'unreadable'}` });
      return undefined;
    },
  });
  // An error reaches the records' reader.
  if (decode) pipeline(input, decode, guard, parser, () => {});
  else pipeline(input, guard, parser, () => {});
  const records = readBatches<CsvRecord>(parser);
  const close = () => input.destroy();
  let line = 1; // where the next raw text starts
  let emitted = 0;
  /** The line a record starts on, moving past its text (and the breaks a cut took out of it). */
  const startOf = (raw: string | undefined): number => {
    if (raw === undefined) return line;
    const start = line + breaks(raw, 0, afterLeadingBreaks(raw));
    line += breaks(raw) + (guard.hasCut(raw) ? guard.cutsIn(raw).reduce((n, c) => n + c.breaks, 0) : 0);
    return start;
  };
  const next = async () => {
    try {
      return await records.next();
    } catch (error) {
      const message = (error as Error).message;
      throw message.startsWith('the file is UTF-16') ? new UsageError(`--file ${file}: ${message}`) : error;
    }
  };

  const first = await next().catch((error) => {
    close();
    throw error;
  });
  if (first.done) {
    close();
    throw new UsageError(`${file} is empty: a CSV needs a header row`);
  }
  const header = first.value[0]!;
  emitted++;
  let columns: Column[];
  let layout: IdentifierLayout;
  try {
    if (guard.cutsIn(header.raw ?? '').length) throw new UsageError(`the CSV header row is larger than ${maxRecordBytes} bytes`);
    columns = csvColumns(header.record, operation, identifier, reading);
    startOf(header.raw);
    layout = identifierLayout(columns);
  } catch (error) {
    close();
    throw error;
  }
  const chunks = (async function* (): AsyncGenerator<Row[]> {
    let index = 0;
    const skippedRows = (rows: Row[]) => {
      while (skipped.length && skipped[0]!.after <= emitted) {
        const { raw, message } = skipped.shift()!;
        const start = startOf(raw);
        const shown = raw === undefined ? null : Buffer.from(guard.withoutMarker(raw.replace(LEADING_BREAKS, '')), 'latin1').toString('utf8');
        if (start <= skipThrough) index++;
        else rows.push({ index: index++, line: start, item: shown, failure: { reason: 'parse_error', message } });
      }
    };
    /** The rows of a batch of records, from its `from`-th on. */
    const rowsOf = (batch: CsvRecord[], from: number): Row[] => {
      const rows: Row[] = [];
      for (let i = from; i < batch.length; i++) {
        const { record, raw } = batch[i]!;
        if (skipped.length) skippedRows(rows);
        emitted++;
        const start = startOf(raw);
        if (start <= skipThrough) {
          index++;
          continue;
        }
        // Most rows are plain (all ASCII, nothing cut): they take the short way.
        const plain = raw !== undefined && !NON_ASCII.test(raw) && !guard.hasCut(raw) ? plainCsvItem(columns, record, operation, identifier, layout) : undefined;
        const { item, failure, identifiedBy } = plain ?? csvItem(columns, record, operation, identifier, guard, maxRecordBytes);
        rows.push(failure ? { index: index++, line: start, item, failure } : { index: index++, line: start, item, identifiedBy, text: raw });
      }
      return rows;
    };
    try {
      let rows = rowsOf(first.value, 1);
      if (rows.length) yield rows;
      for (let batch = await next(); !batch.done; batch = await next()) {
        rows = rowsOf(batch.value, 0);
        if (rows.length) yield rows;
      }
      emitted = Infinity;
      rows = [];
      skippedRows(rows);
      if (rows.length) yield rows;
    } finally {
      close();
    }
  })();
  /** A record's item again from its raw text (a record that read well before, so it reads the same). */
  const itemOf = (raw: string | undefined): unknown => {
    const [record] = parseCsvText(Buffer.from(raw ?? '', 'latin1'), parsing) as string[][];
    return csvItem(columns, record ?? [], operation, identifier, guard, maxRecordBytes).item;
  };
  return { chunks, rows: rowsOfChunks(chunks), itemOf, bytesRead: () => decode?.bytesIn ?? guard.bytesIn, close };
}
