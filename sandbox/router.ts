// Routes: which method and path the sandbox serves, which connector operations that path
// belongs to, and the handler. The route tables are the one list of what is served.
import type { IncomingHttpHeaders } from 'node:http';
import type { Reply } from './reply.js';
import type { State } from './state.js';

export type ApiName = 'track' | 'app' | 'beta';

export interface Context {
  state: State;
  api: ApiName;
  method: string;
  /** The path as received (percent-encoded), for messages. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The sandbox's own origin (`http://127.0.0.1:4010`). */
  origin: string;
  /** Unix seconds when the request arrived. */
  now: number;
  /** Takes the broadcast-trigger allowance (1 per 10 s); false when it is used up. */
  takeTrigger(): boolean;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to the API's prefix (`/api` for Track, `/v1` for App, `/v1/api` for Beta). */
  path: string;
  /** The connector operations that call this route. */
  operations: string[];
  /** App routes Beta serves too, under /v1/api. */
  beta?: boolean;
  /** false for the Track endpoints Customer.io serves without credentials. */
  auth?: boolean;
  /**
   * Whether the handler can change the state, when its method does not say: true for a GET that
   * does (download_export counts downloads), false for a POST that only reads (searches,
   * previews). What changes the state is journaled and saved; what does not must leave it alone.
   */
  changes?: boolean;
  handle(ctx: Context): Reply;
}

/** Whether a route may change the state: as its `changes` says, else every method but GET. */
export function changesState(route: Route): boolean {
  return route.changes ?? route.method !== 'GET';
}

interface Compiled {
  route: Route;
  segments: { literal?: string; param?: string }[];
  literals: number;
}

export class Router {
  private readonly compiled: Compiled[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => {
      const segments = route.path.split('/').slice(1).map((part) => {
        const param = /^\{(\w+)\}$/.exec(part)?.[1];
        return param ? { param } : { literal: part };
      });
      return { route, segments, literals: segments.filter((s) => s.literal !== undefined).length };
    });
  }

  /** The route for a method and the decoded path segments, preferring literal matches over parameters. */
  match(method: string, segments: string[]): { route: Route; params: Record<string, string> } | undefined {
    let best: { route: Route; params: Record<string, string>; literals: number } | undefined;
    for (const { route, segments: pattern, literals } of this.compiled) {
      if (route.method !== method || pattern.length !== segments.length) continue;
      const params: Record<string, string> = {};
      const fits = pattern.every((part, i) => {
        if (part.literal !== undefined) return part.literal === segments[i];
        params[part.param!] = segments[i];
        return segments[i] !== '';
      });
      if (fits && (!best || literals > best.literals)) best = { route, params, literals };
    }
    return best;
  }
}
