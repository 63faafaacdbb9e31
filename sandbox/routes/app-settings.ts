// Workspace settings the App API manages or lists: reporting webhooks, sender identities,
// subscription topics and channels, attribute and event descriptions, workspaces and sending
// IP addresses.
import { nextNumber } from '../ids.js';
import { cursorPage } from '../paging.js';
import { appError, noContent, ok } from '../reply.js';
import type { Context, Route } from '../router.js';
import type { Attributes, ReportingWebhook, Row } from '../state.js';
import { appFail, intParam, objectBody, requireString } from './common.js';

// Reporting webhooks

function webhookFromPath(ctx: Context): ReportingWebhook {
  const id = intParam(ctx, 'webhook_id');
  const webhook = ctx.state.reporting_webhooks.find((w) => w.id === id);
  if (!webhook) throw appError(404, `reporting webhook ${id} not found`);
  return webhook;
}

function webhookFields(body: Record<string, unknown>, creating: boolean): Partial<ReportingWebhook> {
  const fields: Partial<ReportingWebhook> = {};
  if (creating || body.name !== undefined) fields.name = requireString(body.name, 'name', appFail);
  if (creating || body.endpoint !== undefined) {
    const endpoint = requireString(body.endpoint, 'endpoint', appFail);
    if (!/^https?:\/\/[^\s]+$/.test(endpoint)) throw appError(400, 'endpoint must be an http or https URL');
    fields.endpoint = endpoint;
  }
  if (creating || body.events !== undefined) {
    if (!Array.isArray(body.events) || body.events.length === 0 || body.events.some((e) => typeof e !== 'string')) throw appError(400, 'events must be a non-empty list of event names');
    fields.events = body.events as string[];
  }
  for (const flag of ['disabled', 'full_resolution', 'with_content'] as const) {
    if (body[flag] !== undefined) {
      if (typeof body[flag] !== 'boolean') throw appError(400, `${flag} must be true or false`);
      fields[flag] = body[flag] as boolean;
    }
  }
  return fields;
}

function createWebhook(ctx: Context) {
  const webhook: ReportingWebhook = {
    id: nextNumber(ctx.state, 'reporting_webhook'), type: 'webhook', disabled: false, full_resolution: false, with_content: false,
    ...(webhookFields(objectBody(ctx, appFail), true) as Pick<ReportingWebhook, 'name' | 'endpoint' | 'events'>),
  };
  ctx.state.reporting_webhooks.push(webhook);
  return ok(webhook);
}

// Sender identities

function senderView(sender: Row) {
  const { created, ...fields } = sender;
  return { ...fields, deduplicate_id: `${sender.id}:${created as number}` };
}

function senderFromPath(ctx: Context): Row {
  const id = intParam(ctx, 'sender_identity_id');
  const sender = ctx.state.sender_identities.find((s) => s.id === id);
  if (!sender) throw appError(404, `sender identity ${id} not found`);
  return sender;
}

function listSenders(ctx: Context) {
  const sort = ctx.query.get('sort') ?? 'asc';
  if (sort !== 'asc' && sort !== 'desc') throw appError(400, 'sort must be asc or desc');
  const hidden = ctx.query.get('hidden') === 'true';
  const list = ctx.state.sender_identities.filter((s) => hidden || s.hidden !== true).sort((a, b) => (sort === 'asc' ? a.id - b.id : b.id - a.id));
  const page = cursorPage(list, ctx.query, { defaultLimit: 100, maxLimit: 1000 });
  return ok({ sender_identities: page.items.map(senderView), next: page.next });
}

function senderUsage(ctx: Context) {
  const sender = senderFromPath(ctx);
  const uses = (actions: Row[]) => actions.some((a) => a.from_id === sender.id);
  const campaigns = [...ctx.state.campaigns, ...ctx.state.broadcasts].filter((c) => uses(c.actions)).map((c) => c.id).sort((a, b) => a - b);
  return ok({ campaigns, sent_newsletters: [], draft_newsletters: [] });
}

