// Part of `npm run build` (and of `npm test`): what the runtime would otherwise work out on
// every start, done once.
//   dist/definitions.json      every connector loaded and bundled (prebuilt-definitions.ts)
//   dist/validators/<key>.cjs  the validator of every distinct schema the runtime checks
//                              (precompiled-validators.ts); emptied first, so none linger
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadSources, packageRoot } from '../runtime/loader.js';
import { prebuiltPath, serializePrebuilt } from '../runtime/prebuilt-definitions.js';
import { precompiledDir } from '../runtime/input/precompiled-validators.js';
import { precompileValidators } from './validator-precompile.js';

const started = performance.now();
const root = packageRoot();
const { connectors, files } = loadSources(root);

const definitions = serializePrebuilt(root, connectors, files);
mkdirSync(dirname(prebuiltPath(root)), { recursive: true });
writeFileSync(prebuiltPath(root), definitions);

const dir = precompiledDir();
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
let bytes = 0;
const sources = precompileValidators(connectors);
for (const [key, source] of sources) {
  writeFileSync(join(dir, `${key}.cjs`), source);
  bytes += source.length;
}
console.log(
  `precompiled ${files.length} definition files (${(definitions.length / 1024 / 1024).toFixed(1)} MB) and ` +
    `${sources.size} validators (${(bytes / 1024 / 1024).toFixed(1)} MB) into dist/ in ${Math.round(performance.now() - started)} ms`,
);
