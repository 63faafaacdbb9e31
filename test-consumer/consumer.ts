// The package as a host developer gets it (npm run test:consumer; .ci/run runs it after npm test):
// `npm pack`, the tarball installed into an empty project, then every way a host uses it. First
// with nothing else installed, so nothing from devDependencies can help: ESM import and require(),
// the CLI (list, run --dry-run, sandbox, host with its prebuilt page), the optional Redis peers'
// message. Then with typescript and esbuild added: docs/embedding.md's host compiled under
// nodenext and bundler (and a types-only check under node10) and run against the sandbox, and a
// server bundled with esbuild that runs a dry run and a live call from a folder with no
// node_modules at all. Ends with one line: `N passed, N failed`.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../runtime/package-root.js';
import { checkReport } from '../test/check-report.js';

const run = promisify(execFile);
const root = packageRoot();
const ownPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };
const work = mkdtempSync(join(tmpdir(), 'cio-consumer-'));
const project = join(work, 'host-project');
const started = performance.now();

const report = checkReport({ maxDetailLines: 12 });
const { check } = report;

/** Runs a command in the host project; never throws, hands back what it printed and its exit code. */
async function sh(file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd: options.cwd ?? project, env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message };
  }
}
const node = (args: string[], options?: Parameters<typeof sh>[2]) => sh(process.execPath, args, options);
const npm = (args: string[], options?: Parameters<typeof sh>[2]) => sh('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], options);
const bin = join(project, 'node_modules', '.bin', 'cio-connectors');

/** Starts a long-running command and resolves once a line of its output matches `ready`. */
function startUntil(file: string, args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`not ready after 30 s: ${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited (${code}) before it was ready: ${output}`)));
  });
}
function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}

const EXAMPLE_INPUT = JSON.stringify({ identifier: 'ada-42', name: 'signed_up', data: { plan: 'pro' } });

async function packTarball(): Promise<string | undefined> {
  // dist/ is already built (npm test builds it); the scripts would only build it again.
  const packed = await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root });
  if (!check('npm pack', packed.code === 0, packed.stderr)) return undefined;
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; size: number; unpackedSize: number; files: Array<{ path: string }> }>;
  const files = info.files.map((f) => f.path);
  check('the tarball holds LICENSE, CHANGELOG.md, README.md and the prebuilt page', ['LICENSE', 'CHANGELOG.md', 'README.md', 'dist/web/index.html', 'dist/web/app.js', 'dist/bundled.js'].every((f) => files.includes(f)), files.join(' '));
  const stray = files.filter((f) => /^(test|test-browser|test-consumer|bench|scripts|host\/web|docs)\//.test(f) || f.endsWith('.map') || f.endsWith('.test.js'));
  check('the tarball holds no tests, benchmarks, scripts, page sources or source maps', stray.length === 0, stray.join(' '));
  process.stdout.write(`    tarball: ${(info.size / 1024 / 1024).toFixed(1)} MB packed, ${(info.unpackedSize / 1024 / 1024).toFixed(1)} MB unpacked, ${files.length} files\n`);
  return join(work, info.filename);
}

async function installed(tarball: string): Promise<boolean> {
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'host-project', private: true, type: 'module' }, null, 2));
  const install = await npm(['install', tarball, '--prefer-offline'], { timeoutMs: 300_000 });
  return check('the tarball installs into an empty project', install.code === 0, install.stderr);
}

async function loadsBothWays(): Promise<void> {
  const esm = await node(['--input-type=module', '-e', "import { loadConnectors } from 'customerio-tray-connectors'; const r = await loadConnectors(); console.log(r.list().map((c) => c.name).join(','));"]);
  check('import loads the runtime and lists the four connectors', esm.stdout.trim() === 'customer-io,customer-io-app,customer-io-beta,customer-io-trigger', esm.stderr);
  const cjs = await node(['-e', "const { loadConnectors } = require('customerio-tray-connectors'); loadConnectors().then((r) => console.log(r.describe('customer-io-app').operations.length));"]);
  check(`require() loads it too (Node ${process.versions.node})`, cjs.code === 0 && Number(cjs.stdout.trim()) > 100, cjs.stderr);
  const forms = await node(['--input-type=module', '-e', "import { prepareForm } from 'customerio-tray-connectors/forms'; import { loadConnectors } from 'customerio-tray-connectors/bundled'; const op = (await loadConnectors()).describe('customer-io-app').operations.find((o) => o.name === 'send_transactional_email'); console.log(JSON.stringify({ sends: op.sends_message, widget: prepareForm(op.input_schema).uiSchema.transactional_message_id?.['ui:widget'] ?? null }));"]);
  check('the ./forms and ./bundled entries load', forms.code === 0 && JSON.parse(forms.stdout || '{}').sends === true, forms.stdout + forms.stderr);
  const redis = await node(['--input-type=module', '-e', "import { RedisRateLimiter } from 'customerio-tray-connectors/rate-limit-redis'; try { new RedisRateLimiter({}); } catch (e) { console.log(e.message); }"]);
  check('the Redis limiter imports without its optional peers and says what to install', /needs the optional peer dependencies ioredis and rate-limiter-flexible: npm install/.test(redis.stdout), redis.stdout + redis.stderr);
}

