// The bulk operations a file can be imported into, the item shape they take, and the row type
// every source (NDJSON, CSV) produces.
import type { BulkFailure, Item } from '../../runtime/bulk-session.js';

export type { Item } from '../../runtime/bulk-session.js';

/**
 * The bulk operations a file can be imported into, and the item key a CSV row's other columns
 * go to (the person's attributes, or the event's data). How an item becomes a batch entry is the
 * operation's definition's to say.
 */
export const OPERATIONS = {
  bulk_identify_customers: { dataKey: 'attributes' },
  bulk_track_events: { dataKey: 'data' },
} as const;
export type ImportOperation = keyof typeof OPERATIONS;

export function isImportOperation(name: string): name is ImportOperation {
  return Object.hasOwn(OPERATIONS, name);
}

/** CSV columns that choose the person (case-insensitive). */
export const IDENTIFIER_COLUMNS = ['id', 'email', 'cio_id', 'phone'] as const;
export type IdentifierColumn = (typeof IDENTIFIER_COLUMNS)[number];
/**
 * When a row fills in several identifier columns, the first of these identifies the person and
 * the others are sent as attributes (unless --identifier names the column).
 */
export const IDENTIFIER_PRECEDENCE: readonly IdentifierColumn[] = ['id', 'cio_id', 'email', 'phone'];

export function isIdentifierColumn(name: string): name is IdentifierColumn {
  return (IDENTIFIER_COLUMNS as readonly string[]).includes(name);
}

/** One item of the file, as a source reads it. */
export interface Row {
  /** Position among the file's items (0-based; blank lines and the CSV header are not items). */
  index: number;
  /** Line of the file where the item starts (1-based). */
  line: number;
  item: unknown;
  /** Set when the row is refused before sending (not JSON, not UTF-8, no identifier…). */
  failure?: Omit<BulkFailure<unknown>, 'ref'>;
  /** The identifier column a CSV row was identified by. */
  identifiedBy?: IdentifierColumn;
  /**
   * What Source.itemOf reads the item again from: the CSV record's raw text, or where the NDJSON
   * line is in the file (`at`, `length`). The import keeps this rather than the item while the
   * item's batch is out, and reads the item again only if it fails: a number or a short string
   * kept alive costs the garbage collector far less than an object tree (or, for a line cut from
   * a read, the whole read it was cut from).
   */
  text?: string;
  at?: number;
  length?: number;
}

/** Rows of the file, read lazily from after `skipThrough`; close() releases the file when they are never read. */
export interface Source {
  /** The rows as they are read, a read chunk's worth at a time (what the import loop takes). */
  chunks: AsyncIterable<Row[]>;
  /** The same rows one by one; read either this or `chunks`, not both. */
  rows: AsyncIterable<Row>;
  /** A row's item again, from its `text`, or from its bytes at `at` in the file (-1: none). */
  itemOf?(text: string | undefined, at: number, length: number): unknown;
  /** Bytes of the file read so far (for progress). */
  bytesRead(): number;
  close(): void;
}

export function isObject(value: unknown): value is Item {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The keys an item may have, from the operation's item schema. */
export function itemKeys(itemSchema: Record<string, unknown>): Set<string> {
  return new Set(Object.keys((itemSchema.properties as object | undefined) ?? {}));
}

/** An item must be an object with the operation's keys only (a misspelt key would otherwise be lost silently). */
export function checkedItem(value: unknown, keys: Set<string>): Pick<Row, 'item' | 'failure'> {
  if (!isObject(value)) return { item: value, failure: { reason: 'invalid', message: `an item must be a JSON object with ${[...keys].join(', ')}` } };
  for (const key of Object.keys(value)) {
    if (!keys.has(key)) return { item: value, failure: { reason: 'invalid', field: key, message: `unknown key "${key}": an item has ${[...keys].join(', ')}` } };
  }
  return { item: value };
}

/** Rows one by one from a source's chunks. */
export async function* rowsOf(chunks: AsyncIterable<Row[]>): AsyncGenerator<Row> {
  for await (const chunk of chunks) yield* chunk;
}

/** The identifier an item names (`identifiers: {email: …}` → email), when it is one of the four. */
export function identifierOf(item: unknown): IdentifierColumn | undefined {
  const identifiers = isObject(item) ? item.identifiers : undefined;
  if (!isObject(identifiers)) return undefined;
  const keys = Object.keys(identifiers);
  return keys.length === 1 && isIdentifierColumn(keys[0]!) ? keys[0] : undefined;
}
