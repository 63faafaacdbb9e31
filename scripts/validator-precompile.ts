// Which schemas the runtime validates against, and their validators as ajv standalone code:
// the auth schema of every connector, the input schema of every operation, the item schema of
// every bulk operation (as given, and as streamed items are checked: checkedItemSchema), and the
// entry choices of every batch operation one sends through. Distinct schemas only, keyed like the runtime
// looks them up (precompiled-validators.ts).
import standaloneCode from 'ajv/dist/standalone/index.js';
import { entryBranches, entrySchema } from '../runtime/runners/bulk/run-bulk.js';
import { checkedItemSchema, itemSchema } from '../runtime/runners/bulk/bulk-runner.js';
import type { JsonSchema } from '../runtime/definitions.js';
import type { LoadedConnector } from '../runtime/loader.js';
import { schemaKey } from '../runtime/input/precompiled-validators.js';
import { createAjv } from '../runtime/input/validation.js';

export function validatedSchemas(connectors: LoadedConnector[]): JsonSchema[] {
  const schemas: JsonSchema[] = [];
  for (const connector of connectors) {
    schemas.push(connector.auth_schema);
    for (const operation of connector.operationsByName.values()) {
      schemas.push(operation.input_schema);
      const send = operation.bulk && connector.operationsByName.get(operation.bulk.send);
      if (!send) continue;
      schemas.push(itemSchema(operation));
      const entries = entrySchema({ send, listInput: operation.bulk!.batch_input });
      schemas.push(checkedItemSchema(operation, Number(entries.maxBytes ?? Infinity)));
      schemas.push(...(entryBranches(entries)?.branches.values() ?? [entries]));
    }
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
