// The sandbox under hostile input, over raw HTTP (no runtime in between, so nothing is checked
// before it arrives): bodies nested 20,000 levels deep on App, Track and inside a v2 batch,
// bodies over their caps, 60 stalled uploads (the test process's RSS is measured around them),
// attribute names that are Object.prototype's, malformed paths, query strings, UTF-8 and JSON,
// and DNS rebinding. After every refused request the workspace and its state file (snapshot and
// journal) are exactly as before, nothing was journaled, and later writes still work. Figures go to /tmp/sandbox-hostile-figures.json.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSandboxStateFile, startSandbox, type Sandbox, type SandboxOptions } from '../sandbox/index.js';

const figures: Record<string, unknown> = {};
const dir = mkdtempSync(join(tmpdir(), 'sandbox-hostile-'));
afterAll(() => {
  writeFileSync('/tmp/sandbox-hostile-figures.json', `${JSON.stringify(figures, null, 2)}\n`);
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: unknown;
}

interface Call {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The Host header to send (default: the sandbox's own). */
  host?: string;
}

function trackAuth(sandbox: Sandbox): Record<string, string> {
  const { site_id, track_api_key } = sandbox.credentials;
  return { authorization: `Basic ${Buffer.from(`${site_id}:${track_api_key}`).toString('base64')}`, 'content-type': 'application/json' };
}

function appAuth(sandbox: Sandbox): Record<string, string> {
  return { authorization: `Bearer ${sandbox.credentials.app_api_key}`, 'content-type': 'application/json' };
}

/** One request on its own connection, the body sent as given (with its Content-Length). */
function call(sandbox: Sandbox, { method = 'GET', path, headers = {}, body, host }: Call): Promise<Answer> {
  const { hostname, port } = new URL(sandbox.origin);
  const bytes = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
  return new Promise((resolve, reject) => {
    const req = request({
      host: hostname, port, method, path, agent: false,
      headers: { ...headers, host: host ?? `${hostname}:${port}`, ...(bytes ? { 'content-length': String(bytes.length) } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(bytes);
  });
}

/** A raw HTTP/1.1 exchange on a socket: the request head, then `body` written with backpressure. */
function rawExchange(sandbox: Sandbox, head: string, body?: { bytes: number; chunk?: number }): Promise<{ status: number; head: string; sent: number }> {
  const { hostname, port } = new URL(sandbox.origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    let sent = 0;
    let answered = false;
    const chunk = Buffer.alloc(body?.chunk ?? 64 * 1024, 0x20);
    const pump = () => {
      // Only what the socket takes: the test process must not hold the bodies either.
      while (!answered && body && sent < body.bytes) {
        const piece = chunk.subarray(0, Math.min(chunk.length, body.bytes - sent));
        sent += piece.length;
        if (!socket.write(piece)) return void socket.once('drain', pump);
      }
    };
    socket.on('connect', () => {
      socket.write(head);
      pump();
    });
    socket.on('data', (data: Buffer) => {
      received += data.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (match && received.includes('\r\n\r\n') && !answered) {
        answered = true;
        resolve({ status: Number(match[1]), head: received.slice(0, received.indexOf('\r\n\r\n')), sent });
        socket.destroy();
      }
    });
    socket.on('error', (error) => {
      if (!answered) reject(error);
    });
    socket.on('close', () => {
      if (!answered) reject(new Error(`the connection closed without an answer (${received.slice(0, 80)})`));
    });
  });
}

/** `n` levels of arrays: `[[[...]]]`. */
const nested = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const DEEP = 20_000;

/** A started sandbox with a state file, and what it logged. */
async function sandboxWithFile(options: SandboxOptions = {}): Promise<{ sandbox: Sandbox; file: string; log: string[] }> {
  const file = join(dir, `state-${Math.random().toString(36).slice(2)}.json`);
  const log: string[] = [];
  const sandbox = await startSandbox({
    stateFile: file, rateLimit: false, deliverAfterMs: 0, broadcastTriggerIntervalMs: 0, log: (line) => log.push(line), ...options,
  });
  return { sandbox, file, log };
}

/**
 * The workspace in memory, the state file as it stands (its snapshot's bytes), what the state
 * file and its journal hold together, and how many changes have been journaled.
 */
function snapshot(sandbox: Sandbox, file: string): { state: string; file: string; disk: string; journaled: number } {
  return { state: JSON.stringify(sandbox.state), file: readFileSync(file, 'utf8'), disk: JSON.stringify(readSandboxStateFile(file)), journaled: sandbox.storage!.stats().seq };
}

describe('refused input leaves the workspace and its state file as they were', () => {
  let sandbox: Sandbox;
  let file: string;
  let log: string[];
  let before: ReturnType<typeof snapshot>;
  let writes = 0;

  beforeAll(async () => {
    ({ sandbox, file, log } = await sandboxWithFile());
  });
  afterAll(() => sandbox.close());
  beforeEach(() => {
    before = snapshot(sandbox, file);
  });
  /** After the refusals of a test: nothing changed, nothing failed on the sandbox's side, and a write still lands on disk. */
  const unchangedAndWritable = async () => {
    expect(snapshot(sandbox, file)).toEqual(before);
    expect(log).toEqual([]);
    const id = `later-${++writes}`;
    const answer = await call(sandbox, { method: 'PUT', path: `/api/v1/customers/${id}`, headers: trackAuth(sandbox), body: JSON.stringify({ plan: 'pro' }) });
    expect(answer.status).toBe(200);
    expect(readSandboxStateFile(file).people.find((p) => p.id === id)?.attributes.plan).toBe('pro');
  };

  describe('nesting 20,000 levels deep', () => {
    afterEach(unchangedAndWritable);

    it('App: 400 in the App shape before parsing, and the collections still list', async () => {
      const answer = await call(sandbox, { method: 'POST', path: '/v1/collections', headers: appAuth(sandbox), body: `{"name":"deep","data":[{"x":${nested(DEEP)}}]}` });
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ errors: [{ detail: 'the request body nests more than 128 levels deep; the sandbox reads at most 128', status: '400' }] });
      expect((await call(sandbox, { path: '/v1/collections', headers: appAuth(sandbox) })).status).toBe(200);
    });

    it('App: 128 levels are read, 129 are not', async () => {
      // {"name", "data": [ {"x": <n levels>} ]} adds three levels around the row's value.
      const fits = await call(sandbox, { method: 'POST', path: '/v1/collections', headers: appAuth(sandbox), body: `{"name":"edge","data":[{"x":${nested(125)}}]}` });
      expect(fits.status).toBe(200);
      before = snapshot(sandbox, file);
      const over = await call(sandbox, { method: 'POST', path: '/v1/collections', headers: appAuth(sandbox), body: `{"name":"edge","data":[{"x":${nested(126)}}]}` });
      expect(over.status).toBe(400);
    });

    it('Track v1: event data and attributes get 400 in the Track shape', async () => {
      const event = await call(sandbox, { method: 'POST', path: '/api/v1/customers/deep-1/events', headers: trackAuth(sandbox), body: `{"name":"e","data":{"x":${nested(DEEP)}}}` });
      expect(event.status).toBe(400);
      expect(event.json).toEqual({ meta: { errors: ['the request body nests more than 128 levels deep; the sandbox reads at most 128'] } });
      const identify = await call(sandbox, { method: 'PUT', path: '/api/v1/customers/deep-1', headers: trackAuth(sandbox), body: `{"x":${nested(DEEP)}}` });
      expect(identify.status).toBe(400);
    });

    it('Track v2 entity: 400 with an errors[{reason, field, message}] item', async () => {
      const entity = (levels: number) => `{"type":"person","action":"event","identifiers":{"id":"deep-2"},"name":"e","attributes":{"x":${nested(levels)}}}`;
      // 20,000 levels take 40 KB: over the entity's documented 32 KB first.
      const huge = await call(sandbox, { method: 'POST', path: '/api/v2/entity', headers: trackAuth(sandbox), body: entity(DEEP) });
      expect(huge).toMatchObject({ status: 400, json: { errors: [{ reason: 'too_large', field: '' }] } });
      const deep = await call(sandbox, { method: 'POST', path: '/api/v2/entity', headers: trackAuth(sandbox), body: entity(16_000) });
      expect(deep.status).toBe(400);
      expect(deep.json).toEqual({ errors: [{ reason: 'invalid', field: '', message: expect.stringContaining('more than 128 levels') }] });
    });

    it('a batch whose only fault is outside its items is refused whole', async () => {
      const answer = await call(sandbox, { method: 'POST', path: '/api/v2/batch', headers: trackAuth(sandbox), body: `{"batch":[{"type":"person","action":"identify","identifiers":{"id":"deep-3"}}],"x":${nested(DEEP)}}` });
      expect(answer.status).toBe(400);
    });
  });

  it('a v2 batch answers 207 with the deep item\'s batch_index and stores the good items', async () => {
    const good = (i: number) => ({ type: 'person', action: 'identify', identifiers: { id: `batch-${i}` }, attributes: { n: i } });
    const body = `{"batch":[${JSON.stringify(good(0))},{"type":"person","action":"event","identifiers":{"id":"batch-0"},"name":"deep","attributes":{"x":${nested(DEEP)}}},${JSON.stringify(good(2))},{"type":"person","action":"event","identifiers":{"id":"batch-2"},"name":"fine","id":"01JBATCHEVENT0000000000001"}]}`;
    const answer = await call(sandbox, { method: 'POST', path: '/api/v2/batch', headers: trackAuth(sandbox), body });
    expect(answer.status).toBe(207);
    expect(answer.json).toEqual({ errors: [{ batch_index: 1, reason: 'invalid', field: '', message: 'this operation nests more than 128 levels deep; the sandbox reads at most 128' }] });
    const people = sandbox.state.people.filter((p) => p.id?.startsWith('batch-'));
    expect(people.map((p) => [p.id, p.attributes.n])).toEqual([['batch-0', 0], ['batch-2', 2]]);
    expect(sandbox.state.activities.filter((a) => a.type === 'event' && (a.name === 'deep' || a.name === 'fine')).map((a) => a.name)).toEqual(['fine']);
    // What was applied is on disk too.
    expect(readSandboxStateFile(file).people.filter((p) => p.id?.startsWith('batch-'))).toHaveLength(2);
    expect(log).toEqual([]);
  });

  it('a refused batch item changes nothing, not even the person it would have created', async () => {
    const tooMany = Object.fromEntries(Array.from({ length: 301 }, (_, i) => [`a${i}`, i]));
    const answer = await call(sandbox, { method: 'POST', path: '/api/v2/batch', headers: trackAuth(sandbox), body: JSON.stringify({ batch: [{ type: 'person', action: 'identify', identifiers: { id: 'never-made' }, attributes: tooMany }, { type: 'person', action: 'identify', identifiers: { id: 'made' }, attributes: 'not an object' }] }) });
    expect(answer.status).toBe(207);
    expect((answer.json as { errors: { batch_index: number; field: string }[] }).errors.map((e) => [e.batch_index, e.field])).toEqual([[0, 'attributes'], [1, 'attributes']]);
    // The batch itself was handled (207), so it is journaled as every handled request is; replayed, it changes nothing.
    const after = snapshot(sandbox, file);
    expect(after).toEqual({ ...before, journaled: before.journaled + 1 });
    before = after;
    await unchangedAndWritable();
  });

  describe('bodies over their caps', () => {
    afterEach(unchangedAndWritable);

    it('a declared Content-Length over the route\'s cap is refused before a byte is read', async () => {
      const head = (path: string, length: number) => `PUT ${path} HTTP/1.1\r\nHost: ${new URL(sandbox.origin).host}\r\nAuthorization: ${trackAuth(sandbox).authorization}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
      const answer = await rawExchange(sandbox, head('/api/v1/customers/big', 24 * 1_048_576));
      expect(answer.status).toBe(413);
      expect(answer.head.toLowerCase()).toContain('connection: close');
      expect(answer.sent).toBe(0);
    });

    it('a chunked body is cut off at the cap', async () => {
      const { host } = new URL(sandbox.origin);
      const socket = connect(Number(new URL(sandbox.origin).port), new URL(sandbox.origin).hostname);
      const status = await new Promise<number>((resolve, reject) => {
        let received = '';
        socket.on('connect', () => {
          socket.write(`POST /api/v1/customers/big/events HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${trackAuth(sandbox).authorization}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
          const piece = Buffer.alloc(256 * 1024, 0x20);
          for (let i = 0; i < 6; i++) socket.write(`${piece.length.toString(16)}\r\n${piece.toString('latin1')}\r\n`);
        });
        socket.on('data', (data: Buffer) => {
          received += data.toString('latin1');
          const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
          if (match) resolve(Number(match[1]));
        });
        socket.on('error', reject);
      });
      socket.destroy();
      expect(status).toBe(413);
    });

    it('Track v2 answers its documented 400 too_large for an entity of 32 KB and a batch of 500 KB', async () => {
      const entity = await call(sandbox, { method: 'POST', path: '/api/v2/entity', headers: trackAuth(sandbox), body: JSON.stringify({ type: 'person', action: 'identify', identifiers: { id: 'x' }, attributes: { a: ' '.repeat(32_768) } }) });
      expect(entity.status).toBe(400);
      expect(entity.json).toEqual({ errors: [{ reason: 'too_large', field: '', message: expect.stringContaining('under 32 KB') }] });
      const batch = await call(sandbox, { method: 'POST', path: '/api/v2/batch', headers: trackAuth(sandbox), body: JSON.stringify({ batch: [], pad: ' '.repeat(512_000) }) });
      expect(batch.status).toBe(400);
      expect(batch.json).toEqual({ errors: [{ reason: 'too_large', field: '', message: expect.stringContaining('under 500 KB') }] });
    });

    it('credentials are checked before the body: a bad key gets 401 without the body being read', async () => {
      const head = `PUT /api/v1/customers/big HTTP/1.1\r\nHost: ${new URL(sandbox.origin).host}\r\nAuthorization: Basic ${Buffer.from('sandbox-site:wrong').toString('base64')}\r\nContent-Type: application/json\r\nContent-Length: 900000\r\n\r\n`;
      const answer = await rawExchange(sandbox, head);
      expect(answer).toMatchObject({ status: 401, sent: 0 });
      expect(answer.head.toLowerCase()).toContain('connection: close');
    });

    it('Expect: 100-continue is granted only to an authorised request', async () => {
      const { host } = new URL(sandbox.origin);
      const ask = (authorization: string) => rawExchange(sandbox, `PUT /api/v1/customers/continued HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${authorization}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n`);
      expect((await ask(`Basic ${Buffer.from('sandbox-site:wrong').toString('base64')}`)).status).toBe(401);
      expect((await ask(trackAuth(sandbox).authorization)).status).toBe(100);
    });
  });

  describe('malformed paths, query strings and bodies: 400 in the API\'s shape', () => {
    afterEach(unchangedAndWritable);

    it('bad percent-encoding in the path or the query', async () => {
      const track = await call(sandbox, { method: 'PUT', path: '/api/v1/customers/%E0%A4%A', headers: trackAuth(sandbox), body: '{"plan":"x"}' });
      expect(track).toMatchObject({ status: 400, json: { meta: { errors: [expect.stringContaining('not validly percent-encoded')] } } });
      const app = await call(sandbox, { path: '/v1/customers/%ZZ/attributes', headers: appAuth(sandbox) });
      expect(app).toMatchObject({ status: 400, json: { errors: [{ status: '400' }] } });
      const v2 = await call(sandbox, { method: 'POST', path: '/api/v2/entity?x=%', headers: trackAuth(sandbox), body: '{}' });
      expect(v2).toMatchObject({ status: 400, json: { errors: [{ reason: 'invalid', field: '' }] } });
    });

    it('JSON that does not parse, and bytes that are not UTF-8', async () => {
      for (const body of ['{"plan":', '{"plan":"x"} trailing', "{'plan':'x'}", Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])]) {
        const answer = await call(sandbox, { method: 'PUT', path: '/api/v1/customers/bad-json', headers: trackAuth(sandbox), body });
        expect(answer.status).toBe(400);
        expect((answer.json as { meta: { errors: string[] } }).meta.errors[0]).toMatch(/not valid (JSON|UTF-8)/);
      }
      const app = await call(sandbox, { method: 'POST', path: '/v1/customers', headers: appAuth(sandbox), body: '{"filter":' });
      expect(app).toMatchObject({ status: 400, json: { errors: [{ status: '400' }] } });
    });

    it('filters of the wrong shape', async () => {
      for (const filter of [{ and: 5 }, { not: 'x' }, { attribute: [] }, { segment: null }, []]) {
        const answer = await call(sandbox, { method: 'POST', path: '/v1/customers', headers: appAuth(sandbox), body: JSON.stringify({ filter }) });
        expect(answer.status).toBe(400);
      }
    });
  });

  describe('DNS rebinding: another name in Host gets 421 and nothing else', () => {
    afterEach(unchangedAndWritable);

    it('refuses a foreign name, reads and writes alike, with the right credentials', async () => {
      const { port } = new URL(sandbox.origin);
      const read = await call(sandbox, { path: '/v1/customers/later-1/attributes', headers: appAuth(sandbox), host: `attacker.example:${port}` });
      expect(read.status).toBe(421);
      expect(read.text).not.toContain('later-1');
      const write = await call(sandbox, { method: 'PUT', path: '/api/v1/customers/rebound', headers: trackAuth(sandbox), body: '{"plan":"x"}', host: `attacker.example:${port}` });
      expect(write.status).toBe(421);
      for (const host of ['localhost', `localhost:${Number(port) + 1}`, `127.0.0.2:${port}`, `localhost.:${port}`]) {
        expect((await call(sandbox, { path: '/api/v1/accounts/region', headers: trackAuth(sandbox), host })).status).toBe(421);
      }
      // No Host at all (HTTP/1.0 allows leaving it out).
      const bare = await rawExchange(sandbox, `GET /api/v1/accounts/region HTTP/1.0\r\nAuthorization: ${trackAuth(sandbox).authorization}\r\n\r\n`);
      expect(bare.status).toBe(421);
    });

    it('answers its own names', async () => {
      const { port } = new URL(sandbox.origin);
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
        expect((await call(sandbox, { path: '/api/v1/accounts/region', headers: trackAuth(sandbox), host })).status).toBe(200);
      }
    });
  });

  describe('attributes named like Object.prototype\'s members', () => {
    const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort();
    const keysBefore = prototypeKeys();
    afterEach(() => {
      expect(prototypeKeys()).toEqual(keysBefore);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    const search = async (filter: unknown) => {
      const answer = await call(sandbox, { method: 'POST', path: '/v1/customers', headers: appAuth(sandbox), body: JSON.stringify({ filter }) });
      expect(answer.status).toBe(200);
      return (answer.json as { ids: string[] }).ids.filter((id) => id.startsWith('proto-')).sort();
    };

    it('stores __proto__, constructor and toString as ordinary attributes (v1 and v2)', async () => {
      const v1 = await call(sandbox, { method: 'PUT', path: '/api/v1/customers/proto-1', headers: trackAuth(sandbox), body: '{"__proto__":{"polluted":1},"constructor":"c","toString":"t","hasOwnProperty":"h"}' });
      expect(v1.status).toBe(200);
      const v2 = await call(sandbox, { method: 'POST', path: '/api/v2/entity', headers: trackAuth(sandbox), body: '{"type":"person","action":"identify","identifiers":{"id":"proto-2"},"attributes":{"__proto__":"x","valueOf":"v"}}' });
      expect(v2.status).toBe(200);
      await call(sandbox, { method: 'PUT', path: '/api/v1/customers/proto-3', headers: trackAuth(sandbox), body: '{"plan":"none"}' });
      const attributes = (id: string) => call(sandbox, { path: `/v1/customers/${id}/attributes`, headers: appAuth(sandbox) }).then((a) => (a.json as { customer: { attributes: Record<string, string> } }).customer.attributes);
      // ['__proto__'] (computed) is a key; a plain __proto__: in a literal would set the prototype.
      expect(await attributes('proto-1')).toEqual({ id: 'proto-1', ['__proto__']: '{"polluted":1}', constructor: 'c', toString: 't', hasOwnProperty: 'h' });
      expect(await attributes('proto-2')).toEqual({ id: 'proto-2', ['__proto__']: 'x', valueOf: 'v' });
      const stored = sandbox.state.people.find((p) => p.id === 'proto-1')!;
      expect(Object.getPrototypeOf(stored.attributes)).toBe(Object.prototype);
      expect(Object.hasOwn(stored.attributes, '__proto__')).toBe(true);
    });

    it('filters see only own attributes', async () => {
      expect(await search({ attribute: { field: 'polluted', operator: 'eq', value: '1' } })).toEqual([]);
      expect(await search({ attribute: { field: 'toString', operator: 'exists' } })).toEqual(['proto-1']);
      expect(await search({ attribute: { field: 'valueOf', operator: 'exists' } })).toEqual(['proto-2']);
      expect(await search({ attribute: { field: 'isPrototypeOf', operator: 'exists' } })).toEqual([]);
      expect(await search({ attribute: { field: '__proto__', operator: 'eq', value: 'x' } })).toEqual(['proto-2']);
      expect(await search({ not: { attribute: { field: 'constructor', operator: 'exists' } } })).toEqual(['proto-2', 'proto-3']);
    });

    it('keeps them through the state file', async () => {
      const restarted = await startSandbox({ stateFile: file, rateLimit: false, deliverAfterMs: 0, port: 0 });
      try {
        const person = restarted.state.people.find((p) => p.id === 'proto-1')!;
        expect(Object.hasOwn(person.attributes, '__proto__')).toBe(true);
        expect(Object.getPrototypeOf(person.attributes)).toBe(Object.prototype);
      } finally {
        await restarted.close();
      }
    });

    it('a path segment named __proto__ reaches no prototype', async () => {
      const answer = await call(sandbox, { method: 'PUT', path: '/v1/broadcasts/12/actions/31/language/__proto__', headers: appAuth(sandbox), body: '{"polluted":1}' });
      expect(answer.status).toBe(404);
      const constructor = await call(sandbox, { method: 'PUT', path: '/v1/broadcasts/12/actions/31/language/constructor', headers: appAuth(sandbox), body: '{"polluted":1}' });
      expect(constructor.status).toBe(404);
      expect((Object as unknown as Record<string, unknown>).polluted).toBeUndefined();
    });
  });
});

