// The shapes of the data files under connectors/. The meta-schemas in schemas/ are the
// authority; these types mirror them for the code that reads the files.

import type { ApiName, AuthScheme } from '../auth/types.js';

export type { ApiName, AuthScheme, Region } from '../auth/types.js';
export type JsonSchema = { [keyword: string]: unknown };
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

export interface ConnectorFile {
  name: string;
  version: string;
  title: string;
  description: string;
  icon: string;
  api: ApiName;
  auth: AuthScheme;
  test_auth?: { operation: string };
  /** Client-side request rates: a default, and groups of operations with their own. */
  rate_limits?: {
    default: { requests: number; per_ms: number };
    groups?: { name: string; requests: number; per_ms: number; operations: string[] }[];
  };
  operations: string[];
}

/** How the request body is made from the validated input. */
export type BodyMapping =
  | { mode: 'none' }
  /** The input minus path and query keys; `spread` keys hold objects merged into the top level. */
  | { mode: 'rest'; set?: Record<string, unknown>; spread?: string[] }
  /** One input key's value is the whole body. */
  | { mode: 'key'; key: string }
  /** A JSON template whose `{ "$input": "key" }` leaves are replaced by input values (absent → omitted). */
  | { mode: 'template'; template: unknown }
  /**
   * multipart/form-data: each `files` entry is a form field whose content comes from a base64
   * input and whose file name from another input; every other body input is a text field.
   */
  | { mode: 'multipart'; files: Record<string, { content: string; filename: string; content_type?: string }> };

/** Which events in the body get a generated ULID `id` when the user gave none. */
export type EventIdPlacement = 'body' | 'entity' | 'batch';

/**
 * A person or object picked by one identifier of several kinds: the input is an object with
 * one key (`{ email: "…" }`); its value fills a path parameter and its key the `id_type` query.
 */
export interface IdentifierChoice {
  input: string;
  path_param: string;
  type_query?: string;
  /** Prefix added to the value for some kinds (App addresses cio_id people as `cio_<id>`). */
  prefixes?: Record<string, string>;
}

export interface HttpMapping {
  method: HttpMethod;
  path: string;
  /** `api` (default): relative to the connector's base URL; `origin`: relative to the host root. */
  base?: 'api' | 'origin';
  query?: string[];
  body?: BodyMapping;
  headers?: Record<string, string>;
  /** false for the few endpoints Customer.io serves without credentials: none are sent. */
  auth?: boolean;
  /** true for a POST that is safe to repeat (the retry policy treats GET/PUT/DELETE as such already). */
  idempotent?: boolean;
  /** true for a POST that only reads (a search, a preview): read-only and safe to repeat. */
  read_only?: true;
  event_ids?: EventIdPlacement;
  identifier?: IdentifierChoice;
  /** The largest JSON body Customer.io accepts on this endpoint, in bytes. */
  max_body_bytes?: number;
  /** The most top-level properties a body may carry (Track: 300 attributes per identify call). */
  max_body_properties?: number;
}

export type ResponseMapping =
  | { mode: 'body' }
  | { mode: 'unwrap'; key: string }
  | { mode: 'v2_batch' }
  /** A dynamic-dropdown answer: `{ result: [{ text, value }] }` from the list under `items`. */
  | { mode: 'ddl'; items: string; text: string; value: string; keep?: ChoiceFilter }
  /** A file (an image…): `{ content_type, content_base64 }` instead of parsed JSON. */
  | { mode: 'binary' };

/**
 * Which of a dropdown's items are choices: those whose `field` holds one of the values the
 * dropdown's input `input` lists (every item when it lists none). A lookup hint gives that
 * input (`"lookup": {"operation": …, "input": {"type": ["email"]}}`), so each form lists only
 * what fits it. `from`: the listed items do not carry the field (Customer.io's list of
 * transactional messages names no channel; each message's contents do): for each item,
 * `operation` of the same connector is run with input taken from the item (its input key →
 * the item's field) and the field is read from the items of its answer under `items`.
 */
export interface ChoiceFilter {
  input: string;
  field: string;
  from?: { operation: string; input: Record<string, string>; items: string };
}

/**
 * How a list endpoint pages. `cursor`: pass the answer's `next` back as `param`; `offset`:
 * `param` advances by the items received; `page`: `param` counts pages. `items` names the
 * answer's list(s) that pages are concatenated into.
 */
