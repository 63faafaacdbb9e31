// The reporting-webhook events a change produces, in the shapes of Customer.io's reporting
// webhooks document (customer-io-reporting-webhooks-openapi.json): `{event_id, object_type,
// metric, timestamp, data}`, with in `data` the person (`identifiers`, the deprecated
// `customer_id`), the delivery and where it came from (a broadcast trigger, a campaign action, a
// newsletter or a transactional message: exactly one of them, as the document's `oneOf` asks),
// and what the metric needs (recipient, subject, href and link_id, failure_message…).
import { ulid } from '../ids.js';
import type { Change } from '../model/changes.js';
import { linkId } from '../model/outbox.js';
import { identifiersOf, personByCioId } from '../model/people.js';
import type { Delivery, DeliveryType, Person, PersonIdentifiers, State } from '../state.js';

export interface ReportingEvent {
  event_id: string;
  object_type: string;
  metric: string;
  /** Unix seconds: when it happened. */
  timestamp: number;
  data: Record<string, unknown>;
}

export interface ProducedEvent {
  /** The name a webhook subscribes to: `email_sent`, `customer_unsubscribed`… */
  name: string;
  /** Other names Customer.io's App API uses for the same event. */
  aliases: string[];
  event: ReportingEvent;
  /** Added to `data` for webhooks with `with_content` (the message body on sent events). */
  content?: Record<string, unknown>;
  /** false for a repeat open, click… of the same delivery: only `full_resolution` webhooks get it. */
  first: boolean;
}

/** The object type each kind of delivery is reported as. The document has no inbox type: inbox
 * messages are Customer.io's in-app inbox, so they are reported as in_app. */
const OBJECT_TYPE: Record<DeliveryType, string> = { email: 'email', push: 'push', twilio: 'sms', whatsapp: 'whatsapp', in_app: 'in_app', inbox: 'in_app' };

/** The metrics the document has an event for, per object type. */
const DOCUMENTED: Record<string, string[]> = {
  email: ['drafted', 'attempted', 'sent', 'delivered', 'opened', 'clicked', 'converted', 'unsubscribed', 'bounced', 'dropped', 'spammed', 'failed', 'undeliverable'],
  push: ['drafted', 'attempted', 'sent', 'delivered', 'opened', 'clicked', 'converted', 'bounced', 'dropped', 'failed', 'undeliverable'],
  sms: ['drafted', 'attempted', 'sent', 'delivered', 'clicked', 'converted', 'bounced', 'failed', 'undeliverable'],
  whatsapp: ['drafted', 'attempted', 'sent', 'delivered', 'opened', 'clicked', 'converted', 'bounced', 'dropped', 'failed', 'undeliverable'],
  in_app: ['drafted', 'attempted', 'sent', 'opened', 'clicked', 'converted', 'failed', 'undeliverable'],
};

/** The metrics whose event carries a failure_message (required by the document for each). */
const FAILURES = ['attempted', 'bounced', 'dropped', 'failed', 'undeliverable'];

/** The name a metric reported through Track has in the webhook events. */
function webhookMetric(metric: string): string {
  return metric === 'human_clicked' || metric === 'machine_clicked' ? 'clicked' : metric;
}

/** Whether any webhook would take an event of this name (building it is skipped otherwise). */
export type Wanted = (names: string[]) => boolean;

/** The events a change produces (at most two), built only when a webhook wants them. */
export function eventsFor(state: State, change: Change, wanted: Wanted): ProducedEvent[] {
  switch (change.kind) {
    case 'delivery': {
      const event = deliveryEvent(state, change, wanted);
      return event ? [event] : [];
    }
    case 'subscription': {
      const name = `customer_${change.metric}`;
      if (!wanted([name])) return [];
      return [{ name, aliases: [], first: true, event: envelope('customer', change.metric, change.at, customerData(change.person)) }];
    }
    case 'preferences': {
      // The App API names it customer_subscription_preferences_changed; <object_type>_<metric>
      // would be customer_cio_subscription_preferences_changed. Either subscribes to it.
      const names = ['customer_subscription_preferences_changed', 'customer_cio_subscription_preferences_changed'];
      if (!wanted(names)) return [];
      return [{
        name: names[0], aliases: names.slice(1), first: true,
        event: envelope('customer', 'cio_subscription_preferences_changed', change.at, customerData(change.person)),
        // "the subscription preferences that a person changed in a stringified object format"
        content: { content: JSON.stringify({ topics: change.topics }) },
      }];
    }
  }
}

