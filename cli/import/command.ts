// `cio-connectors import <connector> <bulk-operation> --file … --auth …`: parses the arguments,
// runs the import, and says how to resume an interrupted one.
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openBulkSession } from '../../runtime/bulk-session.js';
import { OperationError } from '../../runtime/envelope.js';
import { loadConnectors, type Registry } from '../../runtime/index.js';
import { authArgument, timeoutArgument, UsageError, type CliResult } from '../args.js';
import { authFormOf, closestNames } from '../names.js';
import { csvReading, readingFlags } from './csv-reading.js';
import { INTERRUPTED_EXIT_CODE, interruptOnSignals } from './interrupt.js';
import { IDENTIFIER_COLUMNS, isIdentifierColumn, isImportOperation, OPERATIONS, type IdentifierColumn } from './operations.js';
import { parseShard } from './shard.js';
import type { RedisRateLimiter } from '../../runtime/send/rate-limit-redis.js';
import type { ImportProgress, ProgressStream } from './progress.js';
import { DEFAULT_DRAIN_TIMEOUT_MS, fileKind, importFile, type ImportSummary } from './run-import.js';

export const IMPORT_USAGE = `  cio-connectors import <connector> <bulk-operation> --file <people.ndjson|people.csv> --auth <json|@file|env>
                 [--region us|eu] [--origin <url>] [--concurrency <1-16>] [--failed <path>]
                 [--identifier id|cio_id|email|phone] [--timeout <ms>] [--quiet] [--resume]
                 CSV: [--delimiter ';'|tab|'|'] [--encoding utf-8|windows-1252|utf-16le|utf-16be]
                 [--column <header>=<name>]… (read the header's column as id, email, name…)
                 [--shard <k>/<n>] [--rate-limit-redis <redis://…>]
                 (--shard: this process imports the k-th of n parts of an NDJSON file; n processes
                 sharing the rate limit through Redis import it all, each line once)
                 (customer-io bulk_identify_customers or bulk_track_events; streams the file in
                 constant memory; failed items go to <file>.failed.ndjson, fix them and import that file;
                 Ctrl-C stops cleanly and prints the command that resumes, with the same event ids)`;

/** Where `import` draws its progress, hooks for callers that sample or stop it. */
export interface ImportIo {
  /** Default process.stderr; null for no progress. */
  progress?: ProgressStream | null;
  onProgress?: (progress: ImportProgress) => void;
  /** In-process interruption: `stop` as a first Ctrl-C, `abort` as a second. */
  stop?: AbortSignal;
  abort?: AbortSignal;
  /** Notes and the resume command (default process.stderr). */
  messages?: { write(text: string): unknown };
  /** Install SIGINT/SIGTERM handlers for the import (main() does; never when `stop` or `abort` is given). */
  processSignals?: boolean;
}

/**
 * Credentials the connector's auth form refuses would fail every batch the same way: say so once,
 * before the file is read (the problems name fields and rules, never values).
 */
function checkCredentials(registry: Registry, connector: string, operation: string, auth: Record<string, unknown>, given: string | undefined): void {
  try {
    openBulkSession(registry, { connector, operation, auth });
  } catch (error) {
    if (!(error instanceof OperationError)) throw error;
    const hint = given === 'env' ? ' (with --auth env, set CUSTOMERIO_REGION or pass --region)' : '';
    throw new UsageError(`the credentials cannot be used: ${error.message}${hint}`);
  }
}

