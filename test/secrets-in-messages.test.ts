// No credential text in any message: recognisable fake keys go through every error path of the
// CLI (what it prints on stdout and stderr, the failed-items file of an import), the reference
// host's API (what it answers, what it logs) and the runtime (envelopes, success and failure,
// and debug events), and none of their forms may come out: the key, a prefix of it, the Basic
// header's base64, the decoded `site:key` pair, the Bearer header.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, existsSync, writeFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli/main.js';
import { createHostServer, type HostServer } from '../host/server.js';
import type { RuntimeEvent } from '../runtime/index.js';
import { sharedRegistry } from './helpers.js';
import { startLocalServer, type LocalServer } from './local-server.js';

const SITE = 'site-test';
const TRACK_KEY = 'QzSECRETtrackKEY0123';
const APP_KEY = 'QzSECRETappKEY456789';
const BASIC = Buffer.from(`${SITE}:${TRACK_KEY}`).toString('base64');

/** Every form of the fake keys that would reveal them, prefixes included. */
const FORBIDDEN = [TRACK_KEY, APP_KEY, BASIC, `${SITE}:${TRACK_KEY}`, 'QzSECRET', TRACK_KEY.slice(0, 6), APP_KEY.slice(-8), TRACK_KEY.slice(-8)];

function expectNoKey(text: string, where: string): void {
  for (const secret of FORBIDDEN) {
    if (text.includes(secret)) throw new Error(`${where} holds ${JSON.stringify(secret)}: ${text.slice(Math.max(0, text.indexOf(secret) - 120), text.indexOf(secret) + 60)}`);
  }
}

// A server that repeats the credentials it receives, in the body, a header and the error text,
// with the status the path asks for (/echo/401), or breaks the connection (/echo/reset).
let echo: LocalServer;
const dir = mkdtempSync(join(tmpdir(), 'cio-secrets-'));

beforeAll(async () => {
  echo = await startLocalServer((seen, res) => {
    const authorization = String(seen.headers.authorization ?? '');
    const decoded = authorization.startsWith('Basic ') ? Buffer.from(authorization.slice(6), 'base64').toString('utf8') : authorization.slice(7);
    if (seen.url.includes('/echo/reset')) return void res.socket?.destroy();
    if (seen.url.includes('/echo/slow')) return void setTimeout(() => res.end('{}'), 2_000);
    const said = `you sent ${authorization} (${decoded})`;
    if (seen.url.endsWith('/v2/batch')) {
      const batch = (JSON.parse(seen.body) as { batch: unknown[] }).batch;
      return void res.writeHead(207, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: batch.map((_, i) => ({ batch_index: i, reason: 'invalid', field: 'identifiers', message: said })) }));
    }
    const status = Number(/\/echo\/(\d{3})/.exec(seen.url)?.[1] ?? 200);
    res.writeHead(status, { 'content-type': 'application/json', 'x-echo': authorization, 'www-authenticate': `Basic realm="${decoded}"` })
      .end(JSON.stringify({ meta: { error: said }, authorization, decoded }));
  });
});
afterAll(async () => {
  await echo.close();
  rmSync(dir, { recursive: true, force: true });
});

const trackAuth = (extra: Record<string, unknown> = {}) => JSON.stringify({ site_id: SITE, api_key: TRACK_KEY, region: 'us', ...extra });
const appAuth = (extra: Record<string, unknown> = {}) => JSON.stringify({ api_key: APP_KEY, region: 'us', ...extra });
const rawInput = (path: string, method = 'GET') => JSON.stringify({ method, url: { endpoint: path }, body: { none: null } });

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Runs the CLI as `cio-connectors` would, capturing everything it writes. */
async function cli(argv: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  let stdout = '';
  let stderr = '';
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    await main(argv);
  } finally {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { stdout, stderr, exitCode };
}

