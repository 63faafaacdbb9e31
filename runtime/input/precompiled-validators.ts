// Validators compiled at build time (`npm run build`, scripts/validator-precompile.ts) with ajv's
// standalone code, one per distinct schema, named by a hash of the schema's JSON. The package's
// published entry carries their code inside itself (runtime/embedded.ts); the sources read them
// from dist/validators. Either way a validator is plain code made into a function on first use:
// no ajv compile, and far less memory than ajv's compiled form. A schema changed since the build
// has another hash, finds none, and is compiled by ajv instead: a stale build is never wrong,
// only slower.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import * as ucs2lengthModule from 'ajv/dist/runtime/ucs2length.js';
import * as formatsModule from 'ajv-formats/dist/formats.js';
import type { JsonSchema } from '../definitions.js';
import { EMBEDDED } from '../embedded.js';
import { packageRoot } from '../package-root.js';

export function precompiledDir(): string {
  return join(packageRoot(), 'dist', 'validators');
}

/** The name of a schema's precompiled validator: a hash of its JSON text. */
export function schemaKey(schema: JsonSchema): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 32);
}

/** A CommonJS module's exports whatever interop wrapped them (Node, a bundler). */
function exportsOf(namespace: Record<string, unknown>): Record<string, unknown> {
  const inner = namespace.default;
  return inner !== null && typeof inner === 'object' ? (inner as Record<string, unknown>) : namespace;
}

/**
 * The only modules standalone validators require (ajv's UTF-16 length and ajv-formats' URI
 * check), imported here so that a bundler sees and includes them.
 */
const RUNTIME_MODULES: Record<string, unknown> = {
  'ajv/dist/runtime/ucs2length': { default: ((m) => (typeof m.default === 'function' ? m.default : m))(exportsOf(ucs2lengthModule as unknown as Record<string, unknown>)) },
  'ajv-formats/dist/formats': exportsOf(formatsModule as unknown as Record<string, unknown>),
};

function requireRuntimeModule(name: string): unknown {
  const module = RUNTIME_MODULES[name];
  if (!module) throw new Error(`a precompiled validator requires ${name}, which the runtime does not provide`);
  return module;
}

/** A standalone validator's CommonJS code as a function. */
function instantiate(code: string): ValidateFunction {
  const module = { exports: {} as unknown };
  // The code is the build's own output (scripts/validator-precompile.ts), never input.
  new Function('module', 'exports', 'require', code)(module, module.exports, requireRuntimeModule);
  return module.exports as ValidateFunction;
}

let sources: ((key: string) => string | undefined) | undefined;

/** Where validator code comes from: the entry's embedded copy, or the build's files. */
function codeSource(): (key: string) => string | undefined {
  if (EMBEDDED) return (key) => EMBEDDED!.validators[key];
  const dir = precompiledDir();
  const files = new Set(existsSync(dir) ? readdirSync(dir) : []);
  return (key) => (files.has(`${key}.cjs`) ? readFileSync(join(dir, `${key}.cjs`), 'utf8') : undefined);
}

export function precompiledValidator(key: string): ValidateFunction | undefined {
  sources ??= codeSource();
  const code = sources(key);
  return code === undefined ? undefined : instantiate(code);
}
