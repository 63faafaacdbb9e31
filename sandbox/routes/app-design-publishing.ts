// What is done with a Design Studio email: versions (snapshots to restore), publishing (each
// language gets a template ID; the messages it is linked to take the published content),
// linking to a message, and the preview, render and review of its HTML.
import { nextNumber, ulid, uuid } from '../ids.js';
import type { DesignEmail, DesignLink, DesignPublish, DesignVersion } from '../records.js';
import { appError, noContent, ok } from '../reply.js';
import type { Context, Route } from '../router.js';
import {
  applyToLinks, applyToTarget, defaultEmail, emailNode, renderedHtml, renderedText, targetOf, translationsOf,
} from '../model/design-studio.js';
import { componentsUsed, linksOf, renderLiquid, review } from '../model/design-render.js';
import { recordById, recordsUnder, reindexRecord, removeRecords } from '../model/indexes.js';
import { appFail, objectBody, queryNumber, requireString } from './common.js';

const SCOPES = ['customer', 'event', 'trigger', 'objects', 'campaign', 'journey', 'message'];

/** The email and its translations, as they are now. */
function nodesOf(ctx: Context, email: DesignEmail): DesignEmail[] {
  return [email, ...translationsOf(ctx.state, email)];
}

function takeVersion(ctx: Context, email: DesignEmail, name: string, description: string | null, onPublish: boolean): DesignVersion {
  const nodes = nodesOf(ctx, email);
  const version: DesignVersion = {
    id: uuid(), name, description, node_id: email.id, created: ctx.now, created_on_publish: onPublish,
    nodes: structuredClone(nodes),
    components: structuredClone(componentsUsed(nodes.map((n) => n.content.html ?? '').join('\n'), ctx.state.design_studio.components)),
  };
  ctx.state.design_studio.versions.push(version);
  return version;
}

function versionView(version: DesignVersion) {
  return {
    id: version.id, name: version.name, ...(version.description !== null ? { description: version.description } : {}),
    node_id: version.node_id, node_type: 'EMAIL', created: version.created, created_on_publish: version.created_on_publish, feedback: false,
  };
}

function versionOf(ctx: Context): { email: DesignEmail; version: DesignVersion } {
  const email = defaultEmail(ctx.state, ctx.params.email_id);
  const version = recordById(ctx.state, 'design_versions', ctx.params.version_id);
  if (!version || version.node_id !== email.id) throw appError(404, `email ${email.id} has no version ${ctx.params.version_id}`);
  return { email, version };
}

function listVersions(ctx: Context) {
  const email = defaultEmail(ctx.state, ctx.params.email_id);
  const from = queryNumber(ctx, 'start_date');
  const to = queryNumber(ctx, 'end_date');
  const versions = recordsUnder(ctx.state, 'design_versions', `n:${email.id}`)
    .filter((v) => (from === undefined || v.created >= from) && (to === undefined || v.created <= to))
    .sort((a, b) => b.created - a.created);
  return ok({ versions: versions.map(versionView) });
}

function getVersion(ctx: Context) {
  const { version } = versionOf(ctx);
  const node = version.nodes[0];
  return ok({
    version: versionView(version),
    node: {
      node_id: node.id, node_type: 'EMAIL', name: node.name, subject: node.content.subject ?? '', preheader_text: node.content.preheader_text ?? '',
      content: node.content.html ?? '', ...(node.content.amp !== undefined ? { amp: node.content.amp } : {}), ...(node.content.text !== undefined ? { text: node.content.text } : {}),
      envelope: node.envelope, transformers: node.transformers,
    },
    dependencies: version.components.map((c) => ({ node_id: c.id, node_type: 'COMPONENT', name: c.name, component_name: c.tag, content: c.content })),
  });
}

/** The email and its translations go back to the version's content; translations added since are removed. */
function restore(ctx: Context) {
  const { email, version } = versionOf(ctx);
  const studio = ctx.state.design_studio;
  removeRecords(ctx.state, 'design_emails', [...recordsUnder(ctx.state, 'design_emails', `g:${email.id}`)]);
  for (const node of version.nodes) {
    const current = { ...structuredClone(node), updated: ctx.now, unpublished: true };
    if (node.id === email.id) Object.assign(current, { links: email.links, template_id: email.template_id, published_at: email.published_at, name: email.name, parent_folder_id: email.parent_folder_id });
    studio.emails.push(current);
  }
  return ok({ node_id: email.id, restored_node_ids: version.nodes.map((n) => n.id), version_id: version.id });
}

