// Hostile input: property-based tests over the input schema of every operation the connectors
// execute (every one but the triggers, which are enabled rather than executed). Valid inputs (generated from each schema) must dry-run to a well-formed request on
// the connector's own host; mutated inputs (a required field dropped, unknown fields, wrong types,
// values over their limits, 200 KB strings, 200-deep objects, awkward Unicode, prototype-pollution
// keys, non-JSON values) must be refused with a user_input_error naming the field, or accepted when
// they stay valid; nothing may throw, pollute a prototype, or send a request it should not.
// Figures (inputs tried per category) go to /tmp/hostile-input-figures.json.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import nock from 'nock';
import { writeFileSync } from 'node:fs';
import type { ApiName, JsonSchema, Region } from '../runtime/definitions.js';
import type { Envelope, Registry, ShownRequest } from '../runtime/index.js';
import type { ExecuteOptions } from '../runtime/contracts.js';
import { servicesOf } from '../runtime/services.js';
import { loadManifest, type LoadedConnector, type LoadedOperation } from '../runtime/loader.js';
import { APP_AUTH, authFor, expectedAuthorization, FAST_RETRY, REGION_TABLE, sharedRegistry, TRACK_AUTH, TRIGGER_AUTH } from './helpers.js';
import {
  defineOwn,
  isFreeFormObject,
  locateNodes,
  schemaArbitrary,
  SchemaChecker,
  TEXT_UNIT,
  typesOf,
  utf8Bytes,
  type JsonType,
  type LocatedNode,
  type PathPart,
  type Schema,
} from './schema-arbitraries.js';
import { useNock } from './use-nock.js';

useNock();

// ---------------------------------------------------------------------------------------------
// Sizes: a fixed seed per operation keeps CI deterministic; the run counts keep the file fast.
// HOSTILE_INPUT_SCALE=10 (and HOSTILE_INPUT_SEED=…) explore further by hand; CI uses the defaults.
const SCALE = Math.max(1, Number(process.env.HOSTILE_INPUT_SCALE ?? 1) || 1);
const SEED = Number(process.env.HOSTILE_INPUT_SEED ?? 20_260_128) | 0;
const VALID_RUNS = 5 * SCALE;
/** Valid inputs per operation that the mutations start from (generated once, shared by every kind). */
const MUTATION_BASES = 2 * SCALE;
const RUNS_PER_MUTATION = SCALE;
/** nock never answers a request whose URL is this long (a real server resets it); such a request is only dry-run. */
const LONGEST_URL_SENT = 16 * 1024;
const NON_DRY_RUNS = 8 * SCALE;
const TEST_TIMEOUT_MS = 20_000 * SCALE;

const connectors = loadManifest();
const checker = new SchemaChecker();
let registry: Registry;

interface Case {
  connector: LoadedConnector;
  operation: LoadedOperation;
  label: string;
  seed: number;
}

function seedOf(text: string): number {
  let hash = SEED;
  for (const char of text) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
}

// A trigger is never executed (execute answers it with a user_input_error): there is no request
// of its to check; its input is checked when it is enabled.
const cases: Case[] = connectors.flatMap((connector) =>
  [...connector.operationsByName.values()].filter((operation) => operation.type !== 'trigger').map((operation) => {
    const label = `${connector.name} ${operation.name}`;
    return { connector, operation, label, seed: seedOf(label) };
  }),
);

// ---------------------------------------------------------------------------------------------
// Figures for the docs.
interface KindFigures {
  tried: number;
  not_applicable: number;
  refused_as_invalid: number;
  stayed_valid_accepted: number;
  stayed_valid_refused: number;
  /** Accepted, but with a URL over LONGEST_URL_SENT: checked as a dry run only. */
  accepted_url_too_long_to_send: number;
  requests_sent: number;
  error_codes: Record<string, number>;
}
const figures = {
  operations: cases.length,
  settings: { seed: SEED, valid_runs_per_operation: VALID_RUNS, mutation_kinds: 0, runs_per_mutation_kind: RUNS_PER_MUTATION, real_runs_per_operation: NON_DRY_RUNS },
  /** Property 1: generated valid inputs, dry-run. */
  valid_inputs: { tried: 0, accepted: 0, refused_beyond_schema: 0, refusals: {} as Record<string, number> },
  /** Property 2: mutations of valid inputs, run for real against nock (accepted ones dry-run first). */
  mutated_inputs: { tried: 0, refused_as_invalid: 0, stayed_valid_accepted: 0, stayed_valid_refused: 0, by_kind: {} as Record<string, KindFigures> },
  /** Property 3: valid inputs of a handful of operations sent for real, each request checked as it arrived. */
  sent_for_real: { tried: 0, accepted: 0, refused_beyond_schema: 0, requests_checked: 0 },
  requests: { sent_by_dry_runs: 0, sent_for_refused_inputs: 0, sent_for_accepted_mutations: 0 },
  total_inputs: 0,
  duration_ms: 0,
};
const started = performance.now();

function countRefusal(message: string): void {
  const shape = message.replace(/"input[^"]*"/g, '"input…"').replace(/\d+/g, 'N').slice(0, 120);
  figures.valid_inputs.refusals[shape] = (figures.valid_inputs.refusals[shape] ?? 0) + 1;
}

// ---------------------------------------------------------------------------------------------
// The network: every host answers 200 {} and every request is recorded; real network is off.
interface Hit {
  origin: string;
  method: string;
  path: string;
  headers: Record<string, unknown>;
  body: unknown;
}
const hits: Hit[] = [];
const unmatched: string[] = [];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const API_NAMES: ApiName[] = ['track', 'app', 'beta'];
const KNOWN_ORIGINS = [...new Set(API_NAMES.flatMap((api) => (['us', 'eu'] as Region[]).map((region) => new URL(REGION_TABLE[api][region]).origin)))];

function interceptEverything(): void {
  for (const origin of [...KNOWN_ORIGINS, /.*/]) {
    const scope = nock(origin).persist();
    for (const method of METHODS) {
      scope.intercept(() => true, method).reply(function (uri, body) {
        const host = String(this.req.headers.host ?? '');
        hits.push({ origin: typeof origin === 'string' ? origin : `elsewhere:${host}`, method, path: uri, headers: { ...this.req.headers }, body });
        return [200, {}];
      });
    }
  }
}

