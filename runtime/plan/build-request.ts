// Input (already validated) + an operation's http mapping → the exact HTTP request to send,
// without credentials (they are added by the dispatcher, so nothing upstream can show them).
import type { ResolvedBase } from '../../auth/regions.js';
import type { PreparedRequest } from '../contracts.js';
import type { BodyMapping, HttpMapping, HttpMethod, IdentifierChoice } from '../definitions.js';
import { userInputError } from '../envelope.js';
import { addEventIds } from './event-ids.js';
import { fillPath, queryString, templateParams } from './path-template.js';
import { byteSize } from '../byte-size.js';
import { isFormData } from '../form-data.js';
import { packedBody } from '../packed-list.js';
import { setOwn } from '../own-property.js';
import { ownUrl } from './request-url.js';
import { fillTemplate } from './template.js';

export type { PreparedRequest } from '../contracts.js';

type Input = Record<string, unknown>;

function restBody(input: Input, used: ReadonlySet<string>, mapping: Extract<BodyMapping, { mode: 'rest' }>, formFields: ReadonlySet<string>): Input {
  const body: Input = {};
  const spread = mapping.spread ?? [];
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (value !== undefined && !used.has(key) && !spread.includes(key)) body[key] = value;
  }
  for (const key of spread) {
    const values = input[key];
    if (values === undefined) continue;
    for (const [name, value] of Object.entries(values as Input)) {
      // A name the form has a field of its own for (email, _timestamp, cio_relationships…) is set
      // there, where its own rules apply; never let a free-form entry bypass or overwrite it.
      if (formFields.has(name)) {
        throw userInputError(
          `"input.${key}.${name}": is a field of its own ("input.${name}"); set it there`,
          [{ field: `input.${key}.${name}`, rule: 'reserved' }],
        );
      }
      if (Object.hasOwn(body, name)) {
        throw userInputError(`"input.${key}.${name}": is given twice; set it in one place only`, [{ field: `input.${key}.${name}`, rule: 'unique' }]);
      }
      setOwn(body, name, value);
    }
  }
  return mapping.set ? { ...body, ...mapping.set } : body;
}

function multipartBody(mapping: Extract<BodyMapping, { mode: 'multipart' }>, input: Input, used: ReadonlySet<string>): FormData {
  const form = new FormData();
  const fileInputs = new Set(Object.values(mapping.files).flatMap((f) => [f.content, f.filename, ...(f.content_type ? [f.content_type] : [])]));
  for (const [field, file] of Object.entries(mapping.files)) {
    const bytes = Buffer.from(String(input[file.content] ?? ''), 'base64');
    const type = file.content_type ? String(input[file.content_type] ?? '') : '';
    form.append(field, new Blob([bytes], type ? { type } : {}), String(input[file.filename]));
  }
  for (const [key, value] of Object.entries(input)) {
    if (used.has(key) || fileInputs.has(key) || value === undefined) continue;
    form.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  return form;
}

function bodyFrom(mapping: BodyMapping, input: Input, used: ReadonlySet<string>, formFields: ReadonlySet<string>): unknown {
  switch (mapping.mode) {
    case 'multipart':
      return multipartBody(mapping, input, used);
    case 'none':
      return undefined;
    case 'rest':
      return restBody(input, used, mapping, formFields);
    case 'key':
      return input[mapping.key];
    case 'template':
      return fillTemplate(mapping.template, input);
  }
}

const BODYLESS: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

export function defaultBodyMapping(method: HttpMethod): BodyMapping {
  return BODYLESS.has(method) ? { mode: 'none' } : { mode: 'rest' };
}

/** The kind of identifier picked in a choice (`email` of `{ email: "a@b.c" }`), if any. */
function pickedKind(choice: IdentifierChoice, input: Input): string | undefined {
  const picked = input[choice.input] as Record<string, unknown> | undefined;
  return picked ? Object.keys(picked)[0] : undefined;
}

/** `{ email: "a@b.c" }` → `{ customer_id: "a@b.c", id_type: "email" }` (values for path and query). */
function identifierValues(choice: IdentifierChoice | undefined, input: Input): Input {
  if (!choice) return {};
  const kind = pickedKind(choice, input);
  if (kind === undefined) return {};
  const value = (input[choice.input] as Record<string, unknown>)[kind];
  return {
    [choice.path_param]: `${choice.prefixes?.[kind] ?? ''}${String(value)}`,
    ...(choice.type_query ? { [choice.type_query]: kind } : {}),
  };
}

/** Which inputs an http mapping puts in the path and the query: worked out once per mapping. */
interface RequestLayout {
  queryKeys: string[];
  /** Inputs that go to the path or query (or pick the identifier), so not to the body. */
  used: ReadonlySet<string>;
}

const layouts = new WeakMap<HttpMapping, RequestLayout>();
function layoutOf(http: HttpMapping): RequestLayout {
  let layout = layouts.get(http);
  if (!layout) {
    const queryKeys = [...(http.query ?? []), ...(http.identifier?.type_query ? [http.identifier.type_query] : [])];
    layout = { queryKeys, used: new Set([...templateParams(http.path), ...queryKeys, ...(http.identifier ? [http.identifier.input] : [])]) };
    layouts.set(http, layout);
  }
  return layout;
}

/**
 * `formFields`: the names of the input form's fields; free-form entries spread into the body may
 * not use them (a custom attribute named `_timestamp` would skip that field's own rules).
 */
export function buildRequest(http: HttpMapping, input: Input, base: ResolvedBase, formFields: ReadonlySet<string> = new Set()): PreparedRequest {
  const values = http.identifier ? { ...input, ...identifierValues(http.identifier, input) } : input;
  const { queryKeys, used } = layoutOf(http);

  const kind = http.identifier && pickedKind(http.identifier, input);
  const path = fillPath(http.path, values, kind ? { [http.identifier!.path_param]: `${http.identifier!.input}.${kind}` } : undefined);
  const prefix = http.base === 'origin' ? '' : base.prefix;
  const query = queryKeys.length ? queryString(queryKeys.map((key) => [key, values[key]])) : '';
  const url = ownUrl(base, `${prefix}${path}`, query);

  let body = bodyFrom(http.body ?? defaultBodyMapping(http.method), input, used, formFields);
  if (body !== undefined && http.event_ids) body = addEventIds(body, http.event_ids);

  const headers: Record<string, string> = { accept: 'application/json', ...(http.headers ?? {}) };
  if (body === undefined) return { method: http.method, url, headers };
  if (isFormData(body)) return { method: http.method, url, headers, body }; // got sets the boundary

  if (http.max_body_properties !== undefined && body !== null && typeof body === 'object' && Object.keys(body).length > http.max_body_properties) {
    throw userInputError(
      `"input": the request would carry ${Object.keys(body).length} attributes; Customer.io accepts at most ${http.max_body_properties} in one call`,
      [{ field: 'input', rule: 'max_body_properties' }],
    );
  }
  // A batch a bulk runner packed is its bytes already (runtime/packed-list.ts): sent as they are.
  const bytes = packedBody(body);
  const json = bytes ? undefined : JSON.stringify(body);
  const size = bytes ? bytes.length : byteSize(json);
  if (http.max_body_bytes !== undefined && size > http.max_body_bytes) {
    throw userInputError(
      `"input": the request body would be ${size} bytes; Customer.io accepts at most ${http.max_body_bytes} bytes on ${http.path}`,
      [{ field: 'input', rule: 'max_body_bytes' }],
    );
  }
  headers['content-type'] = 'application/json';
  return bytes ? { method: http.method, url, headers, body, bytes } : { method: http.method, url, headers, body, json };
}
