// The sandbox's lookups and its state file under stress, over real HTTP:
// - what is journaled: every route that can change the state, no route of a read-only
//   operation (searches and previews sent as POSTs included) but the download that counts itself;
// - the indexes stay what a scan would find through a seeded random run of every change that
//   moves a key (identify with new identifiers, delete, merge, suppress, anonymous activity
//   claimed, relationships added and removed, objects deleted, segment members, ESP suppressions
//   added and removed, Design Studio emails linked, relinked, translated, restored and deleted,
//   assets and exports made and deleted), and after a restart from the state file;
// - a sandbox killed with SIGKILL in the middle of a load (a child process, journal compacting
//   as it goes) loses no write it acknowledged: restarted on the same file, every one is there,
//   with the very IDs it answered.
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSandboxStateFile, startSandbox, type Sandbox, type SandboxOptions } from '../sandbox/index.js';
import { indexProblems } from '../sandbox/model/indexes.js';
import { findPerson, peopleWithEmail } from '../sandbox/model/people.js';
import { findDelivery } from '../sandbox/model/outbox.js';
import { findObject } from '../sandbox/model/objects.js';
import { loadManifest } from '../runtime/loader.js';
import { effectsOf } from '../runtime/operation-effects.js';
import { routes } from '../sandbox/routes/index.js';
import { changesState } from '../sandbox/router.js';
import { seededRandom } from './import-helpers.js';

// Two child processes start from the TypeScript sources (tsx): about a second each.
jest.setTimeout(60_000);

