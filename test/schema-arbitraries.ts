// JSON schema (the draft-07 subset the operation definitions use, plus maxBytes and unixTime)
// → fast-check arbitraries of VALID values, kept small. Used by the hostile-input suite.
//
// Each keyword is honoured while generating (types, properties, required, additionalProperties,
// items, enum, const, oneOf/anyOf, lengths, bounds, patterns, formats, maxBytes, unixTime…); the
// rules that are awkward to build directly (a oneOf matching exactly one branch, dependencies,
// formats as ajv reads them) are enforced with a filter that checks the node against an ajv
// instance carrying the runtime's own keywords.
import * as ajvModule from 'ajv';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import type { JsonSchema } from '../runtime/definitions.js';
import { registerSchemaKeywords } from '../runtime/input/schema-keywords.js';

const addFormats = addFormatsModule.default;

export type Schema = JsonSchema | boolean;
export type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';
export type PathPart = string | number;

const encoder = new TextEncoder();

/** maxBytes as Customer.io counts it: a string's UTF-8 bytes, or the UTF-8 size of the JSON text of anything else. */
export function utf8Bytes(value: unknown): number {
  return encoder.encode(typeof value === 'string' ? value : (JSON.stringify(value) ?? '')).length;
}

/** Sets `key` as an own, enumerable data property, even for `__proto__`. */
export function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function objectFromEntries(entries: [string, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) defineOwn(out, key, value);
  return out;
}

const ANNOTATIONS = new Set(['title', 'description', 'enumLabels', 'advanced', 'lookup', 'patternDescription', 'default', 'examples', '$comment', 'secret']);
const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions'];
const SCHEMA_LISTS = ['oneOf', 'anyOf', 'allOf'];
const SCHEMA_VALUES = ['items', 'additionalProperties', 'propertyNames', 'not', 'if', 'then', 'else', 'contains'];

/** The schema without its form hints: what validates is all that is left, so equal rules compile once. */
export function withoutAnnotations(schema: Schema): Schema {
  if (typeof schema === 'boolean') return schema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(key)) continue;
    if (SCHEMA_MAPS.includes(key) && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutAnnotations(v as Schema)]));
    } else if (SCHEMA_LISTS.includes(key) && Array.isArray(value)) {
      out[key] = value.map((v) => withoutAnnotations(v as Schema));
    } else if (SCHEMA_VALUES.includes(key) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = withoutAnnotations(value as Schema);
    } else if (key === 'dependencies' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, Array.isArray(v) ? v : withoutAnnotations(v as Schema)]));
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * Answers "is this value valid for this (sub)schema?" with ajv plus the runtime's keywords.
 * Non-strict, so a bare branch such as `{ required: ["subject"] }` compiles on its own. The value
 * is wrapped (unixTime rewrites its parent) and cloned (unixTime modifies what it checks).
 */
export class SchemaChecker {
  private readonly ajv: Ajv;
  private readonly byObject = new WeakMap<object, ValidateFunction>();
  private readonly byText = new Map<string, ValidateFunction>();

  constructor() {
    this.ajv = new Ajv({ strict: false, allErrors: false, allowUnionTypes: true });
    addFormats(this.ajv);
    registerSchemaKeywords(this.ajv, ajvModule);
  }

  private compiled(schema: Schema): ValidateFunction {
    if (typeof schema === 'boolean') return this.compiled(schema ? {} : { not: {} });
    let validate = this.byObject.get(schema);
    if (validate) return validate;
    const essential = withoutAnnotations(schema);
    const text = JSON.stringify(essential);
    validate = this.byText.get(text);
    if (!validate) {
      validate = this.ajv.compile({ type: 'object', properties: { v: essential }, required: ['v'] });
      this.byText.set(text, validate);
    }
    this.byObject.set(schema, validate);
    return validate;
  }

  accepts(schema: Schema, value: unknown): boolean {
    return this.compiled(schema)({ v: structuredClone(value) }) === true;
  }
}

export const ALL_TYPES: JsonType[] = ['null', 'boolean', 'integer', 'number', 'string', 'array', 'object'];

