// The CLI a person runs: JSON out, exit code 0 only for a successful envelope.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, UsageError } from '../cli/main.js';
import { sharedRegistry } from './helpers.js';

const TRACK_AUTH_JSON = '{"site_id":"site-test","api_key":"key-test","region":"us"}';
const APP_AUTH_JSON = '{"api_key":"key-test","region":"us"}';

async function cli(...argv: string[]) {
  return runCli(argv, {}, await sharedRegistry());
}

describe('cio-connectors', () => {
  it('lists connectors', async () => {
    const { output, exitCode } = await cli('list');
    expect(exitCode).toBe(0);
    expect((output as { name: string }[]).map((c) => c.name)).toEqual(['customer-io', 'customer-io-app', 'customer-io-beta', 'customer-io-trigger']);
  });

  it('describes one operation', async () => {
    const { output } = await cli('describe', 'customer-io', 'delete_customer');
    expect(output).toMatchObject({ name: 'delete_customer', http: { method: 'DELETE', path: '/v1/customers/{identifier}' } });
  });

  it('dry-runs an operation with input and auth from files, and --region overriding the auth', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cio-cli-'));
    writeFileSync(join(dir, 'input.json'), '{"identifier":"42"}');
    writeFileSync(join(dir, 'auth.json'), TRACK_AUTH_JSON);
    const { output, exitCode } = await cli('run', 'customer-io', 'delete_customer', '--input', `@${join(dir, 'input.json')}`, '--auth', `@${join(dir, 'auth.json')}`, '--region', 'eu', '--dry-run');
    expect(exitCode).toBe(0);
    expect(output).toEqual({
      ok: true,
      request: { method: 'DELETE', url: 'https://track-eu.customer.io/api/v1/customers/42', headers: { accept: 'application/json', authorization: '[REDACTED]' } },
    });
  });

  it('reads credentials from the environment', async () => {
    const env = { CUSTOMERIO_APP_API_KEY: 'app-key-test', CUSTOMERIO_REGION: 'eu' };
    const { output, exitCode } = await runCli(['run', 'customer-io-app', 'raw_http_request', '--auth', 'env', '--dry-run', '--input', '{"method":"GET","url":{"endpoint":"/segments"},"body":{"none":null}}'], env, await sharedRegistry());
    expect(exitCode).toBe(0);
    expect(output).toMatchObject({ ok: true, request: { url: 'https://api-eu.customer.io/v1/segments' } });
    expect(JSON.stringify(output)).not.toContain('app-key-test');
  });

  it('exits 1 with the envelope when the input is invalid', async () => {
    const { output, exitCode } = await cli('run', 'customer-io', 'delete_customer', '--auth', TRACK_AUTH_JSON, '--input', '{}', '--dry-run');
    expect(exitCode).toBe(1);
    expect(output).toMatchObject({ ok: false, error: { code: 'user_input_error', message: '"input.identifier": is required' } });
  });

  it('refuses a raw request Endpoint that repeats the base path, saying what to write instead', async () => {
    const { output, exitCode } = await cli('run', 'customer-io-app', 'raw_http_request', '--dry-run', '--auth', APP_AUTH_JSON, '--input', '{"method":"GET","url":{"endpoint":"/v1/customers/x"}}');
    expect(exitCode).toBe(1);
    expect(output).toEqual({
      ok: false,
      error: {
        code: 'user_input_error',
        message: '"input.url.endpoint": the base URL https://api.customer.io/v1 already ends in /v1; remove /v1 and write /customers/x',
        details: [{ field: 'input.url.endpoint', rule: 'repeated_base_path' }],
        retryable: false,
      },
    });
    const fixed = await cli('run', 'customer-io-app', 'raw_http_request', '--dry-run', '--auth', APP_AUTH_JSON, '--input', '{"method":"GET","url":{"endpoint":"/customers/x"}}');
    expect(fixed.output).toMatchObject({ ok: true, request: { method: 'GET', url: 'https://api.customer.io/v1/customers/x' } });
  });

  it('reports a too-long recipient ID by its own rule, not as "must match exactly one of"', async () => {
    const input = JSON.stringify({ identifiers: { id: 'x'.repeat(160) }, content: { transactional_message_id: 1 } });
    const { output, exitCode } = await cli('run', 'customer-io-app', 'send_transactional_email', '--dry-run', '--auth', APP_AUTH_JSON, '--input', input);
    expect(exitCode).toBe(1);
    expect(output).toMatchObject({ ok: false, error: { code: 'user_input_error', message: '"input.identifiers.id": must be at most 150 bytes (it is 160)' } });
  });

  it('rejects malformed arguments as usage errors', async () => {
    await expect(cli('run', 'customer-io', 'delete_customer', '--auth', '{not json')).rejects.toBeInstanceOf(UsageError);
    await expect(cli('dance')).rejects.toThrow('unknown command "dance"');
  });
});