describe('60 stalled uploads', () => {
  it('are never held in memory together: the budget admits a few, the rest wait or get 503, stalls get 408', async () => {
    const { sandbox, file, log } = await sandboxWithFile({ requestLimits: { bodyIdleMs: 400, uploadWaitMs: 1500 } });
    try {
      const before = snapshot(sandbox, file);
      const { host } = new URL(sandbox.origin);
      const size = 24 * 1_048_576;
      // Broadcast triggers take up to 25 MB, so 24 MB passes the cap: only the budget stands in the way.
      const head = `POST /v1/campaigns/12/triggers HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${appAuth(sandbox).authorization}\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`;
      globalThis.gc?.();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 20);
      const started = Date.now();
      // Each sends all but the last byte, as fast as the sandbox reads, then stalls.
      const answers = await Promise.all(Array.from({ length: 60 }, () => rawExchange(sandbox, head, { bytes: size - 1, chunk: 256 * 1024 })));
      clearInterval(sampler);
      const seconds = (Date.now() - started) / 1000;
      globalThis.gc?.();
      const after = process.memoryUsage().rss;
      const statuses: Record<number, number> = {};
      for (const answer of answers) statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      const mb = (bytes: number) => Math.round(bytes / 1_048_576);
      figures.stalledUploads = { uploads: 60, declared_mb: 24, statuses, seconds, rss_baseline_mb: mb(baseline), rss_peak_mb: mb(peak), rss_after_mb: mb(after), sent_mb: mb(answers.reduce((sum, a) => sum + a.sent, 0)) };

      expect(Object.keys(statuses).map(Number).every((status) => status === 408 || status === 503)).toBe(true);
      expect(statuses[408]).toBeGreaterThanOrEqual(1);
      // 60 × 24 MB would be 1.4 GB; the budget is 32 MB.
      expect(peak - baseline).toBeLessThan(160 * 1_048_576);
      expect(after - baseline).toBeLessThan(100 * 1_048_576);
      expect(snapshot(sandbox, file)).toEqual(before);
      expect(log).toEqual([]);
      const later = await call(sandbox, { method: 'PUT', path: '/api/v1/customers/after-stall', headers: trackAuth(sandbox), body: '{"plan":"pro"}' });
      expect(later.status).toBe(200);
    } finally {
      await sandbox.close();
    }
  }, 60_000);

  it('a request over the route\'s cap is refused at once, whatever the budget', async () => {
    const { sandbox } = await sandboxWithFile();
    try {
      const { host } = new URL(sandbox.origin);
      const head = `POST /v1/collections HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${appAuth(sandbox).authorization}\r\nContent-Type: application/json\r\nContent-Length: ${24 * 1_048_576}\r\n\r\n`;
      const answers = await Promise.all(Array.from({ length: 60 }, () => rawExchange(sandbox, head)));
      expect(answers.map((a) => a.status)).toEqual(Array(60).fill(413));
      expect(answers.every((a) => a.sent === 0)).toBe(true);
    } finally {
      await sandbox.close();
    }
  });
});