/** The JSON types a schema node accepts (its `type`, or what its keywords imply); undefined = anything. */
export function typesOf(schema: Schema): JsonType[] | undefined {
  if (typeof schema === 'boolean') return schema ? undefined : [];
  if (schema.type !== undefined) {
    const list = (Array.isArray(schema.type) ? schema.type : [schema.type]) as JsonType[];
    return list.includes('number') && !list.includes('integer') ? [...list, 'integer'] : list;
  }
  if ('const' in schema) return [jsonTypeOf(schema.const)];
  if (Array.isArray(schema.enum)) return [...new Set(schema.enum.map(jsonTypeOf))];
  const choices = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (choices) {
    const all = choices.map(typesOf);
    return all.some((t) => t === undefined) ? undefined : [...new Set(all.flat() as JsonType[])];
  }
  if (['properties', 'additionalProperties', 'required', 'propertyNames', 'minProperties', 'maxProperties'].some((k) => k in schema)) return ['object'];
  if (['items', 'minItems', 'maxItems', 'uniqueItems'].some((k) => k in schema)) return ['array'];
  if (['minLength', 'maxLength', 'pattern', 'format'].some((k) => k in schema)) return ['string'];
  if (['minimum', 'maximum'].some((k) => k in schema)) return ['number', 'integer'];
  return undefined;
}

export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

/** A schema whose objects take keys nobody declared: custom attributes, event data, a raw body… */
export function isFreeFormObject(schema: Schema): boolean {
  if (typeof schema === 'boolean') return schema;
  const types = typesOf(schema);
  if (types !== undefined && !types.includes('object')) return false;
  if (schema.additionalProperties === false) return false;
  const declared = Object.keys((schema.properties ?? {}) as object).length;
  return declared === 0 || (typeof schema.additionalProperties === 'object' && schema.additionalProperties !== null);
}

/** A oneOf/anyOf branch with its parent's other keywords (a branch often only adds `required`). */
export function mergeSchemas(parent: JsonSchema, branch: Schema): Schema {
  if (typeof branch === 'boolean') return branch ? parent : false;
  const merged: JsonSchema = { ...parent, ...branch };
  if (parent.properties || branch.properties) merged.properties = { ...(parent.properties as object), ...(branch.properties as object) };
  if (parent.required || branch.required) merged.required = [...new Set([...((parent.required as string[]) ?? []), ...((branch.required as string[]) ?? [])])];
  if (parent.type !== undefined && branch.type !== undefined) {
    const p = typesOf({ type: parent.type })!;
    const both = typesOf({ type: branch.type })!.filter((t) => p.includes(t));
    merged.type = both.length === 1 ? both[0] : both;
  }
  return merged;
}

/** One character (or grapheme) for generated text: mostly plain, sometimes hostile but still valid. */
export const TEXT_UNIT: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '/', '.', '..', '%', '%2e', '?', '#', '&', '=', '+', ' ', '\\', '"', "'", '<', '>', '\u0000', '\u202E', '\u200F',
      '\u200B', '😀', '👩‍👩‍👧', '\uD800', '\uDFFF', 'é', 'ß', 'ﷺ', '\u0301', '\n', '\t', '\r',
    ),
  },
);

/** Built once: a regex arbitrary costs milliseconds to build. */
const IDENTIFIER_KEY: fc.Arbitrary<string> = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/);

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

export interface SchemaArbitraryOptions {
  checker?: SchemaChecker;
  /** Names worth trying as free-form keys (e.g. the operation's own field names). */
  interestingKeys?: string[];
  /** Also try `__proto__`, `constructor`… as free-form keys (still valid values). */
  hostileKeys?: boolean;
  /** Largest free-form object / generated array / free text (defaults 3 / 3 / 16). */
  maxKeys?: number;
  maxItems?: number;
  maxText?: number;
  /** Replace the arbitrary of a node (by its property name on the way down). */
  override?: (schema: JsonSchema, key: PathPart | undefined) => fc.Arbitrary<unknown> | undefined;
}

const DATE_TIME_OFFSETS = ['Z', 'z', '+00:00', '+02:00', '-05:30', '+14:00', '-12:00'];

