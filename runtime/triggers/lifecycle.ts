// A trigger's life, as the host drives it: enable (register a reporting webhook for exactly the
// chosen events; the host keeps the state it gets back), handle each request Customer.io sends
// to the webhook URL (verify, parse, filter, deduplicate, hand the event over), disable (remove
// the webhook). The webhook is registered and removed through the operations the trigger's
// definition names, with the same calls execute() makes.
import type { AuthValues } from '../../auth/types.js';
import type { ExecuteOptions, RunContext } from '../contracts.js';
import type { Services } from '../services.js';
import type { JsonSchema, LoadedConnector, LoadedOperation, TriggerMapping } from '../definitions.js';
import { userInputError, type Envelope } from '../envelope.js';
import { failureOf } from '../failure.js';
import { checked } from '../input/check.js';
import { templateParams } from '../plan/path-template.js';
import { runContext } from '../run-context.js';
import { callSecrets, type CallSecrets } from '../send/call-secrets.js';
import { EVENT_MEMORY_MS, type TriggerEventStore } from './event-store.js';
import { eventName, eventOf, leftOutBecause, type ReportingEvent } from './events.js';
import { verify } from './signature.js';
import type { DisableTriggerRequest, EnableTriggerRequest, TriggerEnvelope, TriggerRequest, TriggerResult } from './contracts.js';

export type { DisableTriggerRequest, EnableTriggerRequest, TriggerEnvelope, TriggerRequest, TriggerResult, TriggerState } from './contracts.js';

export const DEFAULT_TOLERANCE_S = 300;
export const DEFAULT_MAX_TRIGGER_BODY_BYTES = 2 * 1024 * 1024;

interface Trigger {
  connector: LoadedConnector;
  operation: LoadedOperation;
  mapping: TriggerMapping;
}

function findTrigger(services: Services, connectorName: string, operationName: string): Trigger {
  const connector = services.connector(connectorName);
  if (!connector) throw userInputError(`unknown connector "${connectorName}"`);
  const operation = connector.operationsByName.get(operationName);
  if (!operation) throw userInputError(`connector ${connector.name} has no operation "${operationName}"`);
  if (operation.type !== 'trigger' || !operation.trigger) throw userInputError(`${connector.name} ${operation.name} is not a trigger; run it with execute`);
  return { connector, operation, mapping: operation.trigger };
}


function contextFor(services: Services, trigger: Trigger, auth: AuthValues, input: Record<string, unknown>, options: ExecuteOptions, secrets: CallSecrets): RunContext {
  return runContext(services, { connector: trigger.connector, operation: trigger.operation, auth, input, options, secrets, telemetry: undefined });
}

/** The input that takes the webhook id, read from the unregistering operation's path (`/reporting_webhooks/{webhook_id}`). */
function webhookIdInput(trigger: Trigger): string {
  const remove = trigger.connector.operationsByName.get(trigger.mapping.unregister);
  const param = remove?.http ? templateParams(remove.http.path)[0] : undefined;
  if (!param) throw new Error(`${trigger.operation.name}: its unregistering operation ${trigger.mapping.unregister} takes no webhook id`);
  return param;
}