describe('answers as Customer.io gives them', () => {
  it('the region endpoint names Customer.io\'s Track URL for the region, the sandbox origin beside it', async () => {
    for (const region of ['us', 'eu'] as const) {
      const sandbox = await startSandbox({ region, seed: false });
      try {
        const answer = await call(sandbox, { path: '/api/v1/accounts/region', headers: trackAuth(sandbox) });
        expect(answer.json).toEqual({
          url: region === 'us' ? 'https://track.customer.io' : 'https://track-eu.customer.io', region, environment_id: expect.any(Number), sandbox_origin: sandbox.origin,
        });
      } finally {
        await sandbox.close();
      }
    }
  });

  it('identify records an attribute_change activity per changed attribute ({name: {from, to}})', async () => {
    const sandbox = await startSandbox({ seed: false, rateLimit: false });
    try {
      const identify = (body: unknown) => call(sandbox, { method: 'PUT', path: '/api/v1/customers/changer', headers: trackAuth(sandbox), body: JSON.stringify(body) });
      await identify({ plan: 'trial', seats: 1 });
      await identify({ plan: 'pro', seats: 1 });
      await call(sandbox, { method: 'POST', path: '/api/v2/entity', headers: trackAuth(sandbox), body: JSON.stringify({ type: 'person', action: 'identify', identifiers: { id: 'changer' }, attributes: { seats: null } }) });
      const list = async (query: string) => {
        const answer = await call(sandbox, { path: `/v1/customers/changer/activities?${query}`, headers: appAuth(sandbox) });
        return (answer.json as { activities: { type: string; name: string; data: unknown; customer_id: string }[] }).activities;
      };
      const changes = await list('type=attribute_change');
      expect(changes.map((a) => [a.name, a.data])).toEqual([
        ['seats', { seats: { from: '1', to: '' } }],
        ['plan', { plan: { from: 'trial', to: 'pro' } }],
        ['seats', { seats: { from: '', to: '1' } }],
        ['plan', { plan: { from: '', to: 'trial' } }],
      ]);
      expect(changes.every((a) => a.type === 'attribute_change' && a.customer_id === 'changer')).toBe(true);
      expect((await list('type=attribute_change&name=plan')).map((a) => a.data)).toEqual([{ plan: { from: 'trial', to: 'pro' } }, { plan: { from: '', to: 'trial' } }]);
    } finally {
      await sandbox.close();
    }
  });
});

