// `cio-connectors listen` against the sandbox: it registers a webhook for the events asked for,
// prints each verified event as one NDJSON line (and nothing else) on stdout, and removes the
// webhook when it stops.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runListenCommand } from '../cli/listen.js';
import { UsageError } from '../cli/main.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { sharedRegistry } from './helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, deliverAfterMs: 50, webhookDelivery: { retryDelaysMs: [50], longFirstRetryMs: 50, maxAttempts: 3 } });
});
afterAll(() => sandbox.close());

function collector() {
  let text = '';
  return { write: (chunk: string) => ((text += chunk), true), text: () => text };
}

describe('cio-connectors listen', () => {
  it('prints the events as NDJSON and removes its webhook on stop', async () => {
    const registry = await sharedRegistry();
    const out = collector();
    const err = collector();
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const appAuth = { api_key: sandbox.credentials.app_api_key, region: 'us' };
    const auth = JSON.stringify({ ...appAuth, signing_key: sandbox.credentials.webhook_signing_key });
    let webhookId: string | number | undefined;
    const listening = runListenCommand(['customer-io-trigger', '--events', 'email_sent,email_delivered', '--auth', auth, '--origin', sandbox.origin], {}, registry, {
      out, err, stopped,
      onReady: ({ state }) => {
        webhookId = state.webhook_id;
        void (async () => {
          const sent = await registry.execute({
            connector: 'customer-io-app', operation: 'send_transactional_email', auth: appAuth,
            input: { identifiers: { email: 'ada@example.com' }, to: 'ada@example.com', content: { from: 'shop@example.com', subject: 'Hello', body: '<p>Hi</p>' } },
            options: { origin: sandbox.origin },
          });
          expect(sent).toMatchObject({ ok: true });
          await sandbox.webhooks.idle();
          stop();
        })();
      },
    });
    const { exitCode, output } = await listening;
    expect(exitCode).toBe(0);
    expect(output).toBeUndefined();
    const lines = out.text().trim().split('\n').map((line) => JSON.parse(line) as { object_type: string; metric: string; data: { recipient: string } });
    expect(lines.map((e) => `${e.object_type}_${e.metric}`)).toEqual(['email_sent', 'email_delivered']);
    expect(lines.every((e) => e.data.recipient === 'ada@example.com')).toBe(true);
    expect(err.text()).toContain('watch_email_events registered as webhook');
    expect(err.text()).toContain(`webhook ${String(webhookId)} removed after 2 events`);
    const list = await registry.execute({ connector: 'customer-io-trigger', operation: 'list_reporting_webhooks', auth: JSON.parse(auth), input: {}, options: { origin: sandbox.origin } });
    expect((list as { output: { reporting_webhooks: { id: number }[] } }).output.reporting_webhooks.map((w) => w.id)).not.toContain(webhookId);
    expect(err.text()).not.toContain(sandbox.credentials.webhook_signing_key);
  });

  it('refuses events no trigger offers, before registering anything', async () => {
    const registry = await sharedRegistry();
    const io = { out: collector(), err: collector(), stopped: Promise.resolve() };
    await expect(runListenCommand(['customer-io-trigger', '--events', 'email_teleported', '--auth', '{"api_key":"k-test","region":"us","signing_key":"s-test"}'], {}, registry, io))
      .rejects.toThrow(new UsageError('no trigger of customer-io-trigger offers email_teleported'));
  });

  it('answers a mistyped event or trigger with "did you mean"', async () => {
    const registry = await sharedRegistry();
    const io = { out: collector(), err: collector(), stopped: Promise.resolve() };
    const auth = '{"api_key":"k-test","region":"us","signing_key":"s-test"}';
    await expect(runListenCommand(['customer-io-trigger', '--events', 'email_bouncd', '--auth', auth], {}, registry, io))
      .rejects.toThrow(new UsageError('no trigger of customer-io-trigger offers email_bouncd; did you mean email_bounced?'));
    await expect(runListenCommand(['customer-io-trigger', 'watch_emial_events', '--events', 'email_bounced', '--auth', auth], {}, registry, io))
      .rejects.toThrow(/^customer-io-trigger has no trigger "watch_emial_events"; did you mean watch_email_events\? \(choose watch_email_events, /);
  });
});
