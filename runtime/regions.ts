// The region table (auth/regions.json), read once when first needed and handed to auth/, which
// reads no files of its own.
import { join } from 'node:path';
import { RegionTable, type RegionTableData } from '../auth/regions.js';
import { EMBEDDED } from './embedded.js';
import { packageRoot } from './package-root.js';
import { readJsonFile } from './schema-bundle.js';

let table: RegionTable | undefined;

export function regionTable(): RegionTable {
  table ??= new RegionTable(EMBEDDED?.regions ?? readJsonFile<RegionTableData>(join(packageRoot(), 'auth', 'regions.json')));
  return table;
}
