// The CLI a person runs: JSON out, exit code 0 only for a successful envelope.
import { describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, runCli, UsageError } from '../cli/main.js';
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

  it('describes one operation as JSON with --json', async () => {
    const { output } = await cli('describe', 'customer-io', 'delete_customer', '--json');
    expect(output).toMatchObject({ name: 'delete_customer', http: { method: 'DELETE', path: '/v1/customers/{identifier}' } });
    const whole = await cli('describe', 'customer-io-app', '--json');
    expect(whole.output).toMatchObject({ name: 'customer-io-app', base_urls: { us: 'https://api.customer.io/v1' } });
    expect((whole.output as { operations: unknown[] }).operations.length).toBeGreaterThan(100);
  });

  it('describes a connector as a table of its operations by default', async () => {
    const { output, exitCode } = await cli('describe', 'customer-io');
    expect(exitCode).toBe(0);
    const text = output as string;
    const lines = text.split('\n');
    expect(lines[0]).toBe('Customer.io - Track (customer-io 2.0)');
    expect(text).toContain('Base URL: US https://track.customer.io/api   EU https://track-eu.customer.io/api');
    expect(text).toContain('Credentials: site_id*, api_key*, region*');
    const header = lines.find((line) => line.startsWith('GROUP'))!;
    expect(header.split(/\s{2,}/)).toEqual(['GROUP', 'OPERATION', 'TITLE', 'KIND / EFFECTS']);
    // One row per operation, in columns: group (on its first row), name, title, effects.
    expect(lines.find((line) => line.includes(' track_custom_event '))!.split(/\s{2,}/)).toEqual(['Events', 'track_custom_event', 'Track a custom event', 'writes, safe to repeat']);
    expect(lines.find((line) => line.includes(' merge_customers '))!.trim().split(/\s{2,}/)).toEqual(['merge_customers', 'Merge customers', 'writes, not safe to repeat']);
    expect(lines.find((line) => line.includes(' get_account_region '))!.split(/\s{2,}/)).toEqual(['Workspace', 'get_account_region', 'Get account region', 'reads only']);
    expect(lines.filter((line) => /^\S*\s+[a-z_]+\s{2,}/.test(line) && !line.startsWith('GROUP'))).toHaveLength(27);
    expect(text.length).toBeLessThan(10_000);
    const app = (await cli('describe', 'customer-io-app')).output as string;
    expect(app).toMatch(/ send_transactional_email {2,}Send transactional email {2,}writes, not safe to repeat, sends a message\n/);
    expect(app).toMatch(/^Dropdown helpers \(hidden in forms\) {2,}list_broadcasts_ddl {2,}List broadcasts DDL {2,}dropdown helper, reads only$/m);
    expect(app).toMatch(/^ {20,}list_segments_ddl {2,}List segments DDL {2,}dropdown helper, reads only$/m);
  });

  it('describes an operation as its fields: required marks, types and limits, defaults, descriptions, choices', async () => {
    const { output } = await cli('describe', 'customer-io-app', 'send_transactional_email');
    const text = output as string;
    expect(text.split('\n').slice(0, 2)).toEqual([
      'send_transactional_email: Send transactional email  (Customer.io - App, customer-io-app)',
      'POST /send/email   writes, not safe to repeat, sends a message   group: Transactional messages',
    ]);
    expect(text).toContain('  identifiers*  one of: By ID | By email | By Customer.io ID\n      The person this message is for');
    expect(text).toContain('      By ID:\n        id*  text, not empty, at most 150 bytes\n');
    expect(text).toContain('  to  text\n');
    expect(text).toContain('  tracked  true or false  [advanced]\n');
    const raw = (await cli('describe', 'customer-io', 'raw_http_request')).output as string;
    expect(raw).toContain('  method*  one of "GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS", default "GET"\n');
    expect(raw).toContain('  parse_response  one of "true" (All), "json" (JSON only), "false" (None), default "true"  [advanced]\n');
  });

  it.each([
    [['describe', 'customer-oi'], 'unknown connector "customer-oi"; did you mean customer-io? (the connectors are customer-io, customer-io-app, customer-io-beta, customer-io-trigger)'],
    [['describe', 'app'], 'unknown connector "app"; did you mean customer-io-app?'],
    [['describe', 'customer-io', 'track_custom_evnt'], 'connector customer-io has no operation "track_custom_evnt"; did you mean track_custom_event? (cio-connectors describe customer-io lists its operations)'],
    [['describe', 'customer-io', 'track_event'], 'did you mean track_custom_event or track_anonymous_event?'],
    [['run', 'customer-io-app', 'send_transactional_emial', '--auth', '{not even json'], 'connector customer-io-app has no operation "send_transactional_emial"; did you mean send_transactional_email?'],
    [['run', 'customer-io', 'send_transactional_email', '--auth', TRACK_AUTH_JSON], 'connector customer-io has no operation "send_transactional_email"; customer-io-app has it'],
    [['run', 'customer-io-ap', 'list_segments', '--auth', TRACK_AUTH_JSON], 'unknown connector "customer-io-ap"; did you mean customer-io-app?'],
    [['describ', 'customer-io'], 'unknown command "describ"; did you mean describe?'],
    [['import', 'customer-io', 'bulk_identify_customer', '--file', 'people.csv'], 'not customer-io bulk_identify_customer; did you mean customer-io bulk_identify_customers?'],
  ])('answers a mistyped name with "did you mean" before reading credentials or input: %j', async (argv, message) => {
    const attempt = cli(...argv);
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('suggests nothing when nothing is close', async () => {
    await expect(cli('describe', 'customer-io', 'frobnicate')).rejects.toThrow(/^connector customer-io has no operation "frobnicate" \(cio-connectors describe customer-io lists its operations\)$/);
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
