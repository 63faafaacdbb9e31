// What a form says when Run finds problems: each problem under the title of its field (the
// titles of the fields around it leading to it, the data path only as a secondary hint), a count
// for the Run area, and the problems a field finds in what was typed (JSON that does not parse,
// a value without a name) as errors the form library shows and that stop a run.
import type { JsonSchema } from './schema-form.js';

/** A validation error as @rjsf reports it (`property` like `.customer.id` or `.ids.0`). */
export interface FormError {
  name?: string;
  property?: string;
  message?: string;
  stack?: string;
}

export interface SummaryItem {
  /** The titles of the fields from the form's top down to the one at fault. */
  trail: string[];
  /** The data path, such as `customer.id` (empty for the form as a whole). */
  path: string;
  message: string;
  /** The error's `property`, as the form library wrote it. */
  property: string;
}

export interface ErrorSummary {
  /** "3 problems: see the marked fields" */
  heading: string;
  items: SummaryItem[];
}

function isObject(value: unknown): value is JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `.customer.id` → ['customer', 'id']; `.ids.0` → ['ids', '0']; `['a b']` segments unquoted. */
export function pathSegments(property: string | undefined): string[] {
  if (!property) return [];
  return property
    .replace(/\[['"]?([^'"\]]*)['"]?\]/g, '.$1')
    .split('.')
    .filter((segment) => segment !== '');
}

function branchesOf(schema: JsonSchema): JsonSchema[] {
  return [...((schema.oneOf as unknown[]) ?? []), ...((schema.anyOf as unknown[]) ?? []), ...((schema.allOf as unknown[]) ?? [])].filter(isObject);
}

/** The schema of one key of an object, looking through its choices and its dependencies. */
function childSchema(schema: JsonSchema, key: string): { schema: JsonSchema; named: boolean } | undefined {
  if (isObject(schema.properties) && isObject(schema.properties[key])) return { schema: schema.properties[key] as JsonSchema, named: true };
  for (const branch of branchesOf(schema)) {
    const found = childSchema(branch, key);
    if (found) return found;
  }
  if (isObject(schema.dependencies)) {
    for (const dependency of Object.values(schema.dependencies)) {
      if (!isObject(dependency)) continue;
      const found = childSchema(dependency, key);
      if (found) return found;
    }
  }
  if (/^\d+$/.test(key) && isObject(schema.items)) return { schema: schema.items, named: false };
  if (isObject(schema.additionalProperties)) return { schema: schema.additionalProperties, named: false };
  return undefined;
}

/** The titles along a data path: `['customer', 'id']` → ['Person', 'ID']; list items and map keys by position and name. */
export function fieldTrail(schema: JsonSchema, segments: readonly string[]): string[] {
  const trail: string[] = [];
  let current: JsonSchema | undefined = schema;
  for (const segment of segments) {
    const child: { schema: JsonSchema; named: boolean } | undefined = current ? childSchema(current, segment) : undefined;
    if (/^\d+$/.test(segment) && current && isObject(current.items)) trail.push(`item ${Number(segment) + 1}`);
    else if (child?.named && typeof child.schema.title === 'string') trail.push(child.schema.title);
    else trail.push(segment);
    current = child?.schema;
  }
  return trail;
}

/** An error's words, without the field name @rjsf puts in front of some (the trail names the field). */
function wording(error: FormError): string {
  if (error.name === 'required') return 'is required';
  return String(error.message ?? error.stack ?? 'is not valid').trim();
}

/** The problems of a form, each under its field's titles, repeats left out, in the order found. */
export function summariseErrors(schema: JsonSchema, errors: readonly FormError[]): ErrorSummary {
  const seen = new Set<string>();
  const items: SummaryItem[] = [];
  for (const error of errors) {
    const segments = pathSegments(error.property);
    const message = wording(error);
    const key = `${segments.join('.')}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    items.push({ trail: segments.length > 0 ? fieldTrail(schema, segments) : [typeof schema.title === 'string' ? schema.title : 'The form'], path: segments.join('.'), message, property: error.property ?? '' });
  }
  const n = items.length;
  const heading = n === 0 ? '' : `${n} problem${n === 1 ? '' : 's'}: see the marked field${n === 1 ? '' : 's'}`;
  return { heading, items };
}

/**
 * Problems fields found in what was typed (keyed by data path, `custom_attributes` or
 * `content.body`), as @rjsf's error schema, for its `extraErrors`.
 */
export function problemsAsErrorSchema(problems: Readonly<Record<string, string | readonly string[]>>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, found] of Object.entries(problems)) {
    let node = root;
    for (const segment of pathSegments(`.${path}`)) {
      node[segment] ??= {};
      node = node[segment] as Record<string, unknown>;
    }
    node.__errors = [...((node.__errors as string[] | undefined) ?? []), ...(typeof found === 'string' ? [found] : found)];
  }
  return root;
}
