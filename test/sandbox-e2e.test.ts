// The sandbox end to end, through the real runtime and got over loopback (no nock): every
// operation the sandbox says it serves runs its first example, a person's journey shows up
// consistently across Track, App and Beta, Customer.io's errors and limits come back as the
// right envelopes, and a state file survives a restart.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConnectors, type Envelope, type ExecuteOptions, type Registry } from '../runtime/index.js';
import { loadManifest } from '../runtime/loader.js';
import { compileSchema, describeErrors } from '../runtime/input/validation.js';
import { readSandboxStateFile, servedOperations, startSandbox, type ConnectorName, type Sandbox } from '../sandbox/index.js';
import { baseFixtures, examplePreparations } from './sandbox-examples.js';

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

const TRACK = 'customer-io';
const APP = 'customer-io-app';
const BETA = 'customer-io-beta';
const NO_RETRY = { retry: { maxAttempts: 1 } } as const;

let registry: Registry;

function client(sandbox: Sandbox) {
  const auth = (connector: string) =>
    connector === TRACK
      ? { site_id: sandbox.credentials.site_id, api_key: sandbox.credentials.track_api_key, region: 'us' }
      : { api_key: sandbox.credentials.app_api_key, region: 'us', ...(connector === 'customer-io-trigger' ? { signing_key: sandbox.credentials.webhook_signing_key } : {}) };
  const run = (connector: string, operation: string, input: Input = {}, options: ExecuteOptions = {}) =>
    registry.execute({ connector, operation, auth: auth(connector), input, options: { origin: sandbox.origin, ...options } });
  /** Runs an operation that must succeed and returns its output. */
  const ok = async (connector: string, operation: string, input: Input = {}): Promise<Output> => {
    const result = await run(connector, operation, input);
    if (!result.ok || !('output' in result)) throw new Error(`${connector} ${operation} failed: ${JSON.stringify(result)}`);
    return result.output as Output;
  };
  /** Runs an operation that must fail and returns the envelope's error. */
  const failed = async (connector: string, operation: string, input: Input = {}, options: ExecuteOptions = NO_RETRY) => {
    const result = await run(connector, operation, input, options);
    if (result.ok) throw new Error(`${connector} ${operation} succeeded but should have failed: ${JSON.stringify(result)}`);
    return (result as Extract<Envelope, { ok: false }>).error;
  };
  return { run, ok, failed };
}

beforeAll(async () => {
  registry = await loadConnectors({ rateLimiter: false });
});

