// What a host sees of a call besides its envelope: log lines through a pino logger, OpenTelemetry
// spans (a call span, a child CLIENT span per HTTP exchange, with the HTTP semantic-convention
// attributes), per-attempt durations in meta, and the User-Agent Customer.io receives. None of
// it may hold a credential.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadConnectors, PACKAGE_VERSION, USER_AGENT, type Logger, type Registry } from '../runtime/index.js';
import { APP_AUTH, FAST_RETRY, TRACK_AUTH } from './helpers.js';
import { useNock } from './use-nock.js';

// nock only while this file runs: left active, it would hold on to every request of the files
// that follow in the same worker (the soak test saw its heap grow by half a gigabyte).
const nock = useNock();

const CREDENTIALS = [TRACK_AUTH.api_key, APP_AUTH.api_key, Buffer.from(`${TRACK_AUTH.site_id}:${TRACK_AUTH.api_key}`).toString('base64')];

function capturedPino(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  // A pino logger as a host makes one: assignable to the registry's logger option as it is.
  return { logger: pino({ level: 'debug' }, stream), lines };
}

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => {
  // Registers the async context manager, so a call's span is the parent of its exchanges' spans.
  provider.register();
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
});

describe('logger', () => {
  let registry: Registry;
  let lines: Array<Record<string, unknown>>;
  beforeAll(async () => {
    const captured = capturedPino();
    lines = captured.lines;
    registry = await loadConnectors({ rateLimiter: false, logger: captured.logger });
  });

  it('logs each exchange at debug and the call at info, naming connector and operation, without credentials or bodies', async () => {
    lines.length = 0;
    nock('https://track.customer.io').put('/api/v1/customers/42', { email: 'ada@example.com' }).reply(200, {});
    const result = await registry.execute({ connector: 'customer-io', operation: 'create_or_update_customer', auth: { ...TRACK_AUTH, region: 'us' }, input: { identifier: '42', email: 'ada@example.com' } });
    expect(result.ok).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    const levels = lines.map((l) => [l.level, l.msg]);
    expect(levels).toEqual([
      [20, 'sending a request to Customer.io'],
      [20, 'Customer.io answered 200'],
      [30, 'call succeeded'],
    ]);
    expect(lines[0]).toMatchObject({ connector: 'customer-io', operation: 'create_or_update_customer', attempt: 1, method: 'PUT', url: 'https://track.customer.io/api/v1/customers/42' });
    expect(lines[2]).toMatchObject({ ok: true, status_code: 200, attempts: 1, duration_ms: expect.any(Number) });
    const text = JSON.stringify(lines);
    for (const secret of CREDENTIALS) expect(text).not.toContain(secret);
    expect(text).not.toContain('ada@example.com');
  });

  it('warns when Customer.io fails a call, says it at info when the input was wrong, and errors only for connector faults', async () => {
    lines.length = 0;
    nock('https://api.customer.io').get('/v1/segments/7').times(4).reply(503, { meta: { error: 'down' } });
    await registry.execute({ connector: 'customer-io-app', operation: 'get_segment', auth: { ...APP_AUTH, region: 'us' }, input: { segment_id: 7 }, options: { retry: { ...FAST_RETRY, maxAttempts: 2 } } });
    await registry.execute({ connector: 'customer-io-app', operation: 'get_segment' as string, auth: { ...APP_AUTH, region: 'us' }, input: {} });
    nock.cleanAll();
    const calls = lines.filter((l) => String(l.msg).startsWith('call failed'));
    expect(calls.map((l) => [l.level, l.code])).toEqual([[40, 'api_error'], [30, 'user_input_error']]);
    expect(calls[0]).toMatchObject({ status_code: 503, attempts: 2, retryable: true });
    expect(lines.filter((l) => l.msg === 'Customer.io answered 503')).toHaveLength(2);
    for (const secret of CREDENTIALS) expect(JSON.stringify(lines)).not.toContain(secret);
  });

  it('is not let to break a call when it throws', async () => {
    const throwing = () => {
      throw new Error('log sink full');
    };
    const fragile = await loadConnectors({ rateLimiter: false, logger: { debug: throwing, info: throwing, warn: throwing, error: throwing } });
    nock('https://api.customer.io').get('/v1/segments/7').reply(200, { segment: { id: 7 } });
    const result = await fragile.execute({ connector: 'customer-io-app', operation: 'get_segment', auth: { ...APP_AUTH, region: 'us' }, input: { segment_id: 7 } });
    expect(result).toMatchObject({ ok: true, output: { segment: { id: 7 } } });
  });
});

