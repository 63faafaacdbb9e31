// Assets (/v1/assets): folders, and files uploaded as multipart/form-data (images and PDFs up
// to 2 MB, as Customer.io accepts). Each file is hosted by the sandbox at a public address
// (/sandbox/files/…), its `path`, which messages can use and clients can fetch.
import { nextNumber } from '../ids.js';
import type { Asset, AssetFolder } from '../records.js';
import { appError, noContent, ok } from '../reply.js';
import type { Context, Route } from '../router.js';
import type { UploadedFile } from '../multipart.js';
import { fileUrl, removeFile, storeFile } from '../model/files.js';
import { recordById, removeRecords } from '../model/indexes.js';
import { appFail, intParam, objectBody, recordFromPath, requireString } from './common.js';
import { foldersCovered, pageOf, queryFlag, wouldLoop } from './page.js';

const ACCEPTED_TYPES = ['image/bmp', 'image/jpeg', 'image/jpg', 'image/png', 'image/gif', 'application/pdf'];
const MAX_BYTES = 2 * 1024 * 1024;

function folderView(folder: AssetFolder) {
  return { id: folder.id, name: folder.name, parent_folder_id: folder.parent_folder_id, created: folder.created, updated: folder.updated };
}

function assetView(ctx: Context, asset: Asset) {
  const file = recordById(ctx.state, 'files', asset.file_id);
  return {
    id: asset.id, name: asset.name, parent_folder_id: asset.parent_folder_id,
    path: file ? fileUrl(ctx.origin, file, ctx.now) : '', size: asset.size, created: asset.created, updated: asset.updated,
  };
}

function folderById(ctx: Context, id: number): AssetFolder {
  const folder = recordById(ctx.state, 'asset_folders', id);
  if (!folder) throw appError(404, `asset folder ${id} not found`);
  return folder;
}

/** A parent folder from a body or query: null (or 0) is the top level; any other must exist. */
function parentFolder(ctx: Context, value: unknown): number | null {
  if (value === undefined || value === null || value === '' || Number(value) === 0) return null;
  const id = Number(value);
  if (!Number.isInteger(id) || id < 0) throw appError(400, `parent_folder_id must be a folder ID (got ${String(value)})`);
  if (!recordById(ctx.state, 'asset_folders', id)) throw appError(404, `asset folder ${id} not found`);
  return id;
}

function listed<T extends { parent_folder_id: number | null }>(ctx: Context, items: T[], key: string) {
  const parent = parentFolder(ctx, ctx.query.get('parent_folder_id') ?? undefined);
  const direct = queryFlag(ctx, 'direct_descendants_only');
  const covered = foldersCovered(ctx.state.asset_folders, parent, direct);
  const page = pageOf(ctx, items.filter((item) => !covered || covered.has(item.parent_folder_id)));
  return { [key]: page.items, meta: { pagination: page.pagination, filters: { parent_folder_id: parent, direct_descendants_only: direct } } };
}

function upload(ctx: Context) {
  const body = objectBody(ctx, appFail);
  const file = body.file as UploadedFile | undefined;
  if (!file || typeof file !== 'object' || typeof file.content_base64 !== 'string') throw appError(400, 'upload the file as multipart/form-data, in a part named file');
  const type = file.content_type.split(';')[0].trim().toLowerCase();
  if (!ACCEPTED_TYPES.includes(type)) throw appError(400, `files must be ${ACCEPTED_TYPES.join(', ')} (got ${file.content_type})`);
  const bytes = Buffer.from(file.content_base64, 'base64');
  if (bytes.length > MAX_BYTES) throw appError(400, `files must be at most 2 MB (this one is ${bytes.length} bytes)`);
  const parent = parentFolder(ctx, body.parent_folder_id);
  const id = nextNumber(ctx.state, 'asset', 500);
  const hosted = storeFile(ctx.state, { name: file.filename, content_type: type, bytes, signed: false }, ctx.now);
  const asset: Asset = {
    id, name: typeof body.name === 'string' && body.name.trim() !== '' ? body.name : file.filename, filename: file.filename,
    parent_folder_id: parent, content_type: type, size: bytes.length, file_id: hosted.id, created: ctx.now, updated: ctx.now,
  };
  ctx.state.assets.push(asset);
  return ok({ asset: assetView(ctx, asset) });
}


