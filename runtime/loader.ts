// Reads connector.manifest.json and every connector folder it lists into memory, with each
// schema bundled (self-contained) so hosts and the validator see the same thing. The build keeps
// the result in dist/definitions.json, which is used while the sources are unchanged.
import { dirname, join, resolve } from 'node:path';
import type { ConnectorFile, JsonSchema, LoadedConnector, LoadedOperation, Pagination } from './definitions.js';
import { packageRoot } from './package-root.js';
import { EMBEDDED, type EmbeddedData } from './embedded.js';
import { loadPrebuilt } from './prebuilt-definitions.js';
import { clearFileCache, filesRead, loadBundledSchema, readJsonFile } from './schema-bundle.js';

export { packageRoot };
export type { LoadedConnector, LoadedOperation } from './definitions.js';

interface Manifest {
  connectors: string[];
}

/** `pagination` as a file writes it: a style named in schemas/pagination.styles.json, and what differs. */
interface PaginationInFile extends Omit<Pagination, 'param'> {
  param?: string;
  /** The page-size input's maximum. */
  max_limit?: number;
  /** The page-size input's description, when this list's sizes need saying. */
  limit_description?: string;
}

type DefinitionInFile = Omit<LoadedOperation, 'pagination'> & { pagination?: PaginationInFile };

interface PagingStyle {
  param: string;
  inputs: Record<string, unknown>;
  query: string[];
  advanced: string[];
}

interface PagingStyles {
  styles: Record<string, PagingStyle>;
  fetch_all: { inputs: Record<string, unknown>; advanced: string[] };
}

/** Where http.query places the style's query keys; without it they go at the end. */
const PAGING_QUERY_MARKER = '...pagination';

/**
 * An operation file may `extend` another (a shared definition, or its twin on another connector):
 * it inherits every field it does not set itself, so schemas are written once. A `pagination` it
 * sets is laid over the inherited one (a dropdown adds `"all_pages": "always"` to its list's).
 */
