// App API people endpoints: lookup by email, search by filter, profiles one at a time or in
// bulk, and a person's activities, messages, segments, relationships, subscription
// preferences and opt-outs, all read from what Track wrote.
import { LIMITS } from '../limits.js';
import { cursorPage } from '../paging.js';
import { appError, noContent, ok } from '../reply.js';
import type { Context, Route } from '../router.js';
import type { Person } from '../state.js';
import { activityView, newestFirst } from '../model/activities.js';
import { personMatches } from '../model/filters.js';
import { activitiesOfPerson, deliveriesOfPerson } from '../model/indexes.js';
import { personRelationships } from '../model/objects.js';
import { customerView, findPerson, identifiersOf, peopleWithEmail, type IdKind } from '../model/people.js';
import { inSegment, segmentsOf, segmentView } from '../model/segments.js';
import { appFail, idType, objectBody, personFromPath } from './common.js';
import { listDeliveries } from './delivery-list.js';

function byEmail(ctx: Context) {
  const email = ctx.query.get('email');
  if (!email) throw appError(400, 'email is required');
  return ok({ results: peopleWithEmail(ctx.state, email).map(identifiersOf) });
}

function search(ctx: Context) {
  const body = objectBody(ctx, appFail);
  if (body.filter === undefined) throw appError(400, 'filter is required');
  const test = inSegment(ctx.state);
  const matches = ctx.state.people.filter((p) => personMatches(body.filter, p, test));
  const page = cursorPage(matches, ctx.query, { defaultLimit: 50, maxLimit: 1000 });
  return ok({ identifiers: page.items.map(identifiersOf), ids: page.items.map((p) => p.id ?? ''), next: page.next });
}

function attributes(ctx: Context) {
  return ok({ customer: customerView(personFromPath(ctx)) });
}

function bulkAttributes(ctx: Context) {
  const kind = idType(ctx);
  const ids = objectBody(ctx, appFail).ids;
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > LIMITS.bulkAttributeIds) {
    throw appError(400, `ids must list between 1 and ${LIMITS.bulkAttributeIds} people (got ${Array.isArray(ids) ? ids.length : 'none'})`);
  }
  const people = ids.map((id) => findPerson(ctx.state, kind as IdKind, String(id))).filter((p): p is Person => !!p);
  return ok({ customers: people.map((p) => ({ customer: customerView(p) })) });
}

function activities(ctx: Context) {
  const person = personFromPath(ctx);
  const type = ctx.query.get('type');
  const name = ctx.query.get('name');
  const list = newestFirst(activitiesOfPerson(ctx.state, person.cio_id).filter((a) => !a.deleted && (!type || a.type === type) && (!name || a.name === name)));
  const page = cursorPage(list, ctx.query, { defaultLimit: 10, maxLimit: 100 });
  return ok({ activities: page.items.map((a) => activityView(ctx.state, a)), next: page.next });
}

function messages(ctx: Context) {
  const person = personFromPath(ctx);
  return listDeliveries(ctx, [...deliveriesOfPerson(ctx.state, person.cio_id)]);
}

function segments(ctx: Context) {
  return ok({ segments: segmentsOf(ctx.state, personFromPath(ctx)).map(segmentView) });
}

function relationships(ctx: Context) {
  const page = cursorPage(personRelationships(ctx.state, personFromPath(ctx)), ctx.query, { defaultLimit: 10, maxLimit: 1000 });
  return ok({ cio_relationships: page.items, next: page.next });
}

function subscriptionPreferences(ctx: Context) {
  const person = personFromPath(ctx);
  const topics = ctx.state.topics.map((topic) => ({
    id: topic.id,
    name: topic.name,
    description: topic.description,
    subscribed: !person.unsubscribed && (person.topics[`topic_${topic.id}`] ?? topic.subscribed_by_default === true),
  }));
  return ok({ customer: { id: person.id, identifiers: identifiersOf(person), unsubscribed: person.unsubscribed, topics, header: ctx.state.subscription_header } });
}

function optouts(ctx: Context) {
  return ok({ optouts: personFromPath(ctx).optouts });
}

function updateOptouts(ctx: Context) {
  const person = personFromPath(ctx);
  const list = objectBody(ctx, appFail).optouts;
  if (!Array.isArray(list) || list.length === 0) throw appError(400, 'optouts must be a non-empty list of {channel, from, optout}');
  for (const entry of list as { channel?: unknown; from?: unknown; optout?: unknown }[]) {
    // The channel is SMS when it is left out.
    if (!['sms', 'whatsapp'].includes(String(entry?.channel ?? 'sms')) || typeof entry.from !== 'string' || typeof entry.optout !== 'boolean') {
      throw appError(400, 'each opt-out needs from, optout (true or false) and, unless it is sms, channel (whatsapp)');
    }
  }
  for (const { channel = 'sms', ...entry } of list as { channel?: string; from: string; optout: boolean }[]) {
    person.optouts = person.optouts.filter((o) => !(o.channel === channel && o.from === entry.from));
    if (entry.optout) person.optouts.push({ channel, from: entry.from });
  }
  return noContent();
}

function allOptouts(ctx: Context) {
  const from = ctx.query.get('from');
  const people = ctx.state.people
    .map((p) => ({ person: p, optouts: p.optouts.filter((o) => !from || o.from === from) }))
    .filter((entry) => entry.optouts.length > 0);
  const page = cursorPage(people, ctx.query, { defaultLimit: 50, maxLimit: 1000 });
  return ok({ optouts: page.items.map(({ person, optouts: list }) => ({ customer_id: person.id, cio_id: person.cio_id, optouts: list })), next: page.next });
}

export const appPeopleRoutes: Route[] = [
  { method: 'GET', path: '/customers', operations: ['get_customers_by_email'], beta: true, handle: byEmail },
  // Reads sent as POSTs (a filter, a list of IDs): they change nothing, so they are not journaled.
  { method: 'POST', path: '/customers', operations: ['search_customers'], changes: false, handle: search },
  { method: 'POST', path: '/customers/attributes', operations: ['get_bulk_customer_attributes'], changes: false, handle: bulkAttributes },
  { method: 'GET', path: '/customers/{customer_id}/attributes', operations: ['get_customer_attributes'], beta: true, handle: attributes },
  { method: 'GET', path: '/customers/{customer_id}/activities', operations: ['list_customer_activities'], beta: true, handle: activities },
  { method: 'GET', path: '/customers/{customer_id}/messages', operations: ['list_customer_messages'], beta: true, handle: messages },
  { method: 'GET', path: '/customers/{customer_id}/segments', operations: ['list_customer_segments'], beta: true, handle: segments },
  { method: 'GET', path: '/customers/{customer_id}/relationships', operations: ['list_customer_relationships'], handle: relationships },
  { method: 'GET', path: '/customers/{customer_id}/subscription_preferences', operations: ['get_customer_subscription_preferences'], handle: subscriptionPreferences },
  { method: 'GET', path: '/customers/{customer_id}/optouts', operations: ['get_customer_optouts'], handle: optouts },
  { method: 'PUT', path: '/customers/{customer_id}/optouts', operations: ['update_customer_optouts'], handle: updateOptouts },
  { method: 'GET', path: '/optouts', operations: ['list_optouts'], handle: allOptouts },
];