const onNoMatch = (req: { href?: string; path?: string }) => unmatched.push(String(req?.href ?? req?.path ?? 'request'));
beforeAll(async () => {
  registry = await sharedRegistry();
  nock.emitter.on('no match', onNoMatch);
});
beforeEach(interceptEverything);
afterEach(expectPrototypesIntact);
afterAll(() => {
  nock.emitter.removeListener('no match', onNoMatch);
  const { valid_inputs, mutated_inputs, sent_for_real } = figures;
  const kinds = Object.values(mutated_inputs.by_kind);
  mutated_inputs.refused_as_invalid = kinds.reduce((n, k) => n + k.refused_as_invalid, 0);
  mutated_inputs.stayed_valid_accepted = kinds.reduce((n, k) => n + k.stayed_valid_accepted, 0);
  mutated_inputs.stayed_valid_refused = kinds.reduce((n, k) => n + k.stayed_valid_refused, 0);
  figures.requests.sent_for_accepted_mutations = kinds.reduce((n, k) => n + k.requests_sent, 0);
  figures.settings.mutation_kinds = KINDS.length;
  figures.total_inputs = valid_inputs.tried + mutated_inputs.tried + sent_for_real.tried;
  figures.duration_ms = Math.round(performance.now() - started);
  const top = Object.entries(valid_inputs.refusals).sort((a, b) => b[1] - a[1]).slice(0, 25);
  writeFileSync('/tmp/hostile-input-figures.json', `${JSON.stringify({ ...figures, valid_inputs: { ...valid_inputs, refusals: Object.fromEntries(top) } }, null, 2)}\n`);
});

// ---------------------------------------------------------------------------------------------
// Shared checks.
const SECRETS = [TRACK_AUTH.api_key, APP_AUTH.api_key, TRIGGER_AUTH.signing_key, Buffer.from(`${TRACK_AUTH.site_id}:${TRACK_AUTH.api_key}`).toString('base64')];
/** A refusal names the field: `"input.identifier": …`, `"input[\"a b\"]": …` or `"input": …`. */
const NAMES_FIELD = /"input(\.|\[|")/;
const NON_DRY: ExecuteOptions = { retry: FAST_RETRY, timeoutMs: 2_000, totalTimeoutMs: 5_000 };

function fail(message: string): never {
  throw new Error(message);
}

function regionBase(api: ApiName, region: Region): { origin: string; host: string; prefix: string } {
  const url = new URL(REGION_TABLE[api][region]);
  return { origin: url.origin, host: url.host, prefix: url.pathname.replace(/\/$/, '') };
}

async function execute(c: Case, region: Region, input: unknown, options: ExecuteOptions): Promise<Envelope> {
  try {
    return await registry.execute({
      connector: c.connector.name,
      operation: c.operation.name,
      auth: authFor(c.connector.name, region),
      input: input as Record<string, unknown>,
      options,
    });
  } catch (error) {
    return fail(`execute() threw instead of resolving to an envelope: ${(error as Error)?.stack ?? String(error)}`);
  }
}

function expectEnvelope(result: unknown): asserts result is Envelope {
  if (result === null || typeof result !== 'object') fail(`execute() resolved to ${String(result)}, not an envelope`);
  const envelope = result as Record<string, unknown>;
  if (envelope.ok === true) {
    if (!('request' in envelope) && !('output' in envelope)) fail(`ok envelope without request or output: ${JSON.stringify(envelope).slice(0, 500)}`);
    return;
  }
  if (envelope.ok !== false) fail(`envelope.ok is ${String(envelope.ok)}`);
  const error = envelope.error as Record<string, unknown> | undefined;
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string' || typeof error.retryable !== 'boolean') {
    fail(`malformed error envelope: ${JSON.stringify(envelope).slice(0, 500)}`);
  }
}

const PROTOTYPES = { Object: Object.prototype, Array: Array.prototype, Function: Function.prototype, String: String.prototype } as const;
const PROTOTYPE_SNAPSHOT = Object.fromEntries(
  Object.entries(PROTOTYPES).map(([name, proto]) => [name, new Map(Reflect.ownKeys(proto).map((key) => [key, Object.getOwnPropertyDescriptor(proto, key)?.value]))]),
);

/** After every call: the markers the payloads carry, and no new keys on the prototypes. */
function expectNoPollution(): void {
  const probe = {} as Record<string, unknown>;
  for (const marker of ['polluted', 'isAdmin', 'prototype']) {
    if (probe[marker] !== undefined) fail(`Object.prototype is polluted: ({}).${marker} = ${JSON.stringify(probe[marker])}`);
  }
  if (Object.getPrototypeOf({}) !== Object.prototype) fail('the prototype of a fresh object changed');
  for (const [name, proto] of Object.entries(PROTOTYPES)) {
    if (Reflect.ownKeys(proto).length !== PROTOTYPE_SNAPSHOT[name]!.size) fail(`${name}.prototype gained or lost keys`);
  }
}

/** After every test: nothing on the prototypes was added, removed or replaced. */
function expectPrototypesIntact(): void {
  for (const [name, proto] of Object.entries(PROTOTYPES)) {
    const before = PROTOTYPE_SNAPSHOT[name]!;
    const keys = Reflect.ownKeys(proto);
    if (keys.length !== before.size) fail(`${name}.prototype gained or lost keys: ${keys.filter((k) => !before.has(k)).map(String).join(', ')}`);
    for (const key of keys) {
      if (Object.getOwnPropertyDescriptor(proto, key)?.value !== before.get(key)) fail(`${name}.prototype.${String(key)} was replaced`);
    }
  }
}

function expectNoSecret(value: unknown, where: string): void {
  let text: string;
  try {
    text = JSON.stringify(value) ?? '';
  } catch {
    return;
  }
  for (const secret of SECRETS) if (text.includes(secret)) fail(`${where} contains a credential: ${text.slice(0, 500)}`);
}

/** The caller's input must come back untouched (the runtime works on a copy). */
function fingerprint(value: unknown): string | undefined {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  } catch {
    return undefined; // circular
  }
}

function schemaAccepts(c: Case, input: unknown): boolean | undefined {
  const validate = servicesOf(registry).validator(c.operation.input_schema);
  let copy: unknown;
  try {
    copy = structuredClone(input ?? {});
  } catch {
    return undefined; // not data (a function, a symbol…)
  }
  try {
    return validate(copy) === true;
  } catch {
    return undefined; // e.g. circular data under maxBytes
  }
}

