// Where the package's data files live: the folder holding connector.manifest.json, found by
// walking up from this module, so it works from the TypeScript sources and from dist/ alike. A
// host whose bundler moved this module elsewhere names the folder (loadConnectors({ root })),
// and the definitions, region table and validators are all read from there; or it uses the
// `bundled` entry, which reads no file at all.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The folder the host named: every later lookup reads from it. */
export function usePackageRoot(root: string): void {
  cached = root;
}

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'connector.manifest.json'))) {
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error("connector.manifest.json not found above the runtime: when this package is bundled, pass loadConnectors({ root: '<the package folder>' }) or import 'customerio-tray-connectors/bundled'");
    }
    dir = parent;
  }
  cached = dir;
  return dir;
}
