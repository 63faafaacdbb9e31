// cio-connectors: list, describe and run operations from a terminal. `run` and `list` print JSON,
// `describe` a readable table (JSON with --json); exits non-zero when the envelope is a failure,
// so scripts and CI can rely on it. A mistyped connector or operation gets "did you mean".
import { parseArgs } from 'node:util';
import { loadConnectors, PACKAGE_VERSION, type Envelope, type Registry } from '../runtime/index.js';
import { authArgument, jsonArgument, timeoutArgument, UsageError, type CliResult } from './args.js';
import { connectorText, operationText } from './describe-text.js';
import { IMPORT_USAGE, runImportCommand, type ImportIo } from './import.js';
import { LISTEN_USAGE, runListenCommand } from './listen.js';
import { authFormOf, checkedConnector, checkedOperation, closestNames } from './names.js';

export { UsageError, type CliResult } from './args.js';

const USAGE = `Usage:
  cio-connectors --version
  cio-connectors list
  cio-connectors describe <connector> [operation] [--json]
                 (a table of the connector's operations, or the operation's fields; --json prints
                 the description as a host gets it, schemas included)
  cio-connectors run <connector> <operation> --input <json|@file> --auth <json|@file|env>
                 [--region us|eu] [--dry-run] [--origin <url>] [--timeout <ms>]
${IMPORT_USAGE}
${LISTEN_USAGE}
  cio-connectors sandbox [--port <n>] [--host <address>] [--state <file.json> [--fsync]]
                 (a local Customer.io stand-in; runs until Ctrl-C; --fsync answers a change
                 once its journal line is on disk, not only written to the OS)
  cio-connectors host [--port <n>] [--sandbox-port <n>] [--host <address>] [--state <file.json>]
                 (the reference host page with the sandbox as its default target; runs until Ctrl-C)

--auth env reads CUSTOMERIO_SITE_ID and CUSTOMERIO_TRACK_API_KEY (Track) or
CUSTOMERIO_APP_API_KEY (App, Beta), and CUSTOMERIO_REGION.`;

/**
 * Runs one command and returns what to print. `registry` replaces the default one (tests, the
 * bulk-import benchmark); `io` is where `import` draws its progress (process.stderr by default).
 */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env, registry?: Registry, io?: ImportIo): Promise<CliResult> {
  // import has options of its own (--file, --failed, --concurrency…), parsed by its module.
  if (argv[0] === 'import') return runImportCommand(argv.slice(1), env, registry, io);
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      input: { type: 'string' },
      auth: { type: 'string' },
      region: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      origin: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, connector, operation] = positionals;
  if (values.help || !command) return { output: USAGE, exitCode: command ? 0 : 2 };
  const loaded = registry ?? (await loadConnectors());

  switch (command) {
    case 'list':
      return { output: loaded.list(), exitCode: 0 };
    case 'describe': {
      if (!connector) throw new UsageError('describe needs a connector name');
      const description = loaded.describe(checkedConnector(loaded, connector));
      if (!operation) return { output: values.json ? description : connectorText(description), exitCode: 0 };
      const found = checkedOperation(loaded, connector, operation);
      return { output: values.json ? found : operationText(description, found), exitCode: 0 };
    }
    case 'run': {
      if (!connector || !operation) throw new UsageError('run needs a connector and an operation');
      // Names first: a typo is pointed out before credentials or input are read.
      checkedOperation(loaded, connector, operation);
      const auth = authArgument(authFormOf(loaded, connector), values.auth, values.region, env, 'run');
      const timeoutMs = timeoutArgument(values.timeout);
      const result: Envelope = await loaded.execute({
        connector,
        operation,
        auth,
        input: jsonArgument(values.input, 'input'),
        options: { dryRun: values['dry-run'], ...(values.origin ? { origin: values.origin } : {}), ...(timeoutMs ? { timeoutMs } : {}) },
      });
      return { output: result, exitCode: result.ok ? 0 : 1 };
    }
    default: {
      const commands = ['list', 'describe', 'run', 'import', 'listen', 'sandbox', 'host'];
      const close = closestNames(command, commands, 1);
      throw new UsageError(`unknown command "${command}"${close.length ? `; did you mean ${close[0]}?` : ''}`);
    }
  }
}

const SANDBOX_DEFAULT_PORT = 4010;

