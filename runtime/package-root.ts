// Where the package's data files live: the folder holding connector.manifest.json, found by
// walking up from this module, so it works from the TypeScript sources and from dist/ alike.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'connector.manifest.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('connector.manifest.json not found above the runtime');
    dir = parent;
  }
  cached = dir;
  return dir;
}
