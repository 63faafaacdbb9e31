// App API segments: the seeded dynamic and manual segments plus manual segments created here;
// membership reflects Track's add/remove calls and, for dynamic segments, people's attributes.
import { nextNumber } from '../ids.js';
import { cursorPage } from '../paging.js';
import { appError, noContent, ok } from '../reply.js';
import type { Context, Route } from '../router.js';
import type { Segment } from '../state.js';
import { identifiersOf } from '../model/people.js';
import { findSegment, membersOf, segmentView } from '../model/segments.js';
import { appFail, intParam, objectBody } from './common.js';

function segmentFromPath(ctx: Context): Segment {
  const id = intParam(ctx, 'segment_id');
  const segment = findSegment(ctx.state, id);
  if (!segment) throw appError(404, `segment ${id} not found`);
  return segment;
}

function list(ctx: Context) {
  return ok({ segments: ctx.state.segments.map(segmentView) });
}

function create(ctx: Context) {
  const fields = objectBody(ctx, appFail).segment as Record<string, unknown> | undefined;
  if (!fields || typeof fields !== 'object') throw appError(400, 'segment is required: {"segment": {"name": …}}');
  if (typeof fields.name !== 'string' || fields.name.trim() === '') throw appError(400, 'segment.name is required');
  const segment: Segment = {
    id: nextNumber(ctx.state, 'segment'),
    name: fields.name,
    description: typeof fields.description === 'string' ? fields.description : '',
    type: 'manual',
    tags: Array.isArray(fields.tags) ? fields.tags.map(String) : null,
    created_at: ctx.now,
    updated_at: ctx.now,
    members: [],
  };
  ctx.state.segments.push(segment);
  return ok({ segment: segmentView(segment) });
}

function get(ctx: Context) {
  return ok({ segment: segmentView(segmentFromPath(ctx)) });
}

function remove(ctx: Context) {
  const segment = segmentFromPath(ctx);
  ctx.state.segments = ctx.state.segments.filter((s) => s !== segment);
  return noContent();
}

function membership(ctx: Context) {
  const page = cursorPage(membersOf(ctx.state, segmentFromPath(ctx)), ctx.query, { defaultLimit: 1000, maxLimit: 30_000 });
  return ok({ identifiers: page.items.map(identifiersOf), ids: page.items.map((p) => p.id), next: page.next });
}

function count(ctx: Context) {
  const segment = segmentFromPath(ctx);
  return ok({ segment_id: segment.id, count: membersOf(ctx.state, segment).length });
}

function usage(ctx: Context) {
  const segment = segmentFromPath(ctx);
  const campaigns = ctx.state.campaigns
    .filter((c) => [...((c.trigger_segment_ids as number[]) ?? []), ...((c.filter_segment_ids as number[]) ?? [])].includes(segment.id))
    .map((c) => c.id);
  return ok({ segment_id: segment.id, used_by: { campaigns, sent_newsletters: [], draft_newsletters: [] } });
}

export const appSegmentRoutes: Route[] = [
  { method: 'GET', path: '/segments', operations: ['list_segments', 'list_segments_ddl'], beta: true, handle: list },
  { method: 'POST', path: '/segments', operations: ['create_manual_segment'], beta: true, handle: create },
  { method: 'GET', path: '/segments/{segment_id}', operations: ['get_segment'], beta: true, handle: get },
  { method: 'DELETE', path: '/segments/{segment_id}', operations: ['delete_segment'], beta: true, handle: remove },
  { method: 'GET', path: '/segments/{segment_id}/membership', operations: ['list_segment_members'], beta: true, handle: membership },
  { method: 'GET', path: '/segments/{segment_id}/customer_count', operations: ['get_segment_customer_count'], beta: true, handle: count },
  { method: 'GET', path: '/segments/{segment_id}/used_by', operations: ['get_segment_usage'], handle: usage },
];
