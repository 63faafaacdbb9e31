// An incoming reporting-webhook request body → the event it carries, and whether the trigger
// wants it: the object type and event the person chose, and the filters they set (a campaign, a
// broadcast, a recipient's domain…). An event of a kind no definition knows yet (Customer.io
// added a metric) is handed over as it came: new kinds are never dropped.
import type { TriggerMapping } from '../definitions.js';

/** A reporting-webhook event as Customer.io sends it. */
export interface ReportingEvent {
  event_id: string;
  object_type: string;
  metric: string;
  timestamp: number;
  data: Record<string, unknown>;
  [field: string]: unknown;
}

/** The event in the body, or what is wrong with the body. */
export function eventOf(body: string): { event: ReportingEvent } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { problem: 'the body is not JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { problem: 'the body is not a JSON object' };
  const event = value as Record<string, unknown>;
  for (const field of ['event_id', 'object_type', 'metric'] as const) {
    if (typeof event[field] !== 'string' || event[field] === '') return { problem: `"${field}" must be a non-empty text` };
  }
  if (typeof event.timestamp !== 'number') return { problem: '"timestamp" must be a number' };
  if (event.data === null || typeof event.data !== 'object' || Array.isArray(event.data)) return { problem: '"data" must be an object' };
  return { event: event as ReportingEvent };
}

/** `email` + `bounced` → `email_bounced`, the name the App API registers webhooks with. */
export function eventName(event: Pick<ReportingEvent, 'object_type' | 'metric'>): string {
  return `${event.object_type}_${event.metric}`;
}

/** Why the trigger leaves an event out, or undefined when it hands it over. */
export function leftOutBecause(event: ReportingEvent, trigger: TriggerMapping, input: Record<string, unknown>, known: ReadonlySet<string>): string | undefined {
  if (trigger.object_types && !trigger.object_types.includes(event.object_type)) return `its object type is ${event.object_type}`;
  const sent = eventName(event);
  const name = trigger.event_aliases?.[sent] ?? sent;
  const chosen = input[trigger.events_input] as string[] | undefined;
  // A kind the definitions know is handed over only when chosen; an unknown one always is.
  if (known.has(name) && chosen && !chosen.includes(name)) return `${name} is not among the chosen events`;
  for (const [inputKey, field] of Object.entries(trigger.filters ?? {})) {
    const wanted = input[inputKey];
    if (wanted === undefined || wanted === null || wanted === '') continue;
    if (String(event.data[field] ?? '') !== String(wanted)) return `its ${field} is not ${String(wanted)}`;
  }
  const domain = trigger.recipient_domain_input ? input[trigger.recipient_domain_input] : undefined;
  if (typeof domain === 'string' && domain !== '') {
    const address = String(event.data.recipient ?? event.data.email_address ?? '');
    if (!address.toLowerCase().endsWith(`@${domain.toLowerCase()}`)) return `its recipient is not at ${domain}`;
  }
  return undefined;
}
