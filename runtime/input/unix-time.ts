// Unix-time fields (`unixTime: true`) take seconds, and also an ISO 8601 date-time with a time
// zone, which becomes seconds here, before validation: a declared step that rewrites the input
// (copy on write; the caller's object is never changed), so that validators only decide.
// Where a field sits inside a choice (oneOf) or a list, every branch and item that has a
// Unix-time field at that place is converted, as the person's value is meant for one of them.
import type { JsonSchema } from '../definitions.js';

/** RFC 3339 date-time with a time zone: without one, the instant would be a guess. */
export const DATE_TIME = '^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?([Zz]|[+-]\\d{2}:\\d{2})$';
const DATE_TIME_PATTERN = new RegExp(DATE_TIME);

/** Seconds for a date-time text, or undefined when it is not one (validation then says so). */
export function unixSeconds(text: string): number | undefined {
  const ms = DATE_TIME_PATTERN.test(text) ? Date.parse(text) : NaN;
  return ms >= 0 ? Math.floor(ms / 1000) : undefined;
}

/** Where Unix-time fields are: the field itself, its properties, its list items. */
interface TimeTree {
  convert: boolean;
  properties: Map<string, TimeTree>;
  items?: TimeTree;
}

function emptyTree(): TimeTree {
  return { convert: false, properties: new Map() };
}

/** Adds what `schema` says about Unix-time fields to `tree`; true when it holds any. */
function collect(schema: JsonSchema, tree: TimeTree): boolean {
  let found = false;
  if (schema.unixTime === true) tree.convert = found = true;
  for (const [key, field] of Object.entries((schema.properties as Record<string, JsonSchema> | undefined) ?? {})) {
    const child = tree.properties.get(key) ?? emptyTree();
    if (collect(field, child)) {
      tree.properties.set(key, child);
      found = true;
    }
  }
  for (const keyword of ['oneOf', 'anyOf', 'allOf'] as const) {
    for (const branch of (schema[keyword] as JsonSchema[] | undefined) ?? []) found = collect(branch, tree) || found;
  }
  if (schema.items && typeof schema.items === 'object' && !Array.isArray(schema.items)) {
    const items = tree.items ?? emptyTree();
    if (collect(schema.items as JsonSchema, items)) {
      tree.items = items;
      found = true;
    }
  }
  return found;
}

const trees = new WeakMap<JsonSchema, TimeTree | null>();
function timeTreeOf(schema: JsonSchema): TimeTree | undefined {
  let tree = trees.get(schema);
  if (tree === undefined) {
    const made = emptyTree();
    tree = collect(schema, made) ? made : null;
    trees.set(schema, tree);
  }
  return tree ?? undefined;
}

function convert(value: unknown, tree: TimeTree): unknown {
  if (typeof value === 'string') {
    return tree.convert ? (unixSeconds(value) ?? value) : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    if (!tree.items) return value;
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const converted = convert(value[i], tree.items);
      if (converted !== value[i]) (copy ??= [...value])[i] = converted;
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, child] of tree.properties) {
    if (!Object.hasOwn(value, key)) continue;
    const given = (value as Record<string, unknown>)[key];
    const converted = convert(given, child);
    // A spread copies own properties as data, `__proto__` included.
    if (converted !== given) Object.defineProperty((copy ??= { ...(value as Record<string, unknown>) }), key, { value: converted, enumerable: true, writable: true, configurable: true });
  }
  return copy ?? value;
}

/** The input with date-times in Unix-time fields turned into seconds (itself when there are none). */
export function withUnixTimes(schema: JsonSchema, input: unknown): unknown {
  const tree = timeTreeOf(schema);
  return tree ? convert(input, tree) : input;
}
