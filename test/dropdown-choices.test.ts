// Dropdowns list only what can work: each send_transactional_* form's template dropdown offers
// the templates of its channel, delete_segment's only manual segments, the email fields' senders
// only email senders. The sandbox holds eight transactional templates of six channels; what
// each dropdown answers, and what it sent to find out, is checked against it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConnectors, type Envelope, type Registry, type RuntimeEvent } from '../runtime/index.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';

let registry: Registry;
let sandbox: Sandbox;

beforeAll(async () => {
  registry = await loadConnectors({ rateLimiter: false });
  sandbox = await startSandbox({ rateLimit: false });
});
afterAll(() => sandbox.close());

async function choices(connector: string, operation: string, input: Record<string, unknown>, events: RuntimeEvent[] = []): Promise<Envelope> {
  return registry.execute({
    connector,
    operation,
    auth: { api_key: sandbox.credentials.app_api_key, region: 'us', ...(connector === 'customer-io-trigger' ? { signing_key: 'key-test' } : {}) },
    input,
    options: { origin: sandbox.origin, onEvent: (event) => events.push(event) },
  });
}

const texts = (envelope: Envelope) => ((envelope as { output: { result: { text: string }[] } }).output.result ?? []).map((choice) => choice.text);

/** The lookup hint a form's field runs its dropdown with. */
async function lookupOf(connector: string, operation: string, path: string[]): Promise<{ operation: string; input?: Record<string, unknown> }> {
  let node = registry.describe(connector).operations.find((o) => o.name === operation)!.input_schema as Record<string, unknown>;
  for (const key of path) node = key.startsWith('oneOf:') ? (node.oneOf as Record<string, unknown>[])[Number(key.slice(6))]! : (node.properties as Record<string, Record<string, unknown>>)[key]!;
  return node.lookup as { operation: string; input?: Record<string, unknown> };
}

describe('the transactional message dropdowns', () => {
  it.each([
    ['send_transactional_email', ['content', 'oneOf:0', 'transactional_message_id'], ['Password reset', 'Order receipt']],
    ['send_transactional_push', ['transactional_message_id'], ['Order shipped (push)', 'Login alert']],
    ['send_transactional_sms', ['transactional_message_id'], ['Login code']],
    ['send_transactional_whatsapp', ['transactional_message_id'], ['Order update (WhatsApp)']],
    ['send_transactional_in_app', ['transactional_message_id'], ['Order banner']],
    ['send_transactional_inbox_message', ['transactional_message_id'], ['Order shipped (inbox)']],
  ])('of %s list only the templates of its channel', async (operation, path, expected) => {
    const lookup = await lookupOf('customer-io-app', operation, path);
    expect(lookup.operation).toBe('list_transactional_messages_ddl');
    const answer = await choices('customer-io-app', lookup.operation, lookup.input ?? {});
    expect(answer.ok).toBe(true);
    expect(texts(answer)).toEqual(expected);
  });

  it('read the list, then each template’s contents, and send the channel nowhere', async () => {
    const events: RuntimeEvent[] = [];
    await choices('customer-io-app', 'list_transactional_messages_ddl', { type: ['email'] }, events);
    const urls = events.filter((e) => e.type === 'attempt').map((e) => new URL((e as { request: { url: string } }).request.url).pathname + new URL((e as { request: { url: string } }).request.url).search);
    expect(urls[0]).toBe('/v1/transactional');
    expect(urls.slice(1).sort()).toEqual(['/v1/transactional/10/contents', '/v1/transactional/11/contents', '/v1/transactional/3/contents', '/v1/transactional/4/contents', '/v1/transactional/5/contents', '/v1/transactional/6/contents', '/v1/transactional/7/contents', '/v1/transactional/9/contents']);
  });

  it('list every template in one request when no channel is asked for (a field that takes any)', async () => {
    const events: RuntimeEvent[] = [];
    const answer = await choices('customer-io-app', 'list_transactional_messages_ddl', {}, events);
    expect(texts(answer)).toHaveLength(8);
    expect(events.filter((e) => e.type === 'attempt')).toHaveLength(1);
  });

  it('show only the list request in a dry run', async () => {
    const answer = await registry.execute({ connector: 'customer-io-app', operation: 'list_transactional_messages_ddl', auth: { api_key: 'key-test', region: 'us' }, input: { type: ['email'] }, options: { dryRun: true } });
    expect(answer).toEqual({ ok: true, request: expect.objectContaining({ method: 'GET', url: 'https://api.customer.io/v1/transactional' }) });
  });

  it('of the triggers list the templates that can cause their events', async () => {
    const email = await lookupOf('customer-io-trigger', 'watch_email_events', ['transactional_message_id']);
    expect(texts(await choices('customer-io-trigger', email.operation, email.input ?? {}))).toEqual(['Password reset', 'Order receipt']);
    const push = await lookupOf('customer-io-trigger', 'watch_push_events', ['transactional_message_id']);
    expect(texts(await choices('customer-io-trigger', push.operation, push.input ?? {}))).toEqual(['Order shipped (push)', 'Login alert']);
  });
});

