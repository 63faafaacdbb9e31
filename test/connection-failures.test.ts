// Connection-level failures against a real local server that drops the socket: the runtime
// retries only what is safe to repeat, and the server counts exactly how often it was reached.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FAST_RETRY, sharedRegistry, TRACK_AUTH } from './helpers.js';

let server: Server;
let origin: string;
let hits = 0;

beforeAll(async () => {
  server = createServer((req) => {
    hits++;
    req.socket.destroy(); // reset without an answer: Customer.io may or may not have acted
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => { hits = 0; });
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function run(operation: string, input: Record<string, unknown>) {
  const registry = await sharedRegistry();
  return registry.execute({ connector: 'customer-io', operation, auth: { ...TRACK_AUTH, region: 'us' }, input, options: { origin, retry: FAST_RETRY } });
}

describe('a connection reset', () => {
  it('on a GET is retried up to the attempt limit, then reported as a retryable api_error', async () => {
    const result = await run('get_account_region', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'api_error', retryable: true }, meta: { attempts: 3 } });
    expect((result as { error: { message: string } }).error.message).toMatch(/^could not reach Customer\.io \((ECONNRESET|ERR_GOT_REQUEST_ERROR)\)\.$/);
    expect(hits).toBe(3);
  });

  it('on a merge is sent once and says Customer.io may have processed it', async () => {
    const result = await run('merge_customers', { primary: { id: '1' }, secondary: { id: '2' } });
    expect(result).toMatchObject({ ok: false, error: { code: 'api_error', retryable: false }, meta: { attempts: 1 } });
    expect((result as { error: { message: string } }).error.message).toContain('may have received and processed the request');
    expect(hits).toBe(1);
  });

  it('on an event with a dedupe id is retried, since Customer.io ignores the repeat', async () => {
    const result = await run('track_custom_event', { identifier: '42', name: 'purchase' });
    expect(result).toMatchObject({ ok: false, meta: { attempts: 3 } });
    expect(hits).toBe(3);
  });
});

describe('a request Node refuses to form', () => {
  it('fails as unsendable (execute makes that a connector_error it does not retry), and nothing reaches the server', async () => {
    const { createHttpClient, send, TransportError } = await import('../runtime/send/dispatch.js');
    const client = createHttpClient();
    const request = { method: 'GET' as const, url: new URL(`${origin}/api/v1/accounts/region`), headers: { authorization: 'Bearer key-test\n' } };
    const thrown = await send(client, request, { timeoutMs: 2_000, maxResponseBytes: 1_000 }).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(TransportError);
    expect(thrown).toMatchObject({ kind: 'unsendable', code: 'ERR_INVALID_CHAR' });
    expect((thrown as Error).message).not.toContain('key-test');
    expect(hits).toBe(0);
  });
});

describe('a refused connection', () => {
  it('proves the request never left: a safe call that fails only that way is not flagged as possibly processed', async () => {
    const registry = await sharedRegistry();
    const result = await registry.execute({ connector: 'customer-io', operation: 'get_account_region', auth: { ...TRACK_AUTH, region: 'us' }, input: {}, options: { origin: 'http://127.0.0.1:9', retry: FAST_RETRY } });
    expect(result).toMatchObject({ ok: false, error: { code: 'api_error', retryable: true, message: 'could not reach Customer.io (ECONNREFUSED).' }, meta: { attempts: 3 } });
    expect((result as { error: { details?: unknown } }).error.details).toBeUndefined();
  });

  it('after a reset that may have arrived still leaves the call flagged', async () => {
    const result = await run('get_account_region', {});
    expect(result).toMatchObject({ ok: false, error: { details: { may_have_been_processed: true } } });
  });
});
