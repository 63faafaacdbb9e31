// The host API: list, describe, execute and testAuth over the loaded connectors. What the
// runtime needs besides (definitions, validators, HTTP clients, the rate limiter, the region
// table) are its services, kept out of the public surface: servicesOf() hands them to the
// package's own programs (the CLI's import).
import type { Got } from 'got';
import type { AuthValues } from '../auth/types.js';
import type { CheckedOperation, ExecuteOptions, ExecuteRequest, OutputOf, Telemetry } from './contracts.js';
import { attachServices, type Services } from './services.js';
import type { JsonSchema, LoadedConnector } from './definitions.js';
import type { Envelope } from './envelope.js';
import { describeOperation, type OperationDescription } from './describe-operation.js';
import { executeOperation } from './execute.js';
import { validatorFor } from './input/validation.js';
import { loadManifest } from './loader.js';
import { usePackageRoot } from './package-root.js';
import { regionTable } from './regions.js';
import { createHttpClient } from './send/dispatch.js';
import { LocalRateLimiter, type RateLimiter } from './send/rate-limit.js';
import { settle } from './send/retry.js';
import { makeTelemetry, type Logger, type TracerLike } from './telemetry/index.js';
import { MemoryEventStore, type TriggerEventStore } from './triggers/event-store.js';
import type { DisableTriggerRequest, EnableTriggerRequest, TriggerEnvelope, TriggerRequest, TriggerResult } from './triggers/contracts.js';
import { disableTrigger, enableTrigger, handleTriggerRequest } from './triggers/lifecycle.js';

export interface ConnectorSummary {
  name: string;
  version: string;
  title: string;
  description: string;
  icon: string;
}

export type { OperationDescription } from './describe-operation.js';

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
   * RedisRateLimiter, entry point `customerio-tray-connectors/rate-limit-redis`) for many
   * workers; false to leave it to the host.
   */
  rateLimiter?: RateLimiter | false;
  /**
   * Where triggers remember the events they handed over (so a retried event starts one
   * workflow): in memory by default; a RedisEventStore (entry point
   * `customerio-tray-connectors/trigger-event-store-redis`) when many workers share a webhook.
   */
  triggerEvents?: TriggerEventStore;
  /**
   * Where the runtime logs (pino, or anything with debug/info/warn/error taking fields and a
   * message): a line per call at info (warn when Customer.io failed it, error when the connector
   * did), each HTTP exchange at debug (method and URL). No credentials, bodies, inputs or outputs.
   */
  logger?: Logger;
  /**
   * An OpenTelemetry tracer (`trace.getTracer('…')`): a span per call, a child span per HTTP
   * exchange with the HTTP semantic-convention attributes. Credentials are never recorded.
   */
  tracer?: TracerLike;
}


function makeServices(connectors: Map<string, LoadedConnector>, limiter: RateLimiter | undefined, telemetry: Telemetry | undefined): Services {
  const clients = new Map<string, Got>();
  return {
    connector: (name) => connectors.get(name),
    validator: (schema: JsonSchema) => validatorFor(schema),
    client(connector) {
      let client = clients.get(connector.name);
      if (!client) {
        client = createHttpClient();
        clients.set(connector.name, client);
      }
      return client;
    },
    rateLimiter: limiter,
    regions: regionTable(),
    telemetry,
  };
}

export class Registry {
  private readonly connectors: Map<string, LoadedConnector>;
  private readonly services: Services;
  private readonly triggerEvents: TriggerEventStore;

  constructor(connectors: LoadedConnector[], options: RegistryOptions = {}) {
    this.connectors = new Map(connectors.map((c) => [c.name, c]));
    const limiter = options.rateLimiter === false ? undefined : (options.rateLimiter ?? new LocalRateLimiter());
    this.services = makeServices(this.connectors, limiter, makeTelemetry({ ...(options.logger ? { logger: options.logger } : {}), ...(options.tracer ? { tracer: options.tracer } : {}) }));
    this.triggerEvents = options.triggerEvents ?? new MemoryEventStore();
    attachServices(this, this.services);
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
      base_urls: this.services.regions.baseUrls(connector.api),
      auth_schema,
      operations: [...connector.operationsByName.values()].map((operation) => describeOperation(operation, connector)),
    };
  }

  /** Runs one operation; never throws: every outcome is an envelope. Typed by the names when they are literals (see ExecuteRequest). */
  execute<C extends string, O extends string>(call: ExecuteRequest<C, O> & { operation: CheckedOperation<C, O> }): Promise<Envelope<OutputOf<C, O>>> {
    return executeOperation(this.services, call as ExecuteRequest) as Promise<Envelope<OutputOf<C, O>>>;
  }

  /** Registers a reporting webhook for a trigger's chosen events; the host keeps the state. Never throws. */
  enableTrigger(call: EnableTriggerRequest): Promise<TriggerEnvelope> {
    return enableTrigger(this.services, call);
  }

  /** Verifies, filters and deduplicates one request Customer.io sent to a trigger's webhook URL. Never throws. */
  handleTriggerRequest(call: TriggerRequest): Promise<TriggerResult> {
    return handleTriggerRequest(this.services, this.triggerEvents, call);
  }

  /** Removes a trigger's webhook; one already gone counts as removed. Never throws. */
  disableTrigger(call: DisableTriggerRequest): Promise<Envelope> {
    return disableTrigger(this.services, call);
  }

  /** Checks credentials with the connector's cheapest authenticated call, and the region they belong to. */
  async testAuth(name: string, auth: AuthValues, options: ExecuteOptions = {}): Promise<Envelope> {
    const connector = this.connectors.get(name);
    const operation = connector?.test_auth?.operation;
    if (!connector || !operation) {
      return { ok: false, error: settle({ code: 'connector_error', message: `connector "${name}" has no credential check` }, { kind: 'not_sent' }) };
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
        error: settle({
          code: 'user_input_error',
          message: result.ok
            ? `These credentials are valid, but they belong to a workspace in the ${actual.toUpperCase()} region: choose Region ${actual.toUpperCase()} instead of ${chosen.toUpperCase()}.`
            : `Customer.io says this workspace is in the ${actual.toUpperCase()} region: choose Region ${actual.toUpperCase()} instead of ${chosen.toUpperCase()}.`,
          details: { region: actual },
        }, { kind: 'not_sent' }),
        ...(result.ok && 'meta' in result ? { meta: result.meta } : !result.ok && result.meta ? { meta: result.meta } : {}),
      };
    }
    if (!result.ok || !('output' in result)) return result;
    return { ...result, output: { valid: true, region: chosen, message: `Credentials accepted for the ${chosen.toUpperCase()} region.` } };
  }
}

export async function loadConnectors(options: RegistryOptions = {}): Promise<Registry> {
  if (options.root !== undefined) usePackageRoot(options.root);
  return new Registry(loadManifest(options.root), options);
}
