// The outbox: every message the sandbox "sends" (transactional sends, broadcast triggers) is a
// delivery here. Nothing leaves the machine; the App message endpoints list what is here, and
// Track's delivery metrics move a delivery through sent → delivered → opened → clicked.
import { newDeliveryId } from '../ids.js';
import type { Attributes, Delivery, DeliveryType, Person, State } from '../state.js';
import { attributeText, setOwn } from './attributes.js';
import { recordActivity } from './activities.js';
import { reportChange } from './changes.js';
import { dropReason, espSuppressionOf } from './esp.js';
import { deliveryById } from './indexes.js';
import { identifiersOf, personByCioId, setUnsubscribed } from './people.js';

/** Fills `{{customer.x}}` and `{{trigger.x}}` placeholders: enough Liquid to see personalisation work. */
export function render(text: string | null | undefined, person: Person | undefined, data: Attributes | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  return text.replace(/\{\{\s*(customer|trigger)\.([A-Za-z0-9_]+)\s*\}\}/g, (_all, scope: string, key: string) => {
    const source = scope === 'customer' ? person?.attributes : data ?? undefined;
    const value = source?.[key];
    return value === undefined ? '' : attributeText(value);
  });
}

/** What the activity log calls a channel (`sent_sms`, `opened_email`…). */
function channelName(type: DeliveryType): string {
  return type === 'twilio' ? 'sms' : type;
}

export type NewDelivery = Partial<Delivery> & { type: DeliveryType; person?: Person };

export function recordDelivery(state: State, entry: NewDelivery, now: number): Delivery {
  const { person, ...fields } = entry;
  const delivery: Delivery = {
    id: newDeliveryId(),
    cio_id: person?.cio_id ?? null,
    identifiers: person ? identifiersOf(person) : null,
    recipient: null,
    from: null,
    reply_to: null,
    bcc: null,
    subject: null,
    preheader_text: null,
    body: null,
    transactional_message_id: null,
    broadcast_id: null,
    trigger_id: null,
    campaign_id: null,
    action_id: null,
    newsletter_id: null,
    content_id: null,
    message_data: null,
    created: now,
    metrics: {},
    failure_message: null,
    clicks: [],
    ...fields,
  };
  state.deliveries.push(delivery);
  const reached = delivery.failure_message ? 'failed' : delivery.metrics.sent !== undefined ? 'sent' : delivery.metrics.drafted !== undefined ? 'drafted' : 'queued';
  recordActivity(state, { type: `${reached}_${channelName(delivery.type)}`, person, delivery_id: delivery.id, delivery_type: delivery.type, data: delivery.message_data ?? null }, now);
  // A send scheduled for later (`queued`) is reported when it is sent, which the sandbox never does.
  if (reached !== 'queued') reportChange(state, { kind: 'delivery', delivery, metric: reached, at: now, first: true, created: true });
  // The provider drops what it is handed for an address on its suppression lists.
  const suppression = reached === 'sent' && delivery.type === 'email' ? espSuppressionOf(state, delivery.recipient) : undefined;
  if (suppression) applyMetric(state, delivery, 'dropped', now, { reason: dropReason(suppression) });
  return delivery;
}

export function findDelivery(state: State, id: string): Delivery | undefined {
  return deliveryById(state, id);
}

/** The ID link metrics give a tracked URL, handed out the first time it is clicked. */
export function linkId(state: State, href: string): number {
  // An href is data: `constructor` or `__proto__` is a link like any other, kept as an own property.
  if (!Object.hasOwn(state.links, href)) setOwn(state.links, href, Object.keys(state.links).length + 1);
  return state.links[href];
}

/** A delivery metric reported through Track (v1 metrics, push events, v2 delivery events, unsubscribe). */
export function applyMetric(state: State, delivery: Delivery, metric: string, at: number, details: { href?: string; reason?: string } = {}): void {
  // Human and machine clicks are clicks too: only the first of any kind is the first click.
  const family = metric.endsWith('clicked') ? ['clicked', 'human_clicked', 'machine_clicked'] : [metric];
  const first = family.every((m) => delivery.metrics[m] === undefined);
  delivery.metrics[metric] ??= at;
  if (metric === 'clicked' && details.href) {
    delivery.clicks.push({ href: details.href, timestamp: at });
    linkId(state, details.href);
  }
  if ((metric === 'failed' || metric === 'bounced' || metric === 'dropped' || metric === 'undeliverable') && details.reason) {
    delivery.failure_message = details.reason;
  }
  const person = delivery.cio_id ? personByCioId(state, delivery.cio_id) : undefined;
  recordActivity(state, {
    type: `${metric}_${channelName(delivery.type)}`,
    person,
    delivery_id: delivery.id,
    delivery_type: delivery.type,
    data: details.href ? { href: details.href } : null,
    timestamp: at,
  }, at);
  reportChange(state, { kind: 'delivery', delivery, metric, at, first, created: false, ...(details.href ? { href: details.href } : {}) });
  // The message's own event first, then the person's (email_unsubscribed, then customer_unsubscribed).
  if (metric === 'unsubscribed' && person) setUnsubscribed(state, person, true, at);
}

export function deliveryView(state: State, delivery: Delivery) {
  const person = delivery.cio_id ? personByCioId(state, delivery.cio_id) : undefined;
  const identifiers = person ? identifiersOf(person) : delivery.identifiers ?? { id: null, email: null, cio_id: '' };
  const updated = Math.max(delivery.created, ...Object.values(delivery.metrics));
  return {
    id: delivery.id,
    deduplicate_id: `${delivery.id}:${updated}`,
    message_template_id: null,
    customer_id: identifiers.id,
    customer_identifiers: identifiers,
    recipient: delivery.recipient,
    subject: delivery.subject,
    metrics: { ...delivery.metrics },
    created: delivery.created,
    failure_message: delivery.failure_message,
    campaign_id: delivery.campaign_id,
    action_id: delivery.action_id,
    parent_action_id: null,
    newsletter_id: delivery.newsletter_id,
    content_id: delivery.content_id,
    broadcast_id: delivery.broadcast_id,
    transactional_message_id: delivery.transactional_message_id,
    trigger_event_id: null,
    type: delivery.type,
    forgotten: false,
  };
}

export function archivedView(delivery: Delivery) {
  return {
    id: delivery.id,
    type: delivery.type,
    recipient: delivery.recipient,
    from: delivery.from,
    reply_to: delivery.reply_to,
    subject: delivery.subject,
    bcc: delivery.bcc ?? '',
    fake_bcc: false,
    preheader_text: delivery.preheader_text,
    body: delivery.body,
    forgotten: false,
  };
}

/** The metric a delivery has reached last: what `metric=` filters on. */
const PROGRESSION = ['attempted', 'drafted', 'sent', 'delivered', 'opened', 'clicked', 'converted', 'unsubscribed', 'spammed', 'bounced', 'dropped', 'undeliverable', 'failed'];

export function latestMetric(delivery: Delivery): string {
  let latest = 'attempted';
  for (const metric of PROGRESSION) if (delivery.metrics[metric] !== undefined) latest = metric;
  return delivery.failure_message && latest === 'attempted' ? 'failed' : latest;
}
