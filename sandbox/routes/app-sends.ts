// Transactional sends (/v1/send/*): each accepted send becomes one delivery in the outbox,
// made from a seeded template (by ID or trigger name) or, for email, from inline content.
// Errors are `meta.error`, as Customer.io answers sends.
import { byteLength } from '../limits.js';
import { appMetaError, ok } from '../reply.js';
import type { Context, Route } from '../router.js';
import type { Attributes, DeliveryType, Person, TransactionalContent, TransactionalTemplate } from '../state.js';
import { recordDelivery, render } from '../model/outbox.js';
import { createPerson, findPerson, isSuppressed, type IdKind } from '../model/people.js';
import { objectBody } from './common.js';

const fail = (message: string) => appMetaError(400, message);
const MAX_PAYLOAD_BYTES = 1_000_000;

interface Channel {
  path: string;
  operation: string;
  delivery: DeliveryType;
  /** The content type a template needs for this channel. */
  content: string;
}

const CHANNELS: Channel[] = [
  { path: 'email', operation: 'send_transactional_email', delivery: 'email', content: 'email' },
  { path: 'push', operation: 'send_transactional_push', delivery: 'push', content: 'push' },
  { path: 'sms', operation: 'send_transactional_sms', delivery: 'twilio', content: 'sms' },
  { path: 'in_app', operation: 'send_transactional_in_app', delivery: 'in_app', content: 'in_app' },
  { path: 'inbox_message', operation: 'send_transactional_inbox_message', delivery: 'inbox', content: 'inbox' },
  { path: 'whatsapp', operation: 'send_transactional_whatsapp', delivery: 'whatsapp', content: 'whatsapp' },
];

export function findTemplate(templates: TransactionalTemplate[], ref: unknown): TransactionalTemplate | undefined {
  if (typeof ref === 'number' || (typeof ref === 'string' && /^\d+$/.test(ref))) return templates.find((t) => t.id === Number(ref));
  return templates.find((t) => t.trigger_name === ref);
}

interface Target {
  existing?: Person;
  kind: IdKind;
  value: string;
}

/** Who `identifiers` names; nobody is created yet, so a refused send leaves no profile behind. */
function targetOf(ctx: Context, identifiers: unknown): Target {
  const entries = identifiers && typeof identifiers === 'object' ? Object.entries(identifiers) : [];
  if (entries.length !== 1 || !['id', 'email', 'cio_id'].includes(entries[0][0]) || (typeof entries[0][1] !== 'string' && typeof entries[0][1] !== 'number')) {
    throw fail('identifiers must have exactly one of id, email or cio_id');
  }
  const kind = entries[0][0] as IdKind;
  const value = String(entries[0][1]);
  const existing = findPerson(ctx.state, kind, value);
  if (!existing && kind === 'cio_id') throw fail(`no person has cio_id ${value}`);
  if (!existing && isSuppressed(ctx.state, { [kind]: value })) throw fail(`${kind} ${value} is suppressed`);
  return { existing, kind, value };
}

function contentFor(template: TransactionalTemplate, channel: Channel, language: unknown): TransactionalContent {
  const ofType = template.contents.filter((c) => c.type === channel.content);
  const content = ofType.find((c) => c.language === (typeof language === 'string' ? language : '')) ?? ofType.find((c) => c.language === '');
  if (!content) throw fail(`transactional message ${template.id} (${template.name}) has no ${channel.content} content`);
  return content;
}

/** Where the message goes, or why it cannot go anywhere (a failed delivery, as Customer.io records it). */
function address(channel: Channel, person: Person, body: Record<string, unknown>): { recipient: string | null; failure: string | null } {
  const to = typeof body.to === 'string' && body.to !== '' ? body.to : undefined;
  switch (channel.delivery) {
    case 'email':
      return { recipient: to ?? person.email, failure: null };
    case 'push': {
      const devices = [...person.devices].sort((a, b) => (b.last_used ?? 0) - (a.last_used ?? 0));
      const token = !to || to === 'last_used' || to === 'all' ? devices[0]?.id : devices.find((d) => d.id === to)?.id;
      return token ? { recipient: token, failure: null } : { recipient: to ?? null, failure: 'the person has no device to send this push to' };
    }
    case 'twilio':
    case 'whatsapp': {
      const recipient = to ?? person.phone ?? (typeof person.attributes.phone === 'string' ? person.attributes.phone : null);
      if (person.optouts.some((o) => o.channel === (channel.delivery === 'twilio' ? 'sms' : 'whatsapp') && o.from === body.from)) {
        return { recipient, failure: 'the person opted out of messages from this sender' };
      }
      return recipient ? { recipient, failure: null } : { recipient: null, failure: 'the person has no phone number' };
    }
    default:
      return { recipient: person.id ?? person.email ?? person.cio_id, failure: null };
  }
}

