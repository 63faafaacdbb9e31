// The subscription-center token (/v1/subscription_center/{customer_id}/token): a signed token
// for one person, valid 24 hours, and the URL of their preference page. Customer.io hosts that
// page; the sandbox serves it at /sandbox/subscription_center/{token}, as JSON: GET shows the
// person's topics and whether they are unsubscribed, POST {topics, unsubscribed} changes them
// (as the page's form would, reported to the reporting webhooks like any other change).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { appError, ok } from '../reply.js';
import type { Context, Route } from '../router.js';
import type { Person } from '../state.js';
import { findPerson, identifiersOf, resolvePathIdentifier, setTopics, setUnsubscribed } from '../model/people.js';
import { objectBody, appFail } from './common.js';

const LIFETIME_SECONDS = 24 * 3600;
// Fake, like the sandbox's API keys.
const TOKEN_KEY = 'sandbox-subscription-center';

function sign(payload: string): string {
  return createHmac('sha256', TOKEN_KEY).update(payload).digest('base64url');
}

function tokenFor(person: Person, now: number): string {
  const payload = Buffer.from(JSON.stringify({ c: person.cio_id, e: now + LIFETIME_SECONDS })).toString('base64url');
  return `${payload}.${sign(payload)}`;
}

function personOfToken(ctx: Context): Person {
  const [payload = '', signature = ''] = ctx.params.token.split('.');
  const expected = Buffer.from(sign(payload));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw appError(403, 'the subscription-center token is not valid');
  const { c, e } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { c: string; e: number };
  if (e < ctx.now) throw appError(403, 'the subscription-center token has expired (tokens last 24 hours)');
  const person = findPerson(ctx.state, 'cio_id', c);
  if (!person) throw appError(404, 'the person this token was made for no longer exists');
  return person;
}

function preferences(ctx: Context, person: Person) {
  return {
    customer: identifiersOf(person),
    header: ctx.state.subscription_header,
    unsubscribed: person.unsubscribed,
    topics: ctx.state.topics.map((topic) => ({
      id: topic.id, identifier: `topic_${topic.id}`, name: topic.name, description: topic.description,
      subscribed: !person.unsubscribed && (person.topics[`topic_${topic.id}`] ?? topic.subscribed_by_default === true),
    })),
  };
}

/** The person a token is asked for: an ID, else an email address (as stored in Customer.io), or cio_<id>. */
function token(ctx: Context) {
  const { person } = resolvePathIdentifier(ctx.state, ctx.params.customer_id);
  const found = person ?? findPerson(ctx.state, 'email', ctx.params.customer_id);
  if (!found) throw appError(404, `no person has the ID or email ${ctx.params.customer_id}`);
  const value = tokenFor(found, ctx.now);
  return ok({ token: value, url: `${ctx.origin}/sandbox/subscription_center/${value}` });
}

function change(ctx: Context) {
  const person = personOfToken(ctx);
  const body = objectBody(ctx, appFail);
  if (body.unsubscribed !== undefined && typeof body.unsubscribed !== 'boolean') throw appError(400, 'unsubscribed must be true or false');
  const topics = body.topics as Record<string, unknown> | undefined;
  if (topics !== undefined && (!topics || typeof topics !== 'object' || Object.entries(topics).some(([k, v]) => !/^topic_\d+$/.test(k) || typeof v !== 'boolean'))) {
    throw appError(400, 'topics must map topic_<id> to true or false');
  }
  if (topics) setTopics(ctx.state, person, topics as Record<string, boolean>, ctx.now);
  if (typeof body.unsubscribed === 'boolean') setUnsubscribed(ctx.state, person, body.unsubscribed, ctx.now);
  return ok(preferences(ctx, person));
}

export const appSubscriptionCenterRoutes: Route[] = [
  { method: 'GET', path: '/subscription_center/{customer_id}/token', operations: ['get_subscription_center_token'], handle: token },
];

/** The page the token's URL opens, under /sandbox, without credentials (the token is the key). */
export const subscriptionCenterPageRoutes: Route[] = [
  { method: 'GET', path: '/subscription_center/{token}', operations: [], auth: false, handle: (ctx) => ok(preferences(ctx, personOfToken(ctx))) },
  { method: 'POST', path: '/subscription_center/{token}', operations: [], auth: false, handle: change },
];
