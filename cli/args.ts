// What the CLI's commands share: the usage error (exit code 2), JSON arguments given inline or
// as @file, and credentials read from the environment.
import { readFileSync } from 'node:fs';
import { parseJsonObject, type JsonTextError } from './json-text.js';

export class UsageError extends Error {}

export interface CliResult {
  output: unknown;
  exitCode: number;
}

/** A JSON argument given inline or as @path-to-file. */
export function jsonArgument(value: string | undefined, name: string): Record<string, unknown> {
  if (value === undefined) return {};
  const fromFile = value.startsWith('@');
  // Named by where it came from, never by what it holds: it may be a key.
  const source = fromFile ? `--${name} ${value}` : `--${name} (the value given inline)`;
  let text: string;
  try {
    text = fromFile ? readFileSync(value.slice(1), 'utf8').replace(/^\uFEFF/, '') : value;
  } catch (error) {
    throw new UsageError(`${source} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  try {
    return parseJsonObject(text);
  } catch (error) {
    const hint = name === 'auth' ? `; it takes JSON such as {"api_key":"…","region":"us"}, @file holding that, or env` : '';
    throw new UsageError(`${source} ${(error as JsonTextError).message}${hint}`);
  }
}

/**
 * Credentials from the environment: each field of the connector's auth form that names an
 * environment variable (`env` in auth.schema.json, such as CUSTOMERIO_TRACK_API_KEY) is read
 * from it; unset variables are left out, for the auth check to name.
 */
export function authFromEnvironment(authSchema: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const auth: Record<string, unknown> = {};
  for (const [field, schema] of Object.entries((authSchema.properties as Record<string, { env?: string }> | undefined) ?? {})) {
    const value = schema.env ? env[schema.env] : undefined;
    if (value !== undefined) auth[field] = value;
  }
  return auth;
}

/** The environment variables an auth form reads, for messages: `CUSTOMERIO_SITE_ID, …`. */
export function environmentNames(authSchema: Record<string, unknown>): string[] {
  return Object.values((authSchema.properties as Record<string, { env?: string }> | undefined) ?? {}).flatMap((schema) => (schema.env ? [schema.env] : []));
}

/** --auth as `run` and `import` take it (JSON, @file or env), with --region overriding its region. */
export function authArgument(authSchema: Record<string, unknown>, auth: string | undefined, region: string | undefined, env: NodeJS.ProcessEnv, command: string): Record<string, unknown> {
  if (auth === undefined) throw new UsageError(`${command} needs --auth (JSON, @file or env)`);
  const values = auth === 'env' ? authFromEnvironment(authSchema, env) : jsonArgument(auth, 'auth');
  if (region) values.region = region;
  return values;
}

/** --timeout in ms, when given. */
export function timeoutArgument(value: string | undefined): number | undefined {
  const timeoutMs = value === undefined ? undefined : Number(value);
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new UsageError('--timeout must be a positive number of milliseconds');
  return timeoutMs;
}

