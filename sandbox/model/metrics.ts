// Metric reports computed from the outbox: how many deliveries reached each metric in each
// step of a window, the older `period` + `steps` form and the newer `res` + `start`/`end`.
import { appError } from '../reply.js';
import type { Delivery, State } from '../state.js';
import { linkId } from './outbox.js';

const SECONDS: Record<string, number> = {
  hours: 3600, days: 86_400, weeks: 604_800, months: 2_592_000,
  hourly: 3600, daily: 86_400, weekly: 604_800, monthly: 2_592_000,
};
const MAX_STEPS: Record<string, number> = { hours: 24, days: 45, weeks: 12, months: 121 };
const REPORTED = ['attempted', 'sent', 'delivered', 'opened', 'clicked', 'converted', 'bounced', 'spammed', 'unsubscribed', 'failed'];

interface Window {
  start: number;
  step: number;
  steps: number;
}

/** The window a metrics request asks for, defaulting to the last 7 days. */
export function readWindow(query: URLSearchParams, now: number, resParam = 'res'): Window {
  const res = query.get(resParam) ?? query.get('resolution');
  if (query.get('start') && query.get('end') && res) {
    const start = Number(query.get('start'));
    const end = Number(query.get('end'));
    const step = SECONDS[res];
    if (!step) throw appError(400, `res must be hourly, daily, weekly or monthly (got ${res})`);
    if (!(end > start)) throw appError(400, 'end must be after start');
    return { start, step, steps: Math.max(1, Math.ceil((end - start) / step)) };
  }
  const period = query.get('period') ?? 'days';
  const step = SECONDS[period];
  if (!step || !MAX_STEPS[period]) throw appError(400, `period must be hours, days, weeks or months (got ${period})`);
  const steps = Number(query.get('steps') ?? 7);
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_STEPS[period]) {
    throw appError(400, `steps must be between 1 and ${MAX_STEPS[period]} for ${period} (got ${query.get('steps')})`);
  }
  return { start: now - steps * step + 1, step, steps };
}

function bucketOf(window: Window, at: number): number {
  const index = Math.floor((at - window.start) / window.step);
  return index >= 0 && index < window.steps ? index : -1;
}

export function metricSeries(deliveries: Delivery[], window: Window): Record<string, number[]> {
  const series: Record<string, number[]> = Object.fromEntries(REPORTED.map((m) => [m, new Array<number>(window.steps).fill(0)]));
  for (const delivery of deliveries) {
    const attempted = bucketOf(window, delivery.created);
    if (attempted >= 0) series.attempted[attempted]++;
    for (const metric of REPORTED) {
      const at = delivery.metrics[metric];
      if (metric === 'attempted' || at === undefined) continue;
      const index = bucketOf(window, at);
      if (index >= 0) series[metric][index]++;
    }
  }
  return series;
}

export function linkMetrics(state: State, deliveries: Delivery[], window: Window, unique: boolean) {
  const byHref = new Map<string, number[]>();
  for (const delivery of deliveries) {
    const counted = new Set<string>();
    for (const click of delivery.clicks) {
      const index = bucketOf(window, click.timestamp);
      if (index < 0 || (unique && counted.has(click.href))) continue;
      counted.add(click.href);
      const series = byHref.get(click.href) ?? new Array<number>(window.steps).fill(0);
      series[index]++;
      byHref.set(click.href, series);
    }
  }
  return [...byHref.entries()].map(([href, clicked]) => ({ link: { id: linkId(state, href), href }, metric: { series: { clicked } } }));
}
