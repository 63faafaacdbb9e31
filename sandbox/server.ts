// The HTTP front of the sandbox (node:http only): splits the path without normalising it,
// reads the body, checks credentials (Basic for Track, Bearer for App and Beta), applies the
// App rate limit, finds the route and turns handler results and errors into answers in the
// calling API's own error shape. State is written to disk after every successful change.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { LIMITS } from './limits.js';
import { SlidingWindow, type WindowLimit } from './rate-limit.js';
import { ApiError, appError, trackErrors, v2Errors, type Reply } from './reply.js';
import { Router, type ApiName, type Context, type Route } from './router.js';
import { unixNow } from './ids.js';
import type { State } from './state.js';

export interface Credentials {
  site_id: string;
  track_api_key: string;
  app_api_key: string;
}

export interface ServerConfig {
  state: State;
  credentials: Credentials;
  /** `sandbox`: the sandbox's own debug routes under /sandbox (App credentials), no Customer.io API's. */
  routes: { track: Route[]; origin: Route[]; app: Route[]; sandbox?: Route[] };
  /** App and Beta: at most this many requests per window per key (false: no limit). */
  appRateLimit: WindowLimit | false;
  /** Broadcast triggers: one per this many ms per key (0: no limit). */
  triggerIntervalMs: number;
  origin(): string;
  /** Called after every request that changed the state; the answer waits for what it returns (the change being durable). */
  persist(): void | Promise<void>;
}

interface Mount {
  api: ApiName;
  router: Router;
  rest: string;
}

/** Which API a path belongs to; Beta's /v1/api must be tested before App's /v1. */
function mountOf(path: string, routers: Record<'track' | 'origin' | 'app' | 'beta' | 'sandbox', Router>): Mount | undefined {
  if (path.startsWith('/api/')) return { api: 'track', router: routers.track, rest: path.slice(4) };
  if (path.startsWith('/sandbox/')) return { api: 'app', router: routers.sandbox, rest: path.slice(8) };
  if (path.startsWith('/unsubscribe/')) return { api: 'track', router: routers.origin, rest: path };
  if (path.startsWith('/v1/api/')) return { api: 'beta', router: routers.beta, rest: path.slice(7) };
  if (path.startsWith('/v1/')) return { api: 'app', router: routers.app, rest: path.slice(3) };
  return undefined;
}

/** An error body in the shape of the API that was called. */
function errorFor(api: ApiName, rest: string, status: number, message: string): ApiError {
  if (api !== 'track') return appError(status, message);
  if (rest.startsWith('/v2/')) return v2Errors(status, [{ reason: status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : 'invalid', field: '', message }]);
  return trackErrors(status, [message]);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function authorized(api: ApiName, header: string | undefined, credentials: Credentials): boolean {
  if (!header) return false;
  if (api === 'track') {
    const match = /^Basic\s+(.+)$/i.exec(header);
    if (!match) return false;
    return sameSecret(Buffer.from(match[1], 'base64').toString('utf8'), `${credentials.site_id}:${credentials.track_api_key}`);
  }
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return !!match && sameSecret(match[1].trim(), credentials.app_api_key);
}

/** The body, or 'too_large' once it passes the limit (the rest is read and dropped, so the 413 can still be sent). */
function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= LIMITS.requestBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > LIMITS.requestBytes ? 'too_large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  if (reply.body === undefined || reply.status === 204) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const text = JSON.stringify(reply.body);
  headers['content-type'] = 'application/json; charset=utf-8';
  res.writeHead(reply.status, headers).end(text);
}

export function createSandboxServer(config: ServerConfig): Server {
  const routers = {
    track: new Router(config.routes.track),
    origin: new Router(config.routes.origin),
    app: new Router(config.routes.app),
    beta: new Router(config.routes.app.filter((r) => r.beta)),
    sandbox: new Router(config.routes.sandbox ?? []),
  };
  const appLimiter = config.appRateLimit ? new SlidingWindow(config.appRateLimit) : undefined;
  const triggerLimiter = config.triggerIntervalMs > 0 ? new SlidingWindow({ requests: 1, windowMs: config.triggerIntervalMs }) : undefined;

  async function handle(req: IncomingMessage): Promise<Reply> {
    const method = req.method ?? 'GET';
    // The body is read before anything is refused, so a keep-alive client never sees its
    // request cut off mid-upload.
    const raw = await readBody(req);
    const [path, rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s, 2);
    const mount = mountOf(path, routers);
    if (!mount) throw appError(404, `the sandbox does not serve ${method} ${path}: Track is under /api, App under /v1, Beta under /v1/api`);
    const { api, router, rest } = mount;
    if (raw === 'too_large') throw errorFor(api, rest, 413, `the request body is larger than ${LIMITS.requestBytes} bytes`);

    let segments: string[];
    try {
      segments = rest.split('/').slice(1).map((s) => decodeURIComponent(s));
    } catch {
      throw errorFor(api, rest, 400, `the path ${path} is not validly percent-encoded`);
    }
    const found = router.match(method, segments);

    if (found?.route.auth !== false && !authorized(api, req.headers.authorization, config.credentials)) {
      const expected = api === 'track' ? 'HTTP Basic with the sandbox site ID and Track API key' : 'a Bearer App API key the sandbox accepts';
      throw errorFor(api, rest, 401, `Unauthorized request: this ${api === 'track' ? 'Track' : api === 'app' ? 'App' : 'Beta'} endpoint needs ${expected} (printed when the sandbox started)`);
    }
    // Sends are not rate limited on Customer.io; the sandbox's own debug routes are not Customer.io's.
    if (api !== 'track' && appLimiter && !rest.startsWith('/send/') && router !== routers.sandbox && !appLimiter.take(config.credentials.app_api_key)) {
      throw appError(429, `rate limited: more than ${config.appRateLimit ? config.appRateLimit.requests : 0} requests in ${config.appRateLimit ? config.appRateLimit.windowMs : 0} ms with this key`);
    }
    if (!found) throw errorFor(api, rest, 404, `the sandbox does not serve ${method} ${path}`);

    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (error) {
        throw errorFor(api, rest, 400, `the request body is not valid JSON (${(error as Error).message})`);
      }
    }
    const ctx: Context = {
      state: config.state,
      api,
      method,
      path,
      params: found.params,
      query: new URLSearchParams(rawQuery),
      headers: req.headers,
      body,
      origin: config.origin(),
      now: unixNow(),
      takeTrigger: () => !triggerLimiter || triggerLimiter.take(config.credentials.app_api_key),
    };
    const reply = found.route.handle(ctx);
    if (method !== 'GET' && reply.status < 300) await config.persist();
    return reply;
  }

  const server = createServer((req, res) => {
    handle(req)
      .then((reply) => send(res, reply))
      .catch((error: unknown) => {
        if (error instanceof ApiError) return send(res, error.reply);
        send(res, { status: 500, body: { errors: [{ detail: `the sandbox failed: ${(error as Error)?.message ?? String(error)}`, status: '500' }] } });
      });
  });
  server.keepAliveTimeout = 5_000;
  return server;
}
