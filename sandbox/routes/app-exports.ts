// Exports (/v1/exports): people by filter, deliveries by source. The CSV is written when the
// export is created (status done at once) and downloaded through a signed link to the
// sandbox's own /sandbox/files, valid for 15 minutes as Customer.io's are.
import { appError, ok } from '../reply.js';
import type { Context, Route } from '../router.js';
import type { Delivery } from '../state.js';
import { createExport, customersCsv, deliveriesCsv, exportView } from '../model/exports.js';
import { fileUrl } from '../model/files.js';
import { recordById } from '../model/indexes.js';
import { personMatches, type Filter } from '../model/filters.js';
import { inSegment } from '../model/segments.js';
import { appFail, objectBody, recordFromPath } from './common.js';

const DAY = 86_400;
const METRICS = ['created', 'attempted', 'sent', 'delivered', 'opened', 'clicked', 'converted', 'bounced', 'spammed', 'unsubscribed', 'dropped', 'failed', 'undeliverable'];

function attributeList(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((a) => typeof a !== 'string' || a === '')) throw appError(400, 'attributes must be a list of attribute names');
  return value as string[];
}


function exportCustomers(ctx: Context) {
  const body = objectBody(ctx, appFail);
  if (!body.filters || typeof body.filters !== 'object') throw appError(400, 'filters is required: the people to export, as a filter such as {"segment": {"id": 7}}');
  const filters = body.filters as Filter;
  const test = inSegment(ctx.state);
  const people = ctx.state.people.filter((p) => personMatches(filters, p, test));
  const { header, rows } = customersCsv(people, attributeList(body.attributes));
  const description = filters.segment ? `Customers in segment ${filters.segment.id}` : 'Customers with filters';
  return ok({ export: exportView(createExport(ctx.state, 'customers', description, header, rows, ctx.now)) });
}

/** The deliveries a delivery export's source names; 404 when the source does not exist. */
function deliveriesOfSource(ctx: Context, body: Record<string, unknown>): Delivery[] {
  const sources = ['newsletter_id', 'campaign_id', 'transactional_message_id', 'action_id'].filter((k) => body[k] !== undefined);
  if (sources.length !== 1) throw appError(400, 'name exactly one of newsletter_id, campaign_id, transactional_message_id or action_id');
  const key = sources[0];
  const id = Number(body[key]);
  const { state } = ctx;
  const actions = [...state.campaigns, ...state.broadcasts].flatMap((c) => c.actions);
  const exists = {
    newsletter_id: () => state.newsletters.some((n) => n.id === id),
    campaign_id: () => state.campaigns.some((c) => c.id === id),
    transactional_message_id: () => state.transactional.some((t) => t.id === id),
    action_id: () => actions.some((a) => a.id === id) || state.newsletters.some((n) => n.contents.some((c) => c.id === id)),
  }[key as 'newsletter_id']();
  if (!exists) throw appError(404, `${key.replace(/_id$/, '').replace('_', ' ')} ${id} not found`);
  if (key === 'action_id') return state.deliveries.filter((d) => d.action_id === id || d.content_id === id);
  return state.deliveries.filter((d) => d[key as 'newsletter_id'] === id);
}

function exportDeliveries(ctx: Context) {
  const body = objectBody(ctx, appFail);
  const end = body.end === undefined ? ctx.now : Number(body.end);
  // Without a window, the last 6 months; a window longer than 12 months keeps its latest 12.
  let start = body.start === undefined ? end - 183 * DAY : Number(body.start);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) throw appError(400, 'start and end must be Unix seconds, start before end');
  start = Math.max(start, end - 365 * DAY);
  const metric = body.metric === undefined ? undefined : String(body.metric);
  if (metric !== undefined && !METRICS.includes(metric)) throw appError(400, `metric must be one of ${METRICS.join(', ')}`);
  const templateId = body.template_id === undefined ? undefined : Number(body.template_id);
  const deliveries = deliveriesOfSource(ctx, body).filter((d) =>
    d.created >= start && d.created <= end &&
    (body.drafts === true || d.metrics.drafted === undefined) &&
    (metric === undefined || metric === 'created' || metric === 'attempted' || d.metrics[metric] !== undefined) &&
    (templateId === undefined || d.content_id === templateId));
  const { header, rows } = deliveriesCsv(ctx.state, deliveries, attributeList(body.attributes));
  return ok({ export: exportView(createExport(ctx.state, 'deliveries', 'Deliveries export (created via the API)', header, rows, ctx.now)) });
}

function download(ctx: Context) {
  const job = recordFromPath(ctx, 'exports', 'export_id', 'export');
  const file = recordById(ctx.state, 'files', job.file_id);
  if (job.status !== 'done' || !file) throw appError(400, `export ${job.id} has no file to download`);
  job.downloads++;
  return ok({ url: fileUrl(ctx.origin, file, ctx.now) });
}

export const appExportRoutes: Route[] = [
  { method: 'GET', path: '/exports', operations: ['list_exports'], handle: (ctx) => ok({ exports: ctx.state.exports.map(exportView) }) },
  { method: 'POST', path: '/exports/customers', operations: ['export_customers'], handle: exportCustomers },
  { method: 'POST', path: '/exports/deliveries', operations: ['export_deliveries'], handle: exportDeliveries },
  { method: 'GET', path: '/exports/{export_id}', operations: ['get_export'], handle: (ctx) => ok({ export: exportView(recordFromPath(ctx, 'exports', 'export_id', 'export')) }) },
  // Each download is counted on the export (`downloads`), so this GET is a change.
  { method: 'GET', path: '/exports/{export_id}/download', operations: ['download_export'], changes: true, handle: download },
];
