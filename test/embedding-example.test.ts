// docs/embedding.md's minimal host is real code: the guide shows docs/examples/minimal-host.ts
// verbatim, the root `tsc` type-checks it against the package's own entry points (as a host
// imports them), and here it runs against the sandbox and its event arrives there.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { loadConnectors } from '../runtime/index.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const example = readFileSync(new URL('../docs/examples/minimal-host.ts', import.meta.url), 'utf8');

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());

describe('the minimal host in docs/embedding.md', () => {
  it('is shown in the guide exactly as it is tested', () => {
    const guide = readFileSync(new URL('../docs/embedding.md', import.meta.url), 'utf8');
    expect(guide).toContain(`\`\`\`ts\n${example}\`\`\``);
    expect(example.split('\n').length).toBeLessThanOrEqual(45);
  });

  it('lists the connectors, prepares the form, sends the event with credentials redacted, and the sandbox has it', async () => {
    const { credentials, origin } = sandbox;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'docs/examples/minimal-host.ts'], {
      cwd: root,
      env: { ...process.env, CIO_ORIGIN: origin, CUSTOMERIO_SITE_ID: credentials.site_id, CUSTOMERIO_TRACK_API_KEY: credentials.track_api_key },
    });
    const lines = stdout.trim().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'customer-io 2.0: Customer.io - Track',
      'customer-io-app 1.0: Customer.io - App',
      'customer-io-beta 1.0: Customer.io - Beta',
      'customer-io-trigger 1.0: Customer.io - Triggers',
    ]);
    expect(lines[4]).toMatch(/^form "Track a custom event": \d+ fields with hints; sends a message: false$/);
    expect(lines[5]).toMatch(new RegExp(`^POST ${origin}/api/v1/customers/ada-42/events → 200 after 1 attempt\\(s\\) in \\d+ ms$`));
    expect(lines[6]).toBe('authorization shown as: [REDACTED]');
    expect(stdout).not.toContain(credentials.track_api_key);

    const registry = await loadConnectors({ rateLimiter: false });
    const activities = await registry.execute({
      connector: 'customer-io-app', operation: 'list_customer_activities',
      auth: { api_key: credentials.app_api_key, region: 'us' }, input: { customer: { id: 'ada-42' } }, options: { origin },
    });
    expect(activities).toMatchObject({ ok: true, output: { activities: expect.arrayContaining([expect.objectContaining({ type: 'event', name: 'signed_up', data: { plan: 'pro' } })]) } });
  });
});
