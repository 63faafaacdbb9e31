// Fault injection against a real local HTTP server (127.0.0.1 only): resets before and after the
// body, slow headers and bodies, 429s, 5xx bursts, redirects, broken and oversized answers,
// 207 batches and cancellation. For each fault the server counts exactly how often it was
// reached (a transactional send or a broadcast trigger must never arrive twice) and the envelope
// is checked field by field; no credential may show in any envelope or event.
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Envelope, ExecuteOptions, RuntimeEvent } from '../runtime/index.js';
import { loadManifest } from '../runtime/loader.js';
import { APP_AUTH, expectedAuthorization, FAST_RETRY, sharedRegistry, TRACK_AUTH } from './helpers.js';

// ---------------------------------------------------------------------------------------------
// Inputs: each operation's own first example, so they stay valid as the definitions evolve.

const manifest = loadManifest();
function exampleInput(connector: string, operation: string): Record<string, unknown> {
  const found = manifest.find((c) => c.name === connector)?.operationsByName.get(operation);
  const input = found?.examples?.[0]?.input;
  if (!input) throw new Error(`no example for ${connector}/${operation}`);
  return structuredClone(input) as Record<string, unknown>;
}

const TRACK = 'customer-io';
const APP = 'customer-io-app';

// ---------------------------------------------------------------------------------------------
// A local server per test: a fresh port each time, so no pooled keep-alive socket of an earlier
// test can be reused (a stale socket would fail without reaching the server and skew the count).

interface Hit {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}
type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;
interface FakeServer {
  origin: string;
  hits: Hit[];
  /** Full request bodies, in arrival order, for handlers that read them (readBody). */
  bodies: string[];
}

const servers: Server[] = [];
const timers = new Set<NodeJS.Timeout>();
const sockets = new Set<Socket>();

/** setTimeout that afterEach cancels, so a slow handler never outlives its test. */
function later(ms: number, fn: () => void): void {
  const timer = setTimeout(() => {
    timers.delete(timer);
    fn();
  }, ms);
  timers.add(timer);
}

async function startServer(handle: Handler): Promise<FakeServer> {
  const fake: FakeServer = { origin: '', hits: [], bodies: [] };
  const server = createServer((req, res) => {
    fake.hits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handle(req, res, fake.hits.length);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 60_000;
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  (fake as FakeServer & { server: Server }).server = server;
  return fake;
}

function readBody(req: IncomingMessage, fake?: FakeServer): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      fake?.bodies.push(text);
      resolve(text);
    });
  });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

afterEach(async () => {
  for (const timer of timers) clearTimeout(timer);
  timers.clear();
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  })));
});

// ---------------------------------------------------------------------------------------------
// Running a call, and everything it showed (for the credentials check at the end).

const SECRETS = [
  TRACK_AUTH.api_key,
  APP_AUTH.api_key,
  expectedAuthorization(TRACK),
  expectedAuthorization(TRACK).replace(/^Basic /, ''),
  expectedAuthorization(APP),
];
const shownEverywhere: { label: string; text: string }[] = [];

interface Run {
  result: Envelope;
  events: RuntimeEvent[];
  elapsed: number;
}

async function run(fake: FakeServer, connector: string, operation: string, input: Record<string, unknown>, options: ExecuteOptions = {}): Promise<Run> {
  const registry = await sharedRegistry();
  const events: RuntimeEvent[] = [];
  const started = performance.now();
  const result = await registry.execute({
    connector,
    operation,
    auth: connector === TRACK ? { ...TRACK_AUTH, region: 'us' } : { ...APP_AUTH, region: 'us' },
    input,
    options: {
      origin: fake.origin,
      timeoutMs: 2_000,
      totalTimeoutMs: 4_000,
      ...options,
      retry: { ...FAST_RETRY, ...(options.retry ?? {}) },
      onEvent: (event) => {
        events.push(event);
        options.onEvent?.(event);
      },
    },
  });
  const elapsed = Math.round(performance.now() - started);
  shownEverywhere.push({ label: `${operation} envelope`, text: JSON.stringify(result) });
  shownEverywhere.push({ label: `${operation} events`, text: JSON.stringify(events) });
  return { result, events, elapsed };
}

function failureOf(result: Envelope) {
  expect(result.ok).toBe(false);
  return result as Extract<Envelope, { ok: false }>;
}

// ---------------------------------------------------------------------------------------------
// Figures for the docs: every fault, the requests expected and those the server saw.