export interface Pagination {
  style: 'cursor' | 'offset' | 'page';
  items: string | string[];
  param: string;
  /** Cursor style: the answer field holding the next cursor, a dotted path (default `next`). */
  next?: string;
  /** The page-size input (default `limit`). */
  limit?: string;
  /** Page size used when the person gave none and the runtime needs one. */
  default_limit: number;
  /** `always`: fetch every page whatever the input says (dropdowns). */
  all_pages?: 'always';
}

export interface OperationExample {
  title: string;
  input: Record<string, unknown>;
  request: {
    method: HttpMethod;
    path: string;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    body?: unknown;
  };
  response: { status: number; headers?: Record<string, string>; body?: unknown };
  /** The requests sent after the first, in order, with their answers (a dropdown reading each item's details). */
  then?: { request: OperationExample['request']; response: OperationExample['response'] }[];
  output: unknown;
  /** A trigger's example: an incoming event (its `request` and `response` are the webhook's registration). */
  payload?: unknown;
}

/**
 * `ddl`: a dropdown helper that a `lookup` runs (hidden from operation lists); `trigger`: events
 * Customer.io sends start a workflow (enableTrigger / handleTriggerRequest / disableTrigger, never
 * execute); `action` otherwise.
 */
export type OperationType = 'action' | 'ddl' | 'trigger';

/**
 * A trigger: which reporting-webhook events it listens to, and the operations of its connector
 * that register and remove the webhook. The person picks metrics (input `metrics`) of the
 * object types listed; filters in the input narrow the events handed to the host.
 */
export interface TriggerMapping {
  /** The object types (`email`, `push`, `customer`…) whose events it takes; all of them when absent. */
  object_types?: string[];
  /** The input that lists the chosen events (`email_bounced`…): the webhook is registered for exactly these. */
  events_input: string;
  /** Inputs that narrow the events handed over: input → the event's `data` field it must equal (`campaign_id`). */
  filters?: Record<string, string>;
  /** An input naming a recipient's domain: events whose `data.recipient` (or email address) is not at it are left out. */
  recipient_domain_input?: string;
  /** Name as sent (`<object_type>_<metric>`) → the name it is registered and chosen by, where the two differ. */
  event_aliases?: Record<string, string>;
  /** The operations that create and delete a reporting webhook (`{ name, endpoint, events }` in, `{ id }` out). */
  register: string;
  unregister: string;
  /** The auth field holding the webhook's signing key (a secret of the auth form, not sent to Customer.io). */
  signing_key: string;
}

/**
 * An operation that sends a list of items in batches through another operation of its
 * connector: each item becomes one entry of a batch, batches are packed up to that operation's
 * body limit (entries up to its list items' `maxBytes`).
 */
export interface BulkMapping {
  /** The input list that holds the items. */
  items: string;
  /** The operation that sends one batch, and its input that takes the list of entries. */
  send: string;
  batch_input: string;
  /** One item → one entry: a template whose `{ "$input": key }` leaves take the item's values (absent → left out). */
  entry: Record<string, unknown>;
  /** The input that says how many batches may be in flight. */
  concurrency?: string;
}

export interface OperationFile {
  name: string;
  title: string;
  description: string;
  /** What the operation is about ("People", "Segments", "Transactional messages"…): hosts group by it. */
  resource: string;
  /** Absent means `action`. */
  type?: OperationType;
  /** For `type: trigger`: what the trigger listens to and how its webhook is registered. */
  trigger?: TriggerMapping;
  hidden?: boolean;
  /** Running it sends or schedules a message to people (hosts confirm before, never replay by accident). */
  sends_message?: true;
  /** How the request is made when it cannot be pure data: a planner in runtime/plan (default: the http mapping). */
  plan?: 'raw';
  /** How the operation runs when it is more than one request of its own: `bulk` (runtime/runners). */
  runner?: 'bulk';
  bulk?: BulkMapping;
  http?: HttpMapping;
  response?: ResponseMapping;
  pagination?: Pagination;
  input_schema: JsonSchema;
  output_schema: JsonSchema;
  examples: OperationExample[];
}

/** An operation as loaded: its file's content, `extends` resolved, schemas bundled. */
export interface LoadedOperation extends OperationFile {
  file: string;
}

/** A connector as loaded: connector.json, its auth form and its operations. */
export interface LoadedConnector extends ConnectorFile {
  folder: string;
  auth_schema: JsonSchema;
  operationsByName: Map<string, LoadedOperation>;
}