function checkedUrl(webhookUrl: string): string {
  let url: URL;
  try {
    url = new URL(webhookUrl);
  } catch {
    throw userInputError('"webhookUrl": must be a full http:// or https:// URL', [{ field: 'webhookUrl', rule: 'url' }]);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw userInputError('"webhookUrl": must be a full http:// or https:// URL', [{ field: 'webhookUrl', rule: 'url' }]);
  return url.href;
}

export async function enableTrigger(services: Services, call: EnableTriggerRequest): Promise<TriggerEnvelope> {
  let secrets: CallSecrets | undefined;
  let removeCreated: (() => Promise<Envelope>) | undefined;
  try {
    const trigger = findTrigger(services, call.connector, call.operation);
    const auth = checked(services, trigger.connector.auth_schema, call.auth ?? {}, 'auth');
    secrets = callSecrets(trigger.connector, auth);
    const input = checked(services, trigger.operation.input_schema, call.input ?? {}, 'input');
    const endpoint = checkedUrl(call.webhookUrl);
    const events = input[trigger.mapping.events_input] as string[];
    const context = contextFor(services, trigger, auth, input, call.options ?? {}, secrets);
    const created = await context.call(trigger.mapping.register, { name: `Workflow trigger: ${trigger.operation.title}`, endpoint, events });
    if (!created.ok) return created;
    if (!('output' in created)) throw userInputError(`a dry run does not register a webhook (it would ${created.request.method} ${created.request.url})`);
    const answer = (created.output ?? {}) as { id?: string | number; events?: unknown };
    if (answer.id !== undefined) {
      const idInput = webhookIdInput(trigger);
      removeCreated = () => context.call(trigger.mapping.unregister, { [idInput]: answer.id });
    }
    // From here on, a failure removes the webhook just made: no orphan keeps posting events.
    if (answer.id === undefined) throw new Error('Customer.io registered the webhook but its answer has no id');
    if (Array.isArray(answer.events) && [...answer.events].sort().join() !== [...events].sort().join()) {
      throw new Error(`Customer.io registered the webhook for other events than were asked for (${answer.events.join(', ')})`);
    }
    return { ok: true, state: { connector: trigger.connector.name, operation: trigger.operation.name, webhook_id: answer.id, endpoint, events, created_at: new Date().toISOString() } };
  } catch (error) {
    const removed = removeCreated ? await removeCreated() : undefined;
    const failure = failureOf(error, call.input, (secrets ?? NO_REDACTION).redact) as Extract<Envelope, { ok: false }>;
    const note = removed ? (removed.ok ? ' The webhook it had registered was removed again.' : ` The webhook it had registered could not be removed (${removed.error.message}): remove it in Customer.io.`) : '';
    return { ok: false, error: { ...failure.error, message: `${failure.error.message}${note}` } };
  }
}

const NO_REDACTION = { redact: Object.assign((text: string) => text, { finds: () => false }) };

export async function disableTrigger(services: Services, call: DisableTriggerRequest): Promise<Envelope> {
  let secrets: CallSecrets | undefined;
  try {
    const trigger = findTrigger(services, call.connector, call.operation);
    const auth = checked(services, trigger.connector.auth_schema, call.auth ?? {}, 'auth');
    secrets = callSecrets(trigger.connector, auth);
    const context = contextFor(services, trigger, auth, {}, call.options ?? {}, secrets);
    const result = await context.call(trigger.mapping.unregister, { [webhookIdInput(trigger)]: call.state.webhook_id });
    // A webhook already gone (removed in Customer.io, or by an earlier disable) is what was wanted.
    if (!result.ok && result.error.status_code === 404) {
      const meta = result.meta ?? {};
      return { ok: true, output: { removed: false, already_gone: true }, meta: { request: meta.request!, status_code: 404, attempts: meta.attempts ?? 1, duration_ms: meta.duration_ms ?? 0 } };
    }
    if (!result.ok || !('output' in result)) return result;
    return { ...result, output: { removed: true } };
  } catch (error) {
    return failureOf(error, undefined, (secrets ?? NO_REDACTION).redact);
  }
}

function answer(status: number, body: Record<string, unknown>, verification: TriggerResult['verification'], events: ReportingEvent[] = [], leftOut: TriggerResult['left_out'] = []): TriggerResult {
  return { response: { status, body }, events, verification, left_out: leftOut };
}

/** The event names a trigger's definitions know (its events input's choices). */
function knownEvents(trigger: Trigger): Set<string> {
  const field = (trigger.operation.input_schema.properties as Record<string, JsonSchema>)[trigger.mapping.events_input];
  return new Set(((field?.items as JsonSchema | undefined)?.enum as string[] | undefined) ?? []);
}

export async function handleTriggerRequest(services: Services, store: TriggerEventStore, call: TriggerRequest): Promise<TriggerResult> {
  let trigger: Trigger;
  let auth: Record<string, unknown>;
  let input: Record<string, unknown>;
  try {
    trigger = findTrigger(services, call.connector, call.operation);
    auth = checked(services, trigger.connector.auth_schema, call.auth ?? {}, 'auth');
    input = checked(services, trigger.operation.input_schema, call.input ?? {}, 'input');
  } catch (error) {
    // The host's configuration, not the sender, is at fault: a 5xx makes Customer.io keep the
    // event and try again, rather than lose it.
    const failure = failureOf(error, call.input, NO_REDACTION.redact);
    return answer(500, { error: 'the trigger is not configured to take this request', ...(failure.ok ? {} : { detail: failure.error.message }) }, { verified: false, reason: 'not_configured' });
  }
  const options = call.options ?? {};
  const raw = typeof call.request.rawBody === 'string' ? Buffer.from(call.request.rawBody, 'utf8') : call.request.rawBody;
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_TRIGGER_BODY_BYTES;
  if (raw.length > maxBytes) return answer(413, { error: `the body is larger than ${maxBytes} bytes` }, { verified: false, reason: 'too_large' });
  const signingKey = String(auth[trigger.mapping.signing_key] ?? '');
  const verdict = verify(call.request.headers, raw, signingKey, options.toleranceS ?? DEFAULT_TOLERANCE_S, Math.floor((options.now ?? Date.now)() / 1000));
  if (!verdict.verified) return answer(401, { error: 'the request is not signed by Customer.io with this webhook\'s signing key, or is too old' }, { verified: false, reason: verdict.reason });
  const parsed = eventOf(raw.toString('utf8'));
  if ('problem' in parsed) return answer(400, { error: parsed.problem }, { verified: true, reason: 'malformed' });
  const { event } = parsed;
  const reason = leftOutBecause(event, trigger.mapping, input, knownEvents(trigger));
  if (reason) return answer(200, { ok: true, handed_over: 0 }, { verified: true }, [], [{ event_id: event.event_id, reason }]);
  const first = await store.firstSeen(`${trigger.connector.name}:${call.state.webhook_id}:${event.event_id}`, EVENT_MEMORY_MS);
  if (!first) return answer(200, { ok: true, handed_over: 0 }, { verified: true }, [], [{ event_id: event.event_id, reason: `${eventName(event)} ${event.event_id} was handed over already (a repeat)` }]);
  return answer(200, { ok: true, handed_over: 1 }, { verified: true }, [event]);
}
