// Reads connector.manifest.json and every connector folder it lists into memory, with each
// schema bundled (self-contained) so hosts and the validator see the same thing. The build keeps
// the result in dist/definitions.json, which is used while the sources are unchanged.
import { dirname, join, resolve } from 'node:path';
import type { ConnectorFile, JsonSchema, LoadedConnector, LoadedOperation, OperationFile } from './definitions.js';
import { packageRoot } from './package-root.js';
import { loadPrebuilt } from './prebuilt-definitions.js';
import { clearFileCache, filesRead, loadBundledSchema, readJsonFile } from './schema-bundle.js';

export { packageRoot };
export type { LoadedConnector, LoadedOperation } from './definitions.js';

interface Manifest {
  connectors: string[];
}

/**
 * An operation file may `extend` another (a shared definition, or its twin on another connector):
 * it inherits every field it does not set itself, so schemas are written once.
 */
function loadOperation(file: string): LoadedOperation {
  const raw = readJsonFile<Partial<OperationFile> & { $schema?: string; extends?: string; omit_inputs?: string[] }>(file);
  const { $schema: _schema, extends: parentPath, omit_inputs: omitted = [], ...own } = raw;
  const parent = parentPath ? loadOperation(resolve(dirname(file), parentPath)) : undefined;
  const merged = { ...parent, ...own } as OperationFile;
  const input_schema = own.input_schema ? loadBundledSchema(file, own.input_schema) : merged.input_schema;
  const http = merged.http && omitted.length ? { ...merged.http, query: merged.http.query?.filter((key) => !omitted.includes(key)) } : merged.http;
  return {
    ...merged,
    ...(http ? { http } : {}),
    input_schema: omitted.length ? withoutInputs(input_schema, omitted) : input_schema,
    output_schema: own.output_schema ? loadBundledSchema(file, own.output_schema) : merged.output_schema,
    file,
  };
}

/** A twin on another API may lack a field of the operation it extends (`omit_inputs`). */
function withoutInputs(schema: JsonSchema, omitted: string[]): JsonSchema {
  const keep = (key: string) => !omitted.includes(key);
  const properties = Object.fromEntries(Object.entries((schema.properties ?? {}) as JsonSchema).filter(([key]) => keep(key)));
  const result: JsonSchema = { ...schema, properties };
  if (Array.isArray(schema.required)) result.required = (schema.required as string[]).filter(keep);
  if (Array.isArray(schema.advanced)) result.advanced = (schema.advanced as string[]).filter(keep);
  return result;
}

export function loadConnectorFolder(folder: string): LoadedConnector {
  const connectorFile = join(folder, 'connector.json');
  const { $schema: _ignored, ...connector } = readJsonFile<ConnectorFile & { $schema?: string }>(connectorFile);
  const operationsByName = new Map<string, LoadedOperation>();
  for (const name of connector.operations) {
    const operation = loadOperation(join(folder, 'operations', `${name}.json`));
    if (operation.name !== name) throw new Error(`${operation.file} declares name ${operation.name}, expected ${name}`);
    operationsByName.set(name, operation);
  }
  return { ...connector, folder, auth_schema: loadBundledSchema(join(folder, 'auth.schema.json')), operationsByName };
}

/** The definitions read and bundled from their sources, with every file that went into them. */
export function loadSources(root: string = packageRoot()): { connectors: LoadedConnector[]; files: string[] } {
  clearFileCache();
  const manifest = readJsonFile<Manifest>(join(root, 'connector.manifest.json'));
  const connectors = manifest.connectors.map((folder) => loadConnectorFolder(resolve(root, folder)));
  const files = filesRead();
  clearFileCache();
  return { connectors, files };
}

export function loadManifest(root: string = packageRoot()): LoadedConnector[] {
  return loadPrebuilt(root) ?? loadSources(root).connectors;
}