describe('a dropdown that follows another field of its form', () => {
  it('lists the actions of the campaign chosen beside it, on App and Beta', async () => {
    for (const connector of ['customer-io-app', 'customer-io-beta']) {
      const lookup = await lookupOf(connector, 'get_campaign_action', ['action_id']);
      expect(lookup).toEqual({ operation: 'list_campaign_actions_ddl', input: { campaign_id: '{{{campaign_id}}}' } });
      const actions = (await choices(connector, 'list_campaign_actions', { campaign_id: 5, all_pages: true })) as { output: { actions: { id: number }[] } };
      const listed = (await choices(connector, 'list_campaign_actions_ddl', { campaign_id: 5 })) as { output: { result: { value: number }[] } };
      expect(listed.output.result.map((choice) => choice.value)).toEqual(actions.output.actions.map((action) => action.id));
      expect(listed.output.result.length).toBeGreaterThan(0);
    }
  });
});

describe('other dropdowns that narrow', () => {
  it('offer only manual segments to delete (dynamic ones are deleted in Customer.io only)', async () => {
    const lookup = await lookupOf('customer-io-app', 'delete_segment', ['segment_id']);
    expect(texts(await choices('customer-io-app', lookup.operation, lookup.input ?? {}))).toEqual(['VIP']);
    expect(texts(await choices('customer-io-app', 'list_segments_ddl', {}))).toEqual(['Trial users', 'VIP']);
  });

  it('offer only email senders for an email’s sender', async () => {
    const lookup = await lookupOf('customer-io-app', 'update_transactional_message_content', ['from_id']);
    expect(lookup.input).toEqual({ template_type: ['email'] });
    expect(texts(await choices('customer-io-app', lookup.operation, lookup.input ?? {}))).toEqual(['Acme Support', 'Acme Security', 'Acme News']);
    expect(texts(await choices('customer-io-app', lookup.operation, { template_type: ['phone'] }))).toEqual([]);
  });

  it('offer only email newsletters to link a Design Studio email to', async () => {
    const sms = await choices('customer-io-app', 'create_newsletter', { name: 'Flash sale SMS', recipients: { segment: { id: 8 } }, content: { type: 'twilio', body: 'Flash sale today' } });
    expect(sms.ok).toBe(true);
    const lookup = await lookupOf('customer-io-app', 'link_design_email', ['target', 'oneOf:1', 'newsletter_id']);
    expect(lookup).toEqual({ operation: 'list_newsletters_ddl', input: { type: ['email'] } });
    const newsletters = (await choices('customer-io-app', 'list_newsletters', {})) as { output: { newsletters: { name: string; type: string }[] } };
    const emailOnes = newsletters.output.newsletters.filter((n) => n.type === 'email').map((n) => n.name);
    expect(emailOnes.length).toBeLessThan(newsletters.output.newsletters.length);
    expect(texts(await choices('customer-io-app', 'list_newsletters_ddl', lookup.input ?? {}))).toEqual(emailOnes);
    expect(texts(await choices('customer-io-app', 'list_newsletters_ddl', { type: ['twilio'] }))).toEqual(['Flash sale SMS']);
  });
});