interface Figure {
  fault: string;
  operation: string;
  expected_requests: number;
  observed_requests: number;
  ok: boolean;
  code?: string;
  retryable?: boolean;
  may_have_been_processed?: boolean;
  attempts?: number;
  duration_ms: number;
}
const figures: Figure[] = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits a moment (a late duplicate would arrive within it: FAST_RETRY waits at most 5 ms),
 * records the figure, then asserts the exact request count and that the envelope agrees.
 */
async function expectRequests(fake: FakeServer, expected: number, fault: string, operation: string, { result, elapsed }: Run, { checkAttempts = true } = {}): Promise<void> {
  await sleep(25);
  const observed = fake.hits.length;
  figures.push({
    fault,
    operation,
    expected_requests: expected,
    observed_requests: observed,
    ok: result.ok,
    ...(!result.ok ? {
      code: result.error.code,
      retryable: result.error.retryable,
      may_have_been_processed: (result.error.details as { may_have_been_processed?: boolean } | undefined)?.may_have_been_processed === true,
    } : {}),
    ...('meta' in result && result.meta?.attempts !== undefined ? { attempts: result.meta.attempts } : {}),
    duration_ms: elapsed,
  });
  expect(observed).toBe(expected);
  if (checkAttempts && 'meta' in result && result.meta?.attempts !== undefined) expect(result.meta.attempts).toBe(expected);
  for (const hit of fake.hits) expect(hit.headers.authorization).toBeDefined(); // credentials did go out
}

afterAll(() => {
  writeFileSync('/tmp/faults-figures.json', `${JSON.stringify({
    file: 'test/faults.test.ts',
    generated_at: new Date().toISOString(),
    faults: figures.length,
    mismatches: figures.filter((f) => f.expected_requests !== f.observed_requests).length,
    figures,
  }, null, 2)}\n`);
});

// Operations used throughout.
const GET = { connector: TRACK, operation: 'get_account_region' } as const; // GET, safe
const PUT = { connector: TRACK, operation: 'create_or_update_customer' } as const; // PUT, safe
const SEND = { connector: APP, operation: 'send_transactional_email' } as const; // POST, never twice
const TRIGGER = { connector: APP, operation: 'trigger_broadcast' } as const; // POST, never twice
const BATCH = { connector: TRACK, operation: 'send_batch' } as const; // v2 batch, idempotent

type Op = { connector: string; operation: string };
const call = (fake: FakeServer, op: Op, options: ExecuteOptions = {}) => run(fake, op.connector, op.operation, exampleInput(op.connector, op.operation), options);

const SAFE: [string, Op][] = [['GET get_account_region', GET], ['PUT create_or_update_customer', PUT]];
const NEVER_TWICE: [string, Op][] = [['send_transactional_email', SEND], ['trigger_broadcast', TRIGGER]];
const MAYBE_PROCESSED = 'Customer.io may have received and processed the request; check before sending it again.';

// A successful answer for each operation.
function okBody(op: Op): unknown {
  if (op.operation === 'get_account_region') return { url: 'https://track.customer.io', region: 'us', environment_id: 12345 };
  if (op.operation === 'send_transactional_email') return { delivery_id: 'RAECAAFwnUSneIa0ZXkmb8EK', queued_at: 1735689600 };
  if (op.operation === 'trigger_broadcast') return { id: 3 };
  return {};
}

// ---------------------------------------------------------------------------------------------