/** A RedisRateLimiter on `url`, loaded only when asked for (ioredis and rate-limiter-flexible are optional peers). */
async function sharedRateLimiter(url: string): Promise<RedisRateLimiter> {
  if (!/^rediss?:\/\//.test(url)) throw new UsageError(`--rate-limit-redis must be a redis:// or rediss:// URL, such as redis://127.0.0.1:6379`);
  const { RedisRateLimiter } = await import('../../runtime/send/rate-limit-redis.js');
  try {
    return new RedisRateLimiter({ url, clientOptions: { maxRetriesPerRequest: 1 } });
  } catch (error) {
    throw new UsageError(`--rate-limit-redis: ${(error as Error).message}`);
  }
}

/** A shell word, quoted when it needs to be. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export async function runImportCommand(argv: string[], env: NodeJS.ProcessEnv, registry: Registry | undefined, io?: ImportIo): Promise<CliResult> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      file: { type: 'string' },
      failed: { type: 'string' },
      auth: { type: 'string' },
      region: { type: 'string' },
      origin: { type: 'string' },
      concurrency: { type: 'string' },
      identifier: { type: 'string' },
      delimiter: { type: 'string' },
      encoding: { type: 'string' },
      column: { type: 'string', multiple: true },
      timeout: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      resume: { type: 'boolean', default: false },
      shard: { type: 'string' },
      'rate-limit-redis': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { output: `Usage:\n${IMPORT_USAGE}`, exitCode: 0 };
  const [connector, operation, extra] = positionals;
  if (!connector || !operation || extra !== undefined) throw new UsageError('import needs a connector and a bulk operation, such as: import customer-io bulk_identify_customers --file people.csv');
  if (connector !== 'customer-io' || !isImportOperation(operation)) {
    const meant = `${closestNames(connector, ['customer-io'], 1)[0] ?? connector} ${closestNames(operation, Object.keys(OPERATIONS), 1)[0] ?? operation}`;
    const hint = meant !== `${connector} ${operation}` && /^customer-io bulk_/.test(meant) ? `; did you mean ${meant}?` : '';
    throw new UsageError(`import sends to customer-io ${Object.keys(OPERATIONS).join(' or ')}, not ${connector} ${operation}${hint}`);
  }
  if (!values.file) throw new UsageError('import needs --file <people.ndjson|people.csv>');
  if (!fileKind(values.file)) throw new UsageError(`--file must end in .ndjson, .jsonl or .csv: ${values.file}`);
  try {
    if (!statSync(values.file).isFile()) throw new Error('not a file');
  } catch (error) {
    throw new UsageError(`--file ${values.file} cannot be read (${(error as Error).message})`);
  }
  const concurrency = values.concurrency === undefined ? 4 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) throw new UsageError('--concurrency must be a whole number from 1 to 16');
  const identifier = values.identifier?.toLowerCase();
  if (identifier !== undefined && !isIdentifierColumn(identifier)) {
    throw new UsageError(`--identifier must be one of ${IDENTIFIER_COLUMNS.join(', ')}`);
  }
  const reading = csvReading(values);
  const readingGiven = values.delimiter !== undefined || values.encoding !== undefined || values.column !== undefined;
  if (readingGiven && fileKind(values.file) !== 'csv') throw new UsageError('--delimiter, --encoding and --column are for a .csv file');
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  if (values.shard !== undefined && !shard) throw new UsageError('--shard must be k/n: this process\'s part k of n parts (1 ≤ k ≤ n ≤ 1024), such as --shard 2/4');
  if (shard && fileKind(values.file) !== 'ndjson') throw new UsageError('--shard needs an NDJSON file: a CSV record can span lines, so where a record starts is known only by reading the file from its start');
  // Processes that share one rate limit (shards of one file, or imports side by side) share it
  // through Redis; the registry passed in (tests, the benchmark) keeps its own limiter otherwise.
  const redisUrl = values['rate-limit-redis'];
  const limiter = redisUrl ? await sharedRateLimiter(redisUrl) : undefined;
  const loaded = limiter ? await loadConnectors({ rateLimiter: limiter }) : (registry ?? (await loadConnectors()));
  const auth = authArgument(authFormOf(loaded, connector), values.auth, values.region, env, 'import');
  const timeoutMs = timeoutArgument(values.timeout);
  checkCredentials(loaded, connector, operation, auth, values.auth);
  const messages = io?.messages ?? process.stderr;

  const drainSeconds = DEFAULT_DRAIN_TIMEOUT_MS / 1000;
  const signals = io?.processSignals && !io.stop && !io.abort ? interruptOnSignals(messages, drainSeconds) : undefined;
  const stop = io?.stop ?? signals?.stop;
  const abort = io?.abort ?? signals?.abort;

  let summary: ImportSummary;
  try {
    summary = await importFile(loaded, {
      operation,
      file: values.file,
      ...(values.failed ? { failedFile: values.failed } : {}),
      auth,
      execute: { ...(values.origin ? { origin: values.origin } : {}), ...(timeoutMs ? { timeoutMs } : {}) },
      concurrency,
      ...(identifier ? { identifier: identifier as IdentifierColumn } : {}),
      ...(readingGiven ? { reading } : {}),
      resume: values.resume,
      ...(shard ? { shard } : {}),
      ...(stop ? { stop } : {}),
      ...(abort ? { abort } : {}),
      progress: values.quiet ? null : io?.progress === undefined ? process.stderr : io.progress,
      ...(io?.onProgress ? { onProgress: io.onProgress } : {}),
      note: (text) => messages.write(`cio-connectors import: ${text}\n`),
    });
  } finally {
    signals?.dispose();
    await limiter?.disconnect();
  }

  if (summary.interrupted && !summary.checkpoint) {
    messages.write('cio-connectors import: interrupted before anything was sent; run the same command again.\n');
    return { output: summary, exitCode: INTERRUPTED_EXIT_CODE };
  }
  if (summary.interrupted) {
    // Everything but inline credentials, which are never printed.
    const inlineAuth = values.auth !== undefined && values.auth !== 'env' && !values.auth.startsWith('@');
    const words = ['cio-connectors', 'import', connector, operation, '--file', values.file];
    if (values.failed) words.push('--failed', values.failed);
    const given: [string, string | undefined][] = [
      ['--region', values.region], ['--origin', values.origin], ['--concurrency', values.concurrency], ['--identifier', values.identifier], ['--timeout', values.timeout],
      ['--shard', values.shard],
    ];
    for (const [flag, value] of given) if (value !== undefined) words.push(flag, value);
    if (readingGiven) words.push(...readingFlags(reading));
    if (values.quiet) words.push('--quiet');
    // A Redis URL with a password is not printed either.
    const redisWords = redisUrl === undefined ? [] : ['--rate-limit-redis', new URL(redisUrl).password ? "'<the same --rate-limit-redis URL>'" : shellWord(redisUrl)];
    const command = [...words.map(shellWord), ...redisWords, '--auth', inlineAuth ? "'<the same --auth JSON>'" : shellWord(values.auth!), '--resume'].join(' ');
    const where = summary.interrupted.watermark_line;
    messages.write(
      `cio-connectors import: interrupted; every item up to line ${where} is settled and the checkpoint is ${summary.checkpoint}.\n` +
        `Resume (events are sent again with the same ids, so Customer.io records none twice):\n  ${command}\n` +
        (inlineAuth ? '  (the --auth JSON is not repeated here: give it again, or keep it in a file and pass --auth @file)\n' : ''),
    );
    return { output: { ...summary, resume_command: command }, exitCode: INTERRUPTED_EXIT_CODE };
  }
  return { output: summary, exitCode: summary.failed === 0 && summary.possibly_processed === 0 ? 0 : 1 };
}