function send(channel: Channel) {
  return (ctx: Context) => {
    const body = objectBody(ctx, fail);
    const { attachments: _a, ...payload } = body;
    if (byteLength(payload) > MAX_PAYLOAD_BYTES) throw fail(`the payload must be at most 1 MB without attachments (it is ${byteLength(payload)} bytes)`);
    const ref = body.transactional_message_id;
    const template = ref === undefined ? undefined : findTemplate(ctx.state.transactional, ref);
    if (ref !== undefined && !template) throw fail(`transactional message ${String(ref)} does not exist`);
    const content = template ? contentFor(template, channel, body.language) : undefined;
    if (!template && (channel.delivery !== 'email' || typeof body.from !== 'string' || typeof body.subject !== 'string' || typeof body.body !== 'string')) {
      throw fail(channel.delivery === 'email'
        ? 'a send needs transactional_message_id, or from, subject and body for an email written inline'
        : `a ${channel.path} send needs transactional_message_id`);
    }
    const target = targetOf(ctx, body.identifiers);
    const hasAddress = (typeof body.to === 'string' && body.to !== '') || !!target.existing?.email || target.kind === 'email';
    if (channel.delivery === 'email' && !hasAddress) throw fail('there is no one to send to: set to, or give the person an email address');
    // A send to someone new creates their profile, as Customer.io does.
    const person = target.existing ?? createPerson(ctx.state, { [target.kind]: target.value }, ctx.now);
    const device = body.custom_device as { token?: unknown; platform?: unknown; last_used?: unknown; attributes?: Attributes } | undefined;
    if (channel.delivery === 'push' && device && typeof device.token === 'string') {
      person.devices = [...person.devices.filter((d) => d.id !== device.token), {
        id: device.token, platform: String(device.platform ?? 'ios'), last_used: typeof device.last_used === 'number' ? device.last_used : ctx.now, attributes: device.attributes ?? {},
      }];
    }
    const data = (body.message_data as Attributes | undefined) ?? null;
    const { recipient, failure } = address(channel, person, body);
    const unsubscribed = person.unsubscribed && (body.send_to_unsubscribed === false || template?.send_to_unsubscribed === false);
    const sendAt = typeof body.send_at === 'number' && body.send_at > ctx.now ? body.send_at : undefined;
    const pick = (field: string) => (typeof body[field] === 'string' ? body[field] as string : typeof content?.[field] === 'string' ? content[field] as string : null);
    const delivery = recordDelivery(ctx.state, {
      type: channel.delivery,
      person,
      recipient,
      from: pick('from'),
      reply_to: pick('reply_to'),
      bcc: pick('bcc'),
      subject: render(pick('subject') ?? pick('title'), person, data),
      preheader_text: render(pick('preheader') ?? pick('preheader_text'), person, data),
      body: render(pick('body') ?? pick('message'), person, data),
      transactional_message_id: template?.id ?? null,
      content_id: null,
      message_data: data,
      failure_message: failure ?? (unsubscribed ? 'the person is unsubscribed' : null),
      metrics: failure || unsubscribed ? { failed: ctx.now } : body.queue_draft === true ? { drafted: ctx.now } : sendAt ? {} : { sent: ctx.now },
    }, ctx.now);
    return ok({ delivery_id: delivery.id, queued_at: sendAt ?? ctx.now });
  };
}

export const appSendRoutes: Route[] = CHANNELS.map((channel) => ({
  method: 'POST' as const,
  path: `/send/${channel.path}`,
  operations: [channel.operation],
  handle: send(channel),
}));
