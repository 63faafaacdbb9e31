// The host API: list, describe, execute and testAuth over the loaded connectors.
import type { Got } from 'got';
import type { AuthValues } from '../auth/credentials.js';
import { regionBaseUrls } from '../auth/regions.js';
import type { JsonSchema } from './definitions.js';
import { createHttpClient } from './dispatch.js';
import type { Envelope } from './envelope.js';
import { executeOperation, type ExecuteOptions, type ExecuteRequest, type Runtime } from './execute.js';
import { loadManifest, type LoadedConnector, type LoadedOperation } from './loader.js';
import { LocalRateLimiter, type RateLimiter } from './rate-limit.js';
import { validatorFor, type Validator } from './validation.js';

export interface ConnectorSummary {
  name: string;
  version: string;
  title: string;
  description: string;
  icon: string;
}

export interface OperationDescription {
  name: string;
  title: string;
  description: string;
  hidden: boolean;
  http: { method: string; path: string };
  input_schema: JsonSchema;
  output_schema: JsonSchema;
}

export interface ConnectorDescription extends ConnectorSummary {
  base_urls: Record<string, string>;
  auth_schema: JsonSchema;
  operations: OperationDescription[];
}

export interface RegistryOptions {
  /** Where connector.manifest.json is (default: this package). */
  root?: string;
  /**
   * Client-side rate limiting: a LocalRateLimiter per registry by default; a shared one (such as
   * BottleneckRateLimiter over Redis) for many workers; false to leave it to the host.
   */
  rateLimiter?: RateLimiter | false;
}

export class Registry implements Runtime {
  private readonly connectors: Map<string, LoadedConnector>;
  private readonly clients = new Map<string, Got>();
  private readonly limiter: RateLimiter | undefined;

  constructor(connectors: LoadedConnector[], options: RegistryOptions = {}) {
    this.connectors = new Map(connectors.map((c) => [c.name, c]));
    this.limiter = options.rateLimiter === false ? undefined : (options.rateLimiter ?? new LocalRateLimiter());
  }

  rateLimiter(): RateLimiter | undefined {
    return this.limiter;
  }

  list(): ConnectorSummary[] {
    return [...this.connectors.values()].map(({ name, version, title, description, icon }) => ({ name, version, title, description, icon }));
  }

  describe(name: string): ConnectorDescription {
    const connector = this.connectors.get(name);
    if (!connector) throw new Error(`unknown connector "${name}"`);
    const { version, title, description, icon, auth_schema } = connector;
    return {
      name, version, title, description, icon,
      base_urls: regionBaseUrls(connector.api),
      auth_schema,
      operations: [...connector.operationsByName.values()].map((op) => ({
        name: op.name,
        title: op.title,
        description: op.description,
        hidden: op.hidden === true,
        http: { method: op.http?.method ?? 'ANY', path: op.http?.path ?? '{url}' },
        input_schema: op.input_schema,
        output_schema: op.output_schema,
      })),
    };
  }

  execute(call: ExecuteRequest): Promise<Envelope> {
    return executeOperation(this, call);
  }

  /** Checks credentials with the connector's cheapest authenticated call, and the region they belong to. */
  async testAuth(name: string, auth: AuthValues, options: ExecuteOptions = {}): Promise<Envelope> {
    const connector = this.connectors.get(name);
    const operation = connector?.test_auth?.operation;
    if (!connector || !operation) {
      return { ok: false, error: { code: 'connector_error', message: `connector "${name}" has no credential check`, retryable: false } };
    }
    const result = await this.execute({ connector: name, operation, auth, input: {}, options });
    const chosen = String(auth.region);
    // Track reports the region in its answer; App and Beta redirect to the right one.
    const actual = result.ok
      ? ('output' in result ? (result.output as { region?: string })?.region : undefined)
      : (result.error.details as { region?: string } | undefined)?.region;
    if (actual && actual !== chosen) {
      return {
        ok: false,
        error: {
          code: 'user_input_error',
          message: result.ok
            ? `These credentials are valid, but they belong to a workspace in the ${actual.toUpperCase()} region: choose Region ${actual.toUpperCase()} instead of ${chosen.toUpperCase()}.`
            : `Customer.io says this workspace is in the ${actual.toUpperCase()} region: choose Region ${actual.toUpperCase()} instead of ${chosen.toUpperCase()}.`,
          retryable: false,
          details: { region: actual },
        },
        ...(result.ok && 'meta' in result ? { meta: result.meta } : !result.ok && result.meta ? { meta: result.meta } : {}),
      };
    }
    if (!result.ok || !('output' in result)) return result;
    return { ...result, output: { valid: true, region: chosen, message: `Credentials accepted for the ${chosen.toUpperCase()} region.` } };
  }

  connector(name: string): LoadedConnector | undefined {
    return this.connectors.get(name);
  }

  validator(kind: 'input' | 'auth', connector: LoadedConnector, operation?: LoadedOperation): Validator {
    return validatorFor(kind === 'auth' ? connector.auth_schema : operation!.input_schema);
  }

  client(connector: LoadedConnector): Got {
    let client = this.clients.get(connector.name);
    if (!client) {
      client = createHttpClient();
      this.clients.set(connector.name, client);
    }
    return client;
  }
}

export async function loadConnectors(options: RegistryOptions = {}): Promise<Registry> {
  return new Registry(loadManifest(options.root), options);
}
