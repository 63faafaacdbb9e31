// Part of `npm run build`: the package's entry point as one file, got and its dependencies
// included. A host that loads the package resolves and compiles one module instead of about a
// hundred, which takes about a third off a cold start (docs/performance.md). ajv stays outside:
// the runtime requires it only when a validator was not precompiled or input is invalid.
// The CLI, sandbox and host keep using the separate modules tsc writes to dist/runtime.
import { build } from 'esbuild';
import { join } from 'node:path';
import { packageRoot } from '../runtime/package-root.js';

const root = packageRoot();
const outfile = join(root, 'dist', 'runtime.bundle.js');
const result = await build({
  entryPoints: [join(root, 'runtime', 'index.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['ajv', 'ajv-formats'],
  // got's CommonJS dependencies call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  metafile: true,
  logLevel: 'warning',
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(`bundled the runtime entry (${Object.keys(result.metafile.inputs).length} modules, ${(bytes / 1024).toFixed(0)} KB) into dist/runtime.bundle.js`);
