// API-triggered broadcasts: triggering one sends each of its active actions to the chosen
// audience (deliveries in the outbox), at most once per 10 seconds; the trigger's status
// and error lines, the broadcast's actions, messages and metrics are read back from state.
// A data file (data_file_url) is read from a data: URL or a file the sandbox hosts: one JSON
// object per line, {"id" or "email", "data"}; its lines that match nobody are error lines and
// the others are sent.
import { nextNumber } from '../ids.js';
import { byteLength } from '../limits.js';
import { readLimit } from '../paging.js';
import { appError, ok } from '../reply.js';
import type { Context, Route } from '../router.js';
import type { Attributes, Broadcast, DeliveryType, Person, Trigger } from '../state.js';
import { isEmptyFilter, personMatches, type Filter } from '../model/filters.js';
import { readUrl } from '../model/files.js';
import { recordDelivery, render } from '../model/outbox.js';
import { findPerson, peopleWithEmail } from '../model/people.js';
import { inSegment } from '../model/segments.js';
import { actionView, findAction, updateAction, rowView } from './actions.js';
import { appFail, intParam, objectBody, queryNumber } from './common.js';
import { listDeliveries } from './delivery-list.js';
import { linkMetricsOf, metricsOf } from './metrics-handlers.js';

const AUDIENCES = ['recipients', 'emails', 'ids', 'per_user_data', 'data_file_url'];
const MAX_DATA_BYTES = 50_000;
const MAX_RECIPIENTS = 10_000;
const CHANNELS: Record<string, DeliveryType> = { email: 'email', push: 'push', twilio: 'twilio', in_app: 'in_app', whatsapp: 'whatsapp' };

function broadcastFromPath(ctx: Context): Broadcast {
  const id = intParam(ctx, 'broadcast_id');
  const broadcast = ctx.state.broadcasts.find((b) => b.id === id);
  if (!broadcast) throw appError(404, 'The campaign and/or action do not exist');
  return broadcast;
}

function broadcastView(broadcast: Broadcast) {
  return { ...rowView(broadcast, ['recipients', 'actions']), deduplicate_id: `${broadcast.id}:${broadcast.updated as number}`, actions: broadcast.actions.map((a) => ({ id: a.id, type: a.type })) };
}

interface Recipient {
  person: Person;
  data: Attributes;
}

/** Who a trigger sends to, and the error lines for entries that match nobody. */
function audienceOf(ctx: Context, broadcast: Broadcast, body: Record<string, unknown>): { recipients: Recipient[]; errors: string[]; dataFile?: boolean } {
  const chosen = AUDIENCES.filter((key) => body[key] !== undefined);
  if (chosen.length > 1) throw appError(400, `a trigger takes one audience; got ${chosen.join(' and ')}`);
  const errors: string[] = [];
  const recipients: Recipient[] = [];
  const byFilter = (filter: Filter) => ctx.state.people.filter((p) => personMatches(filter, p, inSegment(ctx.state))).map((person) => ({ person, data: {} }));
  const list = (value: unknown, name: string): unknown[] => {
    if (!Array.isArray(value) || value.length === 0) throw appError(400, `${name} must be a non-empty list`);
    if (value.length > MAX_RECIPIENTS) throw appError(400, `${name} can list at most ${MAX_RECIPIENTS} entries (got ${value.length})`);
    return value;
  };
  const add = (line: number, people: Person[], label: string, data: Attributes, ignoreMissing: boolean) => {
    if (people.length === 0) {
      if (!ignoreMissing) errors.push(`line ${line}: ${label}: customer not found`);
      return;
    }
    if (people.length > 1 && body.email_add_duplicates !== true) {
      errors.push(`line ${line}: ${label}: email matches more than one person`);
      return;
    }
    for (const person of people) recipients.push({ person, data });
  };

  switch (chosen[0]) {
    case undefined:
      if (!broadcast.recipients) throw appError(422, `broadcast ${broadcast.id} has no audience of its own: pass recipients, ids, emails or per_user_data`);
      return { recipients: byFilter(broadcast.recipients), errors };
    case 'recipients':
      if (!body.recipients || typeof body.recipients !== 'object' || isEmptyFilter(body.recipients as Filter)) throw appError(422, 'empty recipients filter is not valid');
      return { recipients: byFilter(body.recipients as Filter), errors };
    case 'emails':
      list(body.emails, 'emails').forEach((email, i) => add(i + 1, peopleWithEmail(ctx.state, String(email)), `email ${String(email)}`, {}, body.email_ignore_missing === true));
      break;
    case 'ids':
      list(body.ids, 'ids').forEach((id, i) => {
        const person = findPerson(ctx.state, 'id', String(id));
        add(i + 1, person ? [person] : [], `id ${String(id)}`, {}, body.id_ignore_missing === true);
      });
      break;
    case 'per_user_data':
      list(body.per_user_data, 'per_user_data').forEach((entry, i) => {
        const { id, email, data } = (entry ?? {}) as { id?: unknown; email?: unknown; data?: Attributes };
        if (id !== undefined) {
          const person = findPerson(ctx.state, 'id', String(id));
          add(i + 1, person ? [person] : [], `id ${String(id)}`, data ?? {}, body.id_ignore_missing === true);
        } else if (email !== undefined) {
          add(i + 1, peopleWithEmail(ctx.state, String(email)), `email ${String(email)}`, data ?? {}, body.email_ignore_missing === true);
        } else {
          errors.push(`line ${i + 1}: an entry needs an id or an email`);
        }
      });
      break;
    case 'data_file_url': {
      const read = readUrl(ctx.state, String(body.data_file_url), ctx.origin, ctx.now);
      if ('problem' in read) throw appError(422, `data_file_url: ${read.problem}`);
      read.bytes.toString('utf8').split(/\r?\n/).forEach((text, i) => {
        if (text.trim() === '') return;
        let entry: { id?: unknown; email?: unknown; data?: Attributes };
        try {
          entry = JSON.parse(text) as typeof entry;
        } catch {
          errors.push(`line ${i + 1}: not a JSON object`);
          return;
        }
        if (entry?.id !== undefined) {
          const person = findPerson(ctx.state, 'id', String(entry.id));
          add(i + 1, person ? [person] : [], `id ${String(entry.id)}`, entry.data ?? {}, body.id_ignore_missing === true);
        } else if (entry?.email !== undefined) {
          add(i + 1, peopleWithEmail(ctx.state, String(entry.email)), `email ${String(entry.email)}`, entry.data ?? {}, body.email_ignore_missing === true);
        } else {
          errors.push(`line ${i + 1}: an entry needs an id or an email`);
        }
      });
      // A data file is processed line by line: the lines that match someone are sent.
      return { recipients, errors, dataFile: true };
    }
  }
  // Unknown people fail the whole trigger unless they were to be skipped.
  return errors.length ? { recipients: [], errors } : { recipients, errors };
}

