// Shared test set-up: fake credentials, one registry per test file, nock per regional host.
import { readFileSync } from 'node:fs';
import { loadConnectors, type Registry } from '../runtime/index.js';
import type { ApiName, Region } from '../runtime/definitions.js';

export const TRACK_AUTH = { site_id: 'site-test', api_key: 'key-test' } as const;
export const APP_AUTH = { api_key: 'app-key-test' } as const;
/** The trigger connector registers webhooks with an App key, and checks their requests with the webhook's signing key. */
export const TRIGGER_AUTH = { ...APP_AUTH, signing_key: 'signing-key-test' } as const;

export const REGION_TABLE: Record<ApiName, Record<Region, string>> = JSON.parse(
  readFileSync(new URL('../auth/regions.json', import.meta.url), 'utf8'),
);

export function authFor(connector: string, region: Region): Record<string, string> {
  if (connector === 'customer-io') return { ...TRACK_AUTH, region };
  return connector === 'customer-io-trigger' ? { ...TRIGGER_AUTH, region } : { ...APP_AUTH, region };
}

export function expectedAuthorization(connector: string): string {
  return connector === 'customer-io'
    ? `Basic ${Buffer.from(`${TRACK_AUTH.site_id}:${TRACK_AUTH.api_key}`).toString('base64')}`
    : `Bearer ${APP_AUTH.api_key}`;
}

export function originOf(api: ApiName, region: Region): string {
  return new URL(REGION_TABLE[api][region]).origin;
}

let registry: Promise<Registry> | undefined;
/** A registry without client-side rate limiting: suites replay hundreds of calls with one fake key. */
export function sharedRegistry(): Promise<Registry> {
  registry ??= loadConnectors({ rateLimiter: false });
  return registry;
}

/** Fast retries so failure tests do not sleep for real. */
export const FAST_RETRY = { baseDelayMs: 1, maxDelayMs: 5, maxTotalWaitMs: 1_000 } as const;

/** Customer.io's batch body limit, as the send_batch definition states it (bulk sends pack up to it). */
export const MAX_BATCH_BYTES: number = JSON.parse(
  readFileSync(new URL('../connectors/customer-io/operations/send_batch.json', import.meta.url), 'utf8'),
).http.max_body_bytes;