/** Planners and runners in code (raw request, bulk sends) always call authenticated endpoints; data operations say so in `http.auth`. */
function sendsCredentials(op: LoadedOperation): boolean {
  return op.plan !== undefined || op.runner !== undefined || op.http?.auth !== false;
}

/**
 * A request that reached the network: own host and region, right credentials, nothing secret
 * elsewhere, and (when known) the very URL the dry run showed. nock sees the path through WHATWG
 * URL parsing, which folds `%2E%2E` segments, so the shown URL is compared the same way; the exact
 * bytes are checked on the shown URL itself (checkShownRequest) and on a real socket in
 * path-encoding.test.ts.
 */
function checkHit(c: Case, region: Region, hit: Hit, shownUrl?: string): void {
  const base = regionBase(c.connector.api, region);
  if (hit.origin !== base.origin) fail(`a request went to ${hit.origin}${hit.path}, not to ${base.origin}`);
  const auth = hit.headers.authorization;
  if (sendsCredentials(c.operation)) {
    if (auth !== expectedAuthorization(c.connector.name)) fail(`wrong authorization header: ${String(auth)}`);
  } else if (auth !== undefined) {
    fail(`credentials sent to the unauthenticated endpoint ${hit.path}`);
  }
  const op = c.operation;
  if (shownUrl !== undefined) {
    const shown = new URL(shownUrl);
    if (hit.path !== `${shown.pathname}${shown.search}`) fail(`sent ${hit.path}, but the dry run showed ${shownUrl}`);
  } else if (op.plan !== 'raw') {
    const prefix = op.http?.base === 'origin' ? '' : base.prefix;
    if (!hit.path.startsWith(`${prefix}/`)) fail(`request path ${hit.path} is outside ${prefix}/`);
  }
  expectNoSecret({ path: hit.path, body: hit.body }, 'a request path or body');
}

function jsonBodyOf(hit: Hit): unknown {
  const type = String(hit.headers['content-type'] ?? '');
  if (!type.startsWith('application/json')) return undefined;
  return typeof hit.body === 'string' ? (hit.body === '' ? undefined : JSON.parse(hit.body)) : hit.body;
}