describe('1. a connection reset', () => {
  const beforeBody: Handler = (req) => req.socket.destroy();
  const afterBody = (fake: () => FakeServer): Handler => (req) => {
    void readBody(req, fake()).then(() => req.socket.destroy());
  };

  it.each(SAFE)('before the body is read, on a %s, is retried up to maxAttempts then a retryable api_error', async (label, op) => {
    const fake = await startServer(beforeBody);
    const r = await call(fake, op, { retry: { maxAttempts: 3 } });
    await expectRequests(fake, 3, 'reset before body', label, r);
    const { error } = failureOf(r.result);
    expect(error).toMatchObject({ code: 'api_error', retryable: true });
    expect(error.message).toMatch(/^could not reach Customer\.io \(/);
    // Safe to repeat, so nothing is added to the message; but the request did reach the server.
    expect(error.details).toEqual({ may_have_been_processed: true });
  });

  it.each(SAFE)('after the body was received, on a %s, is retried up to maxAttempts', async (label, op) => {
    const fake: FakeServer = await startServer(afterBody(() => fake));
    const r = await call(fake, op, { retry: { maxAttempts: 4 } });
    await expectRequests(fake, 4, 'reset after body', label, r);
    expect(failureOf(r.result).error).toMatchObject({ code: 'api_error', retryable: true });
    if (op.operation !== 'get_account_region') expect(new Set(fake.bodies).size).toBe(1); // the same body each time
  });

  it.each(NEVER_TWICE)('before the body is read, on %s, is sent exactly once and says it may have been processed', async (label, op) => {
    const fake = await startServer(beforeBody);
    const r = await call(fake, op, { retry: { maxAttempts: 5 } });
    await expectRequests(fake, 1, 'reset before body', label, r);
    const { error } = failureOf(r.result);
    expect(error).toMatchObject({ code: 'api_error', retryable: false, details: { may_have_been_processed: true } });
    expect(error.message).toMatch(/^could not reach Customer\.io \(.+\)\. Customer\.io may have received and processed the request/);
    expect(error.status_code).toBeUndefined();
  });

  it.each(NEVER_TWICE)('after the body was received, on %s, is sent exactly once and says it may have been processed', async (label, op) => {
    const fake: FakeServer = await startServer(afterBody(() => fake));
    const r = await call(fake, op, { retry: { maxAttempts: 5 } });
    await expectRequests(fake, 1, 'reset after body', label, r);
    const { error } = failureOf(r.result);
    expect(error).toMatchObject({ code: 'api_error', retryable: false, details: { may_have_been_processed: true } });
    expect(error.message).toContain(MAYBE_PROCESSED);
    expect(fake.bodies).toHaveLength(1);
    expect(JSON.parse(fake.bodies[0])).toEqual(expect.any(Object));
  });
});

describe('2. slow headers (no status line before the per-attempt timeout)', () => {
  const slowHeaders = (op: Op): Handler => (_req, res) => later(400, () => json(res, 200, okBody(op)));

  it.each(SAFE)('on a %s is a timeout, retried: one request per attempt', async (label, op) => {
    const fake = await startServer(slowHeaders(op));
    const r = await call(fake, op, { timeoutMs: 100, retry: { maxAttempts: 3 } });
    await expectRequests(fake, 3, 'slow headers', label, r);
    const { error } = failureOf(r.result);
    expect(error).toMatchObject({ code: 'timeout', retryable: true, message: 'no answer from Customer.io within 100 ms.' });
    expect(r.elapsed).toBeLessThan(1_500);
  });

  it.each(NEVER_TWICE)('on %s is a timeout, sent exactly once, may have been processed', async (label, op) => {
    const fake = await startServer(slowHeaders(op));
    const r = await call(fake, op, { timeoutMs: 100, retry: { maxAttempts: 3 } });
    await expectRequests(fake, 1, 'slow headers', label, r);
    const { error } = failureOf(r.result);
    expect(error).toMatchObject({ code: 'timeout', retryable: false, details: { may_have_been_processed: true } });
    expect(error.message).toBe(`no answer from Customer.io within 100 ms. ${MAYBE_PROCESSED}`);
  });

  it('the call-wide timeout (totalTimeoutMs) on a PUT ends it as a timeout, each attempt counted', async () => {
    const fake = await startServer(slowHeaders(PUT));
    const r = await call(fake, PUT, { timeoutMs: 150, totalTimeoutMs: 400, retry: { maxAttempts: 10 } });
    await sleep(40);
    const { error, meta } = failureOf(r.result);
    expect(error.code).toBe('timeout');
    expect(fake.hits.length).toBe(meta?.attempts);
    await expectRequests(fake, meta!.attempts!, 'slow headers, totalTimeoutMs', 'PUT create_or_update_customer', r);
    expect(r.elapsed).toBeLessThan(1_000);
  });

  it('the call-wide timeout (totalTimeoutMs) on send_transactional_email: sent once, not retryable, may have been processed', async () => {
    const fake = await startServer(() => { /* never answers */ });
    const r = await call(fake, SEND, { timeoutMs: 2_000, totalTimeoutMs: 200 });
    await expectRequests(fake, 1, 'no answer, totalTimeoutMs', 'send_transactional_email', r);
    const { error } = failureOf(r.result);
    expect(error.code).toBe('timeout');
    expect(r.elapsed).toBeLessThan(1_000);
    // The request went out and nothing came back: as with the per-attempt timeout, a host must
    // not be told to simply repeat a transactional send.
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({ may_have_been_processed: true });
    expect(error.message).toContain(MAYBE_PROCESSED);
  });
});

describe('3. slow body (headers at once, body trickled past the timeout)', () => {
  // Leading whitespace (still valid JSON) makes even a `{}` answer take over a second at 60 ms a byte.
  const trickle = (op: Op): Handler => (_req, res) => {
    const text = `${' '.repeat(20)}${JSON.stringify(okBody(op))}`;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.flushHeaders();
    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      if (i >= text.length) return void res.end();
      res.write(text[i++]);
      later(60, next);
    };
    next();
  };

  it.each(SAFE)('on a %s is a timeout (retried), never a hang', async (label, op) => {
    const fake = await startServer(trickle(op));
    const r = await call(fake, op, { timeoutMs: 200, retry: { maxAttempts: 2 } });
    await expectRequests(fake, 2, 'slow body', label, r);
    expect(failureOf(r.result).error).toMatchObject({ code: 'timeout', retryable: true, message: 'no answer from Customer.io within 200 ms.' });
    expect(r.elapsed).toBeLessThan(1_500);
  });

  it.each(NEVER_TWICE)('on %s is a timeout, sent once, may have been processed', async (label, op) => {
    const fake = await startServer(trickle(op));
    const r = await call(fake, op, { timeoutMs: 200, retry: { maxAttempts: 3 } });
    await expectRequests(fake, 1, 'slow body', label, r);
    expect(failureOf(r.result).error).toMatchObject({ code: 'timeout', retryable: false, details: { may_have_been_processed: true } });
    expect(r.elapsed).toBeLessThan(1_000);
  });
});