function publish(ctx: Context) {
  const email = defaultEmail(ctx.state, ctx.params.email_id);
  const version = takeVersion(ctx, email, 'Published', null, true);
  const mappings = nodesOf(ctx, email).map((node) => {
    node.template_id ??= nextNumber(ctx.state, 'design_template', 987_000);
    node.published_at = ctx.now;
    node.unpublished = false;
    return { language: node.language, node_id: node.id, template_id: node.template_id, version_id: version.id };
  });
  const record: DesignPublish = { id: `pub_${ulid()}`, email_id: email.id, mappings, created: ctx.now };
  ctx.state.design_studio.publishes.push(record);
  applyToLinks(ctx.state, email, ctx.now);
  // Publishing runs at once here: it is done by the time it is answered.
  return ok({ status: 'done', publish_id: record.id, mappings });
}

function publishStatus(ctx: Context) {
  const email = defaultEmail(ctx.state, ctx.params.email_id);
  const id = ctx.query.get('publish_id');
  if (!id) throw appError(400, 'publish_id is required');
  const record = recordById(ctx.state, 'design_publishes', id);
  if (!record || record.email_id !== email.id) throw appError(404, `email ${email.id} has no publish ${id}`);
  return ok({ status: 'done', mappings: record.mappings });
}

function unpublishedChanges(ctx: Context) {
  const email = defaultEmail(ctx.state, ctx.params.email_id);
  const changed = nodesOf(ctx, email).some((n) => n.unpublished);
  return ok({ has_unpublished_changes: changed });
}

const PREVIEW_FIELDS = ['subject', 'preheader_text', 'from', 'reply_to', 'to', 'cc', 'bcc', 'body', 'body_amp', 'body_plain', 'layout', 'snippets', 'event', 'trigger', 'message'];

function preview(ctx: Context) {
  const node = emailNode(ctx.state, ctx.params.email_id);
  const body = objectBody(ctx, appFail);
  const data: Record<string, unknown> = {};
  for (const scope of SCOPES) {
    if (body[scope] !== undefined && (typeof body[scope] !== 'object' || body[scope] === null)) throw appError(400, `${scope} must be an object of sample data`);
    data[scope] = body[scope] ?? {};
  }
  const errors: Record<string, string[]> = Object.fromEntries(PREVIEW_FIELDS.map((f) => [f, []]));
  const html = renderLiquid(renderedHtml(ctx.state, node), data, errors.body)!;
  const text = renderLiquid(renderedText(ctx.state, node), data, errors.body_plain)!;
  renderLiquid(node.envelope.recipient, data, errors.to);
  const from = node.envelope.from_id === null ? undefined : ctx.state.sender_identities.find((s) => s.id === node.envelope.from_id)?.address;
  return ok({
    node_id: node.id, node_type: 'EMAIL', ...(node.language ? { language: node.language } : {}),
    subject: renderLiquid(node.content.subject ?? '', data, errors.subject),
    ...(node.content.preheader_text !== undefined ? { preheader_text: renderLiquid(node.content.preheader_text, data, errors.preheader_text) } : {}),
    ...(typeof from === 'string' ? { from } : {}),
    html, plaintext_body: text,
    ...(node.content.amp !== undefined ? { amp: renderLiquid(node.content.amp, data, errors.body_amp) } : {}),
    links: linksOf(html).map((l) => ({ ...l, tracked: /^https?:/i.test(l.url), errors: [] })),
    headers: node.envelope.headers,
    errors,
  });
}

function render(ctx: Context) {
  const node = emailNode(ctx.state, ctx.params.email_id);
  return ok({
    node_id: node.id, node_type: 'EMAIL', ...(node.language ? { language: node.language } : {}),
    html: renderedHtml(ctx.state, node), text: renderedText(ctx.state, node),
    ...(node.content.amp !== undefined ? { amp: node.content.amp } : {}),
  });
}