/** The request a dry run shows: own host, the operation's path and method, body within limits. */
function checkShownRequest(c: Case, region: Region, input: Record<string, unknown>, request: ShownRequest): void {
  const base = regionBase(c.connector.api, region);
  const op = c.operation;
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return fail(`the request URL does not parse: ${request.url}`);
  }
  // What is shown is what goes on the wire: printable ASCII only (spaces, controls and other
  // characters must be percent-encoded, or Node refuses to send the request).
  const unsendable = /[^\x21-\x7e]/u.exec(request.url);
  if (unsendable) fail(`the request URL carries ${JSON.stringify(unsendable[0])} unencoded: ${JSON.stringify(request.url.slice(0, 300))}`);
  const raw = op.plan === 'raw';
  // A raw Full URL is sent as written (`https://api.customer.io:443/…` is the same host): compare
  // hosts as URL parsing sees them. Everything else must start with the region's origin verbatim.
  if (url.host !== base.host || url.protocol !== 'https:') fail(`request for ${url.protocol}//${url.host}, not ${base.origin}: ${request.url}`);
  if (!raw && !request.url.startsWith(`${base.origin}/`)) fail(`request URL does not start with ${base.origin}/: ${request.url}`);

  if (raw) {
    if (request.method !== input.method) fail(`method ${request.method}, expected ${String(input.method)}`);
    const target = input.url as { endpoint?: string };
    if (target.endpoint !== undefined && !request.url.startsWith(`${base.origin}${base.prefix}`)) fail(`endpoint left the base path: ${request.url}`);
  } else if (!op.http) {
    // A runner in code (bulk sends): its requests are the connector's own, under the base path.
    if (!request.url.startsWith(`${base.origin}${base.prefix}/`)) fail(`request outside ${base.prefix}: ${request.url}`);
  } else {
    const method = op.http.method;
    if (request.method !== method) fail(`method ${request.method}, expected ${method}`);
    const http = op.http!;
    const template = `${http.base === 'origin' ? '' : base.prefix}${http.path}`;
    const [rawPath = '', query] = request.url.slice(base.origin.length).split(/\?(.*)/s);
    if (!rawPath.startsWith(template.split('{')[0]!)) fail(`path ${rawPath} does not start with ${template.split('{')[0]}`);
    const segments = rawPath.split('/');
    if (segments.length !== template.split('/').length) fail(`path ${rawPath} has another number of segments than ${template}`);
    if (segments.some((s) => s === '.' || s === '..')) fail(`path ${rawPath} has a dot segment`);
    if (request.url.includes('#')) fail(`URL carries a fragment: ${request.url}`);
    const allowed = new Set([...(http.query ?? []), ...(http.identifier?.type_query ? [http.identifier.type_query] : [])]);
    for (const key of new URLSearchParams(query ?? '').keys()) if (!allowed.has(key)) fail(`query key ${key} is not one of the operation's`);
    if (['GET', 'HEAD'].includes(method) && request.body !== undefined) fail(`a ${method} request has a body`);
  }
  if (sendsCredentials(op) ? request.headers.authorization !== '[REDACTED]' : request.headers.authorization !== undefined) {
    fail(`authorization header shown as ${String(request.headers.authorization)}`);
  }
  if (request.body !== undefined && String(request.headers['content-type'] ?? '').startsWith('application/json')) {
    const size = utf8Bytes(JSON.stringify(request.body));
    const limit = op.http?.max_body_bytes;
    if (limit !== undefined && size > limit) fail(`body of ${size} bytes is over the operation's ${limit}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Valid inputs.
function propertyNamesIn(schema: unknown, out = new Set<string>()): string[] {
  if (Array.isArray(schema)) schema.forEach((s) => propertyNamesIn(s, out));
  else if (schema && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'properties' && value && typeof value === 'object') Object.keys(value).forEach((k) => out.add(k));
      propertyNamesIn(value, out);
    }
  }
  return [...out];
}

/** Full URLs for raw requests: mostly the connectors' own hosts (right or wrong region), some lookalikes. */
const FULL_URL: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(
      ...KNOWN_ORIGINS,
      ...KNOWN_ORIGINS.map((o) => o.replace('https:', 'http:')),
      'https://api.customer.io:443',
      'https://evil.example',
      'https://api.customer.io.evil.example',
      'https://api.customer.io@evil.example',
      'https://evil.example@api.customer.io',
      'https://track.customer.io\\@evil.example',
    ),
    fc.string({ unit: TEXT_UNIT, maxLength: 12 }),
    fc.boolean(),
  )
  .map(([origin, path, slash]) => `${origin}${slash ? '/' : ''}${path}`);

const arbitraries = new Map<Case, fc.Arbitrary<Record<string, unknown>>>();
function inputArbitrary(c: Case): fc.Arbitrary<Record<string, unknown>> {
  let arb = arbitraries.get(c);
  if (!arb) {
    const raw = c.operation.plan === 'raw';
    arb = schemaArbitrary(c.operation.input_schema, {
      checker,
      interestingKeys: propertyNamesIn(c.operation.input_schema),
      hostileKeys: true,
      override: raw ? (schema, key) => (key === 'full_url' ? FULL_URL.filter((v) => checker.accepts(schema, v)) : undefined) : undefined,
    }) as fc.Arbitrary<Record<string, unknown>>;
    arbitraries.set(c, arb);
  }
  return arb;
}

const REGION = fc.constantFrom<Region>('us', 'eu');

/** A refusal for "the same field given twice" must name a field that really is given twice. */
function expectTrueDuplicate(input: unknown, message: string): void {
  const claim = /"input\.([^"]+)": is also given as "input\.([^"]+)"/.exec(message);
  if (!claim) return;
  const [, , named] = claim;
  if (input === null || typeof input !== 'object' || !Object.hasOwn(input, named!)) {
    fail(`refused as a duplicate of "input.${named}", which the input does not have: ${message}`);
  }
}

async function checkValidDryRun(c: Case, region: Region, input: Record<string, unknown>): Promise<void> {
  figures.valid_inputs.tried++;
  if (schemaAccepts(c, input) !== true) fail(`the generator produced an input the schema refuses: ${JSON.stringify(input)}`);
  const sentBefore = hits.length;
  const before = fingerprint(input);
  const result = await execute(c, region, input, { dryRun: true });
  expectEnvelope(result);
  expectNoPollution();
  if (fingerprint(input) !== before) fail('execute() changed the caller\'s input');
  figures.requests.sent_by_dry_runs += hits.length - sentBefore;
  if (hits.length !== sentBefore || unmatched.length) fail('a dry run sent a request');
  expectNoSecret(result, 'the dry-run envelope');
  if (!result.ok) {
    if (result.error.code !== 'user_input_error') fail(`a valid input failed with ${result.error.code}: ${result.error.message}`);
    if (!NAMES_FIELD.test(result.error.message)) fail(`refusal does not name a field: ${result.error.message}`);
    expectTrueDuplicate(input, result.error.message);
    figures.valid_inputs.refused_beyond_schema++;
    countRefusal(result.error.message);
    return;
  }
  if (!('request' in result)) fail('a dry run answered without its request');
  figures.valid_inputs.accepted++;
  checkShownRequest(c, region, input, result.request);
}

describe('valid inputs: a dry run never throws, resolves to an envelope, and shows a request on the own host', () => {
  it.each(cases.map((c) => [c.label, c] as const))('%s', async (_label, c) => {
    await fc.assert(
      fc.asyncProperty(REGION, inputArbitrary(c), (region, input) => checkValidDryRun(c, region, input)),
      { numRuns: VALID_RUNS, seed: c.seed },
    );
  }, TEST_TIMEOUT_MS);
});

// ---------------------------------------------------------------------------------------------
// Mutations of valid inputs.
const KINDS = [
  'drop_required', 'unknown_key', 'wrong_type', 'over_limit', 'huge_string', 'deep_nesting',
  'unicode', 'proto_top', 'proto_nested', 'null_prototype', 'not_an_object', 'non_json',
] as const;
type Kind = (typeof KINDS)[number];

/** Accepted mutations whose content reaches the wire are also sent (to nock); refused ones always are. */
const SENT_WHEN_ACCEPTED = new Set<Kind>(['huge_string', 'deep_nesting', 'unicode', 'proto_nested']);

interface Mutation {
  input: unknown;
  /** True when the mutation breaks a schema rule by construction (checked against ajv too). */
  breaksSchema: boolean;
  where: string;
}

const WRONG_VALUES: [JsonType, unknown][] = [
  ['string', 'not the right type'], ['integer', 7], ['number', 1.5], ['boolean', true],
  ['null', null], ['object', { wrong: true }], ['array', ['wrong']],
];
const UNKNOWN_KEYS = ['zz_unknown', 'Identifier', 'identifier ', ' name', 'ﬁeld', '😀', '', 'a.b', 'x[0]', '\u0000', 'constructorX', '__proto__x'];
const HOSTILE_STRINGS = [
  '😀🎉👩‍👩‍👧', '\u202Eevil\u202C', 'שלום עולם', 'مرحبا', 'a\u0000b', '\u0000', '\uD800', 'x\uDFFFy', '\uDBFF\uDBFF',
  'e\u0301\u0301\u0301', '\u200B', '\uFEFFbom', '..', '../../v1/customers', '%2e%2e', 'a/b?c=d#e', '\r\nX-Injected: 1', '\\',
];
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
// A Map, not an object literal: `{ __proto__: … }` in a literal would set the prototype.
const PROTO_PAYLOADS = new Map<string, string>([
  ['__proto__', '{"polluted":"yes","isAdmin":true}'],
  ['constructor', '{"prototype":{"polluted":"yes"}}'],
  ['prototype', '{"polluted":"yes"}'],
]);
const HUGE = ['h'.repeat(200 * 1024), 'Ω'.repeat(100 * 1024)];

function deeplyNested(depth: number): Record<string, unknown> {
  let node: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < depth; i++) node = { d: node };
  return node;
}

/** `{ <key>: <payload>, ...object }` built with JSON.parse, so `__proto__` is an own key. */
function withParsedKey(object: unknown, key: string, payloadJson: string, last: boolean): Record<string, unknown> {
  const inner = object !== null && typeof object === 'object' && !Array.isArray(object) ? JSON.stringify(object).slice(1, -1) : '';
  const entry = `${JSON.stringify(key)}:${payloadJson}`;
  return JSON.parse(`{${inner === '' ? entry : last ? `${inner},${entry}` : `${entry},${inner}`}}`);
}

function withValueAt(root: unknown, path: PathPart[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const part of path.slice(0, -1)) node = node[part] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (Array.isArray(node)) node[last as number] = value;
  else defineOwn(node as Record<string, unknown>, String(last), value);
  return copy;
}

function pathText(path: PathPart[]): string {
  return `input${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}`;
}

function withNullPrototypes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withNullPrototypes);
  if (value === null || typeof value !== 'object') return value;
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, item] of Object.entries(value)) defineOwn(out, key, withNullPrototypes(item));
  return out;
}

/** Nodes of the valid input, plus the top-level fields it left out (a mutation may add them). */
function nodesOf(c: Case, valid: Record<string, unknown>): LocatedNode[] {
  const schema = c.operation.input_schema;
  const nodes = locateNodes(valid, schema, checker).filter((n) => n.path.length > 0);
  for (const [key, sub] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
    if (!Object.hasOwn(valid, key)) nodes.push({ path: [key], value: undefined, schema: sub, underChoice: false });
  }
  return nodes;
}

function pickOne<T>(items: T[], n: number): T | undefined {
  return items.length ? items[n % items.length] : undefined;
}

function allowsString(schema: Schema): boolean {
  const types = typesOf(schema);
  return types === undefined || types.includes('string');
}

function mutate(c: Case, kind: Kind, valid: Record<string, unknown>, pick: number, variant: number): Mutation | undefined {
  const schema = c.operation.input_schema;
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const closed = schema.additionalProperties === false;
  switch (kind) {
    case 'drop_required': {
      const key = pickOne(((schema.required as string[] | undefined) ?? []).filter((k) => Object.hasOwn(valid, k)), pick);
      if (key === undefined) return undefined;
      const copy = structuredClone(valid);
      delete copy[key];
      return { input: copy, breaksSchema: true, where: `input.${key}` };
    }
    case 'unknown_key': {
      const key = pickOne(UNKNOWN_KEYS.filter((k) => !Object.hasOwn(properties, k)), variant)!;
      const copy = structuredClone(valid);
      defineOwn(copy, key, pickOne([1, 'x', null, {}, []], pick));
      return { input: copy, breaksSchema: closed, where: `input[${JSON.stringify(key)}]` };
    }
    case 'wrong_type': {
      const key = pickOne(Object.keys(properties).filter((k) => typesOf(properties[k]!) !== undefined), pick);
      if (key === undefined) return undefined;
      const allowed = typesOf(properties[key]!)!;
      const wrong = pickOne(WRONG_VALUES.filter(([t]) => !allowed.includes(t)), variant);
      if (!wrong) return undefined;
      const copy = structuredClone(valid);
      defineOwn(copy, key, wrong[1]);
      return { input: copy, breaksSchema: true, where: `input.${key} (${wrong[0]} for ${allowed.join('/')})` };
    }
    case 'over_limit': {
      const node = pickOne(
        nodesOf(c, valid).filter((n) => {
          const s = n.schema as JsonSchema;
          if (typeof s !== 'object' || 'const' in s || 'enum' in s) return false;
          const limited = typeof s.maxBytes === 'number' || typeof s.maxLength === 'number';
          return limited && (allowsString(s) || (isFreeFormObject(s) && typeof s.maxBytes === 'number'));
        }),
        pick,
      );
      if (!node) return undefined;
      const s = node.schema as JsonSchema;
      let value: unknown;
      if (allowsString(s)) {
        const useBytes = typeof s.maxBytes === 'number' && (variant % 2 === 0 || typeof s.maxLength !== 'number');
        // 3-byte characters: over the byte limit while well under it in characters.
        value = useBytes ? '€'.repeat(Math.floor((s.maxBytes as number) / 3) + 1) : '😀'.repeat((s.maxLength as number) + 1);
      } else {
        const current = node.value !== null && typeof node.value === 'object' && !Array.isArray(node.value) ? node.value : {};
        value = { ...current, pad: 'x'.repeat(s.maxBytes as number) };
      }
      return { input: withValueAt(valid, node.path, value), breaksSchema: !node.underChoice, where: pathText(node.path) };
    }
    case 'huge_string': {
      const node = pickOne(nodesOf(c, valid).filter((n) => typeof n.value === 'string' || (n.value === undefined && allowsString(n.schema))), pick);
      if (!node) return undefined;
      return { input: withValueAt(valid, node.path, HUGE[variant % HUGE.length]), breaksSchema: false, where: pathText(node.path) };
    }
    case 'deep_nesting': {
      const node = pickOne(nodesOf(c, valid).filter((n) => isFreeFormObject(n.schema)), pick);
      if (!node) return undefined;
      const deep = deeplyNested(200);
      const plain = node.value !== null && typeof node.value === 'object' && !Array.isArray(node.value);
      const value = plain ? Object.assign(structuredClone(node.value) as object, { deep }) : { deep };
      return { input: withValueAt(valid, node.path, value), breaksSchema: false, where: pathText(node.path) };
    }
    case 'unicode': {
      const text = HOSTILE_STRINGS[variant % HOSTILE_STRINGS.length]!;
      const nodes = nodesOf(c, valid);
      const asKey = pick % 3 === 0 ? pickOne(nodes.filter((n) => isFreeFormObject(n.schema) && n.value !== null && typeof n.value === 'object' && !Array.isArray(n.value)), pick) : undefined;
      if (asKey) {
        const value = structuredClone(asKey.value) as Record<string, unknown>;
        defineOwn(value, text, 'x');
        return { input: withValueAt(valid, asKey.path, value), breaksSchema: false, where: `${pathText(asKey.path)} (key)` };
      }
      const node = pickOne(nodes.filter((n) => typeof n.value === 'string'), pick);
      if (!node) return undefined;
      return { input: withValueAt(valid, node.path, text), breaksSchema: false, where: pathText(node.path) };
    }
    case 'proto_top': {
      const key = PROTO_KEYS[variant % PROTO_KEYS.length]!;
      return {
        input: withParsedKey(valid, key, PROTO_PAYLOADS.get(key)!, pick % 2 === 0),
        breaksSchema: closed && !Object.hasOwn(properties, key),
        where: `input.${key}`,
      };
    }
    case 'proto_nested': {
      const node = pickOne(nodesOf(c, valid).filter((n) => isFreeFormObject(n.schema)), pick);
      if (!node) return undefined;
      const key = PROTO_KEYS[variant % PROTO_KEYS.length]!;
      const value = Math.floor(variant / 3) % 2 === 0
        ? withParsedKey(node.value, key, PROTO_PAYLOADS.get(key)!, pick % 2 === 0)
        : withParsedKey(node.value, 'nested', `{${JSON.stringify(key)}:${PROTO_PAYLOADS.get(key)!}}`, true);
      return { input: withValueAt(valid, node.path, value), breaksSchema: false, where: `${pathText(node.path)}.${key}` };
    }
    case 'null_prototype':
      return { input: withNullPrototypes(valid), breaksSchema: false, where: 'input (null prototypes)' };
    case 'not_an_object': {
      const value = pickOne<unknown>([[], 'text', 42, true, null, undefined, [valid]], variant);
      return { input: value, breaksSchema: value !== null && value !== undefined, where: 'input' };
    }
    case 'non_json': {
      const key = pickOne(Object.keys(valid), pick) ?? 'anything';
      const copy: Record<string, unknown> = structuredClone(valid);
      switch (variant % 6) {
        case 0:
          defineOwn(copy, key, () => 1);
          break;
        case 1:
          defineOwn(copy, key, 10n);
          break;
        case 2:
          defineOwn(copy, key, Symbol('x'));
          break;
        case 3: {
          const circular: Record<string, unknown> = { a: 1 };
          circular.self = circular;
          defineOwn(copy, key, circular);
          break;
        }
        case 4:
          defineOwn(copy, key, new Date(0));
          break;
        case 5:
          Object.defineProperty(copy, key, { enumerable: true, get: () => fail('the input was read through a getter that throws') });
          break;
      }
      return { input: copy, breaksSchema: false, where: `input.${key} (not JSON, variant ${variant % 6})` };
    }
  }
}

function kindFigures(kind: Kind): KindFigures {
  return (figures.mutated_inputs.by_kind[kind] ??= {
    tried: 0, not_applicable: 0, refused_as_invalid: 0, stayed_valid_accepted: 0, stayed_valid_refused: 0,
    accepted_url_too_long_to_send: 0, requests_sent: 0, error_codes: {},
  });
}

/** The expectations for one execution of a mutated input (dry or not). */
function judgeMutation(kind: Kind, mutation: Mutation, valid: boolean | undefined, result: Envelope): void {
  if (valid === false) {
    if (result.ok) fail(`${kind} at ${mutation.where}: an input the schema refuses was accepted`);
    if (result.error.code !== 'user_input_error') fail(`${kind} at ${mutation.where}: ${result.error.code} instead of user_input_error: ${result.error.message}`);
    if (!NAMES_FIELD.test(result.error.message)) fail(`${kind} at ${mutation.where}: the message names no field: ${result.error.message}`);
  } else if (!result.ok) {
    // Still valid for the schema (or not JSON at all): a refusal is fine, anything else is not.
    const allowed = valid === true ? ['user_input_error'] : ['user_input_error', 'connector_error'];
    if (!allowed.includes(result.error.code)) fail(`${kind} at ${mutation.where}: ${result.error.code}: ${result.error.message}`);
    expectTrueDuplicate(mutation.input, result.error.message);
  }
}

async function checkMutation(c: Case, region: Region, kind: Kind, mutation: Mutation): Promise<void> {
  const stats = kindFigures(kind);
  figures.mutated_inputs.tried++;
  stats.tried++;
  const valid = schemaAccepts(c, mutation.input);
  if (mutation.breaksSchema && valid !== false) fail(`mutation ${kind} at ${mutation.where} was meant to break the schema but ajv accepts it`);
  const sentBefore = hits.length;
  const unmatchedBefore = unmatched.length;
  const before = fingerprint(mutation.input);
  const expectInputUntouched = () => {
    if (before !== undefined && fingerprint(mutation.input) !== before) fail(`execute() changed the caller's input (${kind} at ${mutation.where})`);
  };
  const afterwards = (result: Envelope, label: string) => {
    expectEnvelope(result);
    expectNoPollution();
    if (unmatched.length !== unmatchedBefore) fail(`a request went to a host nock does not know: ${unmatched.slice(unmatchedBefore).join(', ')}`);
    expectNoSecret(result, `the ${label} envelope`);
    judgeMutation(kind, mutation, valid, result);
  };

  // An input the schema accepts is dry-run first: the request it shows is checked, and decides
  // whether sending it is worthwhile. One the schema refuses goes straight to the real run.
  let dry: Envelope | undefined;
  if (valid !== false) {
    dry = await execute(c, region, mutation.input, { dryRun: true });
    afterwards(dry, 'dry-run');
    if (hits.length !== sentBefore) fail(`${kind} at ${mutation.where}: a dry run sent a request`);
    if (dry.ok && 'request' in dry) checkShownRequest(c, region, mutation.input as Record<string, unknown>, dry.request);
    if (dry.ok && 'request' in dry && dry.request.url.length > LONGEST_URL_SENT) {
      expectInputUntouched();
      stats.accepted_url_too_long_to_send++;
      stats.stayed_valid_accepted++;
      return;
    }
    if (dry.ok && !SENT_WHEN_ACCEPTED.has(kind)) {
      // Accepted, and nothing about it changes on the wire: the dry run's request was checked.
      expectInputUntouched();
      stats.stayed_valid_accepted++;
      return;
    }
  }

  // Then for real, against nock: a refused input must not reach it.
  const result = await execute(c, region, mutation.input, NON_DRY);
  afterwards(result, 'non-dry');
  expectInputUntouched();
  const sent = hits.slice(sentBefore);
  if (!result.ok) {
    stats.error_codes[result.error.code] = (stats.error_codes[result.error.code] ?? 0) + 1;
    if (valid === false) stats.refused_as_invalid++;
    else stats.stayed_valid_refused++;
    if (sent.length > 0) {
      figures.requests.sent_for_refused_inputs += sent.length;
      fail(`${kind} at ${mutation.where}: refused with ${result.error.code}, yet ${sent.length} request(s) were sent`);
    }
    return;
  }
  stats.stayed_valid_accepted++;
  stats.requests_sent += sent.length;
  const shownUrl = sent.length === 1 && dry?.ok && 'request' in dry ? dry.request.url : undefined;
  for (const hit of sent) checkHit(c, region, hit, shownUrl);
}