describe('4. 429', () => {
  const then200 = (op: Op, first: (res: ServerResponse) => void, count = 1): Handler => (_req, res, n) => {
    if (n <= count) first(res);
    else json(res, 200, okBody(op));
  };

  it.each([...SAFE, ...NEVER_TWICE])('without Retry-After, then 200, on %s: retried (429 was not processed), attempts 2', async (label, op) => {
    const fake = await startServer(then200(op, (res) => json(res, 429, { meta: { error: 'slow down' } })));
    const r = await call(fake, op, { retry: { maxAttempts: 3 } });
    await expectRequests(fake, 2, '429 no Retry-After then 200', label, r);
    expect(r.result).toMatchObject({ ok: true, output: okBody(op), meta: { status_code: 200, attempts: 2 } });
  });

  it('with Retry-After: 0 on send_transactional_email: waits 0 ms (not the backoff) and succeeds', async () => {
    const fake = await startServer(then200(SEND, (res) => json(res, 429, {}, { 'retry-after': '0' })));
    // A backoff this long would end the call at once (beyond the wait budget): only Retry-After lets it through.
    const r = await call(fake, SEND, { retry: { maxAttempts: 3, baseDelayMs: 5_000, maxDelayMs: 5_000, maxTotalWaitMs: 1_000 } });
    await expectRequests(fake, 2, '429 Retry-After 0 then 200', 'send_transactional_email', r);
    expect(r.result).toMatchObject({ ok: true, output: okBody(SEND), meta: { attempts: 2 } });
    expect(r.events.filter((e) => e.type === 'retry')).toEqual([{ type: 'retry', operation: 'send_transactional_email', attempt: 1, delay_ms: 0 }]);
  });

  it('with an HTTP-date Retry-After (already past) on a PUT: honoured, succeeds', async () => {
    const date = new Date(Date.now() - 5_000).toUTCString();
    const fake = await startServer(then200(PUT, (res) => json(res, 429, {}, { 'retry-after': date })));
    const r = await call(fake, PUT, { retry: { maxAttempts: 3, baseDelayMs: 5_000, maxDelayMs: 5_000, maxTotalWaitMs: 1_000 } });
    await expectRequests(fake, 2, '429 HTTP-date Retry-After then 200', 'PUT create_or_update_customer', r);
    expect(r.result).toMatchObject({ ok: true, meta: { attempts: 2 } });
    expect(r.events.find((e) => e.type === 'retry')).toMatchObject({ delay_ms: 0 });
  });

  it('with an HTTP-date Retry-After about 1 s ahead on trigger_broadcast: waits for it, then succeeds', async () => {
    // An HTTP-date has whole seconds: name the next second boundary, at least 200 ms ahead, so
    // the runtime reads it as exactly 1 s (it rounds up).
    const answer429 = (res: ServerResponse) => {
      const ahead = 1_000 - (Date.now() % 1_000);
      if (ahead < 200) return later(ahead + 5, () => answer429(res));
      json(res, 429, {}, { 'retry-after': new Date(Math.ceil(Date.now() / 1_000) * 1_000).toUTCString() });
    };
    const fake = await startServer(then200(TRIGGER, answer429));
    const r = await call(fake, TRIGGER, { retry: { maxAttempts: 3, maxTotalWaitMs: 3_000 } });
    await expectRequests(fake, 2, '429 HTTP-date Retry-After (+1 s) then 200', 'trigger_broadcast', r);
    expect(r.result).toMatchObject({ ok: true, output: { id: 3 }, meta: { attempts: 2 } });
    expect(r.events.find((e) => e.type === 'retry')).toMatchObject({ delay_ms: 1_000 });
  });

  const beyondBudget: [string, () => string, number][] = [
    ['seconds', () => '120', 120],
    ['an HTTP-date an hour ahead', () => new Date(Date.now() + 3_600_000).toUTCString(), 3_600],
  ];
  it.each(beyondBudget)('with a Retry-After beyond the wait budget (%s) on send_transactional_email stops at once: rate_limited', async (label, value, seconds) => {
    const fake = await startServer((_req, res) => json(res, 429, { meta: { error: 'slow down' } }, { 'retry-after': value() }));
    const r = await call(fake, SEND, { retry: { maxAttempts: 3 } });
    await expectRequests(fake, 1, `429 Retry-After beyond budget (${label})`, 'send_transactional_email', r);
    const { error } = failureOf(r.result);
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, status_code: 429 });
    expect(error.retry_after_s).toBeGreaterThanOrEqual(seconds - 1);
    expect(error.retry_after_s).toBeLessThanOrEqual(seconds);
    expect(error.message).toContain('rate limiting these requests (429): slow down; retry after');
    expect(error.details).toBeUndefined(); // a 429 was not processed: no ambiguity note
    expect(r.elapsed).toBeLessThan(500);
  });

  it('on every attempt, Retry-After: 0: rate_limited after maxAttempts', async () => {
    const fake = await startServer((_req, res) => json(res, 429, {}, { 'retry-after': '0' }));
    const r = await call(fake, SEND, { retry: { maxAttempts: 3 } });
    await expectRequests(fake, 3, '429 on every attempt', 'send_transactional_email', r);
    expect(failureOf(r.result).error).toMatchObject({ code: 'rate_limited', retryable: true, retry_after_s: 0, status_code: 429 });
  });
});

