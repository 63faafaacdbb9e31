// Starts a worker thread on one of the sandbox's own modules, whether the package runs compiled
// (dist/…/x.js: a plain Worker) or from its TypeScript sources (tsx, or jest in the tests). In
// Node 20 a worker does not inherit the loader hooks of `--import tsx`, so for a `.ts` module
// the worker first registers tsx's ESM hooks itself (tsx is a devDependency: sources only run
// where it is installed), then imports the module.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The URL of a module beside `base` (an `import.meta.url`), with the extension `base` has. */
export function siblingModule(base: string, name: string): URL {
  return new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);
}

function tsxHooks(): string {
  const require = createRequire(import.meta.url);
  return pathToFileURL(join(dirname(require.resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
}

export function startModuleWorker(module: URL, options: Pick<WorkerOptions, 'workerData' | 'resourceLimits' | 'stdout' | 'stderr'> = {}): Worker {
  if (!module.pathname.endsWith('.ts')) return new Worker(module, options);
  const boot = `import(${JSON.stringify(tsxHooks())}).then(({ register }) => { register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}