/** An RFC 3339 date-time with a zone, at or after 1971 (so it is never before the epoch). */
export const isoDateTime: fc.Arbitrary<string> = fc
  .tuple(
    fc.date({ min: new Date('1971-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
    fc.constantFrom(...DATE_TIME_OFFSETS),
    fc.constantFrom('ms', 's', 'min'),
  )
  .map(([date, zone, precision]) => {
    const iso = date.toISOString(); // 2025-01-01T09:30:00.000Z
    const body = precision === 'ms' ? iso.slice(0, 23) : precision === 's' ? iso.slice(0, 19) : iso.slice(0, 16);
    return `${body}${zone}`;
  });

// Building some arbitraries costs milliseconds (a regex is parsed into a generator, an e-mail
// address is a composition of many); the same ones recur in hundreds of operations.
const leafCache = new Map<string, fc.Arbitrary<string>>();
function cachedLeaf(key: string, make: () => fc.Arbitrary<string>): fc.Arbitrary<string> {
  let arb = leafCache.get(key);
  if (!arb) {
    arb = make();
    leafCache.set(key, arb);
  }
  return arb;
}

export function schemaArbitrary(root: Schema, options: SchemaArbitraryOptions = {}): fc.Arbitrary<unknown> {
  const checker = options.checker ?? new SchemaChecker();
  const maxKeys = options.maxKeys ?? 3;
  const maxItems = options.maxItems ?? 3;
  const maxText = options.maxText ?? 16;
  const memo = new WeakMap<object, fc.Arbitrary<unknown>>();

  const plainKey = fc.oneof(
    { weight: 8, arbitrary: IDENTIFIER_KEY },
    { weight: 3, arbitrary: fc.string({ unit: TEXT_UNIT, minLength: 1, maxLength: 6 }) },
    ...(options.interestingKeys?.length ? [{ weight: 1, arbitrary: fc.constantFrom(...options.interestingKeys) }] : []),
    ...(options.hostileKeys ? [{ weight: 1, arbitrary: fc.constantFrom(...HOSTILE_KEYS) }] : []),
  );

  const leaf: fc.Arbitrary<unknown> = fc.oneof(
    fc.string({ unit: TEXT_UNIT, maxLength: 12 }),
    fc.integer({ min: -1_000_000, max: 1_000_000 }),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }),
    fc.boolean(),
    fc.constant(null),
  );

  function entries(key: fc.Arbitrary<string>, value: fc.Arbitrary<unknown>, minKeys: number, maxCount: number) {
    return fc.uniqueArray(fc.tuple(key, value), { minLength: minKeys, maxLength: Math.max(minKeys, maxCount), selector: ([k]) => k });
  }

  const anyJson = fc.letrec<{ value: unknown; array: unknown[]; object: Record<string, unknown> }>((tie) => ({
    value: fc.oneof({ depthSize: 'small', maxDepth: 3 }, leaf, tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: maxItems }),
    object: entries(plainKey, tie('value'), 0, maxKeys).map(objectFromEntries),
  }));

  function build(schema: Schema, key?: PathPart): fc.Arbitrary<unknown> {
    if (schema === true) return anyJson.value;
    if (schema === false) throw new Error('cannot generate a value for the schema false');
    const overridden = options.override?.(schema, key);
    if (overridden) return overridden;
    const known = memo.get(schema);
    if (known) return known;
    const arb = buildNode(schema);
    memo.set(schema, arb);
    return arb;
  }

  function buildNode(schema: JsonSchema): fc.Arbitrary<unknown> {
    if ('const' in schema) return fc.constant(schema.const);
    if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
    const choices = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
    if (choices) {
      const { oneOf: _oneOf, anyOf: _anyOf, ...rest } = schema;
      // Exactly one branch for oneOf, at least one for anyOf, and the parent's rules: ajv decides.
      return fc.oneof(...choices.map((branch) => build(mergeSchemas(rest, branch)))).filter((v) => checker.accepts(schema, v));
    }
    if (Array.isArray(schema.allOf)) {
      const { allOf, ...rest } = schema;
      const merged = (allOf as Schema[]).reduce<Schema>((acc, part) => (typeof acc === 'boolean' ? acc : mergeSchemas(acc, part)), rest);
      return build(merged).filter((v) => checker.accepts(schema, v));
    }
    const types = typesOf(schema);
    let arb: fc.Arbitrary<unknown>;
    if (types === undefined) {
      arb = anyJson.value;
    } else {
      const concrete = types.includes('number') ? types.filter((t) => t !== 'integer') : types;
      const arbs = concrete.map((type) => forType(schema, type));
      arb = arbs.length === 1 ? arbs[0]! : fc.oneof(...arbs);
    }
    if (typeof schema.maxBytes === 'number') {
      const limit = schema.maxBytes;
      arb = arb.filter((v) => utf8Bytes(v) <= limit);
    }
    return needsCheck(schema) ? arb.filter((v) => checker.accepts(schema, v)) : arb;
  }

  /** Rules checked with ajv (string lengths and patterns are checked natively in strings()). */
  function needsCheck(schema: JsonSchema): boolean {
    return ['format', 'dependencies', 'propertyNames', 'minProperties', 'maxProperties', 'uniqueItems', 'not', 'if'].some((k) => k in schema);
  }

  function forType(schema: JsonSchema, type: JsonType): fc.Arbitrary<unknown> {
    switch (type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return integers(schema);
      case 'number':
        return fc.oneof(integers(schema), doubles(schema));
      case 'string':
        return strings(schema);
      case 'array':
        return arrays(schema);
      case 'object':
        return objects(schema);
    }
  }

  function bounds(schema: JsonSchema, integer: boolean): { min: number; max: number } {
    const step = integer ? 1 : Number.EPSILON;
    let min = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + step : -1_000_000;
    let max = typeof schema.maximum === 'number' ? schema.maximum : typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - step : min + 2 ** 31;
    if (integer) {
      min = Math.ceil(min);
      max = Math.floor(max);
    }
    return { min, max: Math.min(max, Number.MAX_SAFE_INTEGER) };
  }

  function integers(schema: JsonSchema): fc.Arbitrary<number> {
    const { min, max } = bounds(schema, true);
    return fc.oneof(
      fc.integer({ min, max: Math.min(max, min + 1000) }),
      fc.integer({ min, max }),
      fc.constantFrom(min, max),
    );
  }

  function doubles(schema: JsonSchema): fc.Arbitrary<number> {
    const { min, max } = bounds(schema, false);
    return fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n));
  }

  function strings(schema: JsonSchema): fc.Arbitrary<string> {
    const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
    const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
    let arb: fc.Arbitrary<string>;
    if (schema.unixTime === true) {
      arb = isoDateTime;
    } else if (typeof schema.pattern === 'string') {
      const pattern = schema.pattern;
      arb = cachedLeaf(`pattern:${maxLength}:${pattern}`, () =>
        fc.stringMatching(new RegExp(pattern, 'u'), { size: 'xsmall', ...(maxLength !== undefined ? { maxLength } : {}) }));
    } else {
      switch (schema.format) {
        case 'email':
          arb = cachedLeaf('email', () => fc.emailAddress({ size: 'xsmall' }));
          break;
        case 'uri':
          arb = cachedLeaf('uri', () => fc.webUrl({ size: 'xsmall', withQueryParameters: true, withFragments: true }));
          break;
        case 'uuid':
          arb = fc.uuid();
          break;
        case 'date-time':
          arb = isoDateTime;
          break;
        case 'date':
          arb = isoDateTime.map((s) => s.slice(0, 10));
          break;
        case 'hostname':
          arb = fc.domain({ size: 'xsmall' });
          break;
        default: {
          const upper = Math.max(minLength, Math.min(maxLength ?? maxText, minLength + maxText));
          arb = cachedLeaf(`text:${minLength}:${upper}`, () => fc.string({ unit: TEXT_UNIT, minLength, maxLength: upper }));
        }
      }
    }
    // As ajv counts: code points (a lone surrogate is one), and the pattern as a Unicode regex.
    const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u') : undefined;
    if (minLength > 0 || maxLength !== undefined || pattern) {
      arb = arb.filter((text) => {
        const length = [...text].length;
        return length >= minLength && (maxLength === undefined || length <= maxLength) && (!pattern || pattern.test(text));
      });
    }
    return arb;
  }

  function arrays(schema: JsonSchema): fc.Arbitrary<unknown[]> {
    const item = build((schema.items as Schema | undefined) ?? true);
    const minLength = typeof schema.minItems === 'number' ? schema.minItems : 0;
    const maxLength = Math.max(minLength, Math.min(typeof schema.maxItems === 'number' ? schema.maxItems : Infinity, minLength + maxItems));
    return schema.uniqueItems === true
      ? fc.uniqueArray(item, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
      : fc.array(item, { minLength, maxLength });
  }

  function objects(schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const required = new Set((schema.required as string[] | undefined) ?? []);
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [name, sub] of Object.entries(properties)) model[name] = build(sub, name);
    for (const name of required) model[name] ??= anyJson.value;
    const record = fc.record(model, { requiredKeys: [...required], noNullPrototype: true });

    const additional = schema.additionalProperties as Schema | undefined;
    const declared = Object.keys(model);
    const takesExtras = additional !== false && (declared.length === 0 || (typeof additional === 'object' && additional !== null));
    if (!takesExtras) return record;

    const maxProperties = typeof schema.maxProperties === 'number' ? schema.maxProperties : Infinity;
    const minProperties = typeof schema.minProperties === 'number' ? schema.minProperties : 0;
    const names = schema.propertyNames as Schema | undefined;
    const keyArb = (names && typeof names === 'object' ? (build({ type: 'string', ...names }) as fc.Arbitrary<string>) : plainKey)
      .filter((k) => !Object.hasOwn(model, k));
    const valueArb = build(additional ?? true);
    const extras = entries(keyArb, valueArb, Math.max(0, minProperties - required.size), Math.min(maxKeys, maxProperties - required.size));
    return fc.tuple(record, extras).map(([base, more]) => {
      const out = objectFromEntries(Object.entries(base));
      for (const [k, v] of more) defineOwn(out, k, v);
      return out;
    });
  }

  return build(root);
}