describe('5. 5xx bursts', () => {
  const BURST = [503, 502, 504];
  const burst = (op: Op, body: (status: number) => unknown = () => ({ meta: { error: 'try later' } })): Handler => (_req, res, n) => {
    if (n <= BURST.length) json(res, BURST[n - 1], body(BURST[n - 1]));
    else json(res, 200, okBody(op));
  };

  it.each(SAFE)('503, 502, 504 then 200 on a %s with maxAttempts 4: ok after 4 requests', async (label, op) => {
    const fake = await startServer(burst(op));
    const r = await call(fake, op, { retry: { maxAttempts: 4 } });
    await expectRequests(fake, 4, '503,502,504 then 200', label, r);
    expect(r.result).toMatchObject({ ok: true, output: okBody(op), meta: { status_code: 200, attempts: 4 } });
    expect(r.events.filter((e) => e.type === 'retry').map((e) => e.attempt)).toEqual([1, 2, 3]);
  });

  it.each(SAFE)('the same burst on a %s with maxAttempts 3: a retryable api_error naming the last status', async (label, op) => {
    const fake = await startServer(burst(op));
    const r = await call(fake, op, { retry: { maxAttempts: 3 } });
    await expectRequests(fake, 3, '503,502,504 (attempts exhausted)', label, r);
    const { error } = failureOf(r.result);
    expect(error).toMatchObject({ code: 'api_error', retryable: true, status_code: 504, body: { meta: { error: 'try later' } } });
    expect(error.message).toBe('Customer.io had a server error (504): try later.');
  });

  it.each([500, 502, 503, 504])('%s on send_transactional_email: exactly one request, the delivery_id kept for reconciling', async (status) => {
    const fake = await startServer((_req, res) => json(res, status, { meta: { error: 'upstream' }, delivery_id: 'RAECAAFwnUSneIa0ZXkmb8EK' }));
    const r = await call(fake, SEND, { retry: { maxAttempts: 4 } });
    await expectRequests(fake, 1, `${status} (burst start)`, 'send_transactional_email', r);
    const { error } = failureOf(r.result);
    expect(error).toMatchObject({
      code: 'api_error',
      status_code: status,
      retryable: false,
      details: { may_have_been_processed: true, delivery_id: 'RAECAAFwnUSneIa0ZXkmb8EK' },
    });
    expect(error.message).toBe(`Customer.io had a server error (${status}): upstream. ${MAYBE_PROCESSED}`);
  });

  it('503 burst on trigger_broadcast: exactly one request, the trigger id kept', async () => {
    const fake = await startServer(burst(TRIGGER, () => ({ id: 77 })));
    const r = await call(fake, TRIGGER, { retry: { maxAttempts: 4 } });
    await expectRequests(fake, 1, '503 burst', 'trigger_broadcast', r);
    expect(failureOf(r.result).error).toMatchObject({ code: 'api_error', status_code: 503, retryable: false, details: { may_have_been_processed: true, id: 77 } });
  });

  it('a 5xx with a non-JSON body on a send: one request, may have been processed, no invented IDs', async () => {
    const fake = await startServer((_req, res) => { res.writeHead(502, { 'content-type': 'text/html' }); res.end('<html>Bad Gateway</html>'); });
    const r = await call(fake, SEND);
    await expectRequests(fake, 1, '502 html', 'send_transactional_email', r);
    const { error } = failureOf(r.result);
    expect(error).toMatchObject({ code: 'api_error', status_code: 502, retryable: false, body: '<html>Bad Gateway</html>' });
    expect(error.details).toEqual({ may_have_been_processed: true });
  });
});

