// Bundles the reference host's page (React + rjsf) with esbuild into dist/web/ (`npm run build`
// does it, so an installed package serves the page without esbuild, a dev dependency).
// `npm start` and the browser test also run it before serving; it takes about a second. Run alone: `tsx host/build.ts [--development]`.
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../runtime/package-root.js';

export type WebBuildMode = 'production' | 'development';

export interface WebBuild {
  /** The folder to serve. */
  outDir: string;
  /** Size of the page's script in bytes. */
  scriptBytes: number;
  ms: number;
}

export function webSourceDir(): string {
  return join(packageRoot(), 'host', 'web');
}

export function defaultWebOutDir(): string {
  return join(packageRoot(), 'dist', 'web');
}

/**
 * Production: minified, React's production build. Development: React's development build,
 * which reports more mistakes on the console (the browser test builds this one).
 */
export async function buildWeb(options: { mode?: WebBuildMode; outDir?: string } = {}): Promise<WebBuild> {
  const mode = options.mode ?? 'production';
  const outDir = options.outDir ?? defaultWebOutDir();
  const source = webSourceDir();
  const started = performance.now();
  await mkdir(outDir, { recursive: true });
  // esbuild is a dev dependency: loaded only to build, never by a host that serves the built page.
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(source, 'main.tsx')],
    outfile: join(outDir, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    jsx: 'automatic',
    minify: mode === 'production',
    // The production page ships in the package; its 3 MB source map would only weigh it down.
    sourcemap: mode === 'development' ? 'linked' : false,
    define: { 'process.env.NODE_ENV': JSON.stringify(mode) },
    legalComments: 'linked',
    logLevel: 'warning',
  });
  await Promise.all(['index.html', 'style.css'].map((file) => copyFile(join(source, file), join(outDir, file))));
  const { size } = await stat(join(outDir, 'app.js'));
  return { outDir, scriptBytes: size, ms: Math.round(performance.now() - started) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildWeb({ mode: process.argv.includes('--development') ? 'development' : 'production' });
  process.stdout.write(`built ${built.outDir} (app.js ${(built.scriptBytes / 1024).toFixed(0)} KB, ${built.ms} ms)\n`);
}
