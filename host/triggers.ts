// The reference host's triggers: what a workflow builder keeps for each enabled trigger, and the
// webhook that Customer.io (or the sandbox) posts to. It drives the runtime's three trigger calls
// (enableTrigger, handleTriggerRequest, disableTrigger) and, for every event handed over, runs
// the trigger's one action with the event's values filled into its input. Everything lives in
// this process's memory: credentials are never written anywhere, and every answer is redacted.
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Envelope, EnvelopeError, FieldProblem, Registry, ReportingEvent, RuntimeEvent, TriggerResult, TriggerState } from '../runtime/index.js';
import { servicesOf } from '../runtime/services.js';
import { makeRedactor, REDACTED, redactValue, type Redactor } from '../runtime/redact.js';
import { callSecrets } from '../runtime/send/call-secrets.js';
import { DEFAULT_MAX_TRIGGER_BODY_BYTES } from '../runtime/triggers/lifecycle.js';
import { HttpProblem, objectField, stringField } from './http.js';
import { routeCall, targetOf, type Routed, type SandboxInfo, type Target } from './routing.js';
import { placeholderProblems, renderPlaceholders } from './web/placeholders.js';

/** The latest requests kept per trigger (older ones are counted, not kept). */
export const MAX_REQUESTS_KEPT = 100;
/** Request headers worth showing in the log: none of them is a secret. */
const SHOWN_HEADERS = ['content-type', 'content-length', 'user-agent', 'x-cio-timestamp', 'x-cio-signature'];

type Values = Record<string, unknown>;

/** The action's run for one event: waiting its turn, or done with its envelope. */
export interface ActionRun {
  status: 'pending' | 'done';
  /** The input after its placeholders were filled in. */
  input?: Values;
  envelope?: Envelope;
  events?: RuntimeEvent[];
  host_ms?: number;
}

export interface HandedOverEvent {
  event_id: string;
  /** `email_sent`, `customer_unsubscribed`…: object type and metric, as webhooks are registered with. */
  name: string;
  event: ReportingEvent;
  action?: ActionRun;
}

/** One request to a trigger's webhook URL, as the page lists it. */
export interface RequestEntry {
  seq: number;
  received_at: string;
  /** What the host answered the sender (2xx: taken; anything else: the sender retries). */
  status: number;
  response: Values;
  verification: TriggerResult['verification'];
  headers: Record<string, string>;
  body_bytes: number;
  events: HandedOverEvent[];
  left_out: TriggerResult['left_out'];
}

interface Action {
  connector: string;
  operation: string;
  title: string;
  input: Values;
  routed: Routed;
}

interface Enabled {
  id: string;
  connector: string;
  operation: string;
  title: string;
  routed: Routed;
  input: Values;
  webhookUrl: string;
  /** The sender's Host header may name the webhook URL's host (a tunnel that keeps it). */
  webhookHost: string;
  createdAt: string;
  /** Settles once enableTrigger has answered: a request that arrives before waits for it. */
  ready: Promise<TriggerState | undefined>;
  state?: TriggerState;
  action?: Action;
  requests: RequestEntry[];
  received: number;
  /** Actions run one after another, in the order their events arrived. */
  actionQueue: Promise<void>;
  pendingActions: number;
  redact: Redactor;
}

export type EnableAnswer = { ok: true; id: string; webhook_url: string; state: TriggerState; trigger: TriggerView } | { ok: false; error: EnvelopeError };

export interface TriggerView {
  id: string;
  connector: string;
  operation: string;
  title: string;
  target: Target;
  webhook_url: string;
  created_at: string;
  state: TriggerState;
  input: Values;
  /** The credentials, secret fields replaced by [REDACTED]. */
  auth: Values;
  action: { connector: string; operation: string; title: string; input: Values; auth: Values } | null;
  /** Every request received, including those no longer kept. */
  requests_received: number;
  actions_pending: number;
  /** The latest requests, oldest first. */
  requests: RequestEntry[];
}

export interface TriggerHostOptions {
  registry: Registry;
  sandbox?: SandboxInfo;
  /** This host's own URL (known once it listens): the default base of webhook URLs. */
  baseUrl(): string;
  /** The largest webhook body taken (default: the runtime's, 2 MB). */
  maxBodyBytes?: number;
}

function failure(message: string, details?: FieldProblem[]): { ok: false; error: EnvelopeError } {
  return { ok: false, error: { code: 'user_input_error', message, retryable: false, ...(details === undefined ? {} : { details }) } };
}

