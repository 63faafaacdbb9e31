// The CLI a person runs: JSON out, exit code 0 only for a successful envelope.
import { describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, runCli, UsageError } from '../cli/main.js';
import { sharedRegistry } from './helpers.js';

const TRACK_AUTH_JSON = '{"site_id":"site-test","api_key":"key-test","region":"us"}';

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

  it('rejects malformed arguments as usage errors', async () => {
    await expect(cli('run', 'customer-io', 'delete_customer', '--auth', '{not json')).rejects.toBeInstanceOf(UsageError);
    await expect(cli('dance')).rejects.toThrow('unknown command "dance"');
  });

  it('refuses sandbox --fsync without --state, before starting anything', async () => {
    // --fsync is about the journal of a state file: alone it would promise what nothing does.
    const written: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await main(['sandbox', '--fsync']);
    } finally {
      write.mockRestore();
    }
    const code = process.exitCode;
    process.exitCode = undefined;
    expect(code).toBe(2);
    expect(written.join('')).toContain('cio-connectors: --fsync needs --state <file.json>');
  });
});
