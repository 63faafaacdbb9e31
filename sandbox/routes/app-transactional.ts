// Transactional message templates (seeded: created in the Customer.io UI), their content
// variants and translations, and the deliveries and metrics of sends made from them.
import { appError, ok } from '../reply.js';
import type { Context, Route } from '../router.js';
import type { TransactionalContent, TransactionalTemplate } from '../state.js';
import { rowView } from './actions.js';
import { appFail, intParam, objectBody } from './common.js';
import { listDeliveries } from './delivery-list.js';
import { linkMetricsOf, metricsOf } from './metrics-handlers.js';

const EDITABLE = ['subject', 'body', 'body_amp', 'body_plain', 'preheader_text', 'from_id', 'reply_to_id', 'recipient', 'bcc', 'fake_bcc', 'headers', 'title', 'message', 'image_url', 'link', 'sound', 'custom_data', 'preprocessor'];

function templateFromPath(ctx: Context): TransactionalTemplate {
  const id = intParam(ctx, 'transactional_id');
  const template = ctx.state.transactional.find((t) => t.id === id);
  if (!template) throw appError(404, `transactional message ${id} not found`);
  return template;
}

function templateView(template: TransactionalTemplate) {
  return rowView(template, ['contents', 'trigger_name']);
}

function contentById(ctx: Context): TransactionalContent {
  const template = templateFromPath(ctx);
  const id = intParam(ctx, 'content_id');
  const content = template.contents.find((c) => c.id === id);
  if (!content) throw appError(404, `transactional message ${template.id} has no content ${id}`);
  return content;
}

function contentByLanguage(ctx: Context): TransactionalContent {
  const template = templateFromPath(ctx);
  const content = template.contents.find((c) => c.language === ctx.params.language);
  if (!content) throw appError(404, `transactional message ${template.id} has no ${ctx.params.language} translation`);
  return content;
}

function update(ctx: Context, content: TransactionalContent) {
  const body = objectBody(ctx, appFail);
  const unknown = Object.keys(body).filter((key) => !EDITABLE.includes(key));
  if (unknown.length) throw appError(400, `these fields cannot be changed: ${unknown.join(', ')}`);
  if (body.from_id !== undefined) {
    const sender = ctx.state.sender_identities.find((s) => s.id === Number(body.from_id));
    if (!sender) throw appError(400, `sender identity ${String(body.from_id)} does not exist`);
    content.from = sender.address;
  }
  Object.assign(content, body, { updated: ctx.now });
  return ok({ content });
}

function deliveriesOf(ctx: Context) {
  const template = templateFromPath(ctx);
  return ctx.state.deliveries.filter((d) => d.transactional_message_id === template.id);
}

export const appTransactionalRoutes: Route[] = [
  { method: 'GET', path: '/transactional', operations: ['list_transactional_messages', 'list_transactional_messages_ddl'], handle: (ctx) => ok({ messages: ctx.state.transactional.map(templateView) }) },
  { method: 'GET', path: '/transactional/{transactional_id}', operations: ['get_transactional_message'], handle: (ctx) => ok({ message: templateView(templateFromPath(ctx)) }) },
  { method: 'GET', path: '/transactional/{transactional_id}/contents', operations: ['list_transactional_message_contents'], handle: (ctx) => ok({ contents: templateFromPath(ctx).contents }) },
  { method: 'GET', path: '/transactional/{transactional_id}/contents/{content_id}', operations: ['get_transactional_message_content'], handle: (ctx) => ok({ content: contentById(ctx) }) },
  { method: 'PUT', path: '/transactional/{transactional_id}/content/{content_id}', operations: ['update_transactional_message_content'], handle: (ctx) => update(ctx, contentById(ctx)) },
  { method: 'GET', path: '/transactional/{transactional_id}/language/{language}', operations: ['get_transactional_message_translation'], handle: (ctx) => ok({ content: contentByLanguage(ctx) }) },
  { method: 'PUT', path: '/transactional/{transactional_id}/language/{language}', operations: ['update_transactional_message_translation'], handle: (ctx) => update(ctx, contentByLanguage(ctx)) },
  { method: 'GET', path: '/transactional/{transactional_id}/metrics', operations: ['get_transactional_message_metrics'], handle: metricsOf(deliveriesOf) },
  { method: 'GET', path: '/transactional/{transactional_id}/metrics/links', operations: ['get_transactional_message_link_metrics'], handle: linkMetricsOf(deliveriesOf) },
  { method: 'GET', path: '/transactional/{transactional_id}/messages', operations: ['list_transactional_message_deliveries'], handle: (ctx) => listDeliveries(ctx, deliveriesOf(ctx)) },
];
