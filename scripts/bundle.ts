// Part of `npm run build`: the package's entry points as single files, with got, ajv and their
// dependencies included. A host that loads the package resolves and compiles one module instead
// of about a hundred (docs/performance.md).
//   dist/runtime.bundle.js  the default entry: reads the build's definitions and validators
//                           (dist/) when loadConnectors() first needs them, never at import
//   dist/bundled.js         the same with the build's definitions, region table and validator
//                           code inside it (runtime/embedded.ts replaced by that data), for a
//                           host that bundles its server: no file of the package is read at all
// The CLI, sandbox and host keep using the separate modules tsc writes to dist/runtime.
import { build, type Plugin } from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../runtime/package-root.js';

const root = packageRoot();

/** JSON whose non-ASCII characters are escaped: a source of one-byte characters takes half the memory. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** runtime/embedded.ts as the build's data: two JSON texts, the validators' parsed only when first needed. */
function embeddedModule(): string {
  const prebuilt = JSON.parse(readFileSync(join(root, 'dist', 'definitions.json'), 'utf8')) as { connectors: unknown[] };
  const data = { connectors: prebuilt.connectors, regions: JSON.parse(readFileSync(join(root, 'auth', 'regions.json'), 'utf8')) };
  const dir = join(root, 'dist', 'validators');
  const validators = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.cjs')).map((f) => [f.slice(0, -4), readFileSync(join(dir, f), 'utf8')]));
  return [
    `const DATA = ${asciiJson(asciiJson(data))};`,
    `const VALIDATORS = ${asciiJson(asciiJson(validators))};`,
    'let validators;',
    'export const EMBEDDED = { ...JSON.parse(DATA), get validators() { return (validators ??= JSON.parse(VALIDATORS)); } };',
  ].join('\n');
}

const embed: Plugin = {
  name: 'embed-build-data',
  setup(builder) {
    builder.onLoad({ filter: /runtime[\\/]embedded\.ts$/ }, () => ({ contents: embeddedModule(), loader: 'js' }));
  },
};

async function bundle(outfile: string, plugins: Plugin[]): Promise<string> {
  const result = await build({
    entryPoints: [join(root, 'runtime', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    plugins,
    // got's CommonJS dependencies call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
    metafile: true,
    logLevel: 'warning',
  });
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  return `${Object.keys(result.metafile.inputs).length} modules, ${(bytes / 1024).toFixed(0)} KB`;
}

const plain = await bundle(join(root, 'dist', 'runtime.bundle.js'), []);
const bundled = await bundle(join(root, 'dist', 'bundled.js'), [embed]);
console.log(`bundled the runtime entry (${plain}) into dist/runtime.bundle.js, and with its data inside (${bundled}) into dist/bundled.js`);
