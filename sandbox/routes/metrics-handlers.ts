// Metric endpoints of campaigns, broadcasts, actions and transactional messages: the same
// report over different sets of deliveries.
import { ok, type Reply } from '../reply.js';
import type { Context } from '../router.js';
import type { Delivery } from '../state.js';
import { linkMetrics, metricSeries, readWindow } from '../model/metrics.js';

type Select = (ctx: Context) => Delivery[];

function ofType(ctx: Context, deliveries: Delivery[]): Delivery[] {
  const type = ctx.query.get('type');
  return type ? deliveries.filter((d) => d.type === type) : deliveries;
}

export function metricsOf(select: Select) {
  return (ctx: Context): Reply => ok({ metric: { series: metricSeries(ofType(ctx, select(ctx)), readWindow(ctx.query, ctx.now)) } });
}

export function linkMetricsOf(select: Select) {
  return (ctx: Context): Reply => ok({ links: linkMetrics(ctx.state, ofType(ctx, select(ctx)), readWindow(ctx.query, ctx.now), ctx.query.get('unique') === 'true') });
}