/** name and parent_folder_id, at least one of them (the file's bytes cannot change). */
function moveOrRename<T extends { name: string; parent_folder_id: number | null; updated: number }>(ctx: Context, item: T, folderId?: number) {
  const body = objectBody(ctx, appFail);
  if (body.name === undefined && body.parent_folder_id === undefined) throw appError(400, 'give a new name or parent_folder_id');
  if (body.name !== undefined) item.name = requireString(body.name, 'name', appFail);
  if (body.parent_folder_id !== undefined) {
    const parent = parentFolder(ctx, body.parent_folder_id);
    if (folderId !== undefined && wouldLoop(ctx.state.asset_folders, folderId, parent)) throw appError(400, 'a folder cannot be moved into itself or one of its own folders');
    item.parent_folder_id = parent;
  }
  item.updated = ctx.now;
  return noContent();
}

function createFolder(ctx: Context) {
  const body = objectBody(ctx, appFail);
  const folder: AssetFolder = {
    id: nextNumber(ctx.state, 'asset_folder'), name: requireString(body.name, 'name', appFail),
    parent_folder_id: parentFolder(ctx, body.parent_folder_id), created: ctx.now, updated: ctx.now,
  };
  ctx.state.asset_folders.push(folder);
  return ok({ folder: folderView(folder) });
}

function deleteFolder(ctx: Context) {
  const folder = folderById(ctx, intParam(ctx, 'folder_id'));
  const holds = ctx.state.assets.some((a) => a.parent_folder_id === folder.id) || ctx.state.asset_folders.some((f) => f.parent_folder_id === folder.id);
  if (holds) throw appError(400, `asset folder ${folder.id} is not empty: move or delete what it holds first`);
  removeRecords(ctx.state, 'asset_folders', [folder]);
  return noContent();
}

export const appAssetRoutes: Route[] = [
  { method: 'GET', path: '/assets', operations: ['list_assets'], handle: (ctx) => ok(listed(ctx, ctx.state.assets.map((a) => ({ ...assetView(ctx, a) })), 'assets')) },
  { method: 'GET', path: '/assets/folders', operations: ['list_asset_folders'], handle: (ctx) => ok(listed(ctx, ctx.state.asset_folders.map(folderView), 'folders')) },
  { method: 'POST', path: '/assets/files', operations: ['upload_asset'], handle: upload },
  { method: 'POST', path: '/assets/folders', operations: ['create_asset_folder'], handle: createFolder },
  { method: 'GET', path: '/assets/files/{asset_id}', operations: ['get_asset'], handle: (ctx) => ok({ asset: assetView(ctx, recordFromPath(ctx, 'assets', 'asset_id', 'asset')) }) },
  { method: 'PUT', path: '/assets/files/{asset_id}', operations: ['update_asset'], handle: (ctx) => moveOrRename(ctx, recordFromPath(ctx, 'assets', 'asset_id', 'asset')) },
  {
    method: 'DELETE', path: '/assets/files/{asset_id}', operations: ['delete_asset'],
    handle: (ctx) => {
      const asset = recordFromPath(ctx, 'assets', 'asset_id', 'asset');
      removeRecords(ctx.state, 'assets', [asset]);
      removeFile(ctx.state, asset.file_id);
      return noContent();
    },
  },
  { method: 'GET', path: '/assets/folders/{folder_id}', operations: ['get_asset_folder'], handle: (ctx) => ok({ folder: folderView(folderById(ctx, intParam(ctx, 'folder_id'))) }) },
  {
    method: 'PUT', path: '/assets/folders/{folder_id}', operations: ['update_asset_folder'],
    handle: (ctx) => {
      const folder = folderById(ctx, intParam(ctx, 'folder_id'));
      return moveOrRename(ctx, folder, folder.id);
    },
  },
  { method: 'DELETE', path: '/assets/folders/{folder_id}', operations: ['delete_asset_folder'], handle: deleteFolder },
];