const bases = new Map<Case, Record<string, unknown>[]>();
/** Valid inputs to mutate: generated once per operation, with their own seed. */
function mutationBases(c: Case): fc.Arbitrary<Record<string, unknown>> {
  let samples = bases.get(c);
  if (!samples) {
    samples = fc.sample(inputArbitrary(c), { numRuns: MUTATION_BASES, seed: c.seed + 7 });
    bases.set(c, samples);
  }
  return fc.constantFrom(...samples);
}

describe('hostile inputs: refused with a user_input_error naming the field (or accepted if still valid); no throw, no pollution, nothing sent when refused', () => {
  it.each(cases.map((c) => [c.label, c] as const))('%s', async (_label, c) => {
    for (const [index, kind] of KINDS.entries()) {
      await fc.assert(
        fc.asyncProperty(REGION, mutationBases(c), fc.nat(), fc.nat(), async (region, valid, pick, variant) => {
          const mutation = mutate(c, kind, valid, pick, variant);
          if (!mutation) {
            kindFigures(kind).not_applicable++;
            return;
          }
          await checkMutation(c, region, kind, mutation);
        }),
        { numRuns: RUNS_PER_MUTATION, seed: c.seed + index },
      );
    }
  }, TEST_TIMEOUT_MS);
});

// ---------------------------------------------------------------------------------------------
// Real (nock-answered) runs for a handful of operations: what reaches the wire must itself fit
// the operation's input rules.
const TRACK_RESERVED = new Set(['_update', '_timestamp', 'cio_relationships', 'anonymous_id', 'cio_subscription_preferences', 'id']);

