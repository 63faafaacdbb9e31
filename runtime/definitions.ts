// The shapes of the data files under connectors/. The meta-schemas in schemas/ are the
// authority; these types mirror them for the code that reads the files.

export type JsonSchema = { [keyword: string]: unknown };
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
export type ApiName = 'track' | 'app' | 'beta';
export type Region = 'us' | 'eu';

export type AuthScheme =
  | { scheme: 'basic'; username: string; password: string }
  | { scheme: 'bearer'; token: string };

export interface ConnectorFile {
  name: string;
  version: string;
  title: string;
  description: string;
  icon: string;
  api: ApiName;
  auth: AuthScheme;
  test_auth?: { operation: string };
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
  | { mode: 'template'; template: unknown };

/** Which events in the body get a generated ULID `id` when the user gave none. */
export type EventIdPlacement = 'body' | 'entity' | 'batch';

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
  event_ids?: EventIdPlacement;
  /** The largest JSON body Customer.io accepts on this endpoint, in bytes. */
  max_body_bytes?: number;
}

export type ResponseMapping =
  | { mode: 'body' }
  | { mode: 'unwrap'; key: string }
  | { mode: 'v2_batch' };

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
  output: unknown;
}

export interface OperationFile {
  name: string;
  title: string;
  description: string;
  hidden?: boolean;
  /** Operations that cannot be pure data name a handler in runtime/handlers. */
  handler?: string;
  http?: HttpMapping;
  response?: ResponseMapping;
  input_schema: JsonSchema;
  output_schema: JsonSchema;
  examples: OperationExample[];
}
