// What the package's published entry carries inside itself: the prebuilt definitions, the region
// table and the precompiled validators' code, so that a host that bundles its server (esbuild,
// webpack) needs no file of this package at run time, and nothing is read from disk at import.
// In the sources this is empty and the runtime reads the files; `scripts/bundle.ts` replaces
// this module with the build's data when it writes dist/runtime.bundle.js.
import type { RegionTableData } from '../auth/regions.js';
import type { LoadedConnector } from './definitions.js';

export interface EmbeddedData {
  /** Every connector as the loader leaves it (operations as a list; the map is made on load). */
  connectors: (Omit<LoadedConnector, 'operationsByName'> & { loaded_operations: LoadedConnector['operationsByName'] extends Map<string, infer O> ? O[] : never })[];
  regions: RegionTableData;
  /** Precompiled validator code (ajv standalone, CommonJS) by schema key. */
  validators: Record<string, string>;
}

export const EMBEDDED: EmbeddedData | undefined = undefined;