function trigger(ctx: Context) {
  const broadcast = broadcastFromPath(ctx);
  if (!ctx.takeTrigger()) throw appError(429, 'broadcast triggers are limited to one request every 10 seconds');
  const body = objectBody(ctx, appFail);
  if (body.data !== undefined && (typeof body.data !== 'object' || body.data === null || Array.isArray(body.data))) throw appError(400, 'data must be an object');
  if (byteLength(body.data ?? {}) > MAX_DATA_BYTES) throw appError(400, `data must be at most ${MAX_DATA_BYTES} bytes (it is ${byteLength(body.data)})`);
  if (!broadcast.active) throw appError(422, `broadcast ${broadcast.id} is not running: start it in Customer.io before triggering it`);
  const { recipients, errors, dataFile } = audienceOf(ctx, broadcast, body);

  const record: Trigger = {
    id: nextNumber(ctx.state, 'trigger'),
    broadcast_id: broadcast.id,
    created_at: ctx.now,
    processed_at: ctx.now,
    recipients_count: 0,
    data_file_processed: dataFile === true,
    data_file_error_count: 0,
    errors,
  };
  const shared = (body.data as Attributes | undefined) ?? {};
  const actions = broadcast.actions.filter((a) => CHANNELS[a.type] && a.sending_state !== 'off');
  for (const { person, data } of recipients) {
    if (person.unsubscribed) continue;
    record.recipients_count++;
    const merged = { ...shared, ...data };
    for (const action of actions) {
      const type = CHANNELS[action.type];
      const recipient = type === 'email' ? person.email : type === 'push' ? person.devices[0]?.id ?? null : type === 'twilio' || type === 'whatsapp' ? person.phone : person.id ?? person.cio_id;
      // A draft action queues a draft for review; only automatic actions are sent.
      const draft = action.sending_state === 'draft';
      const failure = recipient || draft ? null : `the person has no ${type === 'email' ? 'email address' : type === 'push' ? 'device' : 'phone number'}`;
      recordDelivery(ctx.state, {
        type, person, recipient,
        from: typeof action.from === 'string' ? action.from : null,
        subject: render(action.subject as string | undefined, person, merged),
        preheader_text: render(action.preheader_text as string | undefined, person, merged),
        body: render(action.body as string | undefined, person, merged),
        broadcast_id: broadcast.id, action_id: action.id, trigger_id: record.id, message_data: merged,
        failure_message: failure,
        metrics: draft ? { drafted: ctx.now } : failure ? { failed: ctx.now } : { sent: ctx.now },
      }, ctx.now);
    }
  }
  ctx.state.triggers.push(record);
  return ok({ id: record.id });
}

function triggerFromPath(ctx: Context): Trigger {
  const broadcast = broadcastFromPath(ctx);
  const id = intParam(ctx, 'trigger_id');
  const found = ctx.state.triggers.find((t) => t.id === id && t.broadcast_id === broadcast.id);
  if (!found) throw appError(404, `trigger ${id} of broadcast ${broadcast.id} not found`);
  return found;
}

function triggerStatus(ctx: Context) {
  const { errors, ...status } = triggerFromPath(ctx);
  return ok({ ...status, data_file_error_count: status.data_file_error_count + errors.length });
}