describe('6. redirects', () => {
  it('a 301 to another host is not followed: the other host gets nothing', async () => {
    const other = await startServer((_req, res) => json(res, 200, okBody(SEND)));
    const location = `${other.origin}/v1/send/email`;
    const fake = await startServer((_req, res) => json(res, 301, {}, { location }));
    const r = await call(fake, SEND, { retry: { maxAttempts: 3 } });
    await expectRequests(fake, 1, '301 to another local host', 'send_transactional_email', r);
    expect(other.hits).toHaveLength(0);
    const { error } = failureOf(r.result);
    expect(error).toMatchObject({ code: 'api_error', status_code: 301, retryable: false });
    expect(error.message).toBe(`Customer.io answered with a redirect (301) to ${location}; redirects are not followed so credentials stay on Customer.io's hosts.`);
  });

  it.each([
    ['http://127.0.0.2:1/v1/customers/42'],
    ['https://evil.example/steal'],
  ])('a 301 to %s on a GET is not followed and not retried', async (location) => {
    const fake = await startServer((_req, res) => { res.writeHead(301, { location }); res.end(); });
    const r = await call(fake, GET, { retry: { maxAttempts: 3 } });
    await expectRequests(fake, 1, `301 to ${location}`, 'GET get_account_region', r);
    const { error } = failureOf(r.result);
    expect(error).toMatchObject({ code: 'api_error', status_code: 301, retryable: false });
    expect(error.message).toContain(`redirect (301) to ${location}; redirects are not followed`);
  });

  it('a 301 to the EU App host says "choose Region EU"', async () => {
    const fake = await startServer((_req, res) => json(res, 301, { errors: [{ detail: 'wrong datacenter', status: '301' }] }, { location: 'https://api-eu.customer.io/v1/send/email' }));
    const r = await call(fake, SEND);
    await expectRequests(fake, 1, '301 to EU App host', 'send_transactional_email', r);
    const { error } = failureOf(r.result);
    expect(error).toMatchObject({ code: 'api_error', status_code: 301, retryable: false, details: { region: 'eu' } });
    expect(error.message).toMatch(/^This workspace is in the EU region: choose Region EU in the credentials/);
  });

  it('a 301 "wrong datacenter" without a Location also says "choose Region EU"', async () => {
    const fake = await startServer((_req, res) => json(res, 301, { errors: [{ detail: 'wrong datacenter', status: '301' }] }));
    const r = await call(fake, TRIGGER);
    await expectRequests(fake, 1, '301 wrong datacenter, no Location', 'trigger_broadcast', r);
    expect(failureOf(r.result).error.message).toContain('choose Region EU');
  });
});

describe('7. broken bodies', () => {
  it.each([...SAFE, ...NEVER_TWICE])('malformed JSON on a 200 (%s): connector_error quoting the body, one request', async (label, op) => {
    const fake = await startServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"a":'); });
    const r = await call(fake, op, { retry: { maxAttempts: 3 } });
    await expectRequests(fake, 1, 'malformed JSON 200', label, r);
    const { error } = failureOf(r.result);
    expect(error).toMatchObject({ code: 'connector_error', status_code: 200, retryable: false, body: '{"a":' });
    expect(error.message).toBe('Customer.io answered 200 with a body that is not JSON: {"a":');
  });

  const truncated: Handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    res.write('{"delivery_id":');
    later(20, () => res.socket?.end());
  };

  it.each(NEVER_TWICE)('a truncated 200 body (Content-Length 100, 15 bytes, then the socket ends) on %s: an envelope, sent once', async (label, op) => {
    const fake = await startServer(truncated);
    const r = await call(fake, op, { retry: { maxAttempts: 3 } });
    await expectRequests(fake, 1, 'truncated body', label, r);
    const { error } = failureOf(r.result);
    expect(['api_error', 'connector_error']).toContain(error.code);
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({ may_have_been_processed: true });
    expect(error.message).toContain(MAYBE_PROCESSED);
  });

  it('a truncated 200 body on a GET: an envelope, retried up to maxAttempts', async () => {
    const fake = await startServer(truncated);
    const r = await call(fake, GET, { retry: { maxAttempts: 3 } });
    await expectRequests(fake, 3, 'truncated body', 'GET get_account_region', r);
    expect(failureOf(r.result).error).toMatchObject({ code: 'api_error', retryable: true });
  });
});

