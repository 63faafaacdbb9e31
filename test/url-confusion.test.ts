// URL confusion: no Full URL or Endpoint a workflow can hold gets a raw request, and with it the
// connector's credentials, to any host but the connector's own origin. Generated variants of the
// own host and of foreign hosts (test/url-variants.ts) are tried on all three connectors in both
// regions as dry runs, and live against local listeners: the own one (the host-set origin) and
// listeners on another port and another loopback address, which must never receive a byte.
// Figures per family go to /tmp/url-confusion-figures.json (docs/reliability.md, "Hostile URLs").
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { Envelope, ShownRequest } from '../runtime/index.js';
import type { Region } from '../runtime/definitions.js';
import { authFor, originOf, REGION_TABLE, sharedRegistry } from './helpers.js';
import { endpointVariants, variants, type Variant } from './url-variants.js';

const CONNECTORS = [
  ['customer-io', 'track'],
  ['customer-io-app', 'app'],
  ['customer-io-beta', 'beta'],
] as const;
const REGIONS: Region[] = ['us', 'eu'];
const DRY_RUNS = 1000; // per connector and region
const LIVE_RUNS = 300;

interface Tally {
  tried: number;
  refused: number;
  sent_to_own_host: number;
}
const figures: Record<string, Tally> = {};
const started = performance.now();
const examples: Record<string, string> = {};

function count(mode: string, variant: Variant, refused: boolean): void {
  const tally = (figures[`${mode}: ${variant.family}`] ??= { tried: 0, refused: 0, sent_to_own_host: 0 });
  tally.tried++;
  if (refused) tally.refused++;
  else tally.sent_to_own_host++;
  examples[`${variant.family} ${refused ? 'refused' : 'sent'}`] ??= variant.url;
}

afterAll(() => {
  writeFileSync('/tmp/url-confusion-figures.json', `${JSON.stringify({ duration_ms: Math.round(performance.now() - started), figures, examples }, null, 2)}\n`);
});

function rawInput(url: Variant, kind: 'full_url' | 'endpoint'): Record<string, unknown> {
  return { method: 'POST', url: { [kind]: url.url }, body: { raw: { probe: true } } };
}

/** Either refused as the person's mistake, naming the URL field, or addressed to the own origin. */
function expectRefusedOrOwn(result: Envelope, variant: Variant, ownOrigin: string, field: string): boolean {
  if (!result.ok) {
    const details = result.error.details as { field?: string }[] | undefined;
    if (result.error.code !== 'user_input_error' || details?.[0]?.field !== field) {
      throw new Error(`${JSON.stringify(variant.url)} (${variant.family}): failed with ${result.error.code} ${result.error.message}, not a user_input_error naming ${field}`);
    }
    return true;
  }
  const request = 'request' in result ? result.request : (result.meta.request as ShownRequest);
  const parsed = new URL(request.url);
  if (parsed.origin !== ownOrigin || parsed.username || parsed.password) {
    throw new Error(`${JSON.stringify(variant.url)} (${variant.family}): would go to ${request.url}, not ${ownOrigin}`);
  }
  // What is shown is what a parser reads back: nothing left for another parser to fold.
  if (parsed.href !== request.url || /\/(?:\.|%2e){1,2}(?:\/|$|\?)/i.test(parsed.pathname)) {
    throw new Error(`${JSON.stringify(variant.url)} (${variant.family}): shown as ${request.url}, which parsers read as ${parsed.href}`);
  }
  return false;
}

