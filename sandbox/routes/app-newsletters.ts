// Newsletters (one-time sends): drafts with content variants and translations; sending one
// delivers it to everyone its recipient filter matches (and who is subscribed), through the
// outbox, so its messages and metrics come from real deliveries.
import { nextNumber } from '../ids.js';
import { cursorPage } from '../paging.js';
import { appError, noContent, ok } from '../reply.js';
import type { Context, Route } from '../router.js';
import type { DeliveryType, Newsletter, NewsletterContent, Person, State } from '../state.js';
import { personMatches, type Filter } from '../model/filters.js';
import { recordDelivery, render } from '../model/outbox.js';
import { inSegment } from '../model/segments.js';
import { appFail, intParam, objectBody, requireString } from './common.js';
import { listDeliveries } from './delivery-list.js';
import { linkMetricsOf, metricsOf } from './metrics-handlers.js';

const CHANNELS: Record<string, DeliveryType | undefined> = { email: 'email', twilio: 'twilio', push: 'push', in_app: 'in_app', inbox: 'inbox', webhook: undefined };
const NEWSLETTER_FIELDS = ['name', 'recipients', 'send_now', 'scheduled_at', 'subscription_topic_id', 'tags', 'rate_limit_email_rate', 'rate_limit_time_period', 'rate_limit_spread'];
const CONTENT_FIELDS = ['subject', 'body', 'preheader_text', 'body_plain', 'body_amp', 'body_json', 'from_id', 'reply_to_id', 'recipient', 'headers', 'layout_id', 'request_method', 'url'];

function newsletterFromPath(ctx: Context): Newsletter {
  const id = intParam(ctx, 'newsletter_id');
  const newsletter = ctx.state.newsletters.find((n) => n.id === id);
  if (!newsletter) throw appError(404, `newsletter ${id} not found`);
  return newsletter;
}

function segmentIdsOf(filter: unknown): number[] {
  if (!filter || typeof filter !== 'object') return [];
  const node = filter as Filter;
  if (node.segment) return [Number(node.segment.id)];
  return [...(node.and ?? []), ...(node.or ?? []), ...(node.not ? [node.not] : [])].flatMap(segmentIdsOf);
}

function newsletterView(newsletter: Newsletter) {
  return {
    id: newsletter.id,
    name: newsletter.name,
    type: newsletter.type,
    content_ids: newsletter.contents.map((c) => c.id),
    recipient_segment_ids: [...new Set(segmentIdsOf(newsletter.recipients))],
    tags: newsletter.tags,
    sent_at: newsletter.sent_at,
    created: newsletter.created,
    updated: newsletter.updated,
    deduplicate_id: `${newsletter.id}:${newsletter.updated}`,
    subscription_topic_id: newsletter.subscription_topic_id,
  };
}

function contentView(content: NewsletterContent) {
  return { ...content, deduplicate_id: `${content.id}:${content.updated}` };
}

/** The content fields of a request body, with from_id turned into the sender's address. */
function contentChanges(state: State, body: Record<string, unknown>): Record<string, unknown> {
  const unknown = Object.keys(body).filter((key) => !CONTENT_FIELDS.includes(key));
  if (unknown.length) throw appError(400, `these fields are not newsletter content: ${unknown.join(', ')}`);
  const changes: Record<string, unknown> = { ...body };
  if (body.from_id !== undefined) {
    const sender = state.sender_identities.find((s) => s.id === Number(body.from_id));
    if (!sender) throw appError(400, `sender identity ${String(body.from_id)} does not exist`);
    changes.from = sender.address;
  }
  return changes;
}

function subscribed(state: State, newsletter: Newsletter, person: Person): boolean {
  if (person.unsubscribed) return false;
  if (newsletter.subscription_topic_id === null) return true;
  const topic = state.topics.find((t) => t.id === newsletter.subscription_topic_id);
  return person.topics[`topic_${newsletter.subscription_topic_id}`] ?? topic?.subscribed_by_default === true;
}

/** Why a newsletter cannot be sent, checked before anything changes. */
function checkSendable(newsletter: Pick<Newsletter, 'id' | 'sent_at' | 'recipients' | 'type'>): DeliveryType {
  if (newsletter.sent_at !== null) throw appError(400, `newsletter ${newsletter.id} was already sent`);
  if (!newsletter.recipients) throw appError(422, `newsletter ${newsletter.id} has no recipients`);
  const type = CHANNELS[newsletter.type];
  if (!type) throw appError(422, 'the sandbox does not call webhooks; it sends email, SMS, push, in-app and inbox newsletters');
  return type;
}

