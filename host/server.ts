// The reference host's server: the built page (static files) and a small JSON API over the
// registry. It is the only place that calls the runtime, so the page never needs got, and the
// credentials a person types travel page → this server → Customer.io (or the sandbox) without
// being stored or logged anywhere.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Envelope, ExecuteOptions, Registry, RuntimeEvent } from '../runtime/index.js';
import { credentialScheme } from '../auth/scheme.js';
import { parseJsonObject, type JsonTextError } from '../cli/json-text.js';
import { servicesOf } from '../runtime/registry.js';

export type Target = 'sandbox' | 'us' | 'eu';
export const TARGETS: readonly Target[] = ['sandbox', 'us', 'eu'];

export interface SandboxInfo {
  origin: string;
  credentials: { site_id: string; track_api_key: string; app_api_key: string; webhook_signing_key?: string };
}

export interface HostServerOptions {
  registry: Registry;
  /** The built page (index.html, app.js, style.css). */
  webRoot: string;
  /** The embedded sandbox, the default target; without it only production targets work. */
  sandbox?: SandboxInfo;
  port?: number;
  host?: string;
}

export interface HostServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

class HttpProblem extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

async function readJsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  // A JSON content type makes a cross-site form or fetch need a CORS preflight, which this server never grants.
  if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) throw new HttpProblem(415, 'send application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpProblem(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return parseJsonObject(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    // Says where the JSON broke, never what it held: the body carries credentials.
    throw new HttpProblem(400, `the request body ${(error as JsonTextError).message}`);
  }
}

