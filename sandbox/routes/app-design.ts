// Design Studio (/v1/design_studio): folders, components (reusable HTML placed by their tag)
// and emails with their translations. Lists are page-numbered and filtered by folder, dates,
// and for emails by template, translation and link flags.
import { uuid } from '../ids.js';
import type { DesignComponent, DesignEmail, DesignFolder } from '../records.js';
import { appError, noContent, ok } from '../reply.js';
import type { Context, Route } from '../router.js';
import {
  componentView, contentFrom, DEFAULT_ENVELOPE, defaultEmail, emailNode, emailView, envelopeFrom, listedEmail, touch, translationsOf, translationView,
} from '../model/design-studio.js';
import { recordById, recordsUnder, removeRecords } from '../model/indexes.js';
import { appFail, objectBody, queryNumber, requireString } from './common.js';
import { foldersCovered, pageOf, queryFlag, wouldLoop } from './page.js';

const FOLDER_NAME = /^[^<>:"/\\|?*.]+$/;
const TAG = /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/;

function folderById(ctx: Context, id: string): DesignFolder {
  const folder = recordById(ctx.state, 'design_folders', id);
  if (!folder) throw appError(404, `Design Studio folder ${id} not found`);
  return folder;
}

/** A parent folder from a body or query: null is the top level; any other must exist. */
function parentFolder(ctx: Context, value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw appError(400, 'parent_folder_id must be a folder ID (a UUID) or null');
  return folderById(ctx, value).id;
}

type Listed = { id: string; name: string; parent_folder_id: string | null; created: number; updated: number };

/** The shared filters, sort and page of the Design Studio lists, with the folders directly inside the listed one. */
function listOf<T extends Listed>(ctx: Context, items: T[], key: string, extra: (item: T) => boolean = () => true, withFolders = true) {
  const parent = parentFolder(ctx, ctx.query.get('parent_folder_id') ?? undefined);
  const direct = queryFlag(ctx, 'direct_descendants_only');
  const sortBy = ctx.query.get('sort_by') ?? 'created';
  const sortOrder = ctx.query.get('sort_order') ?? 'asc';
  if (!['created', 'updated', 'name'].includes(sortBy)) throw appError(400, 'sort_by must be created, updated or name');
  if (!['asc', 'desc'].includes(sortOrder)) throw appError(400, 'sort_order must be asc or desc');
  const bounds = { created_after: queryNumber(ctx, 'created_after'), created_before: queryNumber(ctx, 'created_before'), updated_after: queryNumber(ctx, 'updated_after'), updated_before: queryNumber(ctx, 'updated_before') };
  const covered = foldersCovered(ctx.state.design_studio.folders, parent, direct);
  const chosen = items.filter((item) =>
    (!covered || covered.has(item.parent_folder_id)) && extra(item) &&
    (bounds.created_after === undefined || item.created >= bounds.created_after) && (bounds.created_before === undefined || item.created <= bounds.created_before) &&
    (bounds.updated_after === undefined || item.updated >= bounds.updated_after) && (bounds.updated_before === undefined || item.updated <= bounds.updated_before));
  const direction = sortOrder === 'asc' ? 1 : -1;
  chosen.sort((a, b) => direction * (sortBy === 'name' ? a.name.localeCompare(b.name) : (a[sortBy as 'created'] - b[sortBy as 'created'])));
  const page = pageOf(ctx, chosen);
  const filters = Object.fromEntries([...ctx.query.entries()].filter(([k]) => !['page', 'limit'].includes(k)));
  return {
    [key]: page.items,
    ...(withFolders ? { folders: ctx.state.design_studio.folders.filter((f) => f.parent_folder_id === parent) } : {}),
    meta: { filters: { sort_by: sortBy, sort_order: sortOrder, ...filters }, pagination: page.pagination },
  };
}

/** name and parent_folder_id changes common to folders, components and emails. */
function placeAndName(ctx: Context, item: { name: string; parent_folder_id: string | null }, body: Record<string, unknown>, folderId?: string): void {
  if (body.name !== undefined) item.name = requireString(body.name, 'name', appFail);
  if (body.parent_folder_id !== undefined) {
    const parent = parentFolder(ctx, body.parent_folder_id);
    if (folderId !== undefined && wouldLoop(ctx.state.design_studio.folders, folderId, parent)) throw appError(400, 'a folder cannot be moved into itself or one of its own folders');
    item.parent_folder_id = parent;
  }
}

function nonEmpty(body: Record<string, unknown>): Record<string, unknown> {
  if (Object.keys(body).length === 0) throw appError(400, 'give at least one field to change');
  return body;
}

// Folders

function createFolder(ctx: Context) {
  const body = objectBody(ctx, appFail);
  const name = requireString(body.name, 'name', appFail);
  if (!FOLDER_NAME.test(name) || name.length > 170) throw appError(400, 'folder names have up to 170 characters and none of < > : " / \\ | ? * .');
  const folder: DesignFolder = { id: uuid(), name, parent_folder_id: parentFolder(ctx, body.parent_folder_id), created: ctx.now, updated: ctx.now };
  ctx.state.design_studio.folders.push(folder);
  return ok({ folder });
}

function updateFolder(ctx: Context) {
  const folder = folderById(ctx, ctx.params.folder_id);
  const body = nonEmpty(objectBody(ctx, appFail));
  if (typeof body.name === 'string' && !FOLDER_NAME.test(body.name)) throw appError(400, 'folder names have none of < > : " / \\ | ? * .');
  placeAndName(ctx, folder, body, folder.id);
  folder.updated = ctx.now;
  return noContent();
}

function deleteFolder(ctx: Context) {
  const folder = folderById(ctx, ctx.params.folder_id);
  const { design_studio: studio } = ctx.state;
  if ([...studio.folders, ...studio.components, ...studio.emails].some((item) => item.parent_folder_id === folder.id)) {
    throw appError(400, `Design Studio folder ${folder.id} is not empty: move or delete what it holds first`);
  }
  removeRecords(ctx.state, 'design_folders', [folder]);
  return noContent();
}

// Components

function componentById(ctx: Context): DesignComponent {
  const component = recordById(ctx.state, 'design_components', ctx.params.component_id);
  if (!component) throw appError(404, `Design Studio component ${ctx.params.component_id} not found`);
  return component;
}

function checkTag(ctx: Context, tag: string, self?: DesignComponent): void {
  if (!TAG.test(tag)) throw appError(400, `tag must be a custom element name: lower case, with a hyphen, such as brand-footer (got ${tag})`);
  if (ctx.state.design_studio.components.some((c) => c !== self && c.tag === tag)) throw appError(400, `a component with the tag ${tag} already exists`);
}

function createComponent(ctx: Context) {
  const body = objectBody(ctx, appFail);
  const tag = requireString(body.tag, 'tag', appFail);
  checkTag(ctx, tag);
  if (typeof body.content !== 'string') throw appError(400, 'content (the component’s HTML) is required');
  const component: DesignComponent = {
    id: uuid(), name: requireString(body.name, 'name', appFail), tag, content: body.content,
    parent_folder_id: parentFolder(ctx, body.parent_folder_id), created: ctx.now, updated: ctx.now,
  };
  ctx.state.design_studio.components.push(component);
  return ok({ component: componentView(component) });
}

function updateComponent(ctx: Context) {
  const component = componentById(ctx);
  const body = nonEmpty(objectBody(ctx, appFail));
  if (body.tag !== undefined) {
    checkTag(ctx, requireString(body.tag, 'tag', appFail), component);
    component.tag = body.tag as string;
  }
  if (body.content !== undefined) {
    if (typeof body.content !== 'string') throw appError(400, 'content must be HTML text');
    component.content = body.content;
  }
  placeAndName(ctx, component, body);
  component.updated = ctx.now;
  return noContent();
}

// Emails and translations

function createEmail(ctx: Context) {
  const body = objectBody(ctx, appFail);
  const id = uuid();
  const email: DesignEmail = {
    id, name: requireString(body.name, 'name', appFail), language: '', language_group_id: id,
    parent_folder_id: parentFolder(ctx, body.parent_folder_id), is_template: body.is_template === true,
    content: contentFrom(body.content, { subject: '', html: '' }),
    envelope: envelopeFrom(ctx.state, body.envelope, DEFAULT_ENVELOPE),
    transformers: (body.transformers as Record<string, unknown> | undefined) ?? {},
    links: [], template_id: null, published_at: null, unpublished: true, created: ctx.now, updated: ctx.now,
  };
  ctx.state.design_studio.emails.push(email);
  return ok({ email: emailView(ctx.state, email) });
}

/** Changes the email's (or a translation's) content, envelope and transformers. */
function changeNode(ctx: Context, node: DesignEmail, body: Record<string, unknown>): void {
  node.content = contentFrom(body.content, node.content);
  node.envelope = envelopeFrom(ctx.state, body.envelope, node.envelope);
  if (body.transformers !== undefined) {
    if (!body.transformers || typeof body.transformers !== 'object') throw appError(400, 'transformers must be an object');
    node.transformers = { ...node.transformers, ...(body.transformers as Record<string, unknown>) };
  }
  touch(node, ctx.now);
}

function updateEmail(ctx: Context) {
  const email = defaultEmail(ctx.state, ctx.params.email_id);
  const body = nonEmpty(objectBody(ctx, appFail));
  placeAndName(ctx, email, body);
  if (body.is_template !== undefined) email.is_template = body.is_template === true;
  changeNode(ctx, email, body);
  // Translations sit wherever their email sits.
  for (const translation of translationsOf(ctx.state, email)) translation.parent_folder_id = email.parent_folder_id;
  return noContent();
}

function deleteEmail(ctx: Context) {
  const email = defaultEmail(ctx.state, ctx.params.email_id);
  // The email and its translations (its language group), and its versions.
  removeRecords(ctx.state, 'design_emails', [...recordsUnder(ctx.state, 'design_emails', `g:${email.id}`)]);
  removeRecords(ctx.state, 'design_versions', [...recordsUnder(ctx.state, 'design_versions', `n:${email.id}`)]);
  return noContent();
}

function translationOf(ctx: Context): DesignEmail {
  const email = defaultEmail(ctx.state, ctx.params.email_id);
  const translation = translationsOf(ctx.state, email).find((t) => t.language === ctx.params.language);
  if (!translation) throw appError(404, `email ${email.id} has no ${ctx.params.language} translation`);
  return translation;
}

function addTranslation(ctx: Context) {
  const email = defaultEmail(ctx.state, ctx.params.email_id);
  const body = objectBody(ctx, appFail);
  const language = requireString(body.language, 'language', appFail);
  if (language.length > 16 || !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(language)) throw appError(400, `language must be a language code such as fr or pt-BR (got ${language})`);
  if (translationsOf(ctx.state, email).some((t) => t.language === language)) throw appError(400, `email ${email.id} already has a ${language} translation`);
  // What the translation does not give is the email's own.
  const translation: DesignEmail = {
    ...structuredClone(email), id: uuid(), language, language_group_id: email.id, links: [], template_id: null, published_at: null, unpublished: true, created: ctx.now, updated: ctx.now,
  };
  translation.content = contentFrom(body.content, translation.content);
  translation.envelope = envelopeFrom(ctx.state, body.envelope, translation.envelope);
  if (body.transformers && typeof body.transformers === 'object') translation.transformers = { ...translation.transformers, ...(body.transformers as Record<string, unknown>) };
  ctx.state.design_studio.emails.push(translation);
  touch(email, ctx.now);
  return ok({ email_translation: translationView(ctx.state, translation) });
}

function emailFlag(ctx: Context, name: string): ((value: boolean) => boolean) {
  const raw = ctx.query.get(name) ?? 'any';
  if (!['true', 'false', 'any'].includes(raw)) throw appError(400, `${name} must be true, false or any`);
  return (value) => raw === 'any' || String(value) === raw;
}

function listEmails(ctx: Context) {
  const template = emailFlag(ctx, 'is_template');
  const translated = emailFlag(ctx, 'has_translations');
  const linked = emailFlag(ctx, 'is_linked');
  const emails = ctx.state.design_studio.emails.filter((e) => e.language === '').map((e) => listedEmail(ctx.state, e));
  return ok(listOf(ctx, emails, 'emails', (e) => template(e.is_template) && translated(e.has_translations) && linked(e.is_linked)));
}

export const appDesignRoutes: Route[] = [
  { method: 'GET', path: '/design_studio/folders', operations: ['list_design_folders'], handle: (ctx) => ok(listOf(ctx, ctx.state.design_studio.folders, 'folders', () => true, false)) },
  { method: 'POST', path: '/design_studio/folders', operations: ['create_design_folder'], handle: createFolder },
  { method: 'GET', path: '/design_studio/folders/{folder_id}', operations: ['get_design_folder'], handle: (ctx) => ok({ folder: folderById(ctx, ctx.params.folder_id) }) },
  { method: 'PUT', path: '/design_studio/folders/{folder_id}', operations: ['update_design_folder'], handle: updateFolder },
  { method: 'DELETE', path: '/design_studio/folders/{folder_id}', operations: ['delete_design_folder'], handle: deleteFolder },

  {
    method: 'GET', path: '/design_studio/components', operations: ['list_design_components'],
    handle: (ctx) => {
      const tag = ctx.query.get('tag');
      return ok(listOf(ctx, ctx.state.design_studio.components.map(componentView), 'components', (c) => !tag || c.tag === tag));
    },
  },
  { method: 'POST', path: '/design_studio/components', operations: ['create_design_component'], handle: createComponent },
  { method: 'GET', path: '/design_studio/components/{component_id}', operations: ['get_design_component'], handle: (ctx) => ok({ component: componentView(componentById(ctx)) }) },
  { method: 'PUT', path: '/design_studio/components/{component_id}', operations: ['update_design_component'], handle: updateComponent },
  {
    method: 'DELETE', path: '/design_studio/components/{component_id}', operations: ['delete_design_component'],
    handle: (ctx) => {
      const component = componentById(ctx);
      removeRecords(ctx.state, 'design_components', [component]);
      return noContent();
    },
  },

  { method: 'GET', path: '/design_studio/emails', operations: ['list_design_emails'], handle: listEmails },
  { method: 'POST', path: '/design_studio/emails', operations: ['create_design_email'], handle: createEmail },
  { method: 'GET', path: '/design_studio/emails/{email_id}', operations: ['get_design_email'], handle: (ctx) => ok({ email: emailView(ctx.state, emailNode(ctx.state, ctx.params.email_id)) }) },
  { method: 'PUT', path: '/design_studio/emails/{email_id}', operations: ['update_design_email'], handle: updateEmail },
  { method: 'DELETE', path: '/design_studio/emails/{email_id}', operations: ['delete_design_email'], handle: deleteEmail },
  {
    method: 'GET', path: '/design_studio/emails/{email_id}/languages', operations: ['list_design_email_translations'],
    handle: (ctx) => ok({ email_translations: translationsOf(ctx.state, defaultEmail(ctx.state, ctx.params.email_id)).map((t) => translationView(ctx.state, t)) }),
  },
  { method: 'POST', path: '/design_studio/emails/{email_id}/languages', operations: ['add_design_email_translation'], handle: addTranslation },
  { method: 'GET', path: '/design_studio/emails/{email_id}/languages/{language}', operations: ['get_design_email_translation'], handle: (ctx) => ok({ email_translation: translationView(ctx.state, translationOf(ctx)) }) },
  {
    method: 'PUT', path: '/design_studio/emails/{email_id}/languages/{language}', operations: ['update_design_email_translation'],
    handle: (ctx) => {
      changeNode(ctx, translationOf(ctx), nonEmpty(objectBody(ctx, appFail)));
      return noContent();
    },
  },
  {
    method: 'DELETE', path: '/design_studio/emails/{email_id}/languages/{language}', operations: ['delete_design_email_translation'],
    handle: (ctx) => {
      const translation = translationOf(ctx);
      removeRecords(ctx.state, 'design_emails', [translation]);
      touch(defaultEmail(ctx.state, ctx.params.email_id), ctx.now);
      return noContent();
    },
  },
];
