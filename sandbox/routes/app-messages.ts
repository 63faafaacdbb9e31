// The workspace's message log (every delivery in the outbox) and activity log.
import { cursorPage } from '../paging.js';
import { appError, ok } from '../reply.js';
import type { Context, Route } from '../router.js';
import type { Delivery } from '../state.js';
import { activityView, newestFirst } from '../model/activities.js';
import { archivedView, deliveryView, findDelivery } from '../model/outbox.js';
import { findPerson, type IdKind } from '../model/people.js';
import { idType, queryNumber } from './common.js';
import { listDeliveries } from './delivery-list.js';

function messages(ctx: Context) {
  const filters: [string, keyof Delivery][] = [
    ['campaign_id', 'campaign_id'], ['newsletter_id', 'newsletter_id'], ['action_id', 'action_id'], ['transactional_id', 'transactional_message_id'],
  ];
  let deliveries = ctx.state.deliveries;
  for (const [param, field] of filters) {
    const value = queryNumber(ctx, param);
    if (value !== undefined) deliveries = deliveries.filter((d) => d[field] === value);
  }
  return listDeliveries(ctx, deliveries);
}

function deliveryFromPath(ctx: Context): Delivery {
  const delivery = findDelivery(ctx.state, ctx.params.message_id);
  if (!delivery) throw appError(404, `message ${ctx.params.message_id} not found`);
  return delivery;
}

function activities(ctx: Context) {
  const type = ctx.query.get('type');
  const name = ctx.query.get('name');
  const deleted = ctx.query.get('deleted') === 'true';
  const customerId = ctx.query.get('customer_id');
  const kind = idType(ctx) as IdKind;
  let list = ctx.state.activities.filter((a) => a.deleted === deleted && (!type || a.type === type) && (!name || a.name === name));
  if (customerId) {
    const person = findPerson(ctx.state, kind, customerId);
    const value = kind === 'cio_id' ? customerId.replace(/^cio_/, '') : customerId;
    // A deleted person is matched by the identifiers their activities were recorded with.
    list = list.filter((a) => (person ? a.cio_id === person.cio_id : deleted && a.identifiers !== null && (kind === 'email' ? a.identifiers.email?.toLowerCase() === value.toLowerCase() : a.identifiers[kind as 'id' | 'cio_id'] === value)));
  }
  const page = cursorPage(newestFirst(list), ctx.query, { defaultLimit: 10, maxLimit: 100 });
  return ok({ activities: page.items.map((a) => activityView(ctx.state, a)), next: page.next });
}

export const appMessageRoutes: Route[] = [
  { method: 'GET', path: '/messages', operations: ['list_messages'], beta: true, handle: messages },
  { method: 'GET', path: '/messages/{message_id}', operations: ['get_message'], beta: true, handle: (ctx) => ok({ message: deliveryView(ctx.state, deliveryFromPath(ctx)) }) },
  { method: 'GET', path: '/messages/{message_id}/archived_message', operations: ['get_archived_message'], handle: (ctx) => ok({ archived_message: archivedView(deliveryFromPath(ctx)) }) },
  { method: 'GET', path: '/activities', operations: ['list_activities'], beta: true, handle: activities },
];