describe('every operation the sandbox serves', () => {
  let sandbox: Sandbox;
  let api: ReturnType<typeof client>;
  let sharedPreparations: ReturnType<typeof examplePreparations>;
  let manualSegment: number;
  const definitions = new Map(loadManifest().map((c) => [c.name, c]));
  const served = servedOperations();
  const cases = (Object.keys(served) as ConnectorName[]).flatMap((connector) => served[connector].map((operation) => [connector, operation] as const));

  // Every change is journaled (compacted now and then): the last case replays the file.
  const stateFile = join(mkdtempSync(join(tmpdir(), 'cio-sandbox-sweep-')), 'state.json');

  beforeAll(async () => {
    // The App limit stays on, sized for a suite that calls about two hundred operations a second.
    sandbox = await startSandbox({ rateLimit: { requests: 10_000, windowMs: 1000 }, broadcastTriggerIntervalMs: 0, stateFile, compactAfterBytes: 64 * 1024 });
    api = client(sandbox);
    sharedPreparations = examplePreparations(api.ok);
    manualSegment = (await api.ok(APP, 'create_manual_segment', { name: 'Sweep members' }) as { segment: { id: number } }).segment.id;
  });
  afterAll(() => sandbox.close());

  /** The people, object and device the examples talk about, (re)created before the examples that need them. */
  const fixtures = () => baseFixtures(api.ok);

  const deliveryTo42 = async () => (await api.ok(APP, 'send_transactional_email', { identifiers: { id: '42' }, content: { transactional_message_id: 3 }, message_data: { link: 'https://acme.example/reset' } })).delivery_id as string;
  const cioIdOf42 = async () => ((await api.ok(APP, 'get_customer_attributes', { customer: { id: '42' } })).customer as { identifiers: { cio_id: string } }).identifiers.cio_id;

  /** Where an example names something that must first exist (or must not be a shared fixture), make
   * it; the other operations take the preparations they share with the example sweep (sandbox-examples.ts). */
  const prepare: Record<string, (input: Input, connector: string) => Promise<Input>> = {
    delete_customer: async (input) => {
      await api.ok(TRACK, 'create_or_update_customer', { identifier: 'to-delete' });
      return { ...input, identifier: 'to-delete' };
    },
    suppress_customer: async (input) => ({ ...input, identifier: 'to-suppress' }),
    unsuppress_customer: async (input) => ({ ...input, identifier: 'to-suppress' }),
    add_customers_to_segment: async (input) => ({ ...input, segment_id: manualSegment }),
    remove_customers_from_segment: async (input) => ({ ...input, segment_id: manualSegment }),
    unsubscribe_delivery: async (input) => ({ ...input, delivery_id: await deliveryTo42() }),
    report_delivery_metric: async (input) => ({ ...input, delivery_id: await deliveryTo42() }),
    report_push_metric: async (input) => ({ ...input, delivery_id: await deliveryTo42() }),
    delete_object_relationships: async (input) => ({ ...input, relationships: [{ identifiers: { id: '42' } }, { identifiers: { cio_id: await cioIdOf42() } }] }),
  };

  it('lists only operations its connectors have, and every connector has some', () => {
    for (const connector of Object.keys(served) as ConnectorName[]) {
      const known = definitions.get(connector)!.operationsByName;
      expect(served[connector].filter((name) => !known.has(name))).toEqual([]);
      expect(served[connector].length).toBeGreaterThan(connector === 'customer-io-trigger' ? 5 : 20);
    }
    expect(served[TRACK].sort()).toEqual([...definitions.get(TRACK)!.operationsByName.keys()].sort());
  });

  // Only Track writes can delete or merge the fixtures away; App and Beta examples leave them be.
  let fixturesStale = true;

  it.each(cases)('%s %s runs its first example and answers in its output schema', async (connector, name) => {
    const operation = definitions.get(connector)!.operationsByName.get(name)!;
    const example = operation.examples[0];
    if (fixturesStale || connector === TRACK) await fixtures();
    fixturesStale = connector === TRACK;
    // What this table does not prepare, the shared preparations (sandbox-examples.ts) do.
    const shared = sharedPreparations[name];
    const input = prepare[name] ? await prepare[name](structuredClone(example.input), connector) : shared ? await shared(structuredClone(example.input), connector, 0) : structuredClone(example.input);
    const output = await api.ok(connector, name, input);

    const validate = compileSchema(operation.output_schema);
    const problems = validate(output) ? [] : describeErrors(validate.errors ?? [], operation.output_schema, 'output', output).map((p) => p.message);
    expect(problems).toEqual([]);
    // The same shape as Customer.io's answer in the example: the same top-level keys.
    if (Array.isArray(example.output)) expect(Array.isArray(output)).toBe(true);
    else if (example.output && typeof example.output === 'object') expect(Object.keys(output).sort()).toEqual(expect.arrayContaining(Object.keys(example.output as object).sort()));
  });

  it('journals every change so that its state file replays to the very same workspace', async () => {
    const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
    expect(sandbox.storage!.stats().seq).toBeGreaterThan(cases.length / 2);
    expect(plain(readSandboxStateFile(stateFile))).toEqual(plain(sandbox.state));
    await sandbox.storage!.compact();
    expect(plain(readSandboxStateFile(stateFile))).toEqual(plain(sandbox.state));
    expect(sandbox.storage!.stats().compactions).toBeGreaterThan(0);
  });
});

