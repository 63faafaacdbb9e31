// dist/definitions.json: every connector as the loader leaves it (schemas bundled), written by
// the build. Reading one JSON file is several times faster than reading and bundling the ~270
// definition files, which matters for a host's cold start. It records a hash of the files it
// was made from; when any of them differs (an edited definition, a build left behind), the
// loader reads the sources instead, so it is never stale, only slower.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { LoadedConnector, LoadedOperation } from './definitions.js';

interface StoredConnector extends Omit<LoadedConnector, 'operationsByName'> {
  loaded_operations: LoadedOperation[];
}

interface Prebuilt {
  /** Definition files, relative to the package root, and a hash of their contents in that order. */
  files: string[];
  sources_hash: string;
  connectors: StoredConnector[];
}

export function prebuiltPath(root: string): string {
  return join(root, 'dist', 'definitions.json');
}

/** Undefined when a file is missing: what was built from it cannot be current. */
function hashOf(root: string, files: string[]): string | undefined {
  const hash = createHash('sha256');
  for (const file of files) {
    const path = resolve(root, file);
    if (!existsSync(path)) return undefined;
    hash.update(file).update('\0').update(readFileSync(path)).update('\0');
  }
  return hash.digest('hex');
}

/** Paths are stored relative to the root, so the file holds wherever the package is installed. */
export function serializePrebuilt(root: string, connectors: LoadedConnector[], files: string[]): string {
  const relativeFiles = files.map((file) => relative(root, file)).sort();
  const prebuilt: Prebuilt = {
    files: relativeFiles,
    sources_hash: hashOf(root, relativeFiles)!,
    connectors: connectors.map(({ operationsByName, ...connector }) => ({
      ...connector,
      folder: relative(root, connector.folder),
      loaded_operations: [...operationsByName.values()].map((operation) => ({ ...operation, file: relative(root, operation.file) })),
    })),
  };
  return JSON.stringify(prebuilt);
}

export function loadPrebuilt(root: string): LoadedConnector[] | undefined {
  const path = prebuiltPath(root);
  if (!existsSync(path)) return undefined;
  let prebuilt: Prebuilt;
  try {
    prebuilt = JSON.parse(readFileSync(path, 'utf8')) as Prebuilt;
  } catch {
    return undefined; // a damaged build output is not an error: the sources are there
  }
  if (!Array.isArray(prebuilt.files) || hashOf(root, prebuilt.files) !== prebuilt.sources_hash) return undefined;
  return prebuilt.connectors.map(({ loaded_operations, ...connector }) => ({
    ...connector,
    folder: resolve(root, connector.folder),
    operationsByName: new Map(loaded_operations.map((operation) => [operation.name, { ...operation, file: resolve(root, operation.file) }])),
  }));
}