async function cliWorks(): Promise<string | undefined> {
  const version = await sh(bin, ['--version']);
  check('cio-connectors --version', version.stdout.trim() === ownPackage.version, version.stdout + version.stderr);
  const list = await sh(bin, ['list']);
  check('cio-connectors list', list.code === 0 && (JSON.parse(list.stdout || '[]') as unknown[]).length === 4, list.stderr);
  const dry = await sh(bin, ['run', 'customer-io', 'track_custom_event', '--input', EXAMPLE_INPUT, '--auth', '{"site_id":"site-test","api_key":"key-test"}', '--region', 'eu', '--dry-run']);
  check('cio-connectors run --dry-run shows the request, credentials redacted', dry.code === 0 && dry.stdout.includes('https://track-eu.customer.io/api/v1/customers/ada-42/events') && !dry.stdout.includes('key-test'), dry.stdout + dry.stderr);

  const { child: host, match } = await startUntil(bin, ['host', '--port', '0', '--sandbox-port', '0'], /Host: (http:\/\/127\.0\.0\.1:\d+)/);
  try {
    const page = await fetch(`${match[1]}/`);
    const html = await page.text();
    const script = await fetch(`${match[1]}/app.js`);
    check('cio-connectors host serves the prebuilt page (no esbuild installed)', page.status === 200 && html.includes('<div id="root">') && script.status === 200, `${page.status} ${html.slice(0, 200)}`);
  } finally {
    await stop(host);
  }
  const sandbox = await startUntil(bin, ['sandbox', '--port', '0'], /listening on (http:\/\/127\.0\.0\.1:\d+)/);
  check('cio-connectors sandbox starts', true);
  process.on('exit', () => sandbox.child.kill('SIGKILL'));
  return sandbox.match[1];
}

const TYPED_HOST = `
import { loadConnectors, type EnvelopeError } from 'customerio-tray-connectors';
import type { SendTransactionalEmailInput } from 'customerio-tray-connectors/types/customer-io-app';

export async function typedCalls(): Promise<void> {
  const registry = await loadConnectors();
  const auth = { api_key: 'app-key-test', region: 'us' };
  const input: SendTransactionalEmailInput = { identifiers: { id: '42' }, content: { transactional_message_id: 3 } };
  const sent = await registry.execute({ connector: 'customer-io-app', operation: 'send_transactional_email', auth, input, options: { dryRun: true } });
  if (sent.ok && 'output' in sent) console.log(sent.output.delivery_id);
  // @ts-expect-error: not an operation of customer-io-app
  await registry.execute({ connector: 'customer-io-app', operation: 'send_transactional_mail', auth, input });
  // @ts-expect-error: segment_id is required
  await registry.execute({ connector: 'customer-io-app', operation: 'get_segment', auth, input: {} });
  const error = { code: 'api_error', message: 'm', retryable: false, details: { region: 'eu' } } as EnvelopeError;
  if (error.code === 'api_error') console.log(error.details?.region, error.details?.may_have_been_processed);
}
`;

