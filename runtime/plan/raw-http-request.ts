// Tray's universal raw request: any method and path on the connector's own Customer.io host,
// with the connector's credentials. A Full URL must point at that same host (or the
// host-configured origin); anything else is refused before a request exists (request-url.ts).
// An Endpoint goes after the base URL, and one that repeats the base path (/v1/… on App) is
// refused with the path to write instead (endpoint-url.ts).
import type { CallPlan, HttpAnswer, PlanContext, Planner, PreparedRequest } from '../contracts.js';
import type { HttpMethod } from '../definitions.js';
import { userInputError } from '../envelope.js';
import { setOwn } from '../own-property.js';
import { parseJson } from '../parse-json.js';
import { ENDPOINT_FIELD, resolveEndpoint } from './endpoint-url.js';
import { checkedFullUrl, MAX_URL_LENGTH, ownUrl } from './request-url.js';
import { isSafeToRepeat } from './safe-to-repeat.js';

interface KeyValue {
  key: string;
  value: string;
}

interface RawInput {
  method: HttpMethod;
  url: { endpoint: string } | { full_url: string };
  headers?: KeyValue[];
  query_parameters?: KeyValue[];
  body: { raw: string | Record<string, unknown> | unknown[] } | { form_data: Record<string, string> } | { form_urlencoded: Record<string, string> } | { none: null };
  include_raw_body?: boolean;
  parse_response?: 'true' | 'json' | 'false';
}

const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Where the request goes: the own origin with the Endpoint's path, or the checked Full URL. */
function targetUrl(input: RawInput, context: PlanContext): URL {
  const { base } = context;
  if ('full_url' in input.url) {
    const where = `${base.origin}, the ${context.connector.title} host for region ${context.region.toUpperCase()}`;
    return withQuery(checkedFullUrl(input.url.full_url, base, 'input.url.full_url', where), input.query_parameters);
  }
  // The same decision a host's page shows as the person types (endpoint-url.ts).
  const resolved = resolveEndpoint(`${base.origin}${base.prefix}`, input.url.endpoint);
  if (!resolved.ok) throw userInputError(resolved.problem.message, [{ field: resolved.problem.field, rule: resolved.problem.rule }]);
  return withQuery(ownUrl(base, resolved.pathname, resolved.search, ENDPOINT_FIELD), input.query_parameters);
}

/** Adds the Query parameters after any query the URL was written with. */
function withQuery(url: URL, parameters: KeyValue[] | undefined): URL {
  if (!parameters?.length) return url;
  const query = parameters
    .map(({ key, value }, i) => {
      try {
        return `${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
      } catch {
        throw userInputError(`"input.query_parameters[${i}]": must be valid Unicode text (it holds an unpaired surrogate)`, [{ field: `input.query_parameters[${i}]`, rule: 'unicode' }]);
      }
    })
    .join('&');
  url.search = url.search ? `${url.search}&${query}` : query;
  if (url.href.length > MAX_URL_LENGTH) {
    throw userInputError(`"input.query_parameters": the request URL would be ${url.href.length} characters; at most ${MAX_URL_LENGTH} are sent`, [{ field: 'input.query_parameters', rule: 'max_url_length' }]);
  }
  return url;
}

/**
 * Headers the connector or the HTTP layer own: a person's value would either be ignored, break
 * the framing of the request, or (Host) make a server treat the request as meant for another
 * site while it carries this connector's credentials.
 */
const RESERVED_HEADERS: Record<string, string> = {
  authorization: "is set from the connector's credentials",
  'proxy-authorization': 'would send credentials of its own',
  host: "is set from the URL; another host name would address another site with this connector's credentials",
  'content-length': 'is worked out from the body',
  'transfer-encoding': 'is chosen by the HTTP layer',
  connection: 'is managed by the HTTP layer (connections are kept alive and reused)',
  'keep-alive': 'is managed by the HTTP layer',
  upgrade: 'would switch protocols, which these APIs do not use',
  te: 'is chosen by the HTTP layer',
  trailer: 'is chosen by the HTTP layer',
};

function userHeaders(headers: KeyValue[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  (headers ?? []).forEach(({ key, value }, index) => {
    const field = `input.headers[${index}]`;
    const refuse = (rule: string, what: string): never => {
      throw userInputError(`"${field}.key": ${what}`, [{ field: `${field}.key`, rule }]);
    };
    // The schema has already held names to header characters and values to one line of ASCII.
    const name = key.toLowerCase();
    const reserved = RESERVED_HEADERS[name];
    if (reserved) refuse('reserved_header', `${key} cannot be given here: it ${reserved}`);
    if (Object.hasOwn(result, name)) refuse('unique', `${key} is given twice (header names ignore case); give it once, with the values joined by commas`);
    setOwn(result, name, value);
  });
  return result;
}

function encodeBody(input: RawInput): { body?: unknown; json?: string; contentType?: string } {
  const body = input.body;
  if ('none' in body) return {};
  if (BODYLESS_METHODS.has(input.method)) {
    throw userInputError(`"input.body": a ${input.method} request carries no body; choose the Body Type "none"`);
  }
  if ('raw' in body) {
    if (typeof body.raw === 'string') return { body: body.raw, contentType: 'text/plain' };
    return { body: body.raw, json: JSON.stringify(body.raw), contentType: 'application/json' };
  }
  if ('form_urlencoded' in body) {
    return { body: new URLSearchParams(body.form_urlencoded).toString(), contentType: 'application/x-www-form-urlencoded' };
  }
  const form = new FormData();
  for (const [key, value] of Object.entries(body.form_data)) form.append(key, value);
  return { body: form }; // got sets the multipart boundary itself
}

function responseBody(answer: HttpAnswer, mode: RawInput['parse_response']): unknown {
  if (mode === 'false') return answer.text;
  const parsed = parseJson(answer.text);
  if (parsed.ok) return parsed.value ?? '';
  if (mode === 'json') {
    throw userInputError(`Customer.io answered with a body that is not JSON, and Parse response is "JSON only": ${answer.text.slice(0, 200)}`);
  }
  return answer.text;
}

function responseOf(answer: HttpAnswer, input: RawInput) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    status_code: answer.status,
    headers,
    body: responseBody(answer, input.parse_response ?? 'true'),
    ...(input.include_raw_body ? { raw_body: answer.text } : {}),
  };
}

export const planRawRequest: Planner = (rawInput, context): CallPlan => {
  const input = rawInput as unknown as RawInput;
  const encoded = encodeBody(input);
  const headers: Record<string, string> = {
    ...(encoded.contentType ? { 'content-type': encoded.contentType } : {}),
    ...userHeaders(input.headers),
  };
  const request: PreparedRequest = {
    method: input.method,
    url: targetUrl(input, context),
    headers,
    ...(encoded.body !== undefined ? { body: encoded.body } : {}),
    ...(encoded.json !== undefined ? { json: encoded.json } : {}),
  };
  return {
    request,
    sendCredentials: true,
    safeToRepeat: isSafeToRepeat(input.method, false, false),
    readOutput: (answer) => ({ response: responseOf(answer, input) }),
    failureDetails: (answer) => ({ response: responseOf(answer, { ...input, parse_response: 'true' }) }),
  };
};
