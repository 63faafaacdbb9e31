// Which schemas the runtime validates against, and their validators as ajv standalone code:
// the auth schema of every connector, the input schema of every operation, and the v2 entity
// choices bulk sending checks items against. Distinct schemas only, keyed like the runtime
// looks them up (precompiled-validators.ts).
import standaloneCode from 'ajv/dist/standalone/index.js';
import { entityBranches } from '../runtime/bulk/run-bulk.js';
import type { JsonSchema } from '../runtime/definitions.js';
import type { LoadedConnector } from '../runtime/loader.js';
import { schemaKey } from '../runtime/precompiled-validators.js';
import { createAjv } from '../runtime/validation.js';

export function validatedSchemas(connectors: LoadedConnector[]): JsonSchema[] {
  const schemas: JsonSchema[] = [];
  for (const connector of connectors) {
    schemas.push(connector.auth_schema);
    for (const operation of connector.operationsByName.values()) schemas.push(operation.input_schema);
    const sendEntity = connector.operationsByName.get('send_entity');
    if (sendEntity) schemas.push(...entityBranches(sendEntity).values());
  }
  return schemas;
}

/** Standalone CommonJS source of the first-error validator of each distinct schema, by key. */
export function precompileValidators(connectors: LoadedConnector[]): Map<string, string> {
  // The same options as the runtime's first-error validators, plus the source for standalone output.
  const ajv = createAjv(false, { code: { source: true, lines: false } });
  const sources = new Map<string, string>();
  for (const schema of validatedSchemas(connectors)) {
    const key = schemaKey(schema);
    if (!sources.has(key)) sources.set(key, (standaloneCode as unknown as typeof standaloneCode.default)(ajv, ajv.compile(schema)));
  }
  return sources;
}
