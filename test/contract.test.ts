// Every example of every operation, in both regions: the runtime must send exactly the
// example's request and return exactly its output, and the other region's host gets nothing.
// Triggers are not executed (their examples are a registration and an event: the definition
// lint checks them); the operations that register their webhooks are replayed here.
import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { useNock } from './use-nock.js';
import type { OperationExample, Region } from '../runtime/definitions.js';
import { loadManifest } from '../runtime/loader.js';
import { authFor, expectedAuthorization, FAST_RETRY, originOf, REGION_TABLE, sharedRegistry } from './helpers.js';

useNock();

const connectors = loadManifest();
const cases = connectors.flatMap((connector) =>
  [...connector.operationsByName.values()].filter((operation) => operation.type !== 'trigger').flatMap((operation) =>
    operation.examples.flatMap((example) =>
      (['us', 'eu'] as Region[]).map((region) => ({ connector, operation, example, region })),
    ),
  ),
);


/** A multipart body as the example writes it: text fields as strings, files as { filename, content_base64 }. */
async function multipartFields(body: string, contentType: string): Promise<Record<string, unknown>> {
  const form = await new Response(Buffer.from(body, 'latin1'), { headers: { 'content-type': contentType } }).formData();
  const fields: Record<string, unknown> = {};
  for (const [name, value] of form.entries()) {
    fields[name] = typeof value === 'string'
      ? value
      : { filename: value.name, content_base64: Buffer.from(await value.arrayBuffer()).toString('base64') };
  }
  return fields;
}

function queryOf(path: string): Record<string, string> {
  return Object.fromEntries(new URL(path, 'http://x').searchParams);
}

describe.each(cases.map((c) => [`${c.connector.name} ${c.operation.name} [${c.region}] ${c.example.title}`, c] as const))(
  '%s',
  (_label, { connector, operation, example, region }) => {
    it('sends exactly the example request and returns its output', async () => {
      const registry = await sharedRegistry();
      const other: Region = region === 'us' ? 'eu' : 'us';
      const seen: { method?: string; path?: string; headers?: Record<string, unknown>; body?: unknown } = {};
      const expected: OperationExample['request'] = example.request;
      // Example paths are relative to the base URL (or to the host root for `base: origin`),
      // so one example serves both regions and a Beta twin can reuse its App example.
      const prefix = operation.http?.base === 'origin' ? '' : new URL(REGION_TABLE[connector.api][region]).pathname.replace(/\/$/, '');

      const scope = nock(originOf(connector.api, region))
        .intercept(() => true, expected.method)
        .reply(function (uri, body) {
          seen.method = this.req.method;
          seen.path = uri;
          seen.headers = this.req.headers;
          seen.body = body;
          return [example.response.status, example.response.body as nock.Body, example.response.headers];
        });
      // A dropdown that reads each listed item's details sends one more request per item (several
      // may be in flight at once, so each is told by its path).
      const later = (example.then ?? []).map((exchange) => {
        const sent: { method?: string; path?: string } = {};
        const interceptor = nock(originOf(connector.api, region))
          .intercept((uri) => uri.split('?')[0] === `${prefix}${exchange.request.path}`, exchange.request.method)
          .reply(function (uri) {
            sent.method = this.req.method;
            sent.path = uri;
            return [exchange.response.status, exchange.response.body as nock.Body, exchange.response.headers];
          });
        return { exchange, sent, interceptor };
      });
      const otherRegion = nock(originOf(connector.api, other)).intercept(() => true, expected.method).reply(500);

      const result = await registry.execute({
        connector: connector.name,
        operation: operation.name,
        auth: authFor(connector.name, region),
        input: example.input,
        options: { retry: FAST_RETRY },
      });

      expect(result).toMatchObject({ ok: true });
      expect(scope.isDone()).toBe(true);
      expect(otherRegion.isDone()).toBe(false);
      for (const { exchange, sent, interceptor } of later) {
        expect(interceptor.isDone()).toBe(true);
        expect([sent.method, sent.path]).toEqual([exchange.request.method, `${prefix}${exchange.request.path}`]);
      }

      const [pathOnly] = (seen.path ?? '').split('?');
      expect(seen.method).toBe(expected.method);
      expect(pathOnly).toBe(`${prefix}${expected.path}`);
      expect(queryOf(seen.path ?? '')).toEqual(expected.query ?? {});
      for (const [name, value] of Object.entries(expected.headers ?? {})) {
        expect(String(seen.headers?.[name.toLowerCase()]).split(';')[0]).toBe(value);
      }
      const sendsCredentials = operation.http?.auth !== false;
      expect(seen.headers?.authorization).toBe(sendsCredentials ? expectedAuthorization(connector.name) : undefined);
      const contentType = String(seen.headers?.['content-type'] ?? '');
      if (expected.body === undefined) {
        expect(seen.body === undefined || seen.body === '').toBe(true);
      } else if (contentType.startsWith('multipart/form-data')) {
        expect(await multipartFields(String(seen.body), contentType)).toEqual(expected.body);
      } else {
        expect(seen.body).toEqual(expected.body);
      }
      expect((result as { output: unknown }).output).toEqual(example.output);
    });
  },
);

describe('what is replayed', () => {
  it('every operation but the triggers, including those that register and remove trigger webhooks', () => {
    const replayed = new Set(cases.map((c) => `${c.connector.name}/${c.operation.name}`));
    for (const connector of connectors) {
      for (const operation of connector.operationsByName.values()) {
        expect([`${connector.name}/${operation.name}`, replayed.has(`${connector.name}/${operation.name}`)]).toEqual([`${connector.name}/${operation.name}`, operation.type !== 'trigger']);
      }
    }
    expect(replayed.has('customer-io-trigger/create_reporting_webhook')).toBe(true);
  });
});