/** A webhook base URL the person gave (a tunnel's address): http(s), nothing after the path. */
function checkedBaseUrl(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new HttpProblem(400, '"webhook_base_url" must be a URL');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new HttpProblem(400, '"webhook_base_url" must be a full http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HttpProblem(400, '"webhook_base_url" must be a full http:// or https:// URL');
  if (url.username || url.password || url.search || url.hash) throw new HttpProblem(400, '"webhook_base_url" must have no user, query or fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Both redactors at once. */
function combined(redactors: Redactor[]): Redactor {
  const redact = ((text: string) => redactors.reduce((out, one) => one(out), text)) as Redactor;
  redact.finds = (text) => redactors.some((one) => one.finds(text));
  return redact;
}

export class TriggerHost {
  private readonly triggers = new Map<string, Enabled>();
  readonly maxBodyBytes: number;

  constructor(private readonly options: TriggerHostOptions) {
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_TRIGGER_BODY_BYTES;
  }

  private get registry(): Registry {
    return this.options.registry;
  }

  private connectorNamed(name: string) {
    const connector = servicesOf(this.registry).connector(name);
    if (!connector) throw new HttpProblem(404, `unknown connector "${name}"`);
    return connector;
  }

  /** Secret fields of an auth form shown as [REDACTED] (the page shows what it sent). */
  private redactedAuth(connectorName: string, auth: Values): Values {
    const properties = (this.connectorNamed(connectorName).auth_schema.properties ?? {}) as Record<string, { secret?: boolean }>;
    return Object.fromEntries(Object.entries(auth).map(([key, value]) => [key, properties[key]?.secret && value !== undefined && value !== '' ? REDACTED : value]));
  }

  /** Every form of every secret of these credentials (the scheme's, and fields marked secret). */
  private redactorFor(connectorName: string, auth: Values): Redactor {
    const connector = this.connectorNamed(connectorName);
    const secretFields = Object.entries((connector.auth_schema.properties ?? {}) as Record<string, { secret?: boolean }>).filter(([, field]) => field.secret).map(([key]) => auth[key]);
    return combined([callSecrets(connector, auth).redact, makeRedactor(secretFields.filter((value): value is string => typeof value === 'string'))]);
  }

  /** The action the page asked for, checked before any webhook is registered. */
  private actionOf(body: Values, target: Target): Action | { problem: { ok: false; error: EnvelopeError } } | undefined {
    if (body.action === undefined || body.action === null) return undefined;
    const raw = objectField(body, 'action');
    const connector = stringField(raw, 'connector');
    const operation = stringField(raw, 'operation');
    this.connectorNamed(connector);
    const described = this.registry.describe(connector).operations.find((op) => op.name === operation);
    if (!described) return { problem: failure(`"action.operation": connector ${connector} has no operation "${operation}"`) };
    if (described.kind !== 'action') return { problem: failure(`"action.operation": ${connector} ${operation} is a ${described.kind === 'ddl' ? 'dropdown helper' : 'trigger'}, not an action a workflow step runs`) };
    const input = objectField(raw, 'input');
    const problems = placeholderProblems(input);
    if (problems.length > 0) return { problem: failure(`"action.input": ${problems.join('; ')}`, problems.map((message) => ({ field: 'action.input', rule: 'placeholder', message }))) };
    return { connector, operation, title: described.title, input, routed: routeCall(target, objectField(raw, 'auth'), this.options.sandbox) };
  }

  /** POST /host-api/triggers: registers the trigger's webhook, with this host's URL for it. */
  async enable(body: Values): Promise<EnableAnswer> {
    const connector = stringField(body, 'connector');
    const operation = stringField(body, 'operation');
    this.connectorNamed(connector);
    const target = targetOf(body.target);
    const routed = routeCall(target, objectField(body, 'auth'), this.options.sandbox);
    const input = objectField(body, 'input');
    const action = this.actionOf(body, target);
    if (action && 'problem' in action) return action.problem;
    const base = checkedBaseUrl(body.webhook_base_url) ?? this.options.baseUrl();
    const id = randomBytes(16).toString('base64url');
    const webhookUrl = `${base}/host-api/triggers/${id}/webhook`;
    const title = this.registry.describe(connector).operations.find((op) => op.name === operation)?.title ?? operation;

    let settle!: (state: TriggerState | undefined) => void;
    const enabled: Enabled = {
      id, connector, operation, title, routed, input, webhookUrl,
      webhookHost: new URL(webhookUrl).host,
      createdAt: new Date().toISOString(),
      ready: new Promise((resolve) => (settle = resolve)),
      ...(action ? { action } : {}),
      requests: [],
      received: 0,
      actionQueue: Promise.resolve(),
      pendingActions: 0,
      redact: combined([this.redactorFor(connector, routed.auth), ...(action ? [this.redactorFor(action.connector, action.routed.auth)] : [])]),
    };
    // Known before the webhook exists: an event the sender posts at once waits for `ready`
    // instead of finding no trigger.
    this.triggers.set(id, enabled);
    const answer = await this.registry.enableTrigger({ connector, operation, auth: routed.auth, input, webhookUrl, options: routed.options });
    if (!answer.ok) {
      this.triggers.delete(id);
      settle(undefined);
      return { ok: false, error: answer.error };
    }
    enabled.state = answer.state;
    settle(answer.state);
    return { ok: true, id, webhook_url: webhookUrl, state: answer.state, trigger: this.view(enabled) };
  }

  private enabled(id: string): Enabled | undefined {
    const found = this.triggers.get(id);
    return found?.state ? found : undefined;
  }

  /** The trigger and its log, credentials redacted; undefined when there is no such trigger. */
  get(id: string): TriggerView | undefined {
    const found = this.enabled(id);
    return found ? this.view(found) : undefined;
  }

  list(): TriggerView[] {
    return [...this.triggers.values()].filter((t) => t.state).map((t) => this.view(t));
  }

  /** Whether a webhook request may come with this Host header: the local names, or the webhook URL's own host. */
  acceptsHost(id: string, host: string): boolean {
    return this.triggers.get(id)?.webhookHost === host;
  }

  private view(t: Enabled): TriggerView {
    const view: TriggerView = {
      id: t.id,
      connector: t.connector,
      operation: t.operation,
      title: t.title,
      target: t.routed.target,
      webhook_url: t.webhookUrl,
      created_at: t.createdAt,
      state: t.state!,
      input: t.input,
      auth: this.redactedAuth(t.connector, t.routed.auth),
      action: t.action
        ? { connector: t.action.connector, operation: t.action.operation, title: t.action.title, input: t.action.input, auth: this.redactedAuth(t.action.connector, t.action.routed.auth) }
        : null,
      requests_received: t.received,
      actions_pending: t.pendingActions,
      requests: t.requests,
    };
    // Envelopes are redacted already; this also covers anything else that could echo a secret.
    return redactValue(view, t.redact);
  }

  /**
   * POST /host-api/triggers/<id>/webhook: the sender's request, its body exactly as received.
   * Undefined when there is no such trigger. Actions start after the answer is decided, so a
   * slow action never makes the sender time out and retry.
   */
  async receive(id: string, headers: IncomingHttpHeaders, rawBody: Buffer): Promise<{ status: number; body: Values } | undefined> {
    const t = this.triggers.get(id);
    const state = t ? await t.ready : undefined;
    if (!t || !state || !this.triggers.has(id)) return undefined;
    const result = await this.registry.handleTriggerRequest({
      connector: t.connector,
      operation: t.operation,
      auth: t.routed.auth,
      input: t.input,
      state,
      request: { headers, rawBody },
      options: { maxBodyBytes: this.maxBodyBytes },
    });
    const entry: RequestEntry = {
      seq: ++t.received,
      received_at: new Date().toISOString(),
      status: result.response.status,
      response: result.response.body,
      verification: result.verification,
      headers: Object.fromEntries(SHOWN_HEADERS.filter((name) => typeof headers[name] === 'string').map((name) => [name, String(headers[name])])),
      body_bytes: rawBody.length,
      events: result.events.map((event) => ({ event_id: event.event_id, name: `${event.object_type}_${event.metric}`, event })),
      left_out: result.left_out,
    };
    t.requests.push(entry);
    if (t.requests.length > MAX_REQUESTS_KEPT) t.requests.splice(0, t.requests.length - MAX_REQUESTS_KEPT);
    for (const handed of entry.events) this.queueAction(t, handed);
    return result.response;
  }

  private queueAction(t: Enabled, handed: HandedOverEvent): void {
    const action = t.action;
    if (!action) return;
    handed.action = { status: 'pending' };
    t.pendingActions += 1;
    t.actionQueue = t.actionQueue.then(async () => {
      try {
        handed.action = await this.runAction(action, handed.event);
      } finally {
        t.pendingActions -= 1;
      }
    });
  }

  private async runAction(action: Action, event: ReportingEvent): Promise<ActionRun> {
    const rendered = renderPlaceholders(action.input, event);
    if ('problem' in rendered) return { status: 'done', envelope: failure(`the action did not run: ${rendered.problem}`) };
    const input = rendered.value as Values;
    const events: RuntimeEvent[] = [];
    const started = performance.now();
    let envelope: Envelope;
    try {
      envelope = await this.registry.execute({
        connector: action.connector,
        operation: action.operation,
        auth: action.routed.auth,
        input,
        options: { ...action.routed.options, onEvent: (runtimeEvent) => events.push(runtimeEvent) },
      });
    } catch {
      // execute() answers failures with an envelope; this is only a guard for the queue.
      envelope = { ok: false, error: { code: 'connector_error', message: 'the action failed unexpectedly', retryable: false } };
    }
    return { status: 'done', input, envelope, events, host_ms: Math.round(performance.now() - started) };
  }

  /** DELETE /host-api/triggers/<id>: removes the webhook; the trigger is forgotten once that succeeds. */
  async disable(id: string): Promise<Envelope | undefined> {
    const t = this.enabled(id);
    if (!t) return undefined;
    const envelope = await this.registry.disableTrigger({ connector: t.connector, operation: t.operation, auth: t.routed.auth, state: t.state!, options: t.routed.options });
    // A failed removal keeps the trigger, so Disable can be tried again (the webhook still posts).
    if (envelope.ok) this.triggers.delete(id);
    return redactValue(envelope, t.redact);
  }
}