/** The sandbox's start-up notice: where each API is and the credentials it accepts. */
function sandboxBanner(origin: string, credentials: { site_id: string; track_api_key: string; app_api_key: string; webhook_signing_key: string }, stateFile?: string, fsync = false): string {
  const trackAuth = JSON.stringify({ site_id: credentials.site_id, api_key: credentials.track_api_key, region: 'us' });
  const appAuth = JSON.stringify({ api_key: credentials.app_api_key, region: 'us' });
  return [
    `Customer.io sandbox listening on ${origin} (fake credentials; nothing leaves this machine)`,
    `  Track  ${origin}/api     HTTP Basic  site_id ${credentials.site_id}  api_key ${credentials.track_api_key}`,
    `  App    ${origin}/v1      Bearer      ${credentials.app_api_key}`,
    `  Beta   ${origin}/v1/api  Bearer      ${credentials.app_api_key}`,
    `  Webhooks signed with the signing key ${credentials.webhook_signing_key} (reporting webhooks registered here are posted to)`,
    `  State  ${stateFile ? `${stateFile} (loaded if present; every change journaled beside it before it is answered${fsync ? ', fsynced' : ''})` : 'in memory only (use --state <file.json> to keep it)'}`,
    '',
    'Try:',
    `  cio-connectors run customer-io get_account_region --origin ${origin} --auth '${trackAuth}'`,
    `  cio-connectors run customer-io-app list_segments --origin ${origin} --auth '${appAuth}'`,
    `  cio-connectors listen customer-io-trigger --events email_sent,email_delivered --origin ${origin} --auth '${JSON.stringify({ api_key: credentials.app_api_key, region: 'us', signing_key: credentials.webhook_signing_key })}'`,
    'Ctrl-C stops it.',
  ].join('\n');
}

/** `cio-connectors sandbox`: starts the sandbox and keeps it running until SIGINT or SIGTERM. */
async function runSandboxCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      state: { type: 'string' },
      fsync: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = portOption(values.port, 'port', SANDBOX_DEFAULT_PORT);
  if (values.fsync && !values.state) throw new UsageError('--fsync needs --state <file.json>');
  // This process is the sandbox's own, so it runs on the main thread (the host runs it in a worker thread).
  const { startSandbox } = await import('../sandbox/index.js');
  const sandbox = await startSandbox({
    port, ...(values.host ? { host: values.host } : {}), ...(values.state ? { stateFile: values.state, durability: values.fsync ? 'fsync' : 'os' } : {}),
  });
  process.stdout.write(`${sandboxBanner(sandbox.origin, sandbox.credentials, values.state, values.fsync)}\n`);
  for (const warning of sandbox.warnings) process.stderr.write(`warning: ${warning}\n`);
  await untilStopped();
  await sandbox.close();
  process.stdout.write('Customer.io sandbox stopped.\n');
}

/** Resolves on Ctrl-C (SIGINT) or SIGTERM, so a long-running command can close what it started. */
function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function portOption(value: string | undefined, name: string, fallback: number): number {
  const port = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--${name} must be a whole number from 0 to 65535 (0 picks a free port)`);
  return port;
}

/** `cio-connectors host`: serves the built page, starts the sandbox and the reference host, runs until SIGINT or SIGTERM. */
async function runHostCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'sandbox-port': { type: 'string' },
      host: { type: 'string' },
      state: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { startLocalHost, DEFAULT_HOST_PORT, DEFAULT_SANDBOX_PORT } = await import('../host/start.js');
  const local = await startLocalHost({
    port: portOption(values.port, 'port', DEFAULT_HOST_PORT),
    sandboxPort: portOption(values['sandbox-port'], 'sandbox-port', DEFAULT_SANDBOX_PORT),
    ...(values.host ? { host: values.host } : {}),
    ...(values.state ? { sandboxStateFile: values.state } : {}),
  });
  process.stdout.write(`${local.banner}\nCtrl-C stops both.\n`);
  await untilStopped();
  await local.close();
  process.stdout.write('Reference host and sandbox stopped.\n');
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  try {
    if (argv[0] === '--version' || argv[0] === '-v') {
      process.stdout.write(`${PACKAGE_VERSION}\n`);
      return;
    }
    if (argv[0] === 'sandbox') {
      await runSandboxCommand(argv.slice(1));
      return;
    }
    if (argv[0] === 'host') {
      await runHostCommand(argv.slice(1));
      return;
    }
    if (argv[0] === 'listen') {
      const { output, exitCode } = await runListenCommand(argv.slice(1), process.env, undefined, { out: process.stdout, err: process.stderr });
      if (output !== undefined) process.stdout.write(`${String(output)}\n`);
      process.exitCode = exitCode;
      return;
    }
    // As the process itself, `import` answers Ctrl-C and SIGTERM by stopping cleanly.
    const { output, exitCode } = await runCli(argv, process.env, undefined, { processSignals: true });
    process.stdout.write(typeof output === 'string' ? `${output}\n` : `${JSON.stringify(output, null, 2)}\n`);
    process.exitCode = exitCode;
  } catch (error) {
    process.stderr.write(`cio-connectors: ${(error as Error).message}\n${error instanceof UsageError ? `\n${USAGE}\n` : ''}`);
    process.exitCode = 2;
  }
}