function findCase(connector: string, operation: string): Case {
  return cases.find((c) => c.connector.name === connector && c.operation.name === operation) ?? fail(`no operation ${connector} ${operation}`);
}

/** For `rest` bodies: each field is either a named input field valid for its schema, or comes from a spread object. */
function checkRestBody(c: Case, input: Record<string, unknown>, body: Record<string, unknown>): void {
  const http = c.operation.http!;
  const mapping = http.body ?? { mode: 'rest' as const };
  if (mapping.mode !== 'rest') return;
  const properties = (c.operation.input_schema.properties ?? {}) as Record<string, Schema>;
  const spread = mapping.spread ?? [];
  const notInBody = new Set([...(http.path.match(/\{(\w+)\}/g) ?? []).map((p) => p.slice(1, -1)), ...(http.query ?? []), ...(http.identifier ? [http.identifier.input] : []), ...spread]);
  for (const [key, value] of Object.entries(body)) {
    if (mapping.set && Object.hasOwn(mapping.set, key)) continue;
    const from = spread.find((s) => input[s] !== null && typeof input[s] === 'object' && Object.hasOwn(input[s] as object, key));
    if (from !== undefined) {
      const node = locateNodes(input[from], properties[from]!, checker).find((n) => n.path.length === 1 && n.path[0] === key);
      if (!node || !checker.accepts(node.schema, value)) fail(`body field ${key} (from input.${from}) does not fit its schema`);
      if (Object.hasOwn(properties, key) && !notInBody.has(key) && !checker.accepts(properties[key]!, value)) {
        fail(`body field ${key}, taken from input.${from}, does not fit the schema of input.${key}: ${JSON.stringify(value).slice(0, 200)}`);
      }
      continue;
    }
    if (!Object.hasOwn(properties, key) || notInBody.has(key)) fail(`body field ${key} is not an input field`);
    if (!checker.accepts(properties[key]!, value)) fail(`body field ${key} does not fit the schema of input.${key}: ${JSON.stringify(value).slice(0, 200)}`);
  }
}

