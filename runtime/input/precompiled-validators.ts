// Validators compiled at build time (`npm run build`, scripts/validator-precompile.ts) with ajv's
// standalone code: one CommonJS file per distinct schema in dist/validators, named by a hash of
// the schema's JSON. Loading one is a require of plain code: no ajv, no compile, and far less
// memory than ajv's compiled form. A schema changed since the build has another hash, finds no
// file, and is compiled by ajv at runtime instead, so a stale build is never wrong, only slower.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import type { JsonSchema } from '../definitions.js';
import { packageRoot } from '../package-root.js';

export function precompiledDir(): string {
  return join(packageRoot(), 'dist', 'validators');
}

/** The name of a schema's precompiled validator: a hash of its JSON text. */
export function schemaKey(schema: JsonSchema): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 32);
}

const require = createRequire(import.meta.url);
let available: Set<string> | undefined;

export function precompiledValidator(key: string): ValidateFunction | undefined {
  if (!available) {
    const dir = precompiledDir();
    available = new Set(existsSync(dir) ? readdirSync(dir) : []);
  }
  const file = `${key}.cjs`;
  return available.has(file) ? (require(join(precompiledDir(), file)) as ValidateFunction) : undefined;
}