function send(ctx: Context, newsletter: Newsletter): void {
  const type = checkSendable(newsletter);
  const test = inSegment(ctx.state);
  const people = ctx.state.people.filter((p) => personMatches(newsletter.recipients, p, test) && subscribed(ctx.state, newsletter, p));
  for (const person of people) {
    const content = newsletter.contents.find((c) => c.language !== '' && c.language === person.attributes.language) ?? newsletter.contents.find((c) => c.language === '') ?? newsletter.contents[0];
    const recipient = type === 'email' ? person.email : type === 'twilio' ? person.phone : type === 'push' ? person.devices[0]?.id ?? null : person.id ?? person.cio_id;
    recordDelivery(ctx.state, {
      type, person, recipient,
      from: typeof content?.from === 'string' ? content.from : null,
      subject: render(content?.subject as string | undefined, person, null),
      preheader_text: render(content?.preheader_text as string | undefined, person, null),
      body: render(content?.body as string | undefined, person, null),
      newsletter_id: newsletter.id, content_id: content?.id ?? null,
      failure_message: recipient ? null : 'the person has no address for this channel',
      metrics: recipient ? { sent: ctx.now } : { failed: ctx.now },
    }, ctx.now);
  }
  newsletter.sent_at = ctx.now;
  newsletter.updated = ctx.now;
}

function create(ctx: Context) {
  const body = objectBody(ctx, appFail);
  const name = requireString(body.name, 'name', appFail);
  const type = String(body.type ?? '');
  if (!(type in CHANNELS)) throw appError(400, `type must be one of ${Object.keys(CHANNELS).join(', ')}`);
  if (body.scheduled_at !== undefined) throw appError(422, 'the sandbox does not run scheduled sends: create a draft and send it with send_newsletter');
  const topicId = body.subscription_topic_id === undefined ? null : Number(body.subscription_topic_id);
  if (topicId !== null && !ctx.state.topics.some((t) => t.id === topicId)) throw appError(400, `subscription topic ${topicId} does not exist`);
  const fields = Object.fromEntries(Object.entries(body).filter(([key]) => !NEWSLETTER_FIELDS.includes(key) && key !== 'type'));
  const changes = contentChanges(ctx.state, fields);
  if (body.send_now === true) checkSendable({ id: 0, sent_at: null, recipients: (body.recipients as Filter | undefined) ?? null, type });
  const id = nextNumber(ctx.state, 'newsletter');
  const newsletter: Newsletter = {
    id, name, type, tags: Array.isArray(body.tags) ? body.tags.map(String) : null, sent_at: null, created: ctx.now, updated: ctx.now,
    subscription_topic_id: topicId, recipients: (body.recipients as Filter | undefined) ?? null,
    contents: [{ id: nextNumber(ctx.state, 'newsletter_content'), newsletter_id: id, name: null, type, language: '', from: null, from_id: null, reply_to: null, reply_to_id: null, layout: null, updated: ctx.now, ...changes }],
  };
  ctx.state.newsletters.push(newsletter);
  if (body.send_now === true) send(ctx, newsletter);
  return ok({ newsletter: newsletterView(newsletter) });
}

function contentFromPath(ctx: Context): NewsletterContent {
  const newsletter = newsletterFromPath(ctx);
  const id = intParam(ctx, 'content_id');
  const content = newsletter.contents.find((c) => c.id === id);
  if (!content) throw appError(404, `newsletter ${newsletter.id} has no content ${id}`);
  return content;
}

function translationFromPath(ctx: Context): NewsletterContent {
  const newsletter = newsletterFromPath(ctx);
  const content = newsletter.contents.find((c) => c.language === ctx.params.language && c.language !== '');
  if (!content) throw appError(404, `newsletter ${newsletter.id} has no ${ctx.params.language} translation`);
  return content;
}

function updateContent(ctx: Context, content: NewsletterContent) {
  Object.assign(content, contentChanges(ctx.state, objectBody(ctx, appFail)), { updated: ctx.now });
  return ok({ content: contentView(content) });
}

function addTranslation(ctx: Context) {
  const newsletter = newsletterFromPath(ctx);
  const { language, ...fields } = objectBody(ctx, appFail);
  const code = requireString(language, 'language', appFail);
  if (newsletter.contents.some((c) => c.language === code)) throw appError(400, `newsletter ${newsletter.id} already has a ${code} translation`);
  const base = newsletter.contents.find((c) => c.language === '') ?? newsletter.contents[0];
  newsletter.contents.push({ ...base, ...contentChanges(ctx.state, fields), id: nextNumber(ctx.state, 'newsletter_content'), language: code, updated: ctx.now });
  newsletter.updated = ctx.now;
  return ok({ newsletter: newsletterView(newsletter) });
}