describe('one workspace across Track, App and Beta', () => {
  let sandbox: Sandbox;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    // deliverAfterMs 0: here Track reports every metric itself, and the exact metric lists
    // checked below must not race the sandbox's own "delivered" (test/sandbox-webhooks covers it).
    sandbox = await startSandbox({ rateLimit: { requests: 1000, windowMs: 1000 }, deliverAfterMs: 0 });
    api = client(sandbox);
  });
  afterAll(() => sandbox.close());

  it('shows a person identified, tracked, segmented and messaged through Track in App and Beta', async () => {
    // Track: identify, and an event sent twice with the same ID (a retry).
    await api.ok(TRACK, 'create_or_update_customer', { identifier: 'wf-1', email: 'lin@example.com', custom_attributes: { plan: 'pro', first_name: 'Lin', seats: 3 } });
    await api.ok(TRACK, 'track_custom_event', { identifier: 'wf-1', name: 'signed_up', id: '01JGFJJZ0000000000000000WF', data: { source: 'ad' } });
    await api.ok(TRACK, 'track_custom_event', { identifier: 'wf-1', name: 'signed_up', id: '01JGFJJZ0000000000000000WF', data: { source: 'ad' } });
    await api.ok(TRACK, 'create_or_update_customer', { identifier: 'wf-2', email: 'lin@example.com', custom_attributes: { plan: 'free' } });

    // App: a manual segment, filled through Track.
    const segment = (await api.ok(APP, 'create_manual_segment', { name: 'Workflow', description: 'e2e' })).segment as { id: number; type: string };
    expect(segment.type).toBe('manual');
    await api.ok(TRACK, 'add_customers_to_segment', { segment_id: segment.id, ids: ['wf-1', 'wf-2', 'nobody'] });

    const byEmail = (await api.ok(APP, 'get_customers_by_email', { email: 'LIN@example.com' })).results as { id: string }[];
    expect(byEmail.map((p) => p.id).sort()).toEqual(['wf-1', 'wf-2']);

    const search = await api.ok(APP, 'search_customers', { filter: { and: [{ segment: { id: segment.id } }, { not: { attribute: { field: 'plan', operator: 'eq', value: 'free' } } }] } });
    expect(search.ids).toEqual(['wf-1']);
    const either = await api.ok(APP, 'search_customers', { filter: { or: [{ attribute: { field: 'seats', operator: 'exists' } }, { attribute: { field: 'plan', operator: 'eq', value: 'free' } }] } });
    expect((either.ids as string[]).sort()).toEqual(['wf-1', 'wf-2']);

    const profile = (await api.ok(APP, 'get_customer_attributes', { customer: { email: 'lin@example.com' } })).customer as { identifiers: { cio_id: string }; attributes: Record<string, string> };
    expect(profile.attributes).toMatchObject({ id: 'wf-1', email: 'lin@example.com', plan: 'pro', seats: '3' });
    const byCioId = (await api.ok(APP, 'get_customer_attributes', { customer: { cio_id: profile.identifiers.cio_id } })).customer as { id: string };
    expect(byCioId.id).toBe('wf-1');
    const bulk = (await api.ok(APP, 'get_bulk_customer_attributes', { ids: ['wf-1', 'wf-2', 'nobody'] })).customers as unknown[];
    expect(bulk).toHaveLength(2);

    const segments = (await api.ok(APP, 'list_customer_segments', { customer: { id: 'wf-1' } })).segments as { id: number }[];
    expect(segments.map((s) => s.id)).toContain(segment.id);
    expect(await api.ok(APP, 'get_segment_customer_count', { segment_id: segment.id })).toEqual({ segment_id: segment.id, count: 2 });
    const firstPage = await api.ok(APP, 'list_segment_members', { segment_id: segment.id, limit: 1 });
    const secondPage = await api.ok(APP, 'list_segment_members', { segment_id: segment.id, limit: 1, start: firstPage.next });
    expect([...(firstPage.ids as string[]), ...(secondPage.ids as string[])]).toEqual(['wf-1', 'wf-2']);
    expect(secondPage.next).toBe('');

    const activities = (await api.ok(APP, 'list_customer_activities', { customer: { id: 'wf-1' }, type: 'event' })).activities as { name: string; data: unknown }[];
    expect(activities).toEqual([expect.objectContaining({ name: 'signed_up', data: { source: 'ad' } })]);
    const everywhere = (await api.ok(APP, 'list_activities', { customer_id: 'lin@example.com', id_type: 'email', name: 'signed_up' })).activities as unknown[];
    expect(everywhere).toHaveLength(1);

    // A transactional send is a delivery in the outbox, listed by every message endpoint.
    const sent = await api.ok(APP, 'send_transactional_email', { identifiers: { id: 'wf-1' }, content: { transactional_message_id: 3 }, message_data: { link: 'https://acme.example/r' } });
    expect(sent).toEqual({ delivery_id: expect.any(String), queued_at: expect.any(Number) });
    const listed = (await api.ok(APP, 'list_messages', {})).messages as { id: string; recipient: string; subject: string }[];
    expect(listed).toContainEqual(expect.objectContaining({ id: sent.delivery_id, recipient: 'lin@example.com', subject: 'Reset your password' }));
    const message = (await api.ok(APP, 'get_message', { message_id: sent.delivery_id as string })).message as { customer_id: string; transactional_message_id: number };
    expect(message).toMatchObject({ customer_id: 'wf-1', transactional_message_id: 3 });
    const archived = (await api.ok(APP, 'get_archived_message', { message_id: sent.delivery_id as string })).archived_message as { body: string };
    expect(archived.body).toContain('Hi Lin, <a href="https://acme.example/r">');
    expect(((await api.ok(APP, 'list_customer_messages', { customer: { id: 'wf-1' } })).messages as { id: string }[]).map((m) => m.id)).toEqual([sent.delivery_id]);
    expect(((await api.ok(APP, 'list_transactional_message_deliveries', { transactional_id: 3 })).messages as { id: string }[]).map((m) => m.id)).toEqual([sent.delivery_id]);

    // Track's delivery metrics move it on; App's message and metrics show it.
    await api.ok(TRACK, 'report_delivery_metric', { delivery_id: sent.delivery_id as string, metric: 'clicked', href: 'https://acme.example/r' });
    const clicked = (await api.ok(APP, 'get_message', { message_id: sent.delivery_id as string })).message as { metrics: Record<string, number> };
    expect(Object.keys(clicked.metrics).sort()).toEqual(['clicked', 'sent']);
    const metrics = (await api.ok(APP, 'get_transactional_message_metrics', { transactional_id: 3, period: 'days', steps: 1 })).metric as { series: Record<string, number[]> };
    expect(metrics.series).toMatchObject({ sent: [1], clicked: [1] });
    const links = (await api.ok(APP, 'get_transactional_message_link_metrics', { transactional_id: 3, period: 'days', steps: 1 })).links as { link: { href: string } }[];
    expect(links.map((l) => l.link.href)).toEqual(['https://acme.example/r']);

    // A broadcast trigger sends the broadcast's active actions to the audience picked.
    const triggered = await api.ok(APP, 'trigger_broadcast', { broadcast_id: 12, data: { headline: 'Last day!' }, audience: { emails: ['lin@example.com'], email_add_duplicates: true } });
    expect(triggered).toEqual({ id: expect.any(Number) });
    expect(await api.ok(APP, 'get_broadcast_trigger_status', { broadcast_id: 12, trigger_id: triggered.id as number })).toMatchObject({ recipients_count: 2, processed_at: expect.any(Number) });
    const broadcastMessages = (await api.ok(APP, 'list_broadcast_messages', { broadcast_id: 12 })).messages as { customer_id: string; subject: string; action_id: number }[];
    expect(broadcastMessages.map((m) => m.customer_id).sort()).toEqual(['wf-1', 'wf-2']);
    expect(broadcastMessages[0]).toMatchObject({ subject: 'Spring sale starts now', action_id: 31 });
    const activity = (await api.ok(APP, 'list_customer_activities', { customer: { id: 'wf-1' }, type: 'sent_email' })).activities as unknown[];
    expect(activity).toHaveLength(2);

    // Beta reads the same workspace.
    expect(((await api.ok(BETA, 'get_customer_attributes', { customer: { id: 'wf-1' } })).customer as { id: string }).id).toBe('wf-1');
    expect(((await api.ok(BETA, 'list_customer_segments', { customer: { id: 'wf-1' } })).segments as { id: number }[]).map((s) => s.id)).toContain(segment.id);

    // Removal through Track, deletion through Track: App sees both.
    await api.ok(TRACK, 'remove_customers_from_segment', { segment_id: segment.id, ids: ['wf-1'] });
    expect(((await api.ok(APP, 'list_customer_segments', { customer: { id: 'wf-1' } })).segments as { id: number }[]).map((s) => s.id)).not.toContain(segment.id);
    await api.ok(TRACK, 'delete_customer', { identifier: 'wf-2' });
    expect(await api.failed(APP, 'get_customer_attributes', { customer: { id: 'wf-2' } })).toMatchObject({ code: 'api_error', status_code: 404 });
  });

  it('keeps objects, relationships, devices, merges and suppression consistent', async () => {
    await api.ok(TRACK, 'create_or_update_customer', { identifier: 'obj-1', email: 'kim@example.com' });
    await api.ok(TRACK, 'create_or_update_object', { object_type_id: '1', object_id: 'initech', attributes: { plan: 'enterprise', seats: 20 } });
    await api.ok(TRACK, 'add_object_relationships', { object_type_id: '1', object_id: 'initech', relationships: [{ identifiers: { id: 'obj-1' }, relationship_attributes: { role: 'owner' } }] });
    const related = (await api.ok(APP, 'list_customer_relationships', { customer: { id: 'obj-1' } })).cio_relationships as { identifiers: { object_id: string }; attributes: Record<string, string> }[];
    expect(related).toEqual([expect.objectContaining({ identifiers: expect.objectContaining({ object_id: 'initech' }), attributes: { role: 'owner' } })]);
    const found = await api.ok(APP, 'search_objects', { object_type_id: '1', filter: { and: [{ object_attribute: { field: 'plan', operator: 'eq', value: 'enterprise', type_id: '1' } }] } });
    expect(found.ids).toContain('initech');
    const members = (await api.ok(APP, 'list_object_relationships', { object_type_id: 1, object: { object_id: 'initech' } })).cio_relationships as { identifiers: { id: string } }[];
    expect(members.map((m) => m.identifiers.id)).toEqual(['obj-1']);

    await api.ok(TRACK, 'add_or_update_device', { identifier: 'obj-1', device_id: 'tok-1', platform: 'android' });
    expect(((await api.ok(APP, 'get_customer_attributes', { customer: { id: 'obj-1' } })).customer as { devices: { id: string }[] }).devices.map((d) => d.id)).toEqual(['tok-1']);

    await api.ok(TRACK, 'create_or_update_customer', { identifier: 'obj-2', custom_attributes: { tier: 'gold' } });
    await api.ok(TRACK, 'merge_customers', { primary: { id: 'obj-1' }, secondary: { id: 'obj-2' } });
    expect(((await api.ok(APP, 'get_customer_attributes', { customer: { id: 'obj-1' } })).customer as { attributes: Record<string, string> }).attributes.tier).toBe('gold');
    expect(await api.failed(APP, 'get_customer_attributes', { customer: { id: 'obj-2' } })).toMatchObject({ status_code: 404 });

    await api.ok(TRACK, 'suppress_customer', { identifier: 'obj-1' });
    await api.ok(TRACK, 'create_or_update_customer', { identifier: 'obj-1', custom_attributes: { back: true } });
    expect(await api.failed(APP, 'get_customer_attributes', { customer: { id: 'obj-1' } })).toMatchObject({ status_code: 404 });
    await api.ok(TRACK, 'unsuppress_customer', { identifier: 'obj-1' });
    await api.ok(TRACK, 'create_or_update_customer', { identifier: 'obj-1', custom_attributes: { back: true } });
    expect(((await api.ok(APP, 'get_customer_attributes', { customer: { id: 'obj-1' } })).customer as { attributes: Record<string, string> }).attributes).toEqual({ id: 'obj-1', back: 'true' });
  });

  it('merges anonymous activity into the person who later identifies with it', async () => {
    await api.ok(TRACK, 'track_anonymous_event', { anonymous_id: 'anon-9', name: 'viewed_pricing' });
    await api.ok(TRACK, 'create_or_update_customer', { identifier: 'anon-person', anonymous_id: 'anon-9' });
    const activities = (await api.ok(APP, 'list_customer_activities', { customer: { id: 'anon-person' } })).activities as { name: string }[];
    expect(activities.map((a) => a.name)).toEqual(['viewed_pricing']);
  });
});