const TARGET_KEYS: Record<DesignLink['type'], string> = { campaign_action: 'action_id', newsletter: 'newsletter_id', transactional_message: 'transactional_message_id' };

function link(ctx: Context) {
  const email = defaultEmail(ctx.state, ctx.params.email_id);
  const body = objectBody(ctx, appFail);
  const given = body.target as Record<string, unknown> | undefined;
  const type = requireString(given?.type, 'target.type', appFail) as DesignLink['type'];
  if (!(type in TARGET_KEYS)) throw appError(400, `target.type must be one of ${Object.keys(TARGET_KEYS).join(', ')}`);
  const id = Number(given![TARGET_KEYS[type]]);
  if (!Number.isInteger(id) || id < 1) throw appError(400, `target.${TARGET_KEYS[type]} is required`);
  const target = targetOf(ctx.state, { type, id });
  if (target.linkedTo && target.linkedTo !== email) {
    if (body.force !== true) throw appError(409, `${type} ${id} is linked to Design Studio email ${target.linkedTo.id}; link with force to take it over`);
    target.linkedTo.links = target.linkedTo.links.filter((l) => !(l.type === type && l.id === id));
    // Links are keys of the email index (which email a message is linked to): moved in place.
    reindexRecord(ctx.state, 'design_emails', target.linkedTo);
  }
  email.links = [...email.links.filter((l) => !(l.type === type && l.id === id)), { type, id, template_id: target.template_id }];
  reindexRecord(ctx.state, 'design_emails', email);
  applyToTarget(ctx.state, email, target.row, ctx.now);
  email.updated = ctx.now;
  return ok({ node_id: email.id, target: { type, [TARGET_KEYS[type]]: id }, template_id: target.template_id });
}

export const appDesignPublishingRoutes: Route[] = [
  { method: 'GET', path: '/design_studio/emails/{email_id}/versions', operations: ['list_design_email_versions'], handle: listVersions },
  {
    method: 'POST', path: '/design_studio/emails/{email_id}/versions', operations: ['create_design_email_version'],
    handle: (ctx) => {
      const body = objectBody(ctx, appFail);
      const name = requireString(body.name, 'name', appFail);
      if (name.length > 100) throw appError(400, 'version names have at most 100 characters');
      const version = takeVersion(ctx, defaultEmail(ctx.state, ctx.params.email_id), name, typeof body.description === 'string' ? body.description : null, false);
      return ok({ created: true, version: versionView(version) });
    },
  },
  { method: 'GET', path: '/design_studio/emails/{email_id}/versions/{version_id}', operations: ['get_design_email_version'], handle: getVersion },
  { method: 'POST', path: '/design_studio/emails/{email_id}/versions/{version_id}/restore', operations: ['restore_design_email_version'], handle: restore },
  {
    method: 'DELETE', path: '/design_studio/emails/{email_id}/versions/{version_id}', operations: ['delete_design_email_version'],
    handle: (ctx) => {
      const { version } = versionOf(ctx);
      removeRecords(ctx.state, 'design_versions', [version]);
      return noContent();
    },
  },
  { method: 'POST', path: '/design_studio/emails/{email_id}/publish', operations: ['publish_design_email'], handle: publish },
  { method: 'GET', path: '/design_studio/emails/{email_id}/publish_status', operations: ['get_design_email_publish_status'], handle: publishStatus },
  { method: 'POST', path: '/design_studio/emails/{email_id}/preview', operations: ['preview_design_email'], changes: false, handle: preview },
  { method: 'GET', path: '/design_studio/emails/{email_id}/render', operations: ['render_design_email'], handle: render },
  {
    method: 'GET', path: '/design_studio/emails/{email_id}/review', operations: ['get_design_email_review'],
    handle: (ctx) => {
      const node = emailNode(ctx.state, ctx.params.email_id);
      return ok(review(node, renderedHtml(ctx.state, node)));
    },
  },
  { method: 'GET', path: '/design_studio/emails/{email_id}/unpublished_changes', operations: ['get_design_email_unpublished_changes'], handle: unpublishedChanges },
  { method: 'POST', path: '/design_studio/emails/{email_id}/link', operations: ['link_design_email'], handle: link },
];