describe('CLI: no error path prints a key', () => {
  const run = (auth: string, ...extra: string[]) => ['run', 'customer-io', 'raw_http_request', '--auth', auth, '--origin', echo.origin, '--input', rawInput('/echo/200'), ...extra];
  const cases: [string, () => string[], Record<string, string>?][] = [
    ['--auth holding a bare key', () => run(TRACK_KEY)],
    ['--auth with the key in JSON cut short', () => run(`{"site_id":"${SITE}","api_key":"${TRACK_KEY}`)],
    ['--auth with a line break inside the key', () => run(`{"site_id":"${SITE}","api_key":"${TRACK_KEY}\n","region":"us"}`)],
    ['--auth with the key unquoted', () => run(`{"site_id":"${SITE}","api_key":${TRACK_KEY},"region":"us"}`)],
    ['--auth @file holding a bare key', () => run(`@${file('bare.txt', `${TRACK_KEY}\n`)}`)],
    ['--auth @file holding the key as a JSON string', () => run(`@${file('string.json', JSON.stringify(TRACK_KEY))}`)],
    ['--auth @file with a trailing comma', () => run(`@${file('comma.json', `{"site_id":"${SITE}","api_key":"${TRACK_KEY}",}`)}`)],
    ['--auth @file that does not exist', () => run(`@${join(dir, `${TRACK_KEY}-missing.json`)}`.replace(TRACK_KEY, 'no-such'))],
    ['--auth with the key and a trailing newline (JSON-escaped)', () => run(trackAuth({ api_key: `${TRACK_KEY}\n` }))],
    ['--auth with surrounding spaces', () => run(trackAuth({ api_key: ` ${TRACK_KEY} ` }))],
    ['--auth with an unknown field and a bad region', () => run(trackAuth({ region: 'mars', token: 'x' }))],
    ['--auth env with a key ending in a line break', () => run('env'), { CUSTOMERIO_SITE_ID: SITE, CUSTOMERIO_TRACK_API_KEY: `${TRACK_KEY}\n`, CUSTOMERIO_REGION: 'us' }],
    ['a valid key and invalid --input JSON', () => ['run', 'customer-io', 'track_custom_event', '--auth', trackAuth(), '--input', `{"identifier":"${TRACK_KEY}"`]],
    ['a valid key and input the schema refuses', () => ['run', 'customer-io', 'track_custom_event', '--auth', trackAuth(), '--input', '{"identifier":""}']],
    ['a dry run', () => run(trackAuth(), '--dry-run')],
    ['a success whose answer repeats the credentials', () => run(trackAuth())],
    ['a 401 that repeats them', () => ['run', 'customer-io', 'raw_http_request', '--auth', trackAuth(), '--origin', echo.origin, '--input', rawInput('/echo/401')]],
    ['a 500 that repeats them', () => ['run', 'customer-io-app', 'raw_http_request', '--auth', appAuth(), '--origin', echo.origin, '--input', rawInput('/echo/500')]],
    ['a broken connection', () => ['run', 'customer-io-app', 'raw_http_request', '--auth', appAuth(), '--origin', echo.origin, '--input', rawInput('/echo/reset')]],
    ['a timeout', () => ['run', 'customer-io-app', 'raw_http_request', '--auth', appAuth(), '--origin', echo.origin, '--timeout', '100', '--input', rawInput('/echo/slow')]],
    ['a closed port', () => ['run', 'customer-io-app', 'list_segments', '--auth', appAuth(), '--origin', 'http://127.0.0.1:9']],
    ['an App key with a trailing newline', () => ['run', 'customer-io-app', 'list_segments', '--auth', appAuth({ api_key: `${APP_KEY}\n` }), '--origin', echo.origin]],
    ['an origin that is not a URL', () => ['run', 'customer-io-app', 'list_segments', '--auth', appAuth(), '--origin', `http://${APP_KEY}:x`]],
  ];

  it.each(cases.map(([what, argv, env]) => [what, argv, env ?? {}] as const))('%s', async (_what, argv, env) => {
    const { stdout, stderr, exitCode } = await cli(argv(), env);
    expectNoKey(stdout, 'stdout');
    expectNoKey(stderr, 'stderr');
    expect(stdout + stderr).not.toBe('');
    expect([0, 1, 2]).toContain(exitCode);
  }, 15_000);

  it('names where bad credentials came from and where the JSON broke, without quoting it', async () => {
    const path = file('k.txt', TRACK_KEY);
    const fromFile = await cli(run(`@${path}`));
    expect(fromFile.exitCode).toBe(2);
    expect(fromFile.stderr).toContain(`--auth @${path} is not valid JSON: a character that cannot start a JSON value (text needs double quotes) at line 1, column 1`);
    const inline = await cli(run(`{"site_id":"${SITE}",\n"api_key":${TRACK_KEY}}`));
    expect(inline.stderr).toContain('--auth (the value given inline) is not valid JSON: a character that cannot start a JSON value (text needs double quotes) at line 2, column 11');
    const newline = await cli(run(trackAuth({ api_key: `${TRACK_KEY}\n` })));
    expect(newline.exitCode).toBe(1);
    expect(JSON.parse(newline.stdout)).toMatchObject({ ok: false, error: { code: 'user_input_error', details: [{ field: 'auth.api_key', rule: 'pattern' }] } });
  });

  it('an import: the summary, the progress and the failed-items file hold no key, whatever the server repeats', async () => {
    const people = file('people.ndjson', Array.from({ length: 30 }, (_, i) => JSON.stringify({ identifiers: { id: `p${i}` } })).join('\n'));
    const failed = join(dir, 'people.failed.ndjson');
    const { stdout, stderr, exitCode } = await cli(['import', 'customer-io', 'bulk_identify_customers', '--file', people, '--failed', failed, '--auth', trackAuth(), '--origin', echo.origin]);
    expect(exitCode).toBe(1);
    expectNoKey(stdout, 'stdout');
    expectNoKey(stderr, 'stderr');
    expect(existsSync(failed)).toBe(true);
    const records = readFileSync(failed, 'utf8');
    expect(records).toContain('[REDACTED]');
    expectNoKey(records, 'the failed-items file');
    const badAuth = await cli(['import', 'customer-io', 'bulk_identify_customers', '--file', people, '--auth', `{"api_key":${TRACK_KEY}}`]);
    expect(badAuth.exitCode).toBe(2);
    expectNoKey(badAuth.stderr, 'stderr');
  });
});