describe('the Host rule and the start warning', () => {
  it('takes the public names it is given', async () => {
    const sandbox = await startSandbox({ seed: false, allowedHosts: ['sandbox.example.test', 'proxy.example.test:8443'] });
    try {
      const status = (host: string) => call(sandbox, { path: '/api/v1/accounts/region', headers: trackAuth(sandbox), host }).then((a) => a.status);
      expect(await status('sandbox.example.test')).toBe(200);
      expect(await status('sandbox.example.test:443')).toBe(200);
      expect(await status('proxy.example.test:8443')).toBe(200);
      expect(await status('proxy.example.test')).toBe(421);
      expect(await status('other.example.test')).toBe(421);
      expect(sandbox.warnings).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });

  it('warns when it listens beyond loopback, and then takes IP addresses but still no foreign name', async () => {
    const sandbox = await startSandbox({ seed: false, host: '0.0.0.0' });
    try {
      expect(sandbox.warnings).toEqual([expect.stringContaining('listens on 0.0.0.0')]);
      expect(sandbox.warnings[0]).toContain('default credentials');
      const { port } = new URL(sandbox.origin);
      const status = (host: string) => call(sandbox, { path: '/api/v1/accounts/region', headers: trackAuth(sandbox), host }).then((a) => a.status);
      expect(await status(`192.0.2.10:${port}`)).toBe(200);
      expect(await status(`[2001:db8::1]:8080`)).toBe(200);
      expect(await status(`attacker.example:${port}`)).toBe(421);
    } finally {
      await sandbox.close();
    }
  });
});