describe('Full URL variants on every connector and region (dry runs)', () => {
  const cases = CONNECTORS.flatMap(([connector, api]) => REGIONS.map((region) => [connector, api, region] as const));
  it.each(cases)('%s %s: each variant is refused or addressed to the own host', async (connector, api, region) => {
    const registry = await sharedRegistry();
    const origin = originOf(api, region);
    const others = Object.entries(REGION_TABLE).filter(([api]) => api !== '$comment').flatMap(([, byRegion]) => Object.values(byRegion).map((u) => new URL(u).host)).filter((h) => h !== new URL(origin).host);
    const foreign = [...new Set(others), 'evil.example', 'evil.example:443', `${new URL(origin).hostname}.evil.example`, 'customer.io', '127.0.0.1', 'localhost'];
    await fc.assert(
      fc.asyncProperty(variants({ origin, foreign }), async (variant) => {
        const result = await registry.execute({ connector, operation: 'raw_http_request' as string, auth: authFor(connector, region), input: rawInput(variant, 'full_url'), options: { dryRun: true } });
        count('dry run', variant, expectRefusedOrOwn(result, variant, origin, 'input.url.full_url'));
      }),
      { numRuns: DRY_RUNS, seed: 1_000 + cases.findIndex((c) => c[0] === connector && c[2] === region) },
    );
  });

  it.each(CONNECTORS)('%s: Endpoints that name a host stay under the own base URL', async (connector, api) => {
    const registry = await sharedRegistry();
    const origin = originOf(api, 'us');
    await fc.assert(
      fc.asyncProperty(endpointVariants(['evil.example', 'evil.example:443', '127.0.0.1']), async (variant) => {
        const result = await registry.execute({ connector, operation: 'raw_http_request' as string, auth: authFor(connector, 'us'), input: rawInput(variant, 'endpoint'), options: { dryRun: true } });
        count('dry run', variant, expectRefusedOrOwn(result, variant, origin, 'input.url.endpoint'));
      }),
      { numRuns: 60, seed: 2_000 },
    );
  });

  it.each([
    ['https://track.cust%6f%6der.io/api/v1/customers/1', 'https://track.customer.io/api/v1/customers/1'],
    ['https://TRACK.Customer.IO:443/api/v1/customers/1', 'https://track.customer.io/api/v1/customers/1'],
  ])('the issue\'s %s is sent to the own host, as %s', async (full_url, sent) => {
    const registry = await sharedRegistry();
    const result = await registry.execute({ connector: 'customer-io', operation: 'raw_http_request' as string, auth: authFor('customer-io', 'us'), input: { method: 'GET', url: { full_url }, body: { none: null } }, options: { dryRun: true } });
    expect(result).toMatchObject({ ok: true, request: { url: sent } });
  });

  it.each([
    ['https://api.customer.io\\@evil.example/x', 'no_backslash'],
    ['https://api.customer.io@evil.example/x', 'no_userinfo'],
    ['https://api.customer.io%40evil.example/x', 'url'],
    ['https://api.customer.io./x', 'own_host'],
    ['https://api.custo\tmer.io/x', 'no_control_characters'],
    ['https://api.customer.io/v1/%2e%2e/x', 'no_dot_segments'],
    ['//api.customer.io/v1/x', 'pattern'],
    ['HTTPS://api.customer.io/v1/x', 'pattern'],
  ])('%j is refused (%s)', async (full_url, rule) => {
    const registry = await sharedRegistry();
    const result = await registry.execute({ connector: 'customer-io-app', operation: 'raw_http_request' as string, auth: authFor('customer-io-app', 'us'), input: { method: 'GET', url: { full_url }, body: { none: null } }, options: { dryRun: true } });
    expect(result).toMatchObject({ ok: false, error: { code: 'user_input_error', details: [{ field: 'input.url.full_url', rule }] } });
  });
});

// ---------------------------------------------------------------------------------------------
// Live: the own origin is a local listener (the host-set `origin`); others listen beside it.

interface Listener {
  name: string;
  server: Server;
  hits: { url: string; authorization?: string }[];
}

async function listen(name: string, host: string, port = 0): Promise<Listener | undefined> {
  const listener: Listener = { name, server: createServer(), hits: [] };
  listener.server.on('request', (req, res) => {
    listener.hits.push({ url: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  try {
    await new Promise<void>((resolve, reject) => {
      listener.server.once('error', reject);
      listener.server.listen(port, host, resolve);
    });
    return listener;
  } catch {
    return undefined; // this machine has no such address (IPv6 loopback may be off)
  }
}

describe('Full URL variants sent for real against local listeners', () => {
  let own: Listener;
  const others: Listener[] = [];
  let ownOrigin = '';

  beforeAll(async () => {
    own = (await listen('own', '127.0.0.1'))!;
    const port = (own.server.address() as AddressInfo).port;
    ownOrigin = `http://127.0.0.1:${port}`;
    const candidates = await Promise.all([
      listen('127.0.0.1, another port', '127.0.0.1'),
      listen('127.0.0.2, the same port', '127.0.0.2', port),
      listen('[::1], the same port', '::1', port),
    ]);
    others.push(...candidates.filter((l): l is Listener => l !== undefined));
  });
  afterAll(async () => {
    for (const l of [own, ...others]) {
      l.server.closeAllConnections();
      await new Promise<void>((resolve) => l.server.close(() => resolve()));
    }
  });

  it('each variant is refused or reaches the own listener, and no other listener receives anything', async () => {
    const registry = await sharedRegistry();
    const port = (own.server.address() as AddressInfo).port;
    const foreign = [
      ...others.map((l) => {
        const a = l.server.address() as AddressInfo;
        return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
      }),
      `localhost:${port}`,
      'evil.example',
    ];
    expect(others.length).toBeGreaterThanOrEqual(2);
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(variants({ origin: ownOrigin, foreign, ownAliases: ['2130706433', '0x7f000001', '0177.0.0.1', '127.1', '127.0.1'] }), fc.constantFrom(...CONNECTORS), async (variant, [connector]) => {
        const before = own.hits.length;
        const result = await registry.execute({
          connector, operation: 'raw_http_request' as string, auth: authFor(connector, 'us'), input: rawInput(variant, 'full_url'),
          options: { origin: ownOrigin, timeoutMs: 2_000, retry: { maxAttempts: 1 } },
        });
        const refused = expectRefusedOrOwn(result, variant, ownOrigin, 'input.url.full_url');
        count('live', variant, refused);
        expect(own.hits.length - before).toBe(refused ? 0 : 1);
        if (!refused) sent++;
        for (const other of others) {
          if (other.hits.length) throw new Error(`${other.name} received ${other.hits[0]!.url} after ${JSON.stringify(variant.url)} (${variant.family})`);
        }
      }),
      { numRuns: LIVE_RUNS, seed: 3_000 },
    );
    // The suite is only worth something if some variants did go out, to the own listener.
    expect(sent).toBeGreaterThan(10);
    expect(own.hits.every((hit) => hit.authorization !== undefined)).toBe(true);
  }, 60_000);
});
