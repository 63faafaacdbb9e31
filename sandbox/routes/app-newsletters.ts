// Newsletters (one-time sends): drafts with content variants and translations; sending one
// delivers it to everyone its recipient filter matches (and who is subscribed), through the
// outbox, so its messages and metrics come from real deliveries. With A/B test groups
// (app-newsletter-tests.ts) the recipients are shared out between the groups in turn.
import { nextNumber } from '../ids.js';
import { cursorPage } from '../paging.js';
import { appError, noContent, ok } from '../reply.js';
import type { Context, Route } from '../router.js';
import type { DeliveryType, Newsletter, NewsletterContent, Person, State } from '../state.js';
import { personMatches, type Filter } from '../model/filters.js';
import { recordsUnder } from '../model/indexes.js';
import { recordDelivery, render } from '../model/outbox.js';
import { inSegment } from '../model/segments.js';
import { appFail, intParam, objectBody, requireString } from './common.js';
import { listDeliveries } from './delivery-list.js';
import { linkMetricsOf, metricsOf } from './metrics-handlers.js';

const CHANNELS: Record<string, DeliveryType | undefined> = { email: 'email', twilio: 'twilio', push: 'push', in_app: 'in_app', inbox: 'inbox', webhook: undefined };
const NEWSLETTER_FIELDS = ['name', 'recipients', 'send_now', 'scheduled_at', 'timezone', 'tz_match_enabled', 'subscription_topic_id', 'tags', 'rate_limit_email_rate', 'rate_limit_time_period', 'rate_limit_spread'];
const CONTENT_FIELDS = ['subject', 'body', 'preheader_text', 'body_plain', 'body_amp', 'body_json', 'from_id', 'reply_to_id', 'recipient', 'headers', 'layout_id', 'request_method', 'url'];

export function newsletterFromPath(ctx: Context): Newsletter {
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

export function newsletterView(newsletter: Newsletter) {
  const schedule = newsletter.schedule as { scheduled_at: number; timezone: string | null } | undefined;
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
    ...(schedule ? { scheduled_at: schedule.scheduled_at, timezone: schedule.timezone } : {}),
  };
}

/** The newsletter's own contents (test group A's): the variants of other test groups carry their test_group_id. */
export function baseContents(newsletter: Newsletter): NewsletterContent[] {
  return newsletter.contents.filter((c) => c.test_group_id === undefined);
}

/** The content a person gets from a set of variants: their language's, else the default. */
export function contentForPerson(contents: NewsletterContent[], person: Person): NewsletterContent | undefined {
  return contents.find((c) => c.language !== '' && c.language === person.attributes.language) ?? contents.find((c) => c.language === '') ?? contents[0];
}

export function contentView(content: NewsletterContent) {
  return { ...content, deduplicate_id: `${content.id}:${content.updated}` };
}

/** The content fields of a request body, with from_id turned into the sender's address. */
export function contentChanges(state: State, body: Record<string, unknown>): Record<string, unknown> {
  const unknown = Object.keys(body).filter((key) => !CONTENT_FIELDS.includes(key));
  if (unknown.length) throw appError(400, `these fields are not newsletter content: ${unknown.join(', ')}`);
  const changes: Record<string, unknown> = { ...body };
  // Contents show their headers as JSON text, as Customer.io answers them.
  if (Array.isArray(body.headers)) changes.headers = JSON.stringify(body.headers);
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
export function checkSendable(newsletter: Pick<Newsletter, 'id' | 'sent_at' | 'recipients' | 'type'>): DeliveryType {
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
  // Without test groups everyone gets the newsletter's own contents; with them, the groups take turns.
  const groups = recordsUnder(ctx.state, 'newsletter_test_groups', `n:${newsletter.id}`);
  const variants = groups.length === 0 ? [baseContents(newsletter)] : groups.map((g, i) => (i === 0 ? baseContents(newsletter) : newsletter.contents.filter((c) => c.test_group_id === g.id)));
  for (const [index, person] of people.entries()) {
    const content = contentForPerson(variants[index % variants.length], person);
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
  delete newsletter.schedule;
}

export interface Schedule {
  scheduled_at: number;
  timezone: string | null;
  tz_match_enabled: boolean;
  rate_limit: { email_rate: number; time_period: number; spread: boolean } | null;
}

/**
 * A newsletter's schedule from a request: a future time (Unix seconds), an IANA time zone, and
 * an optional sending rate. The sandbox keeps it and shows it; it runs no clock that would send
 * at that time, so a scheduled newsletter goes out when send_newsletter sends it.
 */
export function scheduleFrom(ctx: Context, newsletter: Pick<Newsletter, 'id' | 'sent_at' | 'recipients' | 'type'>, body: Record<string, unknown>, needsZone = false): Schedule {
  const at = Number(body.scheduled_at);
  if (!Number.isInteger(at) || at <= ctx.now) throw appError(400, `scheduled_at must be a time in the future, in Unix seconds (got ${String(body.scheduled_at)})`);
  checkSendable(newsletter);
  const zone = body.timezone === undefined ? null : String(body.timezone);
  if (zone === null && needsZone) throw appError(400, 'timezone is required with scheduled_at (an IANA time zone such as America/New_York)');
  if (zone !== null) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
    } catch {
      throw appError(400, `timezone must be an IANA time zone such as America/New_York (got ${zone})`);
    }
  }
  const rate = body.rate_limit_email_rate;
  const period = body.rate_limit_time_period;
  if ((rate === undefined) !== (period === undefined)) throw appError(400, 'rate_limit_email_rate and rate_limit_time_period go together');
  if (period !== undefined && ![60, 3600, 86_400].includes(Number(period))) throw appError(400, 'rate_limit_time_period must be 60, 3600 or 86400');
  return {
    scheduled_at: at, timezone: zone, tz_match_enabled: body.tz_match_enabled === true,
    rate_limit: rate === undefined ? null : { email_rate: Number(rate), time_period: Number(period), spread: body.rate_limit_spread === true },
  };
}

function create(ctx: Context) {
  const body = objectBody(ctx, appFail);
  const name = requireString(body.name, 'name', appFail);
  const type = String(body.type ?? '');
  if (!(type in CHANNELS)) throw appError(400, `type must be one of ${Object.keys(CHANNELS).join(', ')}`);
  if (body.scheduled_at !== undefined && body.send_now === true) throw appError(400, 'give send_now or scheduled_at, not both');
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
  if (body.scheduled_at !== undefined) newsletter.schedule = scheduleFrom(ctx, newsletter, body);
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
  const content = baseContents(newsletter).find((c) => c.language === ctx.params.language && c.language !== '');
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
  if (baseContents(newsletter).some((c) => c.language === code)) throw appError(400, `newsletter ${newsletter.id} already has a ${code} translation`);
  const base = baseContents(newsletter).find((c) => c.language === '') ?? newsletter.contents[0];
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