export interface LocatedNode {
  path: PathPart[];
  value: unknown;
  /** The node's schema, with a oneOf/anyOf resolved to the branch the value takes. */
  schema: Schema;
  /** Somewhere above (or at) this node a oneOf/anyOf decides: changing it may pick another branch. */
  underChoice: boolean;
}

/** A cheap structural pre-check (type, const/enum, required keys, closed objects); true = maybe. */
function couldMatch(schema: Schema, value: unknown): boolean {
  if (typeof schema === 'boolean') return schema;
  const types = typesOf(schema);
  if (types !== undefined && !types.includes(jsonTypeOf(value))) return false;
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) return false;
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) return false;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return true;
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  for (const key of (schema.required as string[] | undefined) ?? []) if (!Object.hasOwn(value, key)) return false;
  for (const [key, item] of Object.entries(value)) {
    const sub = Object.hasOwn(properties, key) ? properties[key]! : undefined;
    if (sub === undefined && schema.additionalProperties === false) return false;
    if (sub !== undefined && typeof sub === 'object' && ('const' in sub || Array.isArray(sub.enum)) && !couldMatch(sub, item)) return false;
  }
  return true;
}

/** oneOf/anyOf node → its branches merged with the node's other keywords (built once per node). */
const mergedBranches = new WeakMap<object, Schema[]>();

