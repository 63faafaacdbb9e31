// Region → base URL, from the region table the runtime hands over (auth/regions.json, the only
// place hosts are written). A host-configured `origin` (a local sandbox or a proxy) replaces
// scheme and host but keeps the path prefix.
import type { ApiName, Region } from './types.js';

export type RegionTableData = Record<ApiName, Record<Region, string>>;

export const REGIONS: readonly Region[] = ['us', 'eu'];

export interface ResolvedBase {
  /** `https://track.customer.io` — where credentials may go. */
  origin: string;
  /** `/api` — the prefix operation paths are appended to. */
  prefix: string;
}

/** The normalised origin (`scheme://host[:port]`) of a host-supplied override. */
export function parseOrigin(origin: string): URL {
  const url = new URL(origin);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`origin must be an http(s) URL, got ${url.protocol}`);
  }
  return url;
}

export class RegionTable {
  private readonly resolved = new Map<string, ResolvedBase>();

  constructor(private readonly table: RegionTableData) {}

  baseUrls(api: ApiName): Record<Region, string> {
    return { ...this.table[api] };
  }

  resolveBase(api: ApiName, region: Region, origin?: string): ResolvedBase {
    const key = `${api} ${region} ${origin ?? ''}`;
    let base = this.resolved.get(key);
    if (!base) {
      const url = new URL(this.table[api][region]);
      base = { origin: origin ? parseOrigin(origin).origin : url.origin, prefix: url.pathname.replace(/\/$/, '') };
      if (this.resolved.size < 1000) this.resolved.set(key, base); // hosts use a handful of origins
    }
    return base;
  }

  /** The region whose host serves `url` for this API, if any (used to explain wrong-region answers). */
  regionOfHost(api: ApiName, url: string): Region | undefined {
    let host: string;
    try {
      host = new URL(url).host;
    } catch {
      return undefined;
    }
    return REGIONS.find((region) => new URL(this.table[api][region]).host === host);
  }
}
