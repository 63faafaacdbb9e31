// The page's only way out: the host server's JSON API (credentials go there and nowhere else).
import type { JsonSchema } from './schema-form.js';

export type Target = 'sandbox' | 'us' | 'eu';

export interface OperationInfo {
  name: string;
  title: string;
  description: string;
  hidden: boolean;
  group: string;
  http: { method: string; path: string };
  input_schema: JsonSchema;
  output_schema: JsonSchema;
}

export interface ConnectorInfo {
  name: string;
  version: string;
  title: string;
  description: string;
  icon: string;
  base_urls: Record<string, string>;
  auth_schema: JsonSchema;
  operations: OperationInfo[];
}

export interface HostConfig {
  sandbox: { origin: string; credentials: { site_id: string; track_api_key: string; app_api_key: string } } | null;
  /** The sandbox's credentials as each connector's auth form takes them. */
  sandbox_auth: Record<string, Record<string, unknown>> | null;
  targets: { value: Target; label: string; production: boolean }[];
}

export interface ShownRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

export type Envelope =
  | { ok: true; output: unknown; meta: { request: ShownRequest; status_code: number; attempts: number; duration_ms: number; pages?: number; waited_ms?: number } }
  | { ok: true; request: ShownRequest }
  | {
      ok: false;
      error: { code: string; message: string; status_code?: number; body?: unknown; retryable: boolean; retry_after_s?: number; details?: unknown };
      meta?: { request?: ShownRequest; status_code?: number; attempts?: number; duration_ms?: number };
    };

export interface RuntimeEvent {
  type: string;
  attempt?: number;
  request?: ShownRequest;
  status_code?: number;
  delay_ms?: number;
  code?: string;
  message?: string;
  waited_ms?: number;
}

export interface ExecuteAnswer {
  envelope: Envelope;
  events?: RuntimeEvent[];
  host_ms: number;
}

export interface CallRequest {
  connector: string;
  operation: string;
  auth: Record<string, unknown>;
  input: Record<string, unknown>;
  target: Target;
  dryRun: boolean;
}

async function json<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({ error: `the host answered ${response.status}` }))) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `the host answered ${response.status}`);
  return body;
}

export async function fetchConfig(): Promise<HostConfig> {
  return json(await fetch('/host-api/config'));
}

export async function fetchConnectors(): Promise<ConnectorInfo[]> {
  return json(await fetch('/host-api/connectors'));
}

function post<T>(path: string, body: unknown): Promise<T> {
  return fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => json<T>(r));
}

export function execute(call: CallRequest): Promise<ExecuteAnswer> {
  return post('/host-api/execute', call);
}

export function testAuth(call: { connector: string; auth: Record<string, unknown>; target: Target }): Promise<ExecuteAnswer> {
  return post('/host-api/test-auth', call);
}
