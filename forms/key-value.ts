// Name → value maps (custom attributes, event data kept as fields, headers, topics): the rows a
// person edits and what they mean. A row is a name, a kind (text, number, yes/no or JSON) and
// what was typed; a value keeps the kind the person chose, so "42" typed as text stays text.
// A new row starts empty and means nothing until it has a name; a row that cannot mean a value
// (a value without a name, a name used twice, "4x" as a number, JSON that does not parse) is a
// problem the form reports and that stops a run, never a value quietly dropped or changed.
import { readJsonField } from './json-text.js';
import type { JsonSchema } from './schema-form.js';

export type ValueKind = 'text' | 'number' | 'boolean' | 'json';

export const VALUE_KIND_LABELS: Record<ValueKind, string> = { text: 'text', number: 'number', boolean: 'true/false', json: 'JSON' };

export interface MapRow {
  key: string;
  kind: ValueKind;
  /** What was typed; for yes/no, "true", "false" or "" (not chosen yet). */
  text: string;
}

export interface RowProblem {
  /** The row's index. */
  row: number;
  problem: string;
}

function typesOf(schema: JsonSchema | undefined): string[] {
  const type = schema?.type;
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? type.filter((t): t is string => typeof t === 'string') : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The schema every value of a map must meet: its `additionalProperties`, or anything. */
export function mapValueSchema(schema: JsonSchema): JsonSchema {
  return isObject(schema.additionalProperties) ? schema.additionalProperties : {};
}

/** Whether a map's values may be whole numbers only (an `integer` type with no `number`). */
function integersOnly(valueSchema: JsonSchema): boolean {
  const types = typesOf(valueSchema);
  return types.includes('integer') && !types.includes('number');
}

/** The kinds a value may take, in the order the chooser offers them (text first when it is allowed). */
export function valueKinds(valueSchema: JsonSchema): ValueKind[] {
  const types = typesOf(valueSchema);
  if (types.length === 0) return ['text', 'number', 'boolean', 'json'];
  const kinds: ValueKind[] = [];
  if (types.includes('string')) kinds.push('text');
  if (types.includes('number') || types.includes('integer')) kinds.push('number');
  if (types.includes('boolean')) kinds.push('boolean');
  if (types.includes('object') || types.includes('array') || types.includes('null')) kinds.push('json');
  return kinds.length > 0 ? kinds : ['json'];
}

/** The kind a value already in the form has (a form reopened with its values). */
export function kindOfValue(value: unknown, kinds: readonly ValueKind[]): ValueKind {
  const natural: ValueKind = typeof value === 'string' ? 'text' : typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'json';
  return kinds.includes(natural) ? natural : kinds.includes('json') ? 'json' : kinds[0]!;
}

/** How a value is shown in its row. */
export function textOfValue(value: unknown, kind: ValueKind): string {
  if (value === undefined) return '';
  if (kind === 'text' && typeof value === 'string') return value;
  if (kind === 'number' && typeof value === 'number') return String(value);
  if (kind === 'boolean' && typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** The rows of a map already in the form, in its key order; `skip`: keys the form lays out as fields of their own. */
export function rowsFromValue(value: unknown, kinds: readonly ValueKind[], skip: readonly string[] = []): MapRow[] {
  if (!isObject(value)) return [];
  return Object.entries(value)
    .filter(([key, entry]) => !skip.includes(key) && entry !== undefined)
    .map(([key, entry]) => {
      const kind = kindOfValue(entry, kinds);
      return { key, kind, text: textOfValue(entry, kind) };
    });
}

/** A fresh row: no name, nothing typed, the first kind the map allows (text where text is allowed). */
export function emptyRow(kinds: readonly ValueKind[]): MapRow {
  return { key: '', kind: kinds[0] ?? 'text', text: '' };
}

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** One value as its kind reads it. */
export function readTypedValue(kind: ValueKind, text: string, options: { integer?: boolean } = {}): { ok: true; value: unknown } | { ok: false; problem: string } {
  switch (kind) {
    case 'text':
      return { ok: true, value: text };
    case 'number': {
      const trimmed = text.trim();
      if (trimmed === '') return { ok: false, problem: 'Type a number.' };
      const number = Number(trimmed);
      if (!NUMBER.test(trimmed) || !Number.isFinite(number)) return { ok: false, problem: 'Not a number: write digits, such as 42 or 9.5 (or choose text).' };
      if (options.integer && !Number.isInteger(number)) return { ok: false, problem: 'Must be a whole number.' };
      return { ok: true, value: number };
    }
    case 'boolean':
      if (text === 'true' || text === 'false') return { ok: true, value: text === 'true' };
      return { ok: false, problem: 'Choose true or false.' };
    case 'json':
      if (text.trim() === '') return { ok: false, problem: 'Type a JSON value, such as {"a": 1} or [1, 2].' };
      return readJsonField(text);
  }
}

/**
 * What the rows mean: the map to send (undefined when no row has a name) and the rows that are
 * problems. A row with neither name nor value is a row not filled in yet and means nothing.
 */
export function mapFromRows(rows: readonly MapRow[], valueSchema: JsonSchema = {}): { value: Record<string, unknown> | undefined; problems: RowProblem[] } {
  const value: Record<string, unknown> = {};
  const problems: RowProblem[] = [];
  const seen = new Set<string>();
  const integer = integersOnly(valueSchema);
  rows.forEach((row, index) => {
    const blank = row.text === '' || (row.kind === 'number' && row.text.trim() === '');
    if (row.key === '') {
      if (!blank) problems.push({ row: index, problem: 'Give this value a name, or remove the row.' });
      return;
    }
    if (seen.has(row.key)) {
      problems.push({ row: index, problem: `The name “${row.key}” is used above already.` });
      return;
    }
    seen.add(row.key);
    const read = readTypedValue(row.kind, row.text, { integer });
    if (read.ok) value[row.key] = read.value;
    else problems.push({ row: index, problem: read.problem });
  });
  return { value: Object.keys(value).length > 0 ? value : undefined, problems };
}