function readDefinition(file: string): DefinitionInFile {
  const raw = readJsonFile<Partial<DefinitionInFile> & { $schema?: string; extends?: string; omit_inputs?: string[] }>(file);
  const { $schema: _schema, extends: parentPath, omit_inputs: omitted = [], ...own } = raw;
  const parent = parentPath ? readDefinition(resolve(dirname(file), parentPath)) : undefined;
  const merged = { ...parent, ...own } as DefinitionInFile;
  if (parent?.pagination && own.pagination) merged.pagination = { ...parent.pagination, ...own.pagination };
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

function loadOperation(file: string, stylesFile: string): LoadedOperation {
  const definition = readDefinition(file);
  const { pagination } = definition;
  return pagination ? withPagingStyle(definition, pagination, stylesFile) : (definition as LoadedOperation);
}

/** A copy of `object` with `entry` set right after the first of `after` it has (or at the end), unless it is there already. */
function withKeyAfter<T extends object>(object: T, after: string[], entry: [string, unknown]): T {
  const entries = Object.entries(object);
  const at = entries.findIndex(([key]) => key === entry[0]);
  if (at >= 0) entries[at] = entry;
  else {
    const anchor = Math.max(...after.map((key) => entries.findIndex(([k]) => k === key)));
    entries.splice(anchor >= 0 ? anchor + 1 : entries.length, 0, entry);
  }
  return Object.fromEntries(entries) as T;
}

/**
 * Expands a pagination style (schemas/pagination.styles.json) into what the operation offers:
 * the paging inputs after its own (its own definition of one wins), the query keys, the
 * `advanced` keys, and the pagination object the runtime reads.
 */
function withPagingStyle(definition: DefinitionInFile, given: PaginationInFile, stylesFile: string): LoadedOperation {
  const { styles, fetch_all: fetchAll } = readJsonFile<PagingStyles>(stylesFile);
  const style = styles[given.style];
  if (!style) throw new Error(`${definition.name}: unknown pagination style "${given.style}" (see ${stylesFile})`);
  const param = given.param ?? style.param;
  const named = (key: string) => (key === style.param ? param : key);
  const fetchesAll = given.all_pages !== 'always';

  const { max_limit: maxLimit, limit_description: limitDescription, ...rest } = given;
  const pagination: Pagination = {
    style: rest.style,
    items: rest.items,
    param,
    ...(rest.next !== undefined ? { next: rest.next } : {}),
    ...(rest.limit !== undefined ? { limit: rest.limit } : {}),
    default_limit: rest.default_limit,
    ...(rest.all_pages !== undefined ? { all_pages: rest.all_pages } : {}),
  };

  const schema = definition.input_schema;
  const own = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const styleInputs = { ...style.inputs, ...(fetchesAll ? fetchAll.inputs : {}) } as Record<string, unknown>;
  const pagingInputs = Object.keys(styleInputs).map(named);
  const properties: Record<string, unknown> = Object.fromEntries(Object.entries(own).filter(([key]) => !pagingInputs.includes(key)));
  for (const [styleKey, input] of Object.entries(styleInputs)) {
    const key = named(styleKey);
    let field = own[key] ?? loadBundledSchema(stylesFile, input);
    if (key === 'limit' && !own[key]) {
      if (limitDescription !== undefined) field = { ...field, description: limitDescription };
      if (maxLimit !== undefined) field = { ...field, maximum: maxLimit };
    }
    properties[key] = field;
  }
  const pagingAdvanced = [...style.advanced.map(named), ...(fetchesAll ? fetchAll.advanced : [])];
  const advanced = [...((schema.advanced as string[] | undefined) ?? []).filter((key) => !pagingAdvanced.includes(key)), ...pagingAdvanced];
  const input_schema = withKeyAfter({ ...schema, properties }, ['properties', 'required'], ['advanced', advanced]);

  let { http } = definition;
  if (http) {
    const listed = http.query ?? [];
    const added = style.query.map(named).filter((key) => !listed.includes(key));
    const marker = listed.indexOf(PAGING_QUERY_MARKER);
    const query = marker >= 0 ? [...listed.slice(0, marker), ...added, ...listed.slice(marker + 1)] : [...listed, ...added];
    http = withKeyAfter(http, ['path', 'base'], ['query', query]);
  }
  return { ...definition, ...(http ? { http } : {}), pagination, input_schema };
}

/** The paging styles operations name; beside the shared schemas, wherever the package is. */
function pagingStylesFile(folder: string): string {
  return resolve(folder, '..', '..', 'schemas', 'pagination.styles.json');
}

export function loadConnectorFolder(folder: string): LoadedConnector {
  const connectorFile = join(folder, 'connector.json');
  const { $schema: _ignored, ...connector } = readJsonFile<ConnectorFile & { $schema?: string }>(connectorFile);
  const operationsByName = new Map<string, LoadedOperation>();
  for (const name of connector.operations) {
    const operation = loadOperation(join(folder, 'operations', `${name}.json`), pagingStylesFile(folder));
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

/** Connectors as the published entry carries them (runtime/embedded.ts). */
function fromEmbedded(embedded: EmbeddedData): LoadedConnector[] {
  return embedded.connectors.map(({ loaded_operations, ...connector }) => ({
    ...connector,
    operationsByName: new Map(loaded_operations.map((operation) => [operation.name, operation])),
  }));
}

/**
 * The connectors: carried by the published entry itself, or, from the sources (and when a host
 * names a `root`), the build's prebuilt file while it is current, else the definition files.
 */
export function loadManifest(root?: string): LoadedConnector[] {
  if (root === undefined && EMBEDDED) return fromEmbedded(EMBEDDED);
  const from = root ?? packageRoot();
  return loadPrebuilt(from) ?? loadSources(from).connectors;
}