function triggerErrors(ctx: Context) {
  const { errors } = triggerFromPath(ctx);
  const start = queryNumber(ctx, 'start') ?? 0;
  if (!Number.isInteger(start) || start < 0) throw appError(400, 'start must be a whole number');
  const limit = readLimit(ctx.query, { defaultLimit: 100, maxLimit: 1000 });
  return ok({ errors: errors.slice(start, start + limit), next: start + limit < errors.length ? start + limit : null });
}

function deliveriesOf(ctx: Context) {
  const broadcast = broadcastFromPath(ctx);
  const actionId = ctx.params.action_id === undefined ? undefined : findAction(broadcast.actions, intParam(ctx, 'action_id')).id;
  return ctx.state.deliveries.filter((d) => d.broadcast_id === broadcast.id && (actionId === undefined || d.action_id === actionId));
}

export const appBroadcastRoutes: Route[] = [
  { method: 'POST', path: '/campaigns/{broadcast_id}/triggers', operations: ['trigger_broadcast'], handle: trigger },
  { method: 'GET', path: '/campaigns/{broadcast_id}/triggers/{trigger_id}', operations: ['get_broadcast_trigger_status'], handle: triggerStatus },
  { method: 'GET', path: '/campaigns/{broadcast_id}/triggers/{trigger_id}/errors', operations: ['list_broadcast_trigger_errors'], handle: triggerErrors },
  { method: 'GET', path: '/broadcasts', operations: ['list_broadcasts', 'list_broadcasts_ddl'], handle: (ctx) => ok({ broadcasts: ctx.state.broadcasts.map(broadcastView) }) },
  { method: 'GET', path: '/broadcasts/{broadcast_id}', operations: ['get_broadcast'], handle: (ctx) => ok({ broadcast: broadcastView(broadcastFromPath(ctx)) }) },
  {
    method: 'GET', path: '/broadcasts/{broadcast_id}/triggers', operations: ['list_broadcast_triggers'],
    handle: (ctx) => {
      const broadcast = broadcastFromPath(ctx);
      const triggers = ctx.state.triggers.filter((t) => t.broadcast_id === broadcast.id).map(({ id, broadcast_id, created_at, processed_at }) => ({ id, broadcast_id, created_at, processed_at }));
      return ok({ triggers });
    },
  },
  { method: 'GET', path: '/broadcasts/{broadcast_id}/actions', operations: ['list_broadcast_actions'], handle: (ctx) => ok({ actions: broadcastFromPath(ctx).actions.map((a) => actionView(a)) }) },
  {
    method: 'GET', path: '/broadcasts/{broadcast_id}/actions/{action_id}', operations: ['get_broadcast_action'],
    handle: (ctx) => ok({ action: actionView(findAction(broadcastFromPath(ctx).actions, intParam(ctx, 'action_id'))) }),
  },
  {
    method: 'PUT', path: '/broadcasts/{broadcast_id}/actions/{action_id}', operations: ['update_broadcast_action'],
    handle: (ctx) => {
      const action = findAction(broadcastFromPath(ctx).actions, intParam(ctx, 'action_id'));
      updateAction(ctx.state, action, objectBody(ctx, appFail), ctx.now);
      return ok({ action: actionView(action) });
    },
  },
  {
    method: 'GET', path: '/broadcasts/{broadcast_id}/actions/{action_id}/language/{language}', operations: ['get_broadcast_action_translation'],
    handle: (ctx) => ok({ action: actionView(findAction(broadcastFromPath(ctx).actions, intParam(ctx, 'action_id')), ctx.params.language) }),
  },
  {
    method: 'PUT', path: '/broadcasts/{broadcast_id}/actions/{action_id}/language/{language}', operations: ['update_broadcast_action_translation'],
    handle: (ctx) => {
      const action = findAction(broadcastFromPath(ctx).actions, intParam(ctx, 'action_id'));
      updateAction(ctx.state, action, objectBody(ctx, appFail), ctx.now, ctx.params.language);
      return ok({ action: actionView(action, ctx.params.language) });
    },
  },
  { method: 'GET', path: '/broadcasts/{broadcast_id}/metrics', operations: ['get_broadcast_metrics'], handle: metricsOf(deliveriesOf) },
  { method: 'GET', path: '/broadcasts/{broadcast_id}/metrics/links', operations: ['get_broadcast_link_metrics'], handle: linkMetricsOf(deliveriesOf) },
  { method: 'GET', path: '/broadcasts/{broadcast_id}/actions/{action_id}/metrics', operations: ['get_broadcast_action_metrics'], handle: metricsOf(deliveriesOf) },
  { method: 'GET', path: '/broadcasts/{broadcast_id}/actions/{action_id}/metrics/links', operations: ['get_broadcast_action_link_metrics'], handle: linkMetricsOf(deliveriesOf) },
  { method: 'GET', path: '/broadcasts/{broadcast_id}/messages', operations: ['list_broadcast_messages'], handle: (ctx) => listDeliveries(ctx, deliveriesOf(ctx)) },
];
