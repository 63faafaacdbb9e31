// Campaigns (seeded: the sandbox does not run journeys), their actions and translations, and
// the messages and metrics of deliveries that name them.
import { cursorPage } from '../paging.js';
import { appError, ok } from '../reply.js';
import type { Context, Route } from '../router.js';
import type { Campaign } from '../state.js';
import { actionView, findAction, rowView, updateAction } from './actions.js';
import { appFail, intParam, objectBody } from './common.js';
import { listDeliveries } from './delivery-list.js';
import { linkMetricsOf, metricsOf } from './metrics-handlers.js';

function campaignFromPath(ctx: Context): Campaign {
  const id = intParam(ctx, 'campaign_id');
  const campaign = ctx.state.campaigns.find((c) => c.id === id);
  if (!campaign) throw appError(404, `campaign ${id} not found`);
  return campaign;
}

function campaignView(campaign: Campaign) {
  return { ...rowView(campaign, ['actions']), deduplicate_id: `${campaign.id}:${campaign.updated as number}`, actions: campaign.actions.map((a) => ({ id: a.id, type: a.type })) };
}

function deliveriesOf(ctx: Context) {
  const campaign = campaignFromPath(ctx);
  const actionId = ctx.params.action_id === undefined ? undefined : findAction(campaign.actions, intParam(ctx, 'action_id')).id;
  return ctx.state.deliveries.filter((d) => d.campaign_id === campaign.id && (actionId === undefined || d.action_id === actionId));
}


export const appCampaignRoutes: Route[] = [
  { method: 'GET', path: '/campaigns', operations: ['list_campaigns', 'list_campaigns_ddl'], beta: true, handle: (ctx) => ok({ campaigns: ctx.state.campaigns.map(campaignView) }) },
  { method: 'GET', path: '/campaigns/{campaign_id}', operations: ['get_campaign'], beta: true, handle: (ctx) => ok({ campaign: campaignView(campaignFromPath(ctx)) }) },
  {
    method: 'GET', path: '/campaigns/{campaign_id}/actions', operations: ['list_campaign_actions', 'list_campaign_actions_ddl'], beta: true,
    handle: (ctx) => {
      const page = cursorPage(campaignFromPath(ctx).actions, ctx.query, { defaultLimit: 10, maxLimit: 100 });
      return ok({ actions: page.items.map((a) => actionView(a)), next: page.next });
    },
  },
  {
    method: 'GET', path: '/campaigns/{campaign_id}/actions/{action_id}', operations: ['get_campaign_action'], beta: true,
    handle: (ctx) => ok({ action: actionView(findAction(campaignFromPath(ctx).actions, intParam(ctx, 'action_id'))) }),
  },
  {
    method: 'PUT', path: '/campaigns/{campaign_id}/actions/{action_id}', operations: ['update_campaign_action'], beta: true,
    handle: (ctx) => {
      const action = findAction(campaignFromPath(ctx).actions, intParam(ctx, 'action_id'));
      updateAction(ctx.state, action, objectBody(ctx, appFail), ctx.now);
      return ok({ action: actionView(action) });
    },
  },
  {
    method: 'GET', path: '/campaigns/{campaign_id}/actions/{action_id}/language/{language}', operations: ['get_campaign_action_translation'],
    handle: (ctx) => ok({ action: actionView(findAction(campaignFromPath(ctx).actions, intParam(ctx, 'action_id')), ctx.params.language) }),
  },
  {
    method: 'PUT', path: '/campaigns/{campaign_id}/actions/{action_id}/language/{language}', operations: ['update_campaign_action_translation'],
    handle: (ctx) => {
      const action = findAction(campaignFromPath(ctx).actions, intParam(ctx, 'action_id'));
      updateAction(ctx.state, action, objectBody(ctx, appFail), ctx.now, ctx.params.language);
      return ok({ action: actionView(action, ctx.params.language) });
    },
  },
  { method: 'GET', path: '/campaigns/{campaign_id}/metrics', operations: ['get_campaign_metrics'], beta: true, handle: metricsOf(deliveriesOf) },
  { method: 'GET', path: '/campaigns/{campaign_id}/metrics/links', operations: ['get_campaign_link_metrics'], beta: true, handle: linkMetricsOf(deliveriesOf) },
  { method: 'GET', path: '/campaigns/{campaign_id}/actions/{action_id}/metrics', operations: ['get_campaign_action_metrics'], beta: true, handle: metricsOf(deliveriesOf) },
  { method: 'GET', path: '/campaigns/{campaign_id}/actions/{action_id}/metrics/links', operations: ['get_campaign_action_link_metrics'], handle: linkMetricsOf(deliveriesOf) },
  { method: 'GET', path: '/campaigns/{campaign_id}/messages', operations: ['list_campaign_messages'], handle: (ctx) => listDeliveries(ctx, deliveriesOf(ctx)) },
];
