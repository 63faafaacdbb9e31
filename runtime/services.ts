// What the registry lends the runtime (definitions, validators, HTTP clients, the rate limiter,
// the region table, telemetry), kept out of the public surface: servicesOf() hands them to the
// package's own programs (the CLI's import, the reference host), never to hosts. A module of its
// own so the types hosts see (contracts.ts, registry.ts) do not mention got's.
import type { Got } from 'got';
import type { RegionTable } from '../auth/regions.js';
import type { RateLimiter, Telemetry, Validator } from './contracts.js';
import type { JsonSchema, LoadedConnector } from './definitions.js';

export interface Services {
  connector(name: string): LoadedConnector | undefined;
  validator(schema: JsonSchema): Validator;
  client(connector: LoadedConnector): Got;
  rateLimiter: RateLimiter | undefined;
  regions: RegionTable;
  /** The host's logger and tracer (runtime/telemetry), when it gave either. */
  telemetry: Telemetry | undefined;
}

const servicesByOwner = new WeakMap<object, Services>();

export function attachServices(owner: object, services: Services): void {
  servicesByOwner.set(owner, services);
}

/** The runtime's services behind a registry: for this package's own programs, not for hosts. */
export function servicesOf(registry: object): Services {
  const services = servicesByOwner.get(registry);
  if (!services) throw new Error('not a registry made by loadConnectors()');
  return services;
}