function checkBodyAsSent(c: Case, input: Record<string, unknown>, hit: Hit): void {
  const limit = c.operation.http?.max_body_bytes;
  const body = jsonBodyOf(hit);
  if (limit !== undefined && body !== undefined && utf8Bytes(JSON.stringify(body)) > limit) fail(`body over ${limit} bytes was sent`);
  if (c.operation.plan === 'raw') {
    if (['GET', 'HEAD', 'OPTIONS'].includes(hit.method) && hit.body !== undefined && hit.body !== '') fail(`a ${hit.method} raw request carried a body`);
    return;
  }
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) return;
  const record = body as Record<string, unknown>;
  const properties = (c.operation.input_schema.properties ?? {}) as Record<string, Schema>;
  switch (c.operation.name) {
    case 'create_or_update_customer': {
      const attributes = Object.keys(record).filter((k) => !TRACK_RESERVED.has(k));
      if (attributes.length > 300) fail(`identify sent ${attributes.length} attributes; Customer.io takes at most 300 per call`);
      for (const name of attributes) {
        if (utf8Bytes(name) > 150) fail(`attribute name of ${utf8Bytes(name)} bytes sent`);
        if (utf8Bytes(record[name]) > 1000) fail(`attribute ${name} of ${utf8Bytes(record[name])} bytes sent`);
      }
      break;
    }
    case 'track_custom_event':
      if (typeof record.name !== 'string' || utf8Bytes(record.name) > 100 || record.name === '') fail(`event name ${JSON.stringify(record.name)} sent`);
      if (record.data !== undefined && utf8Bytes(record.data) > 100_000) fail('event data over 100 KB sent');
      if (typeof record.id !== 'string' || !/^[0-9A-HJKMNP-TV-Z]{26}$/i.test(record.id)) fail(`event sent without a ULID id: ${String(record.id)}`);
      break;
    case 'send_entity':
      if (!checker.accepts(properties.entity!, record)) fail(`the entity as sent does not fit the entity schema: ${JSON.stringify(record).slice(0, 300)}`);
      return;
    case 'send_batch':
      if (!checker.accepts(properties.batch!, record.batch)) fail('the batch as sent does not fit the batch schema');
      return;
  }
  checkRestBody(c, input, record);
}

async function checkNonDry(c: Case, region: Region, input: Record<string, unknown>): Promise<Hit[]> {
  figures.sent_for_real.tried++;
  const dry = await execute(c, region, input, { dryRun: true });
  expectEnvelope(dry);
  const sentBefore = hits.length;
  const result = await execute(c, region, input, NON_DRY);
  expectEnvelope(result);
  expectNoPollution();
  expectNoSecret(result, 'the envelope');
  const sent = hits.slice(sentBefore);
  if (!result.ok) {
    if (result.error.code !== 'user_input_error') fail(`valid input failed with ${result.error.code}: ${result.error.message}`);
    expectTrueDuplicate(input, result.error.message);
    if (sent.length) fail(`refused, yet ${sent.length} request(s) were sent`);
    figures.sent_for_real.refused_beyond_schema++;
    return sent;
  }
  figures.sent_for_real.accepted++;
  if (sent.length === 0) fail('accepted without sending a request');
  if (!dry.ok) fail(`the dry run refused what the real run sent: ${dry.error.message}`);
  if ('request' in dry) checkShownRequest(c, region, input, dry.request);
  const shownUrl = sent.length === 1 && 'request' in dry ? dry.request.url : undefined;
  for (const hit of sent) {
    checkHit(c, region, hit, shownUrl);
    checkBodyAsSent(c, input, hit);
    figures.sent_for_real.requests_checked++;
  }
  return sent;
}

