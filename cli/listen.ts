// cio-connectors listen: a trigger from a terminal. It starts a small HTTP server, registers a
// reporting webhook that posts to it (enableTrigger), prints every verified event it hands over
// as one NDJSON line on stdout (notes and refused requests go to stderr), and removes the
// webhook when it stops (Ctrl-C or SIGTERM), so nothing is left posting to a closed port.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { loadConnectors, type Registry, type TriggerState } from '../runtime/index.js';
import { authArgument, jsonArgument, UsageError, type CliResult } from './args.js';
import { authFormOf, closestNames } from './names.js';

export const LISTEN_USAGE = `  cio-connectors listen <trigger-connector> [trigger] --events <event,event…> --auth <json|@file|env>
                 [--port <n>] [--host <address>] [--url <public webhook URL>] [--input <json|@file>]
                 [--region us|eu] [--origin <url>]
                 (registers a reporting webhook for the events, prints each verified event as one
                 NDJSON line, removes the webhook on Ctrl-C; without a trigger, the narrowest one
                 that offers every event is used)`;

/** Where the output goes, and how the command learns it is to stop (tests pass their own). */
export interface ListenIo {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
  /** Resolves when the listener is to stop; default: the first SIGINT or SIGTERM. */
  stopped?: Promise<void>;
  /** Called once the webhook is registered and the server listens. */
  onReady?: (ready: { url: string; state: TriggerState }) => void;
}

const MAX_BODY_BYTES = 2 * 1024 * 1024;

interface TriggerChoice {
  name: string;
  events: string[];
}

/** The trigger operations of a connector, with the events each offers. */
function triggersOf(registry: Registry, connector: string): TriggerChoice[] {
  return registry.describe(connector).operations.filter((op) => op.kind === 'trigger').map((op) => {
    const events = (op.input_schema.properties as Record<string, { items?: { enum?: string[] } }> | undefined)?.events?.items?.enum ?? [];
    return { name: op.name, events };
  });
}

function chooseTrigger(triggers: TriggerChoice[], named: string | undefined, events: string[], connector: string): string {
  if (triggers.length === 0) throw new UsageError(`${connector} has no triggers`);
  if (named) {
    const trigger = triggers.find((t) => t.name === named);
    if (!trigger) {
      const close = closestNames(named, triggers.map((t) => t.name), 1);
      throw new UsageError(`${connector} has no trigger "${named}"${close.length ? `; did you mean ${close[0]}?` : ''} (choose ${triggers.map((t) => t.name).join(', ')})`);
    }
    return trigger.name;
  }
  const fits = triggers.filter((t) => events.every((e) => t.events.includes(e))).sort((a, b) => a.events.length - b.events.length);
  if (!fits[0]) {
    const known = new Set(triggers.flatMap((t) => t.events));
    const unknown = events.filter((e) => !known.has(e));
    const close = unknown.map((event) => [event, closestNames(event, [...known], 1)[0]] as const).filter(([, near]) => near !== undefined);
    const hint = close.length ? `; did you mean ${close.map(([, near]) => near).join(', ')}?` : '';
    throw new UsageError(`no trigger of ${connector} offers ${unknown.length ? unknown.join(', ') : 'these events together'}${hint}`);
  }
  return fits[0].name;
}

function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** The body as bytes, exactly as it came (the signature covers them), refused past the limit. */
async function rawBodyOf(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function runListenCommand(argv: string[], env: NodeJS.ProcessEnv, registry: Registry | undefined, io: ListenIo): Promise<CliResult> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      events: { type: 'string' },
      auth: { type: 'string' },
      input: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      url: { type: 'string' },
      region: { type: 'string' },
      origin: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { output: `Usage:\n${LISTEN_USAGE}`, exitCode: 0 };
  const [connector, named, extra] = positionals;
  if (!connector || extra !== undefined) throw new UsageError('listen needs a trigger connector, such as: listen customer-io-trigger --events email_bounced --auth env');
  const loaded = registry ?? (await loadConnectors());
  const auth = authArgument(authFormOf(loaded, connector), values.auth, values.region, env, 'listen');
  const events = (values.events ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  if (events.length === 0) throw new UsageError('listen needs --events, such as --events email_bounced,email_opened');
  const operation = chooseTrigger(triggersOf(loaded, connector), named, events, connector);
  const input = { ...jsonArgument(values.input, 'input'), events };
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError('--port must be a whole number from 0 to 65535 (0 picks a free port)');
  const options = values.origin ? { origin: values.origin } : {};

  let state: TriggerState | undefined;
  let handled = 0;
  const server: Server = createServer((request, response) => {
    void (async () => {
      const rawBody = await rawBodyOf(request);
      if (rawBody === undefined || !state) {
        response.writeHead(rawBody === undefined ? 413 : 503, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      const result = await loaded.handleTriggerRequest({ connector, operation, auth, input, state, request: { headers: request.headers, rawBody } });
      response.writeHead(result.response.status, { 'content-type': 'application/json' }).end(JSON.stringify(result.response.body));
      for (const event of result.events) io.out.write(`${JSON.stringify(event)}\n`);
      handled += result.events.length;
      if (!result.verification.verified) io.err.write(`cio-connectors listen: refused a request (${result.response.status}, ${result.verification.reason})\n`);
      for (const left of result.left_out) io.err.write(`cio-connectors listen: left out ${left.event_id}: ${left.reason}\n`);
    })().catch((error: unknown) => {
      io.err.write(`cio-connectors listen: ${(error as Error).message}\n`);
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, values.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const webhookUrl = values.url ?? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/`;
  try {
    const enabled = await loaded.enableTrigger({ connector, operation, auth, input, webhookUrl, options });
    if (!enabled.ok) {
      io.err.write(`cio-connectors listen: the trigger could not be enabled: ${enabled.error.message}\n`);
      return { output: undefined, exitCode: 1 };
    }
    state = enabled.state;
    io.err.write(`cio-connectors listen: ${operation} registered as webhook ${String(state.webhook_id)} for ${events.join(', ')}, posting to ${webhookUrl}; Ctrl-C removes it\n`);
    io.onReady?.({ url: webhookUrl, state });
    await (io.stopped ?? untilSignal());
    const disabled = await loaded.disableTrigger({ connector, operation, auth, state, options });
    if (!disabled.ok) {
      io.err.write(`cio-connectors listen: the webhook ${String(state.webhook_id)} could not be removed: ${disabled.error.message}; remove it in Customer.io\n`);
      return { output: undefined, exitCode: 1 };
    }
    io.err.write(`cio-connectors listen: webhook ${String(state.webhook_id)} removed after ${handled} event${handled === 1 ? '' : 's'}\n`);
    // stdout holds only the events (NDJSON): the outcome is the exit code and the notes above.
    return { output: undefined, exitCode: 0 };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
