// Region → base URL, read from the one region table (auth/regions.json). A host-configured
// `origin` (a local sandbox or a proxy) replaces scheme and host but keeps the path prefix.
import { join } from 'node:path';
import type { ApiName, Region } from '../runtime/definitions.js';
import { packageRoot } from '../runtime/package-root.js';
import { readJsonFile } from '../runtime/schema-bundle.js';

type RegionTable = Record<ApiName, Record<Region, string>>;

const table = readJsonFile<RegionTable>(join(packageRoot(), 'auth', 'regions.json'));

export const REGIONS: readonly Region[] = ['us', 'eu'];

export function regionBaseUrls(api: ApiName): Record<Region, string> {
  return { ...table[api] };
}

/** The normalised origin (`scheme://host[:port]`) of a host-supplied override, or an error message. */
export function parseOrigin(origin: string): URL {
  const url = new URL(origin);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`origin must be an http(s) URL, got ${url.protocol}`);
  }
  return url;
}

export interface ResolvedBase {
  /** `https://track.customer.io` — where credentials may go. */
  origin: string;
  /** `/api` — the prefix operation paths are appended to. */
  prefix: string;
}

const resolved = new Map<string, ResolvedBase>();

export function resolveBase(api: ApiName, region: Region, origin?: string): ResolvedBase {
  const key = `${api} ${region} ${origin ?? ''}`;
  let base = resolved.get(key);
  if (!base) {
    const url = new URL(table[api][region]);
    base = { origin: origin ? parseOrigin(origin).origin : url.origin, prefix: url.pathname.replace(/\/$/, '') };
    if (resolved.size < 1000) resolved.set(key, base); // hosts use a handful of origins
  }
  return base;
}

/** The region whose host serves `url` for this API, if any (used to explain wrong-region answers). */
export function regionOfHost(api: ApiName, url: string): Region | undefined {
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    return undefined;
  }
  return REGIONS.find((region) => new URL(table[api][region]).host === host);
}