describe('8. oversized answers (maxResponseBytes 1000)', () => {
  const big = JSON.stringify({ url: 'https://track.customer.io', region: 'us', padding: 'x'.repeat(2_000 - 60) });
  const cases: [string, Handler][] = [
    ['with Content-Length', (_req, res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) }); res.end(big); }],
    ['chunked, one write', (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(big); }],
    ['chunked, 250-byte pieces', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      let at = 0;
      const next = () => {
        if (res.destroyed) return;
        if (at >= big.length) return void res.end();
        res.write(big.slice(at, at + 250));
        at += 250;
        later(5, next);
      };
      next();
    }],
  ];

  it('the test answer really is about 2000 bytes', () => {
    expect(Buffer.byteLength(big)).toBeGreaterThanOrEqual(1_990);
    expect(Buffer.byteLength(big)).toBeLessThanOrEqual(2_010);
  });

  it.each(cases)('%s on a GET: connector_error naming the limit, one request', async (label, handler) => {
    const fake = await startServer(handler);
    const r = await call(fake, GET, { maxResponseBytes: 1_000, retry: { maxAttempts: 3 } });
    await expectRequests(fake, 1, `oversized answer (${label})`, 'GET get_account_region', r);
    const { error } = failureOf(r.result);
    expect(error).toMatchObject({ code: 'connector_error', retryable: false, status_code: 200 });
    expect(error.message).toBe('Customer.io answered 200 (the request was accepted), but its answer is larger than the 1000-byte limit; ask for less (a smaller page or a filter), or raise maxResponseBytes');
  });

  it('an oversized answer to send_transactional_email: one request', async () => {
    const fake = await startServer(cases[1][1]);
    const r = await call(fake, SEND, { maxResponseBytes: 1_000 });
    await expectRequests(fake, 1, 'oversized answer (chunked)', 'send_transactional_email', r);
    // The status is known before the body is read: the person learns the send went through.
    expect(failureOf(r.result).error).toMatchObject({ code: 'connector_error', retryable: false, status_code: 200 });
    expect(failureOf(r.result).error.message).toMatch(/^Customer\.io answered 200 \(the request was accepted\), but its answer is larger than the 1000-byte limit/);
  });

  it('an answer just under the limit passes', async () => {
    const body = JSON.stringify({ url: 'https://track.customer.io', region: 'us', environment_id: 1 });
    const fake = await startServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(body); });
    const r = await call(fake, GET, { maxResponseBytes: Buffer.byteLength(body) });
    await expectRequests(fake, 1, 'answer at the limit', 'GET get_account_region', r);
    expect(r.result).toMatchObject({ ok: true, output: JSON.parse(body) });
  });
});

describe('9. a 207 v2 batch', () => {
  it('maps per-item errors by index: ok, accepted and failed, one request', async () => {
    const input = exampleInput(BATCH.connector, BATCH.operation);
    const total = (input.batch as unknown[]).length;
    const fake: FakeServer = await startServer((req, res) => {
      void readBody(req, fake).then(() => json(res, 207, {
        errors: [
          { batch_index: 1, reason: 'invalid', field: 'identifiers', message: 'unknown person' },
          { batch_index: 3, reason: 'not_found', message: 'object not found' },
          { batch_index: 3, reason: 'invalid', field: 'name', message: 'second problem, same item' },
        ],
      }));
    });
    const r = await run(fake, BATCH.connector, BATCH.operation, input, { retry: { maxAttempts: 3 } });
    await expectRequests(fake, 1, '207 batch', 'send_batch', r);
    expect(JSON.parse(fake.bodies[0]).batch).toHaveLength(total);
    expect(r.result).toMatchObject({
      ok: true,
      meta: { status_code: 207, attempts: 1 },
      output: {
        accepted: total - 2,
        failed: [
          { index: 1, reason: 'invalid', field: 'identifiers', message: 'unknown person' },
          { index: 3, reason: 'not_found', message: 'object not found' },
          { index: 3, reason: 'invalid', field: 'name', message: 'second problem, same item' },
        ],
      },
    });
  });
});

