// The bulk operations a file can be imported into, the item shape they take, and the row type
// every source (NDJSON, CSV) produces.
import type { BulkRuntime, ItemFailure } from '../../runtime/bulk/run-bulk.js';
import { eventItemToEntity, identifyItemToEntity } from '../../runtime/handlers/bulk.js';

export type Item = Record<string, unknown>;

/** The bulk operations a file can be imported into, with the item → v2 entity mapping they use. */
export const OPERATIONS = {
  bulk_identify_customers: { listKey: 'people', toEntity: identifyItemToEntity, dataKey: 'attributes', hasEventIds: false },
  bulk_track_events: { listKey: 'events', toEntity: eventItemToEntity, dataKey: 'data', hasEventIds: true },
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
  failure?: Omit<ItemFailure, 'index'>;
  /** The identifier column a CSV row was identified by. */
  identifiedBy?: IdentifierColumn;
}

/** Rows of the file, read lazily from after `skipThrough`; close() releases the file when they are never read. */
export interface Source {
  rows: AsyncIterable<Row>;
  /** Bytes of the file read so far (for progress). */
  bytesRead(): number;
  close(): void;
}

export function isObject(value: unknown): value is Item {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The keys an item of the operation may have, from its definition (`people[]` / `events[]`). */
export function itemKeys(registry: BulkRuntime, operation: ImportOperation): Set<string> {
  const definition = registry.connector('customer-io')?.operationsByName.get(operation);
  const list = (definition?.input_schema as { properties?: Record<string, { items?: { properties?: Item } }> } | undefined)?.properties?.[OPERATIONS[operation].listKey];
  return new Set(Object.keys(list?.items?.properties ?? {}));
}

/** An item must be an object with the operation's keys only (a misspelt key would otherwise be lost silently). */
export function checkedItem(value: unknown, keys: Set<string>): Pick<Row, 'item' | 'failure'> {
  if (!isObject(value)) return { item: value, failure: { reason: 'invalid', message: `an item must be a JSON object with ${[...keys].join(', ')}` } };
  const unknown = Object.keys(value).find((key) => !keys.has(key));
  if (unknown !== undefined) {
    return { item: value, failure: { reason: 'invalid', field: unknown, message: `unknown key "${unknown}": an item has ${[...keys].join(', ')}` } };
  }
  return { item: value };
}

/** The identifier an item names (`identifiers: {email: …}` → email), when it is one of the four. */
export function identifierOf(item: unknown): IdentifierColumn | undefined {
  const identifiers = isObject(item) ? item.identifiers : undefined;
  if (!isObject(identifiers)) return undefined;
  const keys = Object.keys(identifiers);
  return keys.length === 1 && isIdentifierColumn(keys[0]!) ? keys[0] : undefined;
}