// Data index

function describe(kind: 'attribute_descriptions' | 'event_descriptions', key: 'attributes' | 'events') {
  return (ctx: Context) => {
    const list = objectBody(ctx, appFail)[key];
    if (!Array.isArray(list) || list.length < 1 || list.length > 100) throw appError(400, `${key} must list between 1 and 100 entries`);
    for (const entry of list as Attributes[]) {
      requireString(entry?.name, `${key}[].name`, appFail);
      const others = ctx.state[kind].filter((d) => !(d.name === entry.name && d.object_type_id === entry.object_type_id));
      ctx.state[kind] = [...others, entry];
    }
    return noContent();
  };
}

// Workspaces

function workspaces(ctx: Context) {
  const { state } = ctx;
  const sent = state.deliveries.filter((d) => d.metrics.sent !== undefined);
  return ok({
    workspaces: [{
      id: state.workspace.id,
      name: state.workspace.name,
      messages_sent: sent.length,
      billable_messages_sent: sent.filter((d) => d.type === 'email' || d.type === 'twilio' || d.type === 'whatsapp').length,
      people: state.people.length,
      object_types: state.object_types.length,
      objects: state.objects.length,
    }],
  });
}

export const appSettingsRoutes: Route[] = [
  { method: 'GET', path: '/reporting_webhooks', operations: ['list_reporting_webhooks', 'list_reporting_webhooks_ddl'], beta: true, handle: (ctx) => ok({ reporting_webhooks: ctx.state.reporting_webhooks }) },
  { method: 'POST', path: '/reporting_webhooks', operations: ['create_reporting_webhook'], beta: true, handle: createWebhook },
  { method: 'GET', path: '/reporting_webhooks/{webhook_id}', operations: ['get_reporting_webhook'], beta: true, handle: (ctx) => ok(webhookFromPath(ctx)) },
  {
    method: 'PUT', path: '/reporting_webhooks/{webhook_id}', operations: ['update_reporting_webhook'], beta: true,
    handle: (ctx) => {
      const webhook = webhookFromPath(ctx);
      Object.assign(webhook, webhookFields(objectBody(ctx, appFail), false));
      return ok(webhook);
    },
  },
  {
    method: 'DELETE', path: '/reporting_webhooks/{webhook_id}', operations: ['delete_reporting_webhook'], beta: true,
    handle: (ctx) => {
      const webhook = webhookFromPath(ctx);
      ctx.state.reporting_webhooks = ctx.state.reporting_webhooks.filter((w) => w !== webhook);
      return noContent();
    },
  },

  { method: 'GET', path: '/sender_identities', operations: ['list_sender_identities', 'list_sender_identities_ddl'], beta: true, handle: listSenders },
  { method: 'GET', path: '/sender_identities/{sender_identity_id}', operations: ['get_sender_identity'], beta: true, handle: (ctx) => ok({ sender_identity: senderView(senderFromPath(ctx)) }) },
  { method: 'GET', path: '/sender_identities/{sender_identity_id}/used_by', operations: ['get_sender_identity_usage'], handle: senderUsage },

  { method: 'GET', path: '/subscription_topics', operations: ['list_subscription_topics', 'list_subscription_topics_ddl'], handle: (ctx) => ok({ topics: ctx.state.topics }) },
  { method: 'GET', path: '/subscription_channels', operations: ['list_subscription_channels'], handle: (ctx) => ok({ channels: ctx.state.channels }) },

  { method: 'POST', path: '/data_index/attributes', operations: ['set_attribute_descriptions'], handle: describe('attribute_descriptions', 'attributes') },
  { method: 'POST', path: '/data_index/events', operations: ['set_event_descriptions'], handle: describe('event_descriptions', 'events') },

  { method: 'GET', path: '/workspaces', operations: ['list_workspaces'], handle: workspaces },
  { method: 'GET', path: '/info/ip_addresses', operations: ['list_ip_addresses'], handle: (ctx) => ok({ ip_addresses: ctx.state.ip_addresses }) },
];