/** Every node of a valid value, with the schema that governs it. */
export function locateNodes(value: unknown, schema: Schema, checker: SchemaChecker): LocatedNode[] {
  const out: LocatedNode[] = [];

  function resolve(node: Schema, v: unknown): { schema: Schema; choice: boolean } {
    if (typeof node === 'boolean') return { schema: node, choice: false };
    const choices = (node.oneOf ?? node.anyOf) as Schema[] | undefined;
    if (!choices) return { schema: node, choice: false };
    let merged = mergedBranches.get(node);
    if (!merged) {
      const { oneOf: _o, anyOf: _a, ...rest } = node;
      merged = choices.map((b) => mergeSchemas(rest, b));
      mergedBranches.set(node, merged);
    }
    // Most choices are told apart by their required keys and const fields; ajv settles the rest.
    const plausible = merged.filter((b) => couldMatch(b, v));
    const picked = plausible.length === 1 ? plausible[0] : plausible.find((b) => checker.accepts(b, v));
    return { schema: picked === undefined ? node : resolve(picked, v).schema, choice: true };
  }

  function walk(v: unknown, node: Schema, path: PathPart[], underChoice: boolean): void {
    const { schema: resolved, choice } = resolve(node, v);
    const under = underChoice || choice;
    out.push({ path, value: v, schema: resolved, underChoice: under });
    if (typeof resolved === 'boolean' && !resolved) return;
    const s: JsonSchema = typeof resolved === 'boolean' ? {} : resolved;
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, (s.items as Schema | undefined) ?? true, [...path, i], under));
    } else if (v !== null && typeof v === 'object') {
      const properties = (s.properties ?? {}) as Record<string, Schema>;
      for (const key of Object.keys(v)) {
        const sub = Object.hasOwn(properties, key) ? properties[key]! : ((s.additionalProperties as Schema | undefined) ?? true);
        walk((v as Record<string, unknown>)[key], sub, [...path, key], under);
      }
    }
  }

  walk(value, schema, [], false);
  return out;
}

