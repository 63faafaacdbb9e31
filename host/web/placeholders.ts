// Placeholders in a trigger's action input: `{{event.data.identifiers.id}}` stands for that
// value of the event that started the action. Deliberately small and safe: a placeholder is a
// dotted path into the event and nothing else (no expressions, no functions, no other roots),
// followed through the event's own fields only. Shared by the host server, which renders them,
// and the page, which lists them and checks them before a trigger is enabled.
import type { JsonSchema } from '../../forms/index.js';

/** `{{ … }}` anywhere in a string; what is inside is checked by PATH. */
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
/** `event`, then dot-separated names or list positions. */
const PATH = /^event(\.[A-Za-z0-9_-]+)*$/;
/** Names that reach into an object's machinery rather than its data. */
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

export interface PlaceholderPath {
  /** As written in an input: `{{event.data.recipient}}`. */
  placeholder: string;
  description?: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Every string in a JSON value (object values, list items), where placeholders can be. */
function strings(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') found.push(value);
  else if (Array.isArray(value)) value.forEach((item) => strings(item, found));
  else if (isPlainObject(value)) Object.values(value).forEach((item) => strings(item, found));
  return found;
}

function checkPath(expression: string): string | undefined {
  const path = expression.trim();
  if (!PATH.test(path)) return `{{${expression}}} is not a placeholder: write {{event.<field>.<field>…}}, a dotted path into the event`;
  const forbidden = path.split('.').find((segment) => FORBIDDEN.has(segment));
  return forbidden ? `{{${expression}}} names "${forbidden}", which is not a field of the event` : undefined;
}

/** What is wrong with the placeholders of an action input (empty when they are all fine). */
export function placeholderProblems(input: unknown): string[] {
  const problems: string[] = [];
  for (const text of strings(input)) {
    for (const match of text.matchAll(PLACEHOLDER)) {
      const problem = checkPath(match[1]!);
      if (problem && !problems.includes(problem)) problems.push(problem);
    }
    // A lone `{{` or `}}` is most likely a placeholder mistyped, not text meant as is.
    const rest = text.replace(PLACEHOLDER, '');
    if (rest.includes('{{') || rest.includes('}}')) problems.push(`"${text}" has an unmatched {{ or }}`);
  }
  return problems;
}

/** The value at a path in the event, following own fields only; undefined when it is not there. */
function valueAt(event: unknown, path: string): unknown {
  let value: unknown = event;
  for (const segment of path.trim().split('.').slice(1)) {
    if (FORBIDDEN.has(segment)) return undefined;
    if (Array.isArray(value) && /^\d+$/.test(segment)) value = value[Number(segment)];
    else if (isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, segment)) value = value[segment];
    else return undefined;
  }
  return value;
}

function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

type Rendered = { value: unknown } | { problem: string };

/**
 * The action input with its placeholders filled in from the event. A string that is exactly one
 * placeholder takes the value as it is (a number stays a number, an object an object); one
 * placeholder among other text is written into it as text. A placeholder the event does not
 * have is a problem, so an action never runs with a value silently left out.
 */
export function renderPlaceholders(input: unknown, event: unknown): Rendered {
  const problems = placeholderProblems(input);
  if (problems.length > 0) return { problem: problems.join('; ') };
  const missing: string[] = [];
  const render = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const whole = /^\{\{([^{}]*)\}\}$/.exec(value);
      if (whole) {
        const found = valueAt(event, whole[1]!);
        if (found === undefined) missing.push(`{{${whole[1]!.trim()}}}`);
        return found;
      }
      return value.replace(PLACEHOLDER, (_match, path: string) => {
        const found = valueAt(event, path);
        if (found === undefined) missing.push(`{{${path.trim()}}}`);
        return asText(found);
      });
    }
    if (Array.isArray(value)) return value.map(render);
    if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, render(item)]));
    return value;
  };
  const value = render(input);
  if (missing.length > 0) return { problem: `this event has no ${[...new Set(missing)].join(', ')}` };
  return { value };
}

/** The schemas that describe an object's fields: itself and its oneOf / anyOf / allOf branches. */
function branches(schema: JsonSchema): JsonSchema[] {
  const out = [schema];
  for (const keyword of ['oneOf', 'anyOf', 'allOf']) {
    const list = schema[keyword];
    if (Array.isArray(list)) for (const branch of list) if (isPlainObject(branch)) out.push(...branches(branch));
  }
  return out;
}

function firstSentence(text: unknown): string | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  const line = text.split('\n')[0]!;
  const end = line.search(/\.(\s|$)/);
  return end > 0 ? line.slice(0, end + 1) : line;
}

/**
 * The placeholders a trigger's events offer, read from its output schema (every kind of event it
 * can hand over): `{{event.event_id}}`, `{{event.data.identifiers.id}}`… in schema order.
 */
export function placeholderPaths(outputSchema: JsonSchema, maxDepth = 3): PlaceholderPath[] {
  const found = new Map<string, PlaceholderPath>();
  const walk = (schema: JsonSchema, path: string, depth: number) => {
    for (const branch of branches(schema)) {
      if (!isPlainObject(branch.properties)) continue;
      for (const [key, field] of Object.entries(branch.properties)) {
        if (!isPlainObject(field) || FORBIDDEN.has(key) || !/^[A-Za-z0-9_-]+$/.test(key)) continue;
        const child = `${path}.${key}`;
        if (!found.has(child)) found.set(child, { placeholder: `{{${child}}}`, ...(firstSentence(field.description) ? { description: firstSentence(field.description) } : {}) });
        if (depth < maxDepth) walk(field, child, depth + 1);
      }
    }
  };
  walk(outputSchema, 'event', 1);
  return [...found.values()];
}