describe('errors and limits, as Customer.io answers them', () => {
  let sandbox: Sandbox;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    sandbox = await startSandbox({ rateLimit: { requests: 1000, windowMs: 1000 } });
    api = client(sandbox);
  });
  afterAll(() => sandbox.close());

  const raw = (method: string, endpoint: string, body: unknown) => ({ method, url: { endpoint }, body: body === undefined ? { none: null } : { raw: body } });

  it('refuses wrong credentials with 401 auth_error on every API', async () => {
    const wrong = async (connector: string, auth: Input) => {
      const result = await registry.execute({ connector, operation: connector === TRACK ? 'get_account_region' : 'list_segments', auth, input: {}, options: { origin: sandbox.origin } });
      return (result as Extract<Envelope, { ok: false }>).error;
    };
    expect(await wrong(TRACK, { site_id: 'sandbox-site', api_key: 'not-the-key', region: 'us' })).toMatchObject({ code: 'auth_error', status_code: 401 });
    expect(await wrong(APP, { api_key: 'not-the-key', region: 'us' })).toMatchObject({ code: 'auth_error', status_code: 401 });
    expect(await wrong(BETA, { api_key: sandbox.credentials.track_api_key, region: 'us' })).toMatchObject({ code: 'auth_error', status_code: 401 });
    expect((await registry.testAuth(TRACK, { site_id: 'sandbox-site', api_key: 'sandbox-track-key', region: 'us' }, { origin: sandbox.origin })).ok).toBe(true);
  });

  it('answers 404 for an unknown person, and says which App routes it does not serve', async () => {
    expect(await api.failed(APP, 'get_customer_attributes', { customer: { id: 'ghost' } })).toMatchObject({ code: 'api_error', status_code: 404 });
    const unserved = await api.failed(APP, 'raw_http_request', raw('GET', '/not_an_endpoint', undefined));
    expect(unserved).toMatchObject({ code: 'api_error', status_code: 404, body: { errors: [{ detail: 'the sandbox does not serve GET /v1/not_an_endpoint', status: '404' }] } });
  });

  it('refuses what is over Customer.io’s limits with 400 and a message that says why', async () => {
    const longValue = await api.failed(TRACK, 'raw_http_request', raw('PUT', '/v1/customers/42', { plan: 'x'.repeat(1001) }));
    expect(longValue).toMatchObject({ code: 'api_error', status_code: 400, body: { meta: { errors: ['attributes.plan: attribute values must be at most 1000 bytes (it is 1001)'] } } });
    expect(longValue.message).toContain('attribute values must be at most 1000 bytes');

    const longName = await api.failed(TRACK, 'raw_http_request', raw('POST', '/v1/customers/42/events', { name: 'e'.repeat(101) }));
    expect(longName.message).toContain('event names must be at most 100 bytes (it is 101)');
    const tooMany = await api.failed(TRACK, 'raw_http_request', raw('PUT', '/v1/customers/42', Object.fromEntries(Array.from({ length: 301 }, (_, i) => [`a${i}`, i]))));
    expect(tooMany.message).toContain('at most 300 attributes');
    const segment = ((await api.ok(APP, 'create_manual_segment', { name: 'Limits' })).segment as { id: number }).id;
    const ids = await api.failed(TRACK, 'raw_http_request', raw('POST', `/v1/segments/${segment}/add_customers`, { ids: Array.from({ length: 1001 }, (_, i) => String(i)) }));
    expect(ids.message).toContain('between 1 and 1000');
    const entity = await api.failed(TRACK, 'raw_http_request', raw('POST', '/v2/entity', { type: 'person', action: 'identify', identifiers: { id: '42' }, attributes: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v'.repeat(900)])) }));
    expect(entity).toMatchObject({ status_code: 400, body: { errors: [expect.objectContaining({ reason: 'too_large' })] } });
    // None of them changed anything.
    expect(await api.failed(APP, 'get_customer_attributes', { customer: { id: '42' } })).toMatchObject({ status_code: 404 });
  });

  it('answers a batch with some bad items 207, applying the rest', async () => {
    const result = await api.ok(TRACK, 'send_batch', {
      batch: [
        { type: 'person', action: 'identify', identifiers: { id: 'b-1' }, attributes: { plan: 'pro' } },
        { type: 'object', action: 'identify', identifiers: { object_type_id: '99', object_id: 'x' } },
        { type: 'person', action: 'event', identifiers: { cio_id: 'nope' }, name: 'x' },
      ],
    });
    expect(result).toEqual({
      accepted: 1,
      failed: [
        { index: 1, reason: 'not_found', field: 'identifiers.object_type_id', message: 'object type 99 does not exist in this workspace' },
        { index: 2, reason: 'not_found', field: 'identifiers.cio_id', message: 'no person has cio_id nope' },
      ],
    });
    expect(((await api.ok(APP, 'get_customer_attributes', { customer: { id: 'b-1' } })).customer as { attributes: Record<string, string> }).attributes.plan).toBe('pro');
  });

  it('sends inline or from a template, and refuses a template that does not exist with meta.error', async () => {
    const error = await api.failed(APP, 'send_transactional_email', { identifiers: { id: '42' }, content: { transactional_message_id: 999 } });
    expect(error).toMatchObject({ code: 'api_error', status_code: 400, body: { meta: { error: 'transactional message 999 does not exist' } } });

    const inline = await api.ok(APP, 'send_transactional_email', { identifiers: { email: 'new@example.com' }, content: { from: 'Acme <hi@acme.example>', subject: 'Hello {{customer.email}}', body: '<p>Hi</p>' } });
    const archived = (await api.ok(APP, 'get_archived_message', { message_id: inline.delivery_id as string })).archived_message;
    expect(archived).toMatchObject({ recipient: 'new@example.com', from: 'Acme <hi@acme.example>', subject: 'Hello new@example.com' });
    // No device to push to: Customer.io queues the send, and the delivery fails.
    const push = await api.ok(APP, 'send_transactional_push', { identifiers: { email: 'new@example.com' }, transactional_message_id: 'login_alert' });
    expect((await api.ok(APP, 'get_message', { message_id: push.delivery_id as string })).message).toMatchObject({ type: 'push', failure_message: 'the person has no device to send this push to' });
    const sms = await api.ok(APP, 'send_transactional_sms', { identifiers: { email: 'new@example.com' }, transactional_message_id: 7, to: '+15555550123', message_data: { code: '123456' } });
    expect((await api.ok(APP, 'get_archived_message', { message_id: sms.delivery_id as string })).archived_message).toMatchObject({ type: 'twilio', body: 'Your Acme code is 123456' });

    const first = await api.ok(APP, 'list_messages', { limit: 2 });
    const rest = await api.ok(APP, 'list_messages', { limit: 2, start: first.next as string });
    expect((first.messages as { id: string }[]).map((m) => m.id)).toEqual([sms.delivery_id, push.delivery_id]);
    expect((rest.messages as { id: string }[]).map((m) => m.id)).toEqual([inline.delivery_id]);
    expect(rest.next).toBe('');
  });

  it('rate limits the App API at 10 requests in a second, and broadcast triggers at one per 10 s', async () => {
    const limited = await startSandbox();
    try {
      const burst = client(limited);
      const results = await Promise.all(Array.from({ length: 11 }, () => burst.run(APP, 'list_segments', {}, NO_RETRY)));
      expect(results.filter((r) => r.ok)).toHaveLength(10);
      expect(results.filter((r) => !r.ok).map((r) => (r as Extract<Envelope, { ok: false }>).error)).toEqual([expect.objectContaining({ code: 'rate_limited', status_code: 429 })]);
    } finally {
      await limited.close();
    }
    const triggers = await startSandbox({ seed: true });
    try {
      const once = client(triggers);
      await once.ok(TRACK, 'create_or_update_customer', { identifier: 't-1', email: 't@example.com' });
      await once.ok(APP, 'trigger_broadcast', { broadcast_id: 12 });
      const again = await once.failed(APP, 'trigger_broadcast', { broadcast_id: 12 });
      expect(again).toMatchObject({ code: 'rate_limited', status_code: 429 });
      expect(again.message).toContain('one request every 10 seconds');
    } finally {
      await triggers.close();
    }
  });
});

describe('a state file', () => {
  it('keeps the workspace across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cio-sandbox-'));
    const stateFile = join(dir, 'state.json');
    const first = await startSandbox({ stateFile });
    const before = client(first);
    await before.ok(TRACK, 'create_or_update_customer', { identifier: 'kept', email: 'kept@example.com', custom_attributes: { plan: 'pro' } });
    const segment = ((await before.ok(APP, 'create_manual_segment', { name: 'Kept' })).segment as { id: number }).id;
    await before.ok(TRACK, 'add_customers_to_segment', { segment_id: segment, ids: ['kept'] });
    const delivery = (await before.ok(APP, 'send_transactional_email', { identifiers: { id: 'kept' }, content: { transactional_message_id: 3 } })).delivery_id as string;
    await first.close();
    expect(existsSync(stateFile)).toBe(true);
    expect(readdirSync(dir)).toEqual(['state.json']);

    const second = await startSandbox({ stateFile });
    try {
      const after = client(second);
      expect(((await after.ok(APP, 'get_customer_attributes', { customer: { id: 'kept' } })).customer as { attributes: Record<string, string> }).attributes.plan).toBe('pro');
      expect((await after.ok(APP, 'list_segment_members', { segment_id: segment })).ids).toEqual(['kept']);
      expect(((await after.ok(APP, 'get_message', { message_id: delivery })).message as { id: string }).id).toBe(delivery);
      const next = ((await after.ok(APP, 'create_manual_segment', { name: 'After restart' })).segment as { id: number }).id;
      expect(next).toBeGreaterThan(segment);
    } finally {
      await second.close();
    }
  });
});
