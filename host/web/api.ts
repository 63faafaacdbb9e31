// The page's only way out: the host server's JSON API (credentials go there and nowhere else).
import type { JsonSchema } from '../../forms/index.js';

export type Target = 'sandbox' | 'us' | 'eu';

export interface OperationInfo {
  name: string;
  title: string;
  description: string;
  hidden: boolean;
  group: string;
  /** `trigger`: enabled (a webhook), never run; `ddl`: a dropdown helper; `action`: run as a step. */
  kind: 'action' | 'ddl' | 'trigger';
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
  /** This host's own URL: where trigger webhook URLs point unless the page gives another base. */
  webhook_base_url: string;
}

export interface ShownRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

export type Envelope =
  // A trigger's enable answer is shown as an envelope too: its output, and no request of its own.
  | { ok: true; output: unknown; meta?: { request: ShownRequest; status_code: number; attempts: number; duration_ms: number; pages?: number; waited_ms?: number } }
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

// --- Triggers -------------------------------------------------------------------------------

export interface ReportingEvent {
  event_id: string;
  object_type: string;
  metric: string;
  timestamp: number;
  data: Record<string, unknown>;
}

export interface ActionRun {
  status: 'pending' | 'done';
  input?: Record<string, unknown>;
  envelope?: Envelope;
  events?: RuntimeEvent[];
  host_ms?: number;
}

export interface TriggerRequestEntry {
  seq: number;
  received_at: string;
  status: number;
  response: Record<string, unknown>;
  verification: { verified: boolean; reason?: string };
  headers: Record<string, string>;
  body_bytes: number;
  events: { event_id: string; name: string; event: ReportingEvent; action?: ActionRun }[];
  left_out: { event_id: string; reason: string }[];
}

export interface TriggerView {
  id: string;
  connector: string;
  operation: string;
  title: string;
  target: Target;
  webhook_url: string;
  created_at: string;
  state: { webhook_id: string | number; endpoint: string; events: string[]; created_at: string };
  input: Record<string, unknown>;
  auth: Record<string, unknown>;
  action: { connector: string; operation: string; title: string; input: Record<string, unknown>; auth: Record<string, unknown> } | null;
  requests_received: number;
  actions_pending: number;
  requests: TriggerRequestEntry[];
}

export interface EnableRequest {
  connector: string;
  operation: string;
  auth: Record<string, unknown>;
  input: Record<string, unknown>;
  target: Target;
  action?: { connector: string; operation: string; input: Record<string, unknown>; auth: Record<string, unknown> };
  webhook_base_url?: string;
}

export type EnableAnswer =
  | { ok: true; id: string; webhook_url: string; state: TriggerView['state']; trigger: TriggerView }
  | { ok: false; error: Extract<Envelope, { ok: false }>['error'] };

export function enableTrigger(call: EnableRequest): Promise<EnableAnswer> {
  return post('/host-api/triggers', call);
}

export async function fetchTriggers(): Promise<TriggerView[]> {
  return (await json<{ triggers: TriggerView[] }>(await fetch('/host-api/triggers'))).triggers;
}

export async function disableTrigger(id: string): Promise<ExecuteAnswer> {
  return json(await fetch(`/host-api/triggers/${encodeURIComponent(id)}`, { method: 'DELETE' }));
}
