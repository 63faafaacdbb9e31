// A campaign's journey metrics, from the outbox: per step of the window, the people who
// started it (their first message from it), were messaged, and converted. The sandbox runs no
// journeys, so nobody exits early or finishes, and a campaign only has what its deliveries say.
import { appError, ok } from '../reply.js';
import type { Context, Route } from '../router.js';
import { readWindow } from '../model/metrics.js';
import { intParam } from './common.js';

const SERIES = ['started', 'activated', 'never_activated', 'exited_early', 'messaged', 'converted', 'finished'] as const;

function journeyMetrics(ctx: Context) {
  const id = intParam(ctx, 'campaign_id');
  if (!ctx.state.campaigns.some((c) => c.id === id)) throw appError(404, `campaign ${id} not found`);
  const missing = ['start', 'end', 'resolution'].filter((name) => !ctx.query.get(name));
  if (missing.length) throw appError(400, `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} required`);
  const window = readWindow(ctx.query, ctx.now, 'resolution');
  const bucket = (at: number) => {
    const index = Math.floor((at - window.start) / window.step);
    return index >= 0 && index < window.steps ? index : -1;
  };
  const series = Object.fromEntries(SERIES.map((name) => [name, new Array<number>(window.steps).fill(0)])) as Record<(typeof SERIES)[number], number[]>;
  const deliveries = ctx.state.deliveries.filter((d) => d.campaign_id === id);
  const firstAt = new Map<string, number>();
  for (const d of deliveries) {
    const who = d.cio_id ?? d.id;
    firstAt.set(who, Math.min(firstAt.get(who) ?? Infinity, d.created));
  }
  for (const at of firstAt.values()) {
    const index = bucket(at);
    if (index >= 0) {
      series.started[index]++;
      series.activated[index]++;
    }
  }
  const messaged = new Set<string>();
  for (const d of deliveries) {
    const sent = d.metrics.sent;
    const index = sent === undefined ? -1 : bucket(sent);
    if (index >= 0 && !messaged.has(`${d.cio_id}:${index}`)) {
      messaged.add(`${d.cio_id}:${index}`);
      series.messaged[index]++;
    }
    const converted = d.metrics.converted === undefined ? -1 : bucket(d.metrics.converted);
    if (converted >= 0) series.converted[converted]++;
  }
  return ok({ journey_metric: series });
}

export const appJourneyMetricRoutes: Route[] = [
  { method: 'GET', path: '/campaigns/{campaign_id}/journey_metrics', operations: ['get_campaign_journey_metrics'], handle: journeyMetrics },
];