function envelope(objectType: string, metric: string, at: number, data: Record<string, unknown>): ReportingEvent {
  return { event_id: ulid(), object_type: objectType, metric, timestamp: at, data };
}

/** customer_id is the deprecated `id`: a string, blank when the person has none or was deleted. */
function personData(identifiers: PersonIdentifiers): Record<string, unknown> {
  return { customer_id: identifiers.id ?? '', identifiers: { id: identifiers.id, email: identifiers.email, cio_id: identifiers.cio_id } };
}

function customerData(person: Person): Record<string, unknown> {
  return { ...personData(identifiersOf(person)), email_address: person.email };
}

/** Where the delivery came from: the ids of exactly one origin, as the document's oneOf asks. */
function originData(delivery: Delivery): Record<string, unknown> {
  if (delivery.broadcast_id !== null) {
    return { broadcast_id: delivery.broadcast_id, trigger_id: delivery.trigger_id, action_id: delivery.action_id };
  }
  if (delivery.campaign_id !== null) return { campaign_id: delivery.campaign_id, action_id: delivery.action_id };
  if (delivery.newsletter_id !== null) {
    return { newsletter_id: delivery.newsletter_id, ...(delivery.content_id !== null ? { content_id: delivery.content_id } : {}) };
  }
  // A transactional send; one written inline (no template) has no template id to report.
  return { transactional_message_id: delivery.transactional_message_id };
}

function deliveryEvent(state: State, change: Extract<Change, { kind: 'delivery' }>, wanted: Wanted): ProducedEvent | undefined {
  const { delivery } = change;
  const objectType = OBJECT_TYPE[delivery.type];
  const metric = webhookMetric(change.metric);
  if (!DOCUMENTED[objectType].includes(metric)) return undefined;
  const name = `${objectType}_${metric}`;
  if (!wanted([name])) return undefined;

  // The person as they are now; the identifiers kept on the delivery once they are deleted.
  const person = delivery.cio_id ? personByCioId(state, delivery.cio_id) : undefined;
  const identifiers = person ? identifiersOf(person) : delivery.identifiers ?? { id: null, email: null, cio_id: delivery.cio_id ?? '' };
  const data: Record<string, unknown> = { ...personData(identifiers), delivery_id: delivery.id, ...originData(delivery) };
  if (!person) data.customer_id = '';

  if (delivery.type === 'push') {
    // Push events name the devices, not one recipient, each with why it failed if it did.
    const platform = person?.devices.find((d) => d.id === delivery.recipient)?.platform;
    if (delivery.recipient) {
      data.recipients = [{
        device_id: delivery.recipient,
        ...(platform === 'ios' || platform === 'android' ? { device_platform: platform } : {}),
        ...(FAILURES.includes(metric) && delivery.failure_message ? { failure_message: delivery.failure_message } : {}),
      }];
    }
  } else {
    data.recipient = delivery.recipient ?? '';
  }
  if (delivery.type === 'email') data.subject = delivery.subject ?? '';
  if (metric === 'clicked' && change.href) {
    data.href = change.href;
    data.link_id = linkId(state, change.href);
  }
  if (delivery.type === 'email' && metric === 'clicked') data.machine = change.metric === 'machine_clicked';
  if (FAILURES.includes(metric)) data.failure_message = delivery.failure_message ?? `reported as ${metric} without a reason`;

  return {
    name, aliases: [], first: change.first,
    event: envelope(objectType, metric, change.at, data),
    ...(metric === 'sent' ? { content: { content: messageContent(delivery) } } : {}),
  };
}

/** The body a sent event carries for webhooks with `with_content`: the email's HTML, a push's
 * payload as a string, the text of an SMS, WhatsApp or in-app message. */
function messageContent(delivery: Delivery): string {
  if (delivery.type === 'push') return JSON.stringify({ title: delivery.subject ?? '', message: delivery.body ?? '' });
  return delivery.body ?? '';
}