const dir = mkdtempSync(join(tmpdir(), 'cio-sandbox-persistence-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Answer = { status: number; body: Record<string, unknown> };

function http(origin: string) {
  const track = `Basic ${Buffer.from('sandbox-site:sandbox-track-key').toString('base64')}`;
  const app = 'Bearer sandbox-app-key';
  return async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${origin}${path}`, {
      method,
      headers: { authorization: path.startsWith('/api/') ? track : app, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) as Record<string, unknown> : {} };
  };
}

describe('what is journaled', () => {
  it('every route that can change the state, and none of a read-only operation but the download that counts itself', () => {
    // An operation is read-only when every connector that has it says so (App and Beta share names).
    const readOnly = new Map<string, boolean>();
    for (const connector of loadManifest()) {
      for (const operation of connector.operationsByName.values()) {
        if (operation.type === 'trigger') continue;
        readOnly.set(operation.name, (readOnly.get(operation.name) ?? true) && effectsOf(operation, connector).read_only);
      }
    }
    // GETs that change the state, and why: a download is counted on its export, as Customer.io counts it.
    const countedReads = ['GET /exports/{export_id}/download'];
    const wrong: string[] = [];
    let reads = 0;
    for (const route of Object.values(routes).flat()) {
      if (route.operations.length === 0) continue;
      const onlyReads = route.operations.every((name) => readOnly.get(name) === true);
      const expected = !onlyReads || countedReads.includes(`${route.method} ${route.path}`);
      if (changesState(route) !== expected) wrong.push(`${route.method} ${route.path} (${route.operations.join(', ')}): journaled ${changesState(route)}`);
      if (onlyReads && route.method !== 'GET') reads++;
    }
    expect(wrong).toEqual([]);
    // The searches and the preview: POSTs that are reads.
    expect(reads).toBeGreaterThanOrEqual(4);
  });
});

describe('the lookup indexes', () => {
  it('find what a scan finds through a random run of every change that moves a key, and after a restart', async () => {
    const stateFile = join(dir, 'indexes.json');
    let sandbox: Sandbox = await startSandbox({ stateFile, rateLimit: false, deliverAfterMs: 0, broadcastTriggerIntervalMs: 0 });
    const random = seededRandom(20_261_204);
    const pick = <T>(list: readonly T[]) => list[random(0, list.length - 1)]!;
    const ids = Array.from({ length: 12 }, (_, i) => `p${i}`);
    const emails = Array.from({ length: 8 }, (_, i) => `Person${i}@Example.com`);
    const objects = ['acme', 'globex', 'initech'];
    const anonymous = ['anon-a', 'anon-b', 'anon-c'];
    const segment = ((await http(sandbox.origin)('POST', '/v1/segments', { segment: { name: 'Random' } })).body.segment as { id: number }).id;
    const designEmails: string[] = [];
    for (const name of ['One', 'Two', 'Three']) {
      designEmails.push(((await http(sandbox.origin)('POST', '/v1/design_studio/emails', { name, content: { subject: name, html: `<p>${name}</p>` } })).body.email as { id: string }).id);
    }
    const versions: [string, string][] = [];
    const assets: number[] = [];
    const person = () => (random(0, 3) === 0 ? { email: pick(emails).toLowerCase() } : { id: pick(ids) });
    const steps: (() => [string, string, unknown])[] = [
      () => ['PUT', `/api/v1/customers/${pick(ids)}`, { email: pick(emails), plan: pick(['pro', 'trial']) }],
      () => ['PUT', `/api/v1/customers/${pick(emails)}`, { id: pick(ids) }],
      () => ['PUT', `/api/v1/customers/${pick(ids)}`, { anonymous_id: pick(anonymous) }],
      () => ['POST', '/api/v1/events', { name: 'visit', anonymous_id: pick(anonymous) }],
      () => ['POST', `/api/v1/customers/${pick(ids)}/events`, { name: 'bought', id: `event-${random(0, 30)}` }],
      () => ['DELETE', `/api/v1/customers/${pick(ids)}`, undefined],
      () => ['POST', '/api/v1/merge_customers', { primary: { id: pick(ids) }, secondary: person() }],
      () => ['POST', `/api/v1/customers/${pick(ids)}/suppress`, {}],
      () => ['POST', `/api/v1/customers/${pick([...ids, ...emails])}/unsuppress`, {}],
      () => ['POST', `/api/v1/segments/${segment}/add_customers`, { ids: [pick(ids), pick(ids)] }],
      () => ['POST', `/api/v1/segments/${segment}/remove_customers`, { ids: [pick(ids)] }],
      () => ['POST', '/api/v2/entity', { type: 'object', action: 'identify', identifiers: { object_type_id: '1', object_id: pick(objects) }, attributes: { n: random(0, 9) }, cio_relationships: [{ identifiers: person() }] }],
      () => ['POST', '/api/v2/entity', { type: 'object', action: 'identify_anonymous', identifiers: { object_type_id: '1', object_id: pick(objects) }, cio_relationships: [{ identifiers: { anonymous_id: pick(anonymous) } }] }],
      () => ['POST', '/api/v2/entity', { type: 'person', action: pick(['add_relationships', 'delete_relationships']), identifiers: person(), cio_relationships: [{ identifiers: { object_type_id: '1', object_id: pick(objects) } }] }],
      () => ['POST', '/api/v2/entity', { type: 'object', action: 'delete', identifiers: { object_type_id: '1', object_id: pick(objects) } }],
      () => ['POST', '/api/v2/entity', { type: 'person', action: 'identify', identifiers: { cio_id: 'a3000001' }, attributes: { email: pick(emails) } }],
      () => ['POST', '/v1/send/email', { identifiers: person(), transactional_message_id: 3, to: 'someone@example.com' }],
      // Sends to an address on an ESP list are dropped: the list is looked up by address.
      () => ['POST', '/v1/send/email', { identifiers: person(), transactional_message_id: 3, to: pick(emails) }],
      () => ['POST', `/v1/esp/suppression/${pick(['bounces', 'blocks'])}/${pick(emails)}`, {}],
      () => ['DELETE', `/v1/esp/suppression/${pick(['bounces', 'blocks'])}/${pick(emails)}`, undefined],
      // A link taken over with force moves it from one email to another: the link keys move in place.
      () => ['POST', `/v1/design_studio/emails/${pick(designEmails)}/link`, { target: { type: 'transactional_message', transactional_message_id: pick([3, 4]) }, force: true }],
      () => ['POST', `/v1/design_studio/emails/${pick(designEmails)}/languages`, { language: pick(['fr', 'de']) }],
      () => ['DELETE', `/v1/design_studio/emails/${pick(designEmails)}/languages/${pick(['fr', 'de'])}`, undefined],
      () => ['POST', `/v1/design_studio/emails/${pick(designEmails)}/versions`, { name: `v${random(0, 99)}` }],
      () => {
        const [email, version] = versions.length ? pick(versions) : ['none', 'none'];
        return ['POST', `/v1/design_studio/emails/${email}/versions/${version}/restore`, {}];
      },
      () => ['POST', '/v1/assets/files', { file: { filename: 'dot.png', content_type: 'image/png', content_base64: Buffer.from('89504e47', 'hex').toString('base64') } }],
      () => ['DELETE', `/v1/assets/files/${assets.length ? pick(assets) : 1}`, undefined],
      () => ['POST', '/v1/exports/customers', { filters: { attribute: { field: 'plan', operator: 'eq', value: pick(['pro', 'trial']) } } }],
    ];
    const call = http(sandbox.origin);
    for (let i = 0; i < 800; i++) {
      const [method, path, body] = pick(steps)();
      const answer = await call(method, path, body);
      expect(answer.status).toBeLessThan(500);
      // What later steps name: versions to restore, assets to delete.
      if (answer.status === 200 && /\/versions$/.test(path)) versions.push([path.split('/')[4]!, (answer.body.version as { id: string }).id]);
      if (answer.status === 200 && path === '/v1/assets/files') assets.push((answer.body.asset as { id: number }).id);
      if (i % 200 === 199) expect(indexProblems(sandbox.state)).toEqual([]);
    }

    const check = (s: Sandbox) => {
      const { state } = s;
      expect(indexProblems(state)).toEqual([]);
      for (const id of ids) expect(findPerson(state, 'id', id)).toBe(state.people.find((p) => p.id === id));
      for (const email of emails) {
        expect(findPerson(state, 'email', email)).toBe(state.people.find((p) => p.email?.toLowerCase() === email.toLowerCase()));
        expect(peopleWithEmail(state, email)).toEqual(state.people.filter((p) => p.email?.toLowerCase() === email.toLowerCase()));
      }
      for (const p of state.people) expect(findPerson(state, 'cio_id', p.cio_id)).toBe(p);
      for (const d of state.deliveries) expect(findDelivery(state, d.id)).toBe(d);
      for (const o of objects) expect(findObject(state, { object_type_id: '1', object_id: o })).toBe(state.objects.find((x) => x.object_type_id === '1' && x.object_id === o));
      return state.people.length;
    };
    const people = check(sandbox);
    expect(people).toBeGreaterThan(3);
    expect(sandbox.state.relationships.length + sandbox.state.suppressed.ids.length).toBeGreaterThan(0);
    // The run did move links and suppressions, and restored versions.
    expect(sandbox.state.design_studio.emails.filter((e) => e.links.length > 0).length).toBeGreaterThan(0);
    expect(sandbox.state.esp_suppressions.length).toBeGreaterThan(0);
    expect(versions.length).toBeGreaterThan(0);
    expect(sandbox.state.files.length).toBeGreaterThan(0);
    const before = JSON.stringify(sandbox.state);
    await sandbox.close();

    sandbox = await startSandbox({ stateFile, deliverAfterMs: 0 });
    try {
      expect(JSON.stringify(sandbox.state)).toBe(before);
      check(sandbox);
    } finally {
      await sandbox.close();
    }
  });
});

interface Child {
  process: ChildProcess;
  origin: string;
  exited: Promise<NodeJS.Signals | number | null>;
}

function startChild(options: SandboxOptions): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/sandbox-child.ts', JSON.stringify(options)], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) resolve({ process: child, origin: (JSON.parse(stdout.split('\n')[0]!) as { origin: string }).origin, exited });
    });
    void exited.then((how) => reject(new Error(`the sandbox child ended (${String(how)}) before listening: ${stderr}`)));
  });
}

/** What each acknowledged write promised, checked against a restarted sandbox. */
interface Acknowledged {
  people: Map<string, number>;
  events: Set<string>;
  deliveries: Map<string, string>;
}

/**
 * Writers in parallel until `stop()`: single identifies, v2 batches of five, events with ids and
 * transactional sends (whose delivery IDs are random). Only a 2xx answer counts as acknowledged.
 */
function load(origin: string, acknowledged: Acknowledged, offset: number) {
  const call = http(origin);
  let next = offset;
  let stopped = false;
  const writer = async () => {
    while (!stopped) {
      const k = next++;
      const id = `w-${k}`;
      try {
        switch (k % 4) {
          case 0: {
            if ((await call('PUT', `/api/v1/customers/${id}`, { n: k, email: `${id}@example.com` })).status < 300) acknowledged.people.set(id, k);
            break;
          }
          case 1: {
            const batch = Array.from({ length: 5 }, (_, j) => ({ type: 'person', action: 'identify', identifiers: { id: `${id}-${j}` }, attributes: { n: k } }));
            if ((await call('POST', '/api/v2/batch', { batch })).status < 300) batch.forEach((_, j) => acknowledged.people.set(`${id}-${j}`, k));
            break;
          }
          case 2: {
            if ((await call('POST', `/api/v1/customers/w-${k - 2}/events`, { name: 'bought', id: `event-${k}`, data: { k } })).status < 300) acknowledged.events.add(`event-${k}`);
            break;
          }
          default: {
            const sent = await call('POST', '/v1/send/email', { identifiers: { id: `w-${k - 3}` }, transactional_message_id: 3, to: `${id}@example.com` });
            if (sent.status < 300) acknowledged.deliveries.set(sent.body.delivery_id as string, `w-${k - 3}`);
          }
        }
      } catch {
        // The sandbox was killed with this request in flight: not acknowledged.
        return;
      }
    }
  };
  const writers = Array.from({ length: 8 }, writer);
  return {
    written: () => next - offset,
    stop: async () => {
      stopped = true;
      await Promise.all(writers);
    },
  };
}

describe('a sandbox killed with SIGKILL under load', () => {
  it('loses no acknowledged write: restarted on the same state file, each one is there', async () => {
    const stateFile = join(dir, 'killed.json');
    // A small journal threshold: compactions run (and get killed) during the load too.
    const options: SandboxOptions = { port: 0, stateFile, rateLimit: false, deliverAfterMs: 50, compactAfterBytes: 48 * 1024 };
    const acknowledged: Acknowledged = { people: new Map(), events: new Set(), deliveries: new Map() };
    const random = seededRandom(20_261_205);
    const rounds: { killed_after_writes: number; snapshot_seq: number; segments: number }[] = [];

    for (let round = 0; round < 2; round++) {
      const child = await startChild(options);
      const writes = load(child.origin, acknowledged, round * 1_000_000);
      const killAfter = random(600, 1400);
      while (writes.written() < killAfter) await new Promise((resolve) => setTimeout(resolve, 5));
      child.process.kill('SIGKILL');
      expect(await child.exited).toBe('SIGKILL');
      await writes.stop();
      // The files as the kill left them: readable, and what a restart will load.
      const left = readSandboxStateFile(stateFile);
      expect(left.people.length).toBeGreaterThan(0);
      rounds.push({
        killed_after_writes: writes.written(),
        snapshot_seq: (JSON.parse(readFileSync(stateFile, 'utf8')) as { _journal: { seq: number } })._journal.seq,
        segments: readdirSync(dir).filter((name) => name.startsWith('killed.json.') && name.endsWith('.journal')).length,
      });
    }

    const sandbox = await startSandbox({ stateFile, deliverAfterMs: 0 });
    try {
      const { state } = sandbox;
      const missing: string[] = [];
      for (const [id, n] of acknowledged.people) if (findPerson(state, 'id', id)?.attributes.n !== n) missing.push(`person ${id}`);
      for (const eventId of acknowledged.events) if (!state.seen_event_ids.includes(eventId)) missing.push(`event ${eventId}`);
      for (const [deliveryId, to] of acknowledged.deliveries) {
        const delivery = findDelivery(state, deliveryId);
        if (!delivery || findPerson(state, 'cio_id', delivery.cio_id ?? '')?.id !== to) missing.push(`delivery ${deliveryId}`);
      }
      expect(missing).toEqual([]);
      expect(acknowledged.people.size).toBeGreaterThan(500);
      expect(acknowledged.deliveries.size).toBeGreaterThan(50);
      expect(indexProblems(state)).toEqual([]);
      // Both kills left journal entries to replay, and compactions had run during the load.
      expect(sandbox.storage!.stats().replayed_on_start).toBeGreaterThan(0);
      expect(rounds.every((r) => r.segments > 0)).toBe(true);
      expect(rounds.some((r) => r.snapshot_seq > 0)).toBe(true);
      if (process.env.PERSISTENCE_FIGURES) process.stderr.write(`${JSON.stringify({ rounds, acknowledged: { people: acknowledged.people.size, events: acknowledged.events.size, deliveries: acknowledged.deliveries.size } })}\n`);
    } finally {
      await sandbox.close();
    }
  });
});