const NON_DRY_OPERATIONS: [string, string][] = [
  ['customer-io', 'create_or_update_customer'],
  ['customer-io', 'track_custom_event'],
  ['customer-io', 'track_anonymous_event'],
  ['customer-io', 'send_entity'],
  ['customer-io', 'send_batch'],
  ['customer-io', 'add_customers_to_segment'],
  ['customer-io', 'submit_form'],
  ['customer-io', 'unsubscribe_delivery'],
  ['customer-io', 'raw_http_request'],
  ['customer-io-app', 'send_transactional_email'],
  ['customer-io-app', 'trigger_broadcast'],
  ['customer-io-app', 'upload_asset'],
  ['customer-io-app', 'raw_http_request'],
  ['customer-io-beta', 'create_reporting_webhook'],
  ['customer-io-beta', 'raw_http_request'],
  ['customer-io-trigger', 'create_reporting_webhook'],
  ['customer-io-trigger', 'delete_reporting_webhook'],
];

describe('sent for real (nock answers 200 {}): every request that reaches the wire fits the operation\'s rules', () => {
  it.each(NON_DRY_OPERATIONS.map(([connector, operation]) => [`${connector} ${operation}`, findCase(connector, operation)] as const))(
    '%s',
    async (_label, c) => {
      await fc.assert(
        fc.asyncProperty(REGION, inputArbitrary(c), async (region, input) => {
          await checkNonDry(c, region, input);
        }),
        { numRuns: NON_DRY_RUNS, seed: c.seed + 101 },
      );
    },
    TEST_TIMEOUT_MS,
  );

  const identify = findCase('customer-io', 'create_or_update_customer');

  it('Track identify: custom attributes plus named ones never put more than 300 attributes in one call', async () => {
    const named = fc.record(
      { email: fc.constant('person@example.com'), created_at: fc.integer({ min: 0, max: 2_000_000_000 }), unsubscribed: fc.boolean() },
      { requiredKeys: [], noNullPrototype: true },
    );
    await fc.assert(
      fc.asyncProperty(REGION, fc.oneof(fc.constantFrom(298, 299, 300), fc.integer({ min: 250, max: 300 })), named, async (region, count, extra) => {
        const custom_attributes = Object.fromEntries(Array.from({ length: count }, (_, i) => [`attribute_${i}`, i]));
        await checkNonDry(identify, region, { identifier: '42', ...extra, custom_attributes });
      }),
      // The boundary itself is always tried: 300 custom attributes plus an e-mail address.
      { numRuns: 6, seed: identify.seed + 300, examples: [['us', 300, { email: 'person@example.com' }]] },
    );
  }, TEST_TIMEOUT_MS);

  it('Track identify: a custom attribute cannot pass a reserved field (_timestamp, _update, cio_relationships…) around its schema', async () => {
    const properties = identify.operation.input_schema.properties as Record<string, Schema>;
    const reserved = ['_timestamp', '_update', 'cio_relationships', 'cio_subscription_preferences', 'anonymous_id'];
    const value = fc.oneof(
      fc.constantFrom<unknown>('not a time', -5, 'yes', { action: 'delete_everything' }, [], '', { topics: { nope: 1 } }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(REGION, fc.constantFrom(...reserved), value, async (region, key, attribute) => {
        fc.pre(!checker.accepts(properties[key]!, attribute));
        const sent = await checkNonDry(identify, region, { identifier: '42', custom_attributes: { [key]: attribute } });
        for (const hit of sent) {
          const body = jsonBodyOf(hit) as Record<string, unknown>;
          if (Object.hasOwn(body, key)) fail(`identify sent ${key}: ${JSON.stringify(body[key])}, which input.${key} would refuse`);
        }
      }),
      { numRuns: 8, seed: identify.seed + 301 },
    );
  }, TEST_TIMEOUT_MS);
});

// ---------------------------------------------------------------------------------------------
// The smallest inputs the properties above found, as plain examples.
describe('minimal reproductions', () => {
  it.each(['constructor', 'toString', '__proto__'])(
    'Track identify: a custom attribute named %s is not refused as "also given" when it is given once',
    async (name) => {
      const c = findCase('customer-io', 'create_or_update_customer');
      const input = JSON.parse(`{"identifier":"42","custom_attributes":{${JSON.stringify(name)}:"x"}}`) as Record<string, unknown>;
      const result = await execute(c, 'us', input, { dryRun: true });
      expectNoPollution();
      if (!result.ok) expect(result.error.message).not.toContain('is also given as');
      else expect(Object.hasOwn((result as { request: ShownRequest }).request.body as object, name)).toBe(true);
    },
  );

  const endpoints = ['/customers/a b', '/%2E/a b'];
  it.each(['customer-io', 'customer-io-app', 'customer-io-beta'].flatMap((connector) => endpoints.map((endpoint) => [connector, endpoint] as const)))(
    '%s raw_http_request, Endpoint %j: shown percent-encoded and sent as shown (or refused), never an api_error',
    async (connector, endpoint) => {
      const c = findCase(connector, 'raw_http_request');
      const input = { method: 'GET', url: { endpoint }, body: { none: null } };
      const expected = `${regionBase(c.connector.api, 'us').origin}${regionBase(c.connector.api, 'us').prefix}${endpoint.replace(' ', '%20')}`;
      const dry = await execute(c, 'us', input, { dryRun: true });
      const sentBefore = hits.length;
      const real = await execute(c, 'us', input, NON_DRY);
      if (!dry.ok || !real.ok) {
        expect([dry.ok || dry.error.code, real.ok || real.error.code]).toEqual(['user_input_error', 'user_input_error']);
        expect(hits.length).toBe(sentBefore);
        return;
      }
      expect('request' in dry && dry.request.url).toBe(expected);
      // nock reports paths after URL normalisation, which folds a %2E segment; that such a
      // segment goes on the wire unchanged is checked against a real server in path-encoding.test.ts.
      expect(hits.slice(sentBefore).map((h) => `${h.origin}${h.path}`)).toEqual([new URL(expected).href]);
    },
  );
});
