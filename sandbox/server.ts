// The HTTP front of the sandbox (node:http only). A request goes through, in this order, and
// stops at the first refusal: the Host check (421: no DNS rebinding), the path split without
// normalising it (400 for bad percent-encoding), credentials (Basic for Track, Bearer for App
// and Beta), the App rate limit, the route; only then is the body read, within its route's cap,
// a shared upload budget and read timeouts (uploads.ts), and parsed within the nesting limit
// (json-body.ts). An unauthenticated or misaddressed client therefore never makes it buffer a
// byte. Handler results and errors are answered in the calling API's own error shape, and the
// state is written to disk after every successful change.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { BODY_CAPS, bodyCapFor, DEFAULT_REQUEST_LIMITS, type RequestLimits } from './limits.js';
import { SlidingWindow, type WindowLimit } from './rate-limit.js';
import { ApiError, appError, errorIn, type Reply } from './reply.js';
import { changesState, Router, type ApiName, type Context, type Route } from './router.js';
import { unixNow } from './ids.js';
import { isMultipart, parseMultipart } from './multipart.js';
import type { State } from './state.js';
import { hostRule } from './hosts.js';
import { readBody, UploadAborted, UploadGate, UploadRefused } from './uploads.js';
import { BodyRefused, parseJsonBody } from './json-body.js';

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
  /** Names besides the loopback ones it answers to (Host): `name` (any port) or `name:port`. */
  allowedHosts?: string[];
  /** Nesting, upload budget and read timeouts (limits.ts has the defaults). */
  requestLimits?: Partial<RequestLimits>;
  /** Where failures on the sandbox's side are reported (a line each; never bodies or credentials). */
  log?(line: string): void;
}

interface Mount {
  api: ApiName;
  router: Router;
  rest: string;
}

type Routers = Record<'track' | 'origin' | 'app' | 'beta' | 'sandbox', Router>;