function deliveriesOf(ctx: Context) {
  const newsletter = newsletterFromPath(ctx);
  const contentId = ctx.params.content_id === undefined ? undefined : contentFromPath(ctx).id;
  return ctx.state.deliveries.filter((d) => d.newsletter_id === newsletter.id && (contentId === undefined || d.content_id === contentId));
}

function list(ctx: Context) {
  const sort = ctx.query.get('sort') ?? 'asc';
  if (sort !== 'asc' && sort !== 'desc') throw appError(400, 'sort must be asc or desc');
  const sorted = [...ctx.state.newsletters].sort((a, b) => (sort === 'asc' ? a.id - b.id : b.id - a.id));
  const page = cursorPage(sorted, ctx.query, { defaultLimit: 10, maxLimit: 100 });
  return ok({ newsletters: page.items.map(newsletterView), next: page.next });
}

export const appNewsletterRoutes: Route[] = [
  { method: 'GET', path: '/newsletters', operations: ['list_newsletters', 'list_newsletters_ddl'], beta: true, handle: list },
  { method: 'POST', path: '/newsletters', operations: ['create_newsletter'], handle: create },
  { method: 'GET', path: '/newsletters/{newsletter_id}', operations: ['get_newsletter'], beta: true, handle: (ctx) => ok({ newsletter: newsletterView(newsletterFromPath(ctx)) }) },
  {
    method: 'DELETE', path: '/newsletters/{newsletter_id}', operations: ['delete_newsletter'],
    handle: (ctx) => {
      const newsletter = newsletterFromPath(ctx);
      ctx.state.newsletters = ctx.state.newsletters.filter((n) => n !== newsletter);
      return noContent();
    },
  },
  {
    method: 'POST', path: '/newsletters/{newsletter_id}/send', operations: ['send_newsletter'],
    handle: (ctx) => {
      const newsletter = newsletterFromPath(ctx);
      send(ctx, newsletter);
      return ok({ newsletter: newsletterView(newsletter) });
    },
  },
  { method: 'GET', path: '/newsletters/{newsletter_id}/messages', operations: ['list_newsletter_messages'], handle: (ctx) => listDeliveries(ctx, deliveriesOf(ctx)) },
  { method: 'GET', path: '/newsletters/{newsletter_id}/metrics', operations: ['get_newsletter_metrics'], beta: true, handle: metricsOf(deliveriesOf) },
  { method: 'GET', path: '/newsletters/{newsletter_id}/metrics/links', operations: ['get_newsletter_link_metrics'], handle: linkMetricsOf(deliveriesOf) },
  { method: 'GET', path: '/newsletters/{newsletter_id}/contents', operations: ['list_newsletter_contents'], handle: (ctx) => ok({ contents: newsletterFromPath(ctx).contents.map(contentView) }) },
  { method: 'GET', path: '/newsletters/{newsletter_id}/contents/{content_id}', operations: ['get_newsletter_content'], handle: (ctx) => ok({ content: contentView(contentFromPath(ctx)) }) },
  { method: 'PUT', path: '/newsletters/{newsletter_id}/contents/{content_id}', operations: ['update_newsletter_content'], handle: (ctx) => updateContent(ctx, contentFromPath(ctx)) },
  { method: 'GET', path: '/newsletters/{newsletter_id}/contents/{content_id}/metrics', operations: ['get_newsletter_content_metrics'], handle: metricsOf(deliveriesOf) },
  { method: 'GET', path: '/newsletters/{newsletter_id}/contents/{content_id}/metrics/links', operations: ['get_newsletter_content_link_metrics'], handle: linkMetricsOf(deliveriesOf) },
  { method: 'POST', path: '/newsletters/{newsletter_id}/language', operations: ['add_newsletter_translation'], handle: addTranslation },
  { method: 'GET', path: '/newsletters/{newsletter_id}/language/{language}', operations: ['get_newsletter_translation'], handle: (ctx) => ok({ content: contentView(translationFromPath(ctx)) }) },
  { method: 'PUT', path: '/newsletters/{newsletter_id}/language/{language}', operations: ['update_newsletter_translation'], handle: (ctx) => updateContent(ctx, translationFromPath(ctx)) },
  {
    method: 'DELETE', path: '/newsletters/{newsletter_id}/language/{language}', operations: ['delete_newsletter_translation'],
    handle: (ctx) => {
      const newsletter = newsletterFromPath(ctx);
      const content = translationFromPath(ctx);
      newsletter.contents = newsletter.contents.filter((c) => c !== content);
      newsletter.updated = ctx.now;
      return noContent();
    },
  },
];
