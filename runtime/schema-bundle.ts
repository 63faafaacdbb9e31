// Inlines every $ref so that each schema a host receives is self-contained (a form renderer
// gets one object, no files to fetch). Keys written beside a $ref override the referenced
// definition's keys, which lets an operation retitle a shared field without copying it.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { JsonSchema } from './definitions.js';

const fileCache = new Map<string, unknown>();

/** Forget the parsed files: once definitions are loaded and bundled they are not needed again. */
export function clearFileCache(): void {
  fileCache.clear();
}

/** The files read since the cache was last cleared. */
export function filesRead(): string[] {
  return [...fileCache.keys()];
}

export function readJsonFile<T = unknown>(file: string): T {
  let parsed = fileCache.get(file);
  if (parsed === undefined) {
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`cannot read definition file ${file}: ${(error as Error).message}`, { cause: error });
    }
    fileCache.set(file, parsed);
  }
  return parsed as T;
}

function followPointer(document: unknown, pointer: string, where: string): unknown {
  if (pointer === '' || pointer === '/') return document;
  let node: unknown = document;
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in (node as object))) {
      throw new Error(`unresolvable $ref ${where}`);
    }
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

const DROPPED_WHEN_INLINED = new Set(['$id', '$schema', '$comment', '$defs']);

/** Returns a copy of `schema` (found in `file`) with every $ref replaced by what it points at. */
export function bundleSchema(schema: unknown, file: string, seen: string[] = []): unknown {
  if (Array.isArray(schema)) return schema.map((item) => bundleSchema(item, file, seen));
  if (schema === null || typeof schema !== 'object') return schema;

  const node = schema as JsonSchema;
  if (typeof node.$ref === 'string') {
    const [target, pointer = ''] = node.$ref.split('#');
    const targetFile = target ? resolve(dirname(file), target) : file;
    const key = `${targetFile}#${pointer}`;
    if (seen.includes(key)) throw new Error(`circular $ref ${node.$ref} in ${file}`);
    const referenced = followPointer(readJsonFile(targetFile), pointer, `${node.$ref} in ${file}`);
    const inlined = bundleSchema(referenced, targetFile, [...seen, key]) as JsonSchema;
    const merged: JsonSchema = {};
    for (const [k, v] of Object.entries(inlined)) if (!DROPPED_WHEN_INLINED.has(k)) merged[k] = v;
    for (const [k, v] of Object.entries(node)) {
      if (k !== '$ref' && k !== '$comment') merged[k] = bundleSchema(v, file, seen);
    }
    return merged;
  }

  const copy: JsonSchema = {};
  for (const [k, v] of Object.entries(node)) copy[k] = bundleSchema(v, file, seen);
  return copy;
}

/**
 * Said once for every Unix-time field (`unixTime: true`, which converts such a value before
 * validating): the bundler ends each one's description with it, so definitions never repeat it.
 */
export const UNIX_TIME_NOTE = 'An ISO 8601 date-time with a time zone, such as 2025-01-01T00:00:00Z, is also accepted and converted to seconds.';

/** Keywords whose values are data, not schemas. */
const VALUE_KEYWORDS = new Set(['enum', 'const', 'default', 'examples', 'lookup']);

function withUnixTimeNotes(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(withUnixTimeNotes);
  if (node === null || typeof node !== 'object') return;
  const schema = node as JsonSchema;
  if (schema.unixTime === true) schema.description = typeof schema.description === 'string' ? `${schema.description} ${UNIX_TIME_NOTE}` : UNIX_TIME_NOTE;
  for (const [key, value] of Object.entries(schema)) if (!VALUE_KEYWORDS.has(key)) withUnixTimeNotes(value);
}

/** A bundled schema without the keys that only make sense inside a file ($schema, $id, $defs). */
export function loadBundledSchema(file: string, schema: unknown = readJsonFile(file)): JsonSchema {
  const bundled = bundleSchema(schema, file) as JsonSchema;
  for (const key of DROPPED_WHEN_INLINED) delete bundled[key];
  withUnixTimeNotes(bundled);
  return bundled;
}