/** Which API a path belongs to; Beta's /v1/api must be tested before App's /v1. */
function mountOf(path: string, routers: Routers): Mount | undefined {
  if (path.startsWith('/api/')) return { api: 'track', router: routers.track, rest: path.slice(4) };
  if (path.startsWith('/sandbox/')) return { api: 'app', router: routers.sandbox, rest: path.slice(8) };
  if (path.startsWith('/unsubscribe/')) return { api: 'track', router: routers.origin, rest: path };
  if (path.startsWith('/v1/api/')) return { api: 'beta', router: routers.beta, rest: path.slice(7) };
  if (path.startsWith('/v1/')) return { api: 'app', router: routers.app, rest: path.slice(3) };
  return undefined;
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

/** Path segments decoded one by one (so `%2F` stays inside its segment); undefined when one is not valid percent-encoding. */
function decodeSegments(rest: string): string[] | undefined {
  try {
    return rest.split('/').slice(1).map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

/** URLSearchParams lets `%ZZ` through as text; Customer.io's servers would not decode it either. */
function validQuery(rawQuery: string): boolean {
  try {
    decodeURIComponent(rawQuery.replace(/\+/g, ' '));
    return true;
  } catch {
    return false;
  }
}

function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  // A body left unread (the request was refused before it) is not drained: the connection closes.
  if (!req.complete) headers.connection = 'close';
  if (reply.raw) {
    res.writeHead(reply.status, headers).end(reply.raw);
    return;
  }
  if (reply.body === undefined || reply.status === 204) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const text = JSON.stringify(reply.body);
  headers['content-type'] = 'application/json; charset=utf-8';
  res.writeHead(reply.status, headers).end(text);
}

/** Where a request goes: its API (for the error shape), the path after the API's prefix, the router. */
interface Target {
  method: string;
  path: string;
  rawQuery: string;
  mount: Mount | undefined;
  fail(status: number, message: string, reason?: string): ApiError;
}

export function createSandboxServer(config: ServerConfig): Server {
  const routers: Routers = {
    track: new Router(config.routes.track),
    origin: new Router(config.routes.origin),
    app: new Router(config.routes.app),
    beta: new Router(config.routes.app.filter((r) => r.beta)),
    sandbox: new Router(config.routes.sandbox ?? []),
  };
  const limits: RequestLimits = { ...DEFAULT_REQUEST_LIMITS, ...(config.requestLimits ?? {}) };
  const appLimiter = config.appRateLimit ? new SlidingWindow(config.appRateLimit) : undefined;
  const triggerLimiter = config.triggerIntervalMs > 0 ? new SlidingWindow({ requests: 1, windowMs: config.triggerIntervalMs }) : undefined;
  const uploads = new UploadGate(Math.max(limits.uploadBudgetBytes, 1), limits.maxWaitingUploads, limits.uploadWaitMs);
  const log = config.log ?? (() => undefined);
  // Known once the server listens (the port may have been 0); nothing is answered before.
  let allowsHost: (host: string | undefined) => boolean = () => false;

  function targetOf(req: IncomingMessage): Target {
    const method = req.method ?? 'GET';
    const [path, rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s, 2);
    const mount = mountOf(path, routers);
    const api = mount?.api ?? 'app';
    const rest = mount?.rest ?? path;
    return { method, path, rawQuery, mount, fail: (status, message, reason) => errorIn(api, rest, status, message, reason) };
  }

  /** The body as the route will see it: read within the caps, budget and timeouts, then parsed. */
  async function bodyOf(req: IncomingMessage, res: ServerResponse, { api, rest }: Mount, fail: Target['fail']): Promise<unknown> {
    const declared = req.headers['content-length'];
    const chunked = req.headers['transfer-encoding'] !== undefined;
    if (declared === undefined && !chunked) return undefined;
    const length = declared === undefined ? undefined : Number(declared);
    if (length === 0) return undefined;
    const cap = bodyCapFor(api, rest);
    const tooLarge = (size: string) => {
      // Track v2 refuses an oversized request as it refuses any other: 400 with reason too_large.
      if (api === 'track' && rest === '/v2/entity') return fail(400, `an entity request must be under 32 KB (${BODY_CAPS.trackEntity + 1} bytes); it is ${size}`, 'too_large');
      if (api === 'track' && rest === '/v2/batch') return fail(400, `a batch request must be under 500 KB (${BODY_CAPS.trackBatch + 1} bytes); it is ${size}`, 'too_large');
      return fail(413, `the request body must be at most ${cap} bytes for this endpoint; it is ${size}`);
    };
    if (length !== undefined && length > cap) throw tooLarge(`${length} bytes`);

    const gone = new AbortController();
    const onClose = () => {
      if (!req.complete) gone.abort();
    };
    req.once('close', onClose);
    let raw: Buffer;
    let release: (() => void) | undefined;
    try {
      release = await uploads.reserve(length ?? cap, gone.signal);
      // A client that asked to be told before sending its body is told only now, authorised.
      if (req.headers.expect?.toLowerCase() === '100-continue') res.writeContinue();
      raw = await readBody(req, { cap, idleMs: limits.bodyIdleMs, totalMs: limits.bodyTotalMs });
    } catch (error) {
      if (!(error instanceof UploadRefused)) throw error;
      if (error.status === 413) throw tooLarge(`more than ${cap} bytes`);
      const refused = fail(error.status, error.message);
      throw error.retryAfterS ? new ApiError({ ...refused.reply, headers: { 'retry-after': String(error.retryAfterS) } }) : refused;
    } finally {
      release?.();
      req.off('close', onClose);
    }
    // Asset uploads come as multipart/form-data: read into an object of fields (multipart.ts).
    if (isMultipart(req.headers['content-type'])) return parseMultipart(raw, req.headers['content-type']!);
    try {
      return parseJsonBody(raw, { maxDepth: limits.maxDepth, batchItems: api === 'track' && rest === '/v2/batch' });
    } catch (error) {
      if (error instanceof BodyRefused) throw fail(400, error.message);
      throw error;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, target: Target): Promise<Reply> {
    const { method, path, rawQuery, mount, fail } = target;
    if (!allowsHost(req.headers.host)) {
      // Nothing is said about the workspace, and the body (if any) is never read.
      throw fail(421, 'this sandbox answers only requests addressed to one of its own names (Host: localhost, 127.0.0.1 or [::1] with its port, or a name given in allowedHosts), so that no other site can reach it through DNS rebinding');
    }
    if (!mount) throw appError(404, `the sandbox does not serve ${method} ${path}: Track is under /api, App under /v1, Beta under /v1/api`);
    const { api, router, rest } = mount;
    const segments = decodeSegments(rest);
    if (!segments) throw fail(400, `the path ${path} is not validly percent-encoded`);
    if (!validQuery(rawQuery)) throw fail(400, 'the query string is not validly percent-encoded');
    const found = router.match(method, segments);

    if (found?.route.auth !== false && !authorized(api, req.headers.authorization, config.credentials)) {
      const expected = api === 'track' ? 'HTTP Basic with the sandbox site ID and Track API key' : 'a Bearer App API key the sandbox accepts';
      throw fail(401, `Unauthorized request: this ${api === 'track' ? 'Track' : api === 'app' ? 'App' : 'Beta'} endpoint needs ${expected} (printed when the sandbox started)`);
    }
    // Sends are not rate limited on Customer.io; the sandbox's own debug routes are not Customer.io's.
    if (api !== 'track' && appLimiter && !rest.startsWith('/send/') && router !== routers.sandbox && !appLimiter.take(config.credentials.app_api_key)) {
      throw appError(429, `rate limited: more than ${config.appRateLimit ? config.appRateLimit.requests : 0} requests in ${config.appRateLimit ? config.appRateLimit.windowMs : 0} ms with this key`);
    }
    if (!found) throw fail(404, `the sandbox does not serve ${method} ${path}`);

    const body = await bodyOf(req, res, mount, fail);
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
    if (changesState(found.route) && reply.status < 300) {
      try {
        await config.persist();
      } catch (error) {
        log(`sandbox: ${method} ${path} was applied, but the state file could not be written: ${(error as Error).message}`);
        throw fail(500, `the change was made, but the sandbox could not write its state file: ${(error as Error).message}`);
      }
    }
    return reply;
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const target = targetOf(req);
    handle(req, res, target)
      .then((reply) => send(req, res, reply))
      .catch((error: unknown) => {
        // Nobody is left to answer.
        if (error instanceof UploadAborted) return void req.destroy();
        if (error instanceof ApiError) return send(req, res, error.reply);
        log(`sandbox: ${target.method} ${target.path} failed: ${(error as Error)?.message ?? String(error)}`);
        send(req, res, target.fail(500, `the sandbox failed: ${(error as Error)?.message ?? String(error)}`).reply);
      });
  };
  const server = createServer(onRequest);
  // `Expect: 100-continue` is answered by the request handler, after the credentials are checked.
  server.on('checkContinue', onRequest);
  server.on('listening', () => {
    const { address, port } = server.address() as AddressInfo;
    allowsHost = hostRule({ address, port, publicNames: config.allowedHosts });
  });
  server.keepAliveTimeout = 5_000;
  return server;
}