describe('tracing', () => {
  it('records a call span with a CLIENT child per exchange, HTTP attributes, error statuses, and no credentials', async () => {
    exporter.reset();
    const registry = await loadConnectors({ rateLimiter: false, tracer: trace.getTracer('host-test') });
    nock('https://api.customer.io').get('/v1/segments/7').reply(503, {}).get('/v1/segments/7').reply(200, { segment: { id: 7 } });
    const result = await registry.execute({ connector: 'customer-io-app', operation: 'get_segment', auth: { ...APP_AUTH, region: 'us' }, input: { segment_id: 7 }, options: { retry: FAST_RETRY } });
    expect(result.ok).toBe(true);
    const spans = exporter.getFinishedSpans();
    const call = spans.find((s) => s.name === 'customer-io-app get_segment')!;
    const exchanges = spans.filter((s) => s.name === 'GET /v1/segments/{segment_id}');
    expect(spans).toHaveLength(3);
    expect(call.kind).toBe(0); // INTERNAL
    expect(call.attributes).toMatchObject({ 'cio.connector': 'customer-io-app', 'cio.operation': 'get_segment', 'cio.region': 'us', 'cio.attempts': 2 });
    expect(call.status.code).toBe(0); // unset: the call succeeded
    for (const span of exchanges) {
      expect(span.kind).toBe(2); // CLIENT
      expect(span.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
    }
    expect(exchanges.map((s) => s.attributes)).toEqual([
      { 'http.request.method': 'GET', 'url.full': 'https://api.customer.io/v1/segments/7', 'url.template': '/v1/segments/{segment_id}', 'server.address': 'api.customer.io', 'server.port': 443, 'cio.connector': 'customer-io-app', 'cio.operation': 'get_segment', 'http.response.status_code': 503, 'error.type': '503' },
      { 'http.request.method': 'GET', 'url.full': 'https://api.customer.io/v1/segments/7', 'url.template': '/v1/segments/{segment_id}', 'server.address': 'api.customer.io', 'server.port': 443, 'cio.connector': 'customer-io-app', 'cio.operation': 'get_segment', 'http.request.resend_count': 1, 'http.response.status_code': 200 },
    ]);
    expect(exchanges.map((s) => s.status.code)).toEqual([2, 0]);
    const text = JSON.stringify(spans.map((s) => [s.name, s.attributes, s.status]));
    for (const secret of CREDENTIALS) expect(text).not.toContain(secret);
  });

  it('marks a failed call ERROR with its code, and an exchange that got no answer with its failure', async () => {
    exporter.reset();
    const registry = await loadConnectors({ rateLimiter: false, tracer: trace.getTracer('host-test') });
    // Port 1 on this machine: the connection is refused, no answer (loopback let past nock).
    nock.enableNetConnect('127.0.0.1:1');
    const result = await registry.execute({ connector: 'customer-io', operation: 'create_or_update_customer', auth: { ...TRACK_AUTH, region: 'us' }, input: { identifier: '42' }, options: { origin: 'http://127.0.0.1:1', retry: { ...FAST_RETRY, maxAttempts: 1 } } });
    nock.disableNetConnect();
    expect(result.ok).toBe(false);
    const [exchange, call] = exporter.getFinishedSpans();
    expect(exchange.attributes['error.type']).toBe('network');
    expect(exchange.status.code).toBe(2);
    expect(call.attributes['error.type']).toBe('api_error');
    expect(exchange.attributes).toMatchObject({ 'server.address': '127.0.0.1', 'server.port': 1, 'url.full': 'http://127.0.0.1:1/api/v1/customers/42' });
    expect(call.status).toMatchObject({ code: 2, message: expect.stringContaining('ECONNREFUSED') });
  });
});

describe('meta and User-Agent', () => {
  it('gives each attempt its duration, and names the package and version to Customer.io', async () => {
    const registry = await loadConnectors({ rateLimiter: false });
    const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
    expect(PACKAGE_VERSION).toBe(version);
    expect(USER_AGENT).toBe(`customerio-tray-connectors/${version}`);
    const scope = nock('https://api.customer.io', { reqheaders: { 'user-agent': USER_AGENT } })
      .get('/v1/segments/7').reply(500, {})
      .get('/v1/segments/7').delay(30).reply(200, { segment: { id: 7 } });
    const result = await registry.execute({ connector: 'customer-io-app', operation: 'get_segment', auth: { ...APP_AUTH, region: 'us' }, input: { segment_id: 7 }, options: { retry: FAST_RETRY } });
    expect(scope.isDone()).toBe(true);
    if (!result.ok || !('meta' in result)) throw new Error(JSON.stringify(result));
    expect(result.meta.attempts).toBe(2);
    expect(result.meta.attempt_durations_ms).toHaveLength(2);
    expect(result.meta.attempt_durations_ms![1]).toBeGreaterThanOrEqual(25);
    expect(result.meta.duration_ms).toBeGreaterThanOrEqual(result.meta.attempt_durations_ms![0] + result.meta.attempt_durations_ms![1]);
  });
});
