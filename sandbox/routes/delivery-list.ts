// One page of deliveries as every message list of the App API answers it, with the filters
// those lists share: metric (latest state), state, channel type, time window and drafts.
import { cursorPage } from '../paging.js';
import { ok, type Reply } from '../reply.js';
import type { Context } from '../router.js';
import type { Delivery } from '../state.js';
import { newestFirst } from '../model/activities.js';
import { deliveryView, latestMetric } from '../model/outbox.js';
import { queryNumber } from './common.js';

export function listDeliveries(ctx: Context, deliveries: Delivery[]): Reply {
  const metric = ctx.query.get('metric');
  const state = ctx.query.get('state');
  const type = ctx.query.get('type');
  const from = queryNumber(ctx, 'start_ts');
  const to = queryNumber(ctx, 'end_ts');
  const drafts = ctx.query.get('drafts') === 'true';
  const list = newestFirst(deliveries.filter((d) =>
    (!metric || latestMetric(d) === metric) &&
    (!state || latestMetric(d) === state || (state === 'sent' && d.metrics.sent !== undefined)) &&
    (!type || d.type === type) &&
    (drafts === (d.metrics.drafted !== undefined)) &&
    (from === undefined || d.created >= from) &&
    (to === undefined || d.created <= to)));
  const page = cursorPage(list, ctx.query, { defaultLimit: 10, maxLimit: 1000 });
  return ok({ messages: page.items.map((d) => deliveryView(ctx.state, d)), next: page.next });
}