describe('10. cancellation (AbortSignal)', () => {
  it('mid-request (the server never answers): resolves at once as cancelled, nothing more is sent', async () => {
    const fake = await startServer(() => { /* never answers */ });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const r = await call(fake, GET, { signal: controller.signal, timeoutMs: 3_000, totalTimeoutMs: 3_500, retry: { maxAttempts: 3 } });
    await sleep(150);
    await expectRequests(fake, 1, 'abort mid-request', 'GET get_account_region', r);
    expect(failureOf(r.result).error).toEqual({ code: 'connector_error', message: 'the call was cancelled', retryable: false, details: { may_have_been_processed: true } });
    expect(r.elapsed).toBeLessThan(500);
  });

  it('mid-request on send_transactional_email: cancelled, sent once', async () => {
    const fake = await startServer(() => { /* never answers */ });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const r = await call(fake, SEND, { signal: controller.signal, timeoutMs: 3_000, totalTimeoutMs: 3_500 });
    await sleep(150);
    await expectRequests(fake, 1, 'abort mid-request', 'send_transactional_email', r);
    expect(failureOf(r.result).error).toMatchObject({
      code: 'connector_error',
      message: 'the call was cancelled; Customer.io may have received and processed the request; check before sending it again.',
      retryable: false,
      details: { may_have_been_processed: true },
    });
    expect(r.elapsed).toBeLessThan(500);
  });

  it('mid-backoff (503 on a GET, abort during the wait): resolves at once, no second request', async () => {
    const fake = await startServer((_req, res) => json(res, 503, { meta: { error: 'busy' } }));
    const controller = new AbortController();
    const r = await call(fake, GET, {
      signal: controller.signal,
      timeoutMs: 3_000,
      totalTimeoutMs: 10_000,
      retry: { maxAttempts: 3, baseDelayMs: 2_000, maxDelayMs: 2_000, maxTotalWaitMs: 10_000 },
      onEvent: (event) => { if (event.type === 'retry') setTimeout(() => controller.abort(), 50); },
    });
    await sleep(150);
    await expectRequests(fake, 1, 'abort mid-backoff', 'GET get_account_region', r);
    // The 503 before the wait leaves it open whether the server acted.
    expect(failureOf(r.result).error).toEqual({ code: 'connector_error', message: 'the call was cancelled', retryable: false, details: { may_have_been_processed: true } });
    expect(r.events.map((e) => e.type)).toEqual(['attempt', 'answer', 'failure', 'retry']);
    expect(r.elapsed).toBeLessThan(500);
  });

  it('an already-aborted signal sends nothing', async () => {
    const fake = await startServer((_req, res) => json(res, 200, okBody(SEND)));
    const r = await call(fake, SEND, { signal: AbortSignal.abort() });
    // Nothing reaches the server, and no attempt is counted: the runtime checks the signal before
    // each attempt.
    await expectRequests(fake, 0, 'signal aborted before the call', 'send_transactional_email', r, { checkAttempts: false });
    expect(r.result).toMatchObject({ meta: { attempts: 0 } });
    expect(failureOf(r.result).error).toMatchObject({ code: 'connector_error', message: 'the call was cancelled' });
  });
});

describe('11. credentials', () => {
  it('a server that echoes the credentials into a 5xx and a malformed 2xx body: redacted in the envelope', async () => {
    const echo5xx = await startServer((req, res) => json(res, 500, { meta: { error: `bad auth ${req.headers.authorization}` }, key: APP_AUTH.api_key }));
    const r1 = await call(echo5xx, SEND);
    await expectRequests(echo5xx, 1, '500 echoing credentials', 'send_transactional_email', r1);
    expect(JSON.stringify(r1.result)).toContain('[REDACTED]');

    const echo2xx = await startServer((req, res) => { res.writeHead(200); res.end(`oops ${req.headers.authorization} ${TRACK_AUTH.api_key}`); });
    const r2 = await call(echo2xx, PUT);
    await expectRequests(echo2xx, 1, 'malformed 200 echoing credentials', 'PUT create_or_update_customer', r2);
    expect(failureOf(r2.result).error.message).toContain('[REDACTED]');
  });

  it('never appear in any envelope or event of this file', () => {
    expect(shownEverywhere.length).toBeGreaterThan(60);
    const leaks = shownEverywhere.filter(({ text }) => SECRETS.some((secret) => text.includes(secret))).map(({ label }) => label);
    expect(leaks).toEqual([]);
    // the requests shown in events carry the header, redacted
    expect(shownEverywhere.some(({ text }) => text.includes('"authorization":"[REDACTED]"'))).toBe(true);
  });
});
