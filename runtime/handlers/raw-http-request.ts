// Tray's universal raw request: any method and path on the connector's own Customer.io host,
// with the connector's credentials. A Full URL must point at that same host (or the
// host-configured origin); anything else is refused before a request exists.
import type { PreparedRequest } from '../build-request.js';
import type { CallPlan, OperationHandler, PlanContext } from '../call-plan.js';
import type { HttpMethod } from '../definitions.js';
import { userInputError } from '../envelope.js';
import { parseJson, type HttpAnswer } from '../error-mapping.js';
import { isSafeToRepeat } from '../retry.js';

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

function targetUrl(input: RawInput, context: PlanContext): string {
  const { base } = context;
  if ('endpoint' in input.url) {
    const endpoint = input.url.endpoint.trim();
    if (/^https?:\/\//i.test(endpoint)) {
      throw userInputError('"input.url.endpoint": is a full URL; choose the Full URL option for it, or give only the path (such as /v1/customers/42)');
    }
    const path = endpoint === '' || endpoint.startsWith('/') ? endpoint : `/${endpoint}`;
    return `${base.origin}${base.prefix}${encodeUnsafe(path, 'input.url.endpoint')}`;
  }
  const full = input.url.full_url.trim();
  let url: URL;
  try {
    url = new URL(full);
  } catch {
    throw userInputError('"input.url.full_url": must be a URL starting with http:// or https://');
  }
  if (!/^https?:$/.test(url.protocol)) throw userInputError('"input.url.full_url": must start with http:// or https://');
  if (url.origin !== base.origin) {
    throw userInputError(
      `"input.url.full_url": must be on ${base.origin}, the ${context.connector.title} host for region ${context.region.toUpperCase()}; this connector's credentials are never sent to another host`,
    );
  }
  return `${url.origin}${encodeUnsafe(full.slice(url.origin.length), 'input.url.full_url')}`;
}

/**
 * Percent-encodes only what cannot travel in a URL as written (spaces, control characters,
 * non-ASCII), leaving the person's own escapes and dot segments alone: the request shown is the
 * request sent, and nothing they wrote is rewritten.
 */
function encodeUnsafe(pathAndQuery: string, field: string): string {
  try {
    return pathAndQuery.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/%?#[\]]/gu, (c) => encodeURIComponent(c));
  } catch {
    throw userInputError(`"${field}": must be valid Unicode text (it holds an unpaired surrogate)`);
  }
}

function withQuery(url: string, parameters: KeyValue[] | undefined): string {
  if (!parameters?.length) return url;
  const query = parameters
    .map(({ key, value }, i) => {
      try {
        return `${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
      } catch {
        throw userInputError(`"input.query_parameters[${i}]": must be valid Unicode text (it holds an unpaired surrogate)`);
      }
    })
    .join('&');
  return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}

function userHeaders(headers: KeyValue[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  (headers ?? []).forEach(({ key, value }, index) => {
    if (key.toLowerCase() === 'authorization') {
      throw userInputError(`"input.headers[${index}].key": Authorization is set from the connector's credentials and cannot be given here`);
    }
    result[key.toLowerCase()] = value;
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

export const rawHttpRequest: OperationHandler = {
  plan(rawInput, context): CallPlan {
    const input = rawInput as unknown as RawInput;
    const encoded = encodeBody(input);
    const headers: Record<string, string> = {
      ...(encoded.contentType ? { 'content-type': encoded.contentType } : {}),
      ...userHeaders(input.headers),
    };
    const request: PreparedRequest = {
      method: input.method,
      url: withQuery(targetUrl(input, context), input.query_parameters),
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
  },
};