function objectField(body: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = body[key] ?? {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new HttpProblem(400, `"${key}" must be an object`);
  return value as Record<string, unknown>;
}

function stringField(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') throw new HttpProblem(400, `"${key}" must be a non-empty string`);
  return value;
}

/** The sandbox accepts its Site ID and Track key on Track, its App key on App and Beta; the connector's scheme places them in its form. */
function sandboxAuth(registry: Registry, name: string, sandbox: SandboxInfo): Record<string, unknown> {
  const connector = servicesOf(registry).connector(name)!;
  const { site_id, track_api_key, app_api_key, webhook_signing_key } = sandbox.credentials;
  const auth = credentialScheme(connector.auth).values(connector.api === 'track' ? { user: site_id, secret: track_api_key } : { secret: app_api_key });
  // A trigger connector also takes the key the sandbox signs its webhooks with.
  const signingField = [...connector.operationsByName.values()].find((op) => op.trigger)?.trigger?.signing_key;
  return signingField && webhook_signing_key ? { ...auth, [signingField]: webhook_signing_key } : auth;
}

/** The page's list: every connector with its operations described, grouped by resource, DDLs flagged hidden. */
export function connectorCatalogue(registry: Registry) {
  return registry.list().map((summary) => {
    const description = registry.describe(summary.name);
    return {
      ...description,
      operations: description.operations.map((operation) => ({ ...operation, group: operation.resource })),
    };
  });
}

export function createHostServer(options: HostServerOptions): Promise<HostServer> {
  const { registry, sandbox, webRoot } = options;
  const catalogue = JSON.stringify(connectorCatalogue(registry));
  const known = new Set(registry.list().map((c) => c.name));

  /** Where a call goes: the sandbox (its origin, region us) or Customer.io's US or EU hosts. */
  function route(body: Record<string, unknown>, auth: Record<string, unknown>): { auth: Record<string, unknown>; options: ExecuteOptions } {
    const target = (body.target ?? 'sandbox') as Target;
    if (!TARGETS.includes(target)) throw new HttpProblem(400, '"target" must be sandbox, us or eu');
    if (target === 'sandbox') {
      if (!sandbox) throw new HttpProblem(400, 'this host runs without a sandbox: choose US or EU');
      return { auth: { ...auth, region: 'us' }, options: { origin: sandbox.origin } };
    }
    return { auth: { ...auth, region: target }, options: {} };
  }

  async function execute(body: Record<string, unknown>) {
    const connector = stringField(body, 'connector');
    if (!known.has(connector)) throw new HttpProblem(404, `unknown connector "${connector}"`);
    const routed = route(body, objectField(body, 'auth'));
    const events: RuntimeEvent[] = [];
    const started = performance.now();
    const envelope: Envelope = await registry.execute({
      connector,
      operation: stringField(body, 'operation'),
      auth: routed.auth,
      input: objectField(body, 'input'),
      options: { ...routed.options, dryRun: body.dryRun === true, onEvent: (event) => events.push(event) },
    });
    // Runtime events carry requests with credentials already redacted.
    return { envelope, events, host_ms: Math.round(performance.now() - started) };
  }

  async function testAuth(body: Record<string, unknown>) {
    const connector = stringField(body, 'connector');
    if (!known.has(connector)) throw new HttpProblem(404, `unknown connector "${connector}"`);
    const routed = route(body, objectField(body, 'auth'));
    const started = performance.now();
    const envelope = await registry.testAuth(connector, routed.auth, routed.options);
    return { envelope, host_ms: Math.round(performance.now() - started) };
  }

  function config() {
    return {
      sandbox: sandbox ?? null,
      // The sandbox's credentials as each connector's auth form takes them, so a first run needs no typing.
      sandbox_auth: sandbox ? Object.fromEntries(registry.list().map(({ name }) => [name, sandboxAuth(registry, name, sandbox)])) : null,
      targets: [
        ...(sandbox ? [{ value: 'sandbox', label: 'Sandbox (local)', production: false }] : []),
        { value: 'us', label: 'US production', production: true },
        { value: 'eu', label: 'EU production', production: true },
      ],
    };
  }

  async function serveStatic(pathname: string, response: ServerResponse): Promise<void> {
    const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1));
    const file = normalize(join(webRoot, relative));
    if (!file.startsWith(normalize(webRoot) + sep)) throw new HttpProblem(404, 'not found');
    let content: Buffer;
    try {
      content = await readFile(file);
    } catch {
      throw new HttpProblem(404, 'not found');
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache', 'content-length': content.length });
    response.end(content);
  }

  async function handle(request: IncomingMessage, response: ServerResponse, allowedHosts: Set<string> | undefined): Promise<void> {
    // On loopback, answer only requests addressed to this server's own name, so another site cannot reach it by DNS rebinding.
    if (allowedHosts && !allowedHosts.has(String(request.headers.host ?? ''))) throw new HttpProblem(421, 'unknown host');
    const { pathname } = new URL(request.url ?? '/', 'http://host.invalid');
    const route = `${request.method} ${pathname}`;
    switch (route) {
      case 'GET /host-api/config':
        return sendJson(response, 200, config());
      case 'GET /host-api/connectors': {
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        response.end(catalogue);
        return;
      }
      case 'POST /host-api/execute':
        return sendJson(response, 200, await execute(await readJsonBody(request)));
      case 'POST /host-api/test-auth':
        return sendJson(response, 200, await testAuth(await readJsonBody(request)));
      default:
        if (pathname.startsWith('/host-api/')) throw new HttpProblem(404, `no ${route}`);
        if (request.method !== 'GET' && request.method !== 'HEAD') throw new HttpProblem(405, 'method not allowed');
        return serveStatic(pathname, response);
    }
  }

  return new Promise((resolve, reject) => {
    let allowedHosts: Set<string> | undefined;
    const server = createServer((request, response) => {
      handle(request, response, allowedHosts).catch((error: unknown) => {
        const status = error instanceof HttpProblem ? error.status : 500;
        const message = error instanceof HttpProblem ? error.message : 'the host failed to handle this request';
        if (!(error instanceof HttpProblem)) process.stderr.write(`host: ${(error as Error).message}\n`);
        if (!response.headersSent) sendJson(response, status, { error: message });
        else response.end();
      });
    });
    server.on('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      const { port, address } = server.address() as AddressInfo;
      const shown = address.includes(':') ? `[${address}]` : address;
      const loopback = address === '::1' || address.startsWith('127.');
      if (loopback) allowedHosts = new Set([shown, 'localhost', '127.0.0.1', '[::1]'].map((name) => `${name}:${port}`));
      resolve({
        url: `http://${shown}:${port}`,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