describe('reference host API: no answer or log line holds a key', () => {
  let host: HostServer;
  let logged = '';
  let stderrWrite: typeof process.stderr.write;

  beforeAll(async () => {
    const webRoot = mkdtempSync(join(tmpdir(), 'host-web-'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>host</title>');
    const sandbox = { origin: echo.origin, credentials: { site_id: SITE, track_api_key: 'sandbox-track-key', app_api_key: 'sandbox-app-key' } };
    host = await createHostServer({ registry: await sharedRegistry(), webRoot, sandbox, port: 0 });
    stderrWrite = process.stderr.write;
    process.stderr.write = ((chunk: string | Uint8Array) => ((logged += String(chunk)), true)) as typeof process.stderr.write;
  });
  afterAll(async () => {
    process.stderr.write = stderrWrite;
    await host.close();
  });

  function post(path: string, body: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = request(new URL(path, host.url), { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  const execute = (auth: Record<string, unknown>, path: string, connector = 'customer-io-app') =>
    JSON.stringify({ connector, operation: 'raw_http_request', auth, input: JSON.parse(rawInput(path)), target: 'sandbox' });

  it.each([
    ['a body that is not JSON, holding the key', '/host-api/execute', `{"connector":"customer-io-app","auth":{"api_key":${APP_KEY}}}`],
    ['a body cut short after the key', '/host-api/execute', `{"connector":"customer-io-app","auth":{"api_key":"${APP_KEY}`],
    ['a key with a line break', '/host-api/execute', execute({ api_key: `${APP_KEY}\n` }, '/echo/200')],
    ['an answer that repeats the key', '/host-api/execute', execute({ api_key: APP_KEY }, '/echo/200')],
    ['a 401 that repeats it', '/host-api/execute', execute({ api_key: APP_KEY }, '/echo/401')],
    ['a 500 that repeats Basic credentials', '/host-api/execute', execute({ site_id: SITE, api_key: TRACK_KEY }, '/echo/500', 'customer-io')],
    ['a broken connection', '/host-api/execute', execute({ api_key: APP_KEY }, '/echo/reset')],
    ['a credential check of a key with spaces', '/host-api/test-auth', JSON.stringify({ connector: 'customer-io-app', auth: { api_key: ` ${APP_KEY}` }, target: 'sandbox' })],
    ['a credential check answered 401 with an echo', '/host-api/test-auth', JSON.stringify({ connector: 'customer-io', auth: { site_id: SITE, api_key: TRACK_KEY }, target: 'sandbox' })],
  ])('%s', async (_what, path, body) => {
    const { status, text } = await post(path, body);
    expect(status).toBeGreaterThanOrEqual(200);
    expectNoKey(text, 'the host answer');
    expectNoKey(logged, 'the host log');
  });

  it('says where a broken body broke', async () => {
    const { status, text } = await post('/host-api/execute', `{"connector":"customer-io-app","auth":{"api_key":${APP_KEY}}}`);
    expect(status).toBe(400);
    expect(JSON.parse(text)).toEqual({ error: 'the request body is not valid JSON: a character that cannot start a JSON value (text needs double quotes) at line 1, column 50' });
  });
});

describe('runtime: envelopes and debug events hold no key', () => {
  const connectors = [
    ['customer-io', { site_id: SITE, api_key: TRACK_KEY, region: 'us' }],
    ['customer-io-app', { api_key: APP_KEY, region: 'us' }],
    ['customer-io-beta', { api_key: APP_KEY, region: 'us' }],
  ] as const;
  const paths = ['/echo/200', '/echo/401', '/echo/404', '/echo/429', '/echo/500', '/echo/reset'];

  it.each(connectors)('%s: every answer the echo server gives, and the credential check', async (connector, auth) => {
    const registry = await sharedRegistry();
    for (const path of paths) {
      const events: RuntimeEvent[] = [];
      const result = await registry.execute({
        connector, operation: 'raw_http_request', auth, input: JSON.parse(rawInput(path)),
        options: { origin: echo.origin, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 }, onEvent: (e) => events.push(e) },
      });
      expectNoKey(JSON.stringify(result), `the envelope for ${path}`);
      expectNoKey(JSON.stringify(events), `the events for ${path}`);
      if (path === '/echo/200') expect(JSON.stringify(result)).toContain('[REDACTED]');
    }
    const check = await registry.testAuth(connector, auth, { origin: echo.origin });
    expectNoKey(JSON.stringify(check), 'the credential check');
  });

  it.each([
    ['a trailing newline', `${APP_KEY}\n`],
    ['a leading space', ` ${APP_KEY}`],
    ['a tab inside', `${APP_KEY.slice(0, 5)}\t${APP_KEY.slice(5)}`],
    ['a NUL', `${APP_KEY}\u0000`],
    ['a non-ASCII letter', `${APP_KEY}é`],
  ])('a key with %s is refused naming auth.api_key before any attempt', async (_what, api_key) => {
    const registry = await sharedRegistry();
    const before = echo.received();
    const result = await registry.execute({ connector: 'customer-io-app', operation: 'list_segments', auth: { api_key, region: 'us' }, input: {}, options: { origin: echo.origin } });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'user_input_error', retryable: false, message: '"auth.api_key": must be the key exactly as Customer.io shows it: no spaces, line breaks or other invisible characters' },
    });
    expect(echo.received()).toBe(before);
    expectNoKey(JSON.stringify(result), 'the envelope');
  });
});
