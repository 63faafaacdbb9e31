// The reference host's server: the built page (static files) and a small JSON API over the
// registry. It is the only place that calls the runtime, so the page never needs got, and the
// credentials a person types travel page → this server → Customer.io (or the sandbox) without
// being stored or logged anywhere.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Registry } from '../runtime/index.js';
import { credentialScheme } from '../auth/scheme.js';
import { servicesOf } from '../runtime/services.js';
import { executeForPage } from './execute.js';
import { startExecuteThread, type ExecuteThread } from './execute-thread.js';
import { HttpProblem, objectField, readJsonBody, readJsonBytes, readRawBody, sendJson, stringField } from './http.js';
import { routeCall, targetOf, type SandboxInfo } from './routing.js';
import { TriggerHost, type TriggerView } from './triggers.js';

export { TARGETS, type SandboxInfo, type Target } from './routing.js';

export interface HostServerOptions {
  registry: Registry;
  /** The built page (index.html, app.js, style.css). */
  webRoot: string;
  /** The embedded sandbox, the default target; without it only production targets work. */
  sandbox?: SandboxInfo;
  port?: number;
  host?: string;
  /**
   * Run the page's execute calls in a worker thread of their own, with a registry loaded as
   * loadConnectors() loads it by default (not `registry`, which the rest still uses), so that
   * a call carrying thousands of items never holds up the page's other requests. The local
   * host (start.ts) does; a host given a registry of its own keeps them in process.
   */
  executeInThread?: boolean;
}

export interface HostServer {
  url: string;
  server: Server;
  /** The triggers enabled and not disabled: what closing leaves registered. */
  enabledTriggers(): TriggerView[];
  /**
   * Closes the server. Enabled triggers are not disabled: their webhooks stay registered (and
   * keep posting, unanswered) until the page's Disable removes them.
   */
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

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

/** `/host-api/triggers/<id>` and `/host-api/triggers/<id>/webhook`: the trigger's id and which of the two. */
const TRIGGER_PATH = /^\/host-api\/triggers\/([A-Za-z0-9_-]{1,64})(\/webhook)?$/;

export async function createHostServer(options: HostServerOptions): Promise<HostServer> {
  const { registry, sandbox, webRoot } = options;
  const executor: ExecuteThread | undefined = options.executeInThread ? await startExecuteThread(sandbox) : undefined;
  const catalogue = JSON.stringify(connectorCatalogue(registry));
  const known = new Set(registry.list().map((c) => c.name));
  let ownUrl = '';
  const triggers = new TriggerHost({ registry, ...(sandbox ? { sandbox } : {}), baseUrl: () => ownUrl });

  async function execute(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!executor) return sendJson(response, 200, await executeForPage(registry, sandbox, await readJsonBody(request)));
    const answer = await executor.run(await readJsonBytes(request));
    if (answer.failure) process.stderr.write(`host: ${answer.failure}\n`);
    response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(answer.text)) });
    response.end(answer.text);
  }

  async function testAuth(body: Record<string, unknown>) {
    const connector = stringField(body, 'connector');
    if (!known.has(connector)) throw new HttpProblem(404, `unknown connector "${connector}"`);
    const routed = routeCall(targetOf(body.target), objectField(body, 'auth'), sandbox);
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
      // Where trigger webhook URLs point unless the page gives another base (a tunnel).
      webhook_base_url: ownUrl,
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

  /**
   * Customer.io's (or the sandbox's) request to a trigger's webhook URL: its bytes go to the
   * runtime untouched, whatever their content type, since the signature covers them exactly.
   */
  async function webhook(id: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawBody = await readRawBody(request, triggers.maxBodyBytes);
    const answer = await triggers.receive(id, request.headers, rawBody);
    if (!answer) throw new HttpProblem(404, 'no such trigger (it was disabled, or this host restarted)');
    // Past the cap the rest of the body was never read: close rather than drain it.
    sendJson(response, answer.status, answer.body, rawBody.length > triggers.maxBodyBytes ? { connection: 'close' } : {});
  }

  async function triggerRoute(request: IncomingMessage, response: ServerResponse, id: string, isWebhook: boolean): Promise<void> {
    if (isWebhook) {
      if (request.method !== 'POST') throw new HttpProblem(405, 'the webhook takes POST');
      return webhook(id, request, response);
    }
    switch (request.method) {
      case 'GET': {
        const view = triggers.get(id);
        if (!view) throw new HttpProblem(404, 'no such trigger');
        return sendJson(response, 200, view);
      }
      case 'DELETE': {
        const started = performance.now();
        const envelope = await triggers.disable(id);
        if (!envelope) throw new HttpProblem(404, 'no such trigger');
        return sendJson(response, 200, { envelope, host_ms: Math.round(performance.now() - started) });
      }
      default:
        throw new HttpProblem(405, 'method not allowed');
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse, allowedHosts: Set<string> | undefined): Promise<void> {
    const { pathname } = new URL(request.url ?? '/', 'http://host.invalid');
    const trigger = TRIGGER_PATH.exec(pathname);
    const host = String(request.headers.host ?? '');
    // On loopback, answer only requests addressed to this server's own name, so another site
    // cannot reach it by DNS rebinding. A webhook may also be addressed to its URL's own host
    // (a tunnel that keeps the public name); it takes only requests signed with its key.
    const hostAllowed = !allowedHosts || allowedHosts.has(host) || (trigger?.[2] !== undefined && triggers.acceptsHost(trigger[1]!, host));
    if (!hostAllowed) throw new HttpProblem(421, 'unknown host');
    if (trigger) return triggerRoute(request, response, trigger[1]!, trigger[2] !== undefined);
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
        return execute(request, response);
      case 'POST /host-api/test-auth':
        return sendJson(response, 200, await testAuth(await readJsonBody(request)));
      case 'GET /host-api/triggers':
        return sendJson(response, 200, { triggers: triggers.list() });
      case 'POST /host-api/triggers':
        return sendJson(response, 200, await triggers.enable(await readJsonBody(request)));
      default:
        if (pathname.startsWith('/host-api/')) throw new HttpProblem(404, `no ${route}`);
        if (request.method !== 'GET' && request.method !== 'HEAD') throw new HttpProblem(405, 'method not allowed');
        return serveStatic(pathname, response);
    }
  }

  const listening = new Promise<HostServer>((resolve, reject) => {
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
      // Listening on every interface: webhook URLs still need an address to post to.
      ownUrl = `http://${address === '0.0.0.0' || address === '::' ? '127.0.0.1' : shown}:${port}`;
      resolve({
        url: `http://${shown}:${port}`,
        server,
        enabledTriggers: () => triggers.list(),
        close: async () => {
          await new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          });
          await executor?.close();
        },
      });
    });
  });
  // A port already taken, say: the thread goes too.
  return listening.catch(async (error: unknown) => {
    await executor?.close();
    throw error;
  });
}
