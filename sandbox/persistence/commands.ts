// What the journal records: not the state a change produced but the change itself, as the
// sandbox received it, so that replaying it through the same code makes the same state (as
// Redis's append-only file records commands). Every route handler is a synchronous function of
// the state and its Context, so a request is journaled with what its Context held that does not
// come from the state: the route, path parameters, query, headers (not the credentials), body,
// origin, `now`, and the answers of the broadcast-trigger limiter; the entry adds the clock
// and the seed its random IDs came from (ids.ts). The courier's deliveries are the other kind
// of change, journaled as the delivery IDs it marked.
//
// What this asks of route code: change the state only inside a handler, take the time from
// `ctx.now` and random IDs from ids.ts. GET handlers are not journaled: they must not change
// the state, unless their route says it does (`changes`, router.ts).
import type { IncomingHttpHeaders } from 'node:http';
import { markDelivered } from '../courier.js';
import { changesState, type ApiName, type Context, type Route } from '../router.js';
import type { State } from '../state.js';

export type Command =
  | {
    t: 'request';
    /** `<table> <METHOD> <path pattern>`: the route that handled it. */
    route: string;
    api: ApiName;
    method: string;
    path: string;
    params: Record<string, string>;
    query: string;
    headers: IncomingHttpHeaders;
    body?: unknown;
    origin: string;
    now: number;
    /** What ctx.takeTrigger() answered, in order. */
    triggers: boolean[];
  }
  | { t: 'delivered'; ids: string[]; now: number };

export type RouteTables = Record<string, Route[]>;

export function routeKey(table: string, route: Route): string {
  return `${table} ${route.method} ${route.path}`;
}

/** Every route by its key, to find a journaled request's handler again. */
export function routesByKey(tables: RouteTables): Map<string, Route> {
  const byKey = new Map<string, Route>();
  for (const [table, list] of Object.entries(tables)) for (const route of list) byKey.set(routeKey(table, route), route);
  return byKey;
}

/** Runs a change and journals it (store.ts): `apply` makes it, live. */
export type Journal = <T>(command: Command, apply: () => T) => T;

/** The route tables with every handler that can change the state journaled through `journal`. */
export function journaledRoutes<T extends RouteTables>(tables: T, journal: Journal): T {
  const wrapped: RouteTables = {};
  for (const [table, list] of Object.entries(tables)) {
    wrapped[table] = list.map((route) => !changesState(route) ? route : {
      ...route,
      handle: (ctx: Context) => {
        const { authorization: _credentials, ...headers } = ctx.headers;
        const command: Extract<Command, { t: 'request' }> = {
          t: 'request', route: routeKey(table, route), api: ctx.api, method: ctx.method, path: ctx.path, params: ctx.params,
          query: ctx.query.toString(), headers, ...(ctx.body === undefined ? {} : { body: ctx.body }), origin: ctx.origin, now: ctx.now, triggers: [],
        };
        const takeTrigger = () => {
          const allowed = ctx.takeTrigger();
          command.triggers.push(allowed);
          return allowed;
        };
        return journal(command, () => route.handle({ ...ctx, takeTrigger }));
      },
    });
  }
  return wrapped as T;
}

/**
 * Applies a journaled change to `state` again. A request's answer does not matter here (a
 * refused one is replayed too, in case it changed something before it was refused); a route
 * that no longer exists is skipped and counted by the caller.
 */
export function applyCommand(state: State, command: Command, routes: Map<string, Route>): 'applied' | 'unknown_route' {
  if (command.t === 'delivered') {
    markDelivered(state, command.ids, command.now);
    return 'applied';
  }
  const route = routes.get(command.route);
  if (!route) return 'unknown_route';
  const triggers = [...command.triggers];
  const ctx: Context = {
    state,
    api: command.api,
    method: command.method,
    path: command.path,
    params: command.params,
    query: new URLSearchParams(command.query),
    headers: command.headers,
    body: command.body,
    origin: command.origin,
    now: command.now,
    takeTrigger: () => triggers.shift() ?? true,
  };
  try {
    route.handle(ctx);
  } catch {
    // It was answered with an error when it ran; it is replayed for what it changed, if anything.
  }
  return 'applied';
}
