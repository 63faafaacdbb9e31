// cio-connectors: list, describe and run operations from a terminal. Prints JSON; exits
// non-zero when the envelope is a failure, so scripts and CI can rely on it.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConnectors, type Envelope, type Registry } from '../runtime/index.js';

const USAGE = `Usage:
  cio-connectors list
  cio-connectors describe <connector> [operation]
  cio-connectors run <connector> <operation> --input <json|@file> --auth <json|@file|env>
                 [--region us|eu] [--dry-run] [--origin <url>] [--timeout <ms>]

--auth env reads CUSTOMERIO_SITE_ID and CUSTOMERIO_TRACK_API_KEY (Track) or
CUSTOMERIO_APP_API_KEY (App, Beta), and CUSTOMERIO_REGION.`;

export class UsageError extends Error {}

/** A JSON argument given inline or as @path-to-file. */
function jsonArgument(value: string | undefined, name: string): Record<string, unknown> {
  if (value === undefined) return {};
  const text = value.startsWith('@') ? readFileSync(value.slice(1), 'utf8') : value;
  try {
    const parsed = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed;
  } catch (error) {
    throw new UsageError(`--${name} must be a JSON object or @file holding one (${(error as Error).message})`);
  }
}

function authFromEnvironment(connector: string, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const auth: Record<string, unknown> =
    connector === 'customer-io'
      ? { site_id: env.CUSTOMERIO_SITE_ID, api_key: env.CUSTOMERIO_TRACK_API_KEY }
      : { api_key: env.CUSTOMERIO_APP_API_KEY };
  if (env.CUSTOMERIO_REGION) auth.region = env.CUSTOMERIO_REGION;
  return Object.fromEntries(Object.entries(auth).filter(([, v]) => v !== undefined));
}

export interface CliResult {
  output: unknown;
  exitCode: number;
}

export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env, registry?: Registry): Promise<CliResult> {
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
      const description = loaded.describe(connector);
      if (!operation) return { output: description, exitCode: 0 };
      const found = description.operations.find((op) => op.name === operation);
      if (!found) throw new UsageError(`connector ${connector} has no operation "${operation}"`);
      return { output: found, exitCode: 0 };
    }
    case 'run': {
      if (!connector || !operation) throw new UsageError('run needs a connector and an operation');
      if (values.auth === undefined) throw new UsageError('run needs --auth (JSON, @file or env)');
      const auth = values.auth === 'env' ? authFromEnvironment(connector, env) : jsonArgument(values.auth, 'auth');
      if (values.region) auth.region = values.region;
      const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
      if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new UsageError('--timeout must be a positive number of milliseconds');
      const result: Envelope = await loaded.execute({
        connector,
        operation,
        auth,
        input: jsonArgument(values.input, 'input'),
        options: { dryRun: values['dry-run'], ...(values.origin ? { origin: values.origin } : {}), ...(timeoutMs ? { timeoutMs } : {}) },
      });
      return { output: result, exitCode: result.ok ? 0 : 1 };
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  try {
    const { output, exitCode } = await runCli(argv);
    process.stdout.write(typeof output === 'string' ? `${output}\n` : `${JSON.stringify(output, null, 2)}\n`);
    process.exitCode = exitCode;
  } catch (error) {
    process.stderr.write(`cio-connectors: ${(error as Error).message}\n${error instanceof UsageError ? `\n${USAGE}\n` : ''}`);
    process.exitCode = 2;
  }
}
