// execute() sends through got's stream interface (runtime/send/dispatch.ts): what a call leaves
// behind on the caller's AbortSignal once it is over, answered or not. An import hands one signal
// to hundreds of batches; a listener left per call would keep every request alive.
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sharedRegistry, TRACK_AUTH } from './helpers.js';
import { startLocalServer, type LocalServer } from './local-server.js';

describe('a shared AbortSignal', () => {
  let server: LocalServer;
  let answer = 200;
  beforeAll(async () => {
    server = await startLocalServer((_seen, res) => {
      if (answer === 0) return void res.destroy(); // a reset: no answer at all
      res.writeHead(answer, { 'content-type': 'application/json' }).end(answer === 200 ? '{}' : '{"meta":{"error":"nope"}}');
    });
  });
  afterAll(() => server.close());

  it('holds no listener of any call once the calls are over, whether they were answered, refused or reset', async () => {
    const registry = await sharedRegistry();
    const signal = new AbortController().signal;
    const call = (i: number) => registry.execute({
      connector: 'customer-io', operation: 'track_custom_event', auth: { ...TRACK_AUTH, region: 'us' },
      input: { identifier: `p${i}`, name: 'purchase' }, options: { origin: server.origin, signal, retry: { maxAttempts: 1 } },
    });
    server.seen.length = 0;
    const results = [];
    for (const status of [200, 400, 0]) {
      answer = status;
      results.push(...(await Promise.all(Array.from({ length: 12 }, (_, i) => call(i)))));
    }
    expect(server.seen).toHaveLength(36); // every call went over the wire
    expect(results.slice(0, 12).every((r) => r.ok)).toBe(true);
    expect(results.slice(12).every((r) => !r.ok)).toBe(true);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });
});