async function compiles(): Promise<void> {
  const add = await npm(['install', '--prefer-offline', `typescript@${ownPackage.devDependencies.typescript}`, `esbuild@${ownPackage.devDependencies.esbuild}`, `@types/node@${ownPackage.devDependencies['@types/node']}`], { timeoutMs: 300_000 });
  if (!check('typescript, esbuild and @types/node install beside it', add.code === 0, add.stderr)) return;
  mkdirSync(join(project, 'src'), { recursive: true });
  copyFileSync(join(root, 'docs', 'examples', 'minimal-host.ts'), join(project, 'src', 'minimal-host.ts'));
  writeFileSync(join(project, 'src', 'typed-host.ts'), TYPED_HOST);
  const base = { strict: true, skipLibCheck: false, target: 'ES2022', types: ['node'], outDir: 'out' };
  const configs: Record<string, object> = {
    nodenext: { compilerOptions: { ...base, module: 'nodenext', moduleResolution: 'nodenext' }, include: ['src'] },
    bundler: { compilerOptions: { ...base, module: 'esnext', moduleResolution: 'bundler', noEmit: true }, include: ['src'] },
    // A resolver that predates `exports`: the top-level `types` and `typesVersions` serve it.
    node10: { compilerOptions: { ...base, module: 'commonjs', moduleResolution: 'node10', noEmit: true }, files: ['src/typed-host.ts'] },
  };
  for (const [name, config] of Object.entries(configs)) {
    writeFileSync(join(project, `tsconfig.${name}.json`), JSON.stringify(config, null, 2));
    const tsc = await node([join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', `tsconfig.${name}.json`]);
    check(`tsc under ${name} (skipLibCheck off)`, tsc.code === 0, tsc.stdout + tsc.stderr);
  }
}

async function exampleRuns(sandbox: string): Promise<void> {
  const ran = await node(['out/minimal-host.js'], { env: { CIO_ORIGIN: sandbox, CUSTOMERIO_SITE_ID: 'sandbox-site', CUSTOMERIO_TRACK_API_KEY: 'sandbox-track-key' } });
  check("docs/embedding.md's host, compiled, sends its event to the sandbox", ran.code === 0 && ran.stdout.includes(`POST ${sandbox}/api/v1/customers/ada-42/events → 200`), ran.stdout + ran.stderr);
}

const SERVER = `
import { loadConnectors } from 'customerio-tray-connectors';
const registry = await loadConnectors({ rateLimiter: false });
const call = { connector: 'customer-io', operation: 'track_custom_event', auth: { site_id: 'sandbox-site', api_key: 'sandbox-track-key', region: 'us' }, input: ${EXAMPLE_INPUT} } as const;
const dry = await registry.execute({ ...call, options: { dryRun: true } });
const live = await registry.execute({ ...call, options: { origin: process.env.CIO_ORIGIN } });
console.log(JSON.stringify({ dry: dry.ok && 'request' in dry ? dry.request.url : dry, live: live.ok && 'meta' in live ? live.meta.status_code : live }));
`;

async function bundles(sandbox: string): Promise<void> {
  writeFileSync(join(project, 'src', 'server.ts'), SERVER);
  // As docs/embedding.md says: the bundled entry, and a require() for CommonJS code esbuild inlines.
  writeFileSync(join(project, 'bundle.mjs'), `
import { build } from 'esbuild';
await build({ entryPoints: ['src/server.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: 'bundle/server.mjs', logLevel: 'error',
  alias: { 'customerio-tray-connectors': 'customerio-tray-connectors/bundled' },
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" } });
`);
  const built = await node(['bundle.mjs']);
  if (!check('esbuild bundles a host server', built.code === 0, built.stderr)) return;
  // Run from a folder with nothing beside the bundle: no node_modules, no package.json.
  const alone = join(work, 'bundle-alone');
  mkdirSync(alone, { recursive: true });
  copyFileSync(join(project, 'bundle', 'server.mjs'), join(alone, 'server.mjs'));
  const ran = await node([join(alone, 'server.mjs')], { cwd: alone, env: { CIO_ORIGIN: sandbox } });
  let result: { dry?: unknown; live?: unknown } = {};
  try {
    result = JSON.parse(ran.stdout);
  } catch {
    /* reported below */
  }
  check('the bundled server runs a dry run with nothing beside it', result.dry === 'https://track.customer.io/api/v1/customers/ada-42/events', ran.stdout + ran.stderr);
  check('the bundled server makes a live call to the sandbox', result.live === 200, ran.stdout + ran.stderr);
}

try {
  const tarball = await packTarball();
  if (tarball && (await installed(tarball))) {
    await loadsBothWays();
    const sandbox = await cliWorks();
    await compiles();
    if (sandbox) {
      await exampleRuns(sandbox);
      await bundles(sandbox);
    }
  }
} catch (error) {
  check('the consumer test ran to the end', false, (error as Error).stack);
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.stdout.write(`consumer test: ${((performance.now() - started) / 1000).toFixed(1)} s\n${report.summary()}\n`);
process.exit(report.failed > 0 ? 1 : 0);
