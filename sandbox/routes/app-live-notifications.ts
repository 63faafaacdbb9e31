// Live notifications (iOS Live Activities, Android live updates): started for a person on one
// of their devices, updated and ended through the API, each step recorded as a delivery of the
// notification (sent at once: the sandbox plays the push provider). `expiration` is when its
// content goes stale (ActivityKit's stale date, shown as expires_at; 8 hours after the start
// when not given); the activity itself ends when it is ended, or 8 hours after it started, the
// longest iOS keeps one going.
import { ulid } from '../ids.js';
import type { LiveNotification } from '../records.js';
import { appError, ok } from '../reply.js';
import type { Context, Route } from '../router.js';
import { recordById } from '../model/indexes.js';
import { findPerson, type IdKind } from '../model/people.js';
import { appFail, objectBody, requireString } from './common.js';

const DEFAULT_LIFETIME = 8 * 3600;

function objectField(body: Record<string, unknown>, field: string, required: boolean): Record<string, unknown> | undefined {
  const value = body[field];
  if (value === undefined && !required) return undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0) throw appError(400, `${field} must be a non-empty object`);
  return value as Record<string, unknown>;
}

function personOf(ctx: Context, identifiers: unknown) {
  const entries = identifiers && typeof identifiers === 'object' ? Object.entries(identifiers) : [];
  if (entries.length !== 1 || !['id', 'email', 'phone', 'internal'].includes(entries[0][0]) || typeof entries[0][1] !== 'string') {
    throw appError(400, 'identifiers must have exactly one of id, email, phone or internal (cio_<id>)');
  }
  const [kind, value] = entries[0] as [string, string];
  const person = findPerson(ctx.state, (kind === 'internal' ? 'cio_id' : kind) as IdKind, value);
  if (!person) throw appError(404, `no person has ${kind} ${value}`);
  return person;
}

/** The notification's state now: an active one 8 hours old has ended by itself. */
function current(notification: LiveNotification, now: number): LiveNotification['state'] | 'expired' {
  return notification.state === 'active' && notification.started_at + DEFAULT_LIFETIME <= now ? 'expired' : notification.state;
}

function record(ctx: Context, notification: LiveNotification, operation: 'start' | 'update' | 'end'): void {
  notification.deliveries.push({ id: ulid().slice(-12), operation, status: 'sent', source: 'api', created_at: ctx.now });
}

function start(ctx: Context) {
  const body = objectBody(ctx, appFail);
  const person = personOf(ctx, body.identifiers);
  const type = requireString(body.notification_type, 'notification_type', appFail);
  const attributes = objectField(body, 'attributes', true)!;
  const contentState = objectField(body, 'content_state', true)!;
  if (body.platform !== undefined && body.platform !== 'ios' && body.platform !== 'android') throw appError(400, 'platform must be ios or android');
  const candidates = person.devices.filter((d) => body.platform === undefined || d.platform === body.platform);
  const device = body.device_id === undefined
    ? [...candidates].sort((a, b) => (b.last_used ?? 0) - (a.last_used ?? 0))[0]
    : candidates.find((d) => d.id === body.device_id);
  if (!device) {
    throw appError(422, body.device_id === undefined
      ? `the person has no ${body.platform ?? 'iOS or Android'} device to show a live notification on`
      : `the person has no ${body.platform ?? ''} device ${String(body.device_id)}`.replace('  ', ' '));
  }
  const expiration = body.expiration === undefined ? ctx.now + DEFAULT_LIFETIME : Number(body.expiration);
  if (!Number.isInteger(expiration) || expiration < 0) throw appError(400, 'expiration must be a time in Unix seconds');
  const notification: LiveNotification = {
    instance_id: ulid(), cio_id: person.cio_id, notification_type: type, platform: device.platform === 'android' ? 'android' : 'ios',
    device_id: device.id, attributes, content_state: contentState, deep_link: typeof body.deep_link === 'string' ? body.deep_link : null,
    state: 'active', started_at: ctx.now, ended_at: null, expires_at: expiration, deliveries: [],
  };
  record(ctx, notification, 'start');
  ctx.state.live_notifications.push(notification);
  return ok({ instance_id: notification.instance_id });
}

function active(ctx: Context, id: unknown): LiveNotification {
  const notification = typeof id === 'string' ? recordById(ctx.state, 'live_notifications', id) : undefined;
  if (!notification) throw appError(404, `live notification ${String(id)} not found`);
  const state = current(notification, ctx.now);
  if (state !== 'active') throw appError(409, `live notification ${notification.instance_id} has ${state === 'expired' ? 'expired' : 'ended'}`);
  return notification;
}

function change(operation: 'update' | 'end') {
  return (ctx: Context) => {
    const body = objectBody(ctx, appFail);
    const notification = active(ctx, requireString(body.instance_id, 'instance_id', appFail));
    const contentState = objectField(body, 'content_state', operation === 'update');
    if (contentState) notification.content_state = contentState;
    const attributes = objectField(body, 'attributes', false);
    if (attributes) notification.attributes = { ...notification.attributes, ...attributes };
    if (typeof body.deep_link === 'string') notification.deep_link = body.deep_link;
    record(ctx, notification, operation);
    if (operation === 'end') Object.assign(notification, { state: 'ended', ended_at: ctx.now });
    return ok({ instance_id: notification.instance_id });
  };
}

function view(ctx: Context) {
  const notification = recordById(ctx.state, 'live_notifications', ctx.params.instance_id);
  if (!notification) throw appError(404, `live notification ${ctx.params.instance_id} not found`);
  const state = current(notification, ctx.now);
  return ok({
    instance_id: notification.instance_id, notification_type: notification.notification_type, platform: notification.platform,
    state, failure_reason: null, started_at: notification.started_at,
    ended_at: state === 'expired' ? notification.started_at + DEFAULT_LIFETIME : notification.ended_at, expires_at: notification.expires_at,
    content_state: notification.content_state, attributes: notification.attributes,
    last_delivery: notification.deliveries.at(-1) ?? null,
  });
}

export const appLiveNotificationRoutes: Route[] = [
  { method: 'POST', path: '/live_notifications/start', operations: ['start_live_notification'], handle: start },
  { method: 'POST', path: '/live_notifications/update', operations: ['update_live_notification'], handle: change('update') },
  { method: 'POST', path: '/live_notifications/end', operations: ['end_live_notification'], handle: change('end') },
  { method: 'GET', path: '/live_notifications/{instance_id}', operations: ['get_live_notification'], handle: view },
];
