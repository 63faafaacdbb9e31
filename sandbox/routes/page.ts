// Page-numbered lists (assets, Design Studio): `page` from 1 and `limit`, answered with
// `meta.pagination` {page, limit, total} beside the items.
import { appError } from '../reply.js';
import type { Context } from '../router.js';

export function pageOf<T>(ctx: Context, items: T[], defaultLimit = 1000, maxLimit = 10_000): { items: T[]; pagination: { page: number; limit: number; total: number } } {
  const page = Number(ctx.query.get('page') ?? 1);
  const limit = Number(ctx.query.get('limit') ?? defaultLimit);
  if (!Number.isInteger(page) || page < 1) throw appError(400, `page must be a whole number from 1 (got ${ctx.query.get('page')})`);
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) throw appError(400, `limit must be between 1 and ${maxLimit} (got ${ctx.query.get('limit')})`);
  return { items: items.slice((page - 1) * limit, page * limit), pagination: { page, limit, total: items.length } };
}

/** A query flag sent as true / false. */
export function queryFlag(ctx: Context, name: string): boolean {
  const raw = ctx.query.get(name);
  if (raw === null || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw appError(400, `${name} must be true or false (got ${raw})`);
}

/**
 * Which folders' contents a list covers: the folder asked for (or the top level) and, unless
 * only direct descendants are wanted, every folder below it. `undefined` = everything.
 */
export function foldersCovered<Id>(folders: { id: Id; parent_folder_id: Id | null }[], parent: Id | null, directOnly: boolean): Set<Id | null> | undefined {
  if (parent === null && !directOnly) return undefined;
  const covered = new Set<Id | null>([parent]);
  if (directOnly) return covered;
  for (let grew = true; grew;) {
    grew = false;
    for (const folder of folders) {
      if (covered.has(folder.parent_folder_id) && !covered.has(folder.id)) {
        covered.add(folder.id);
        grew = true;
      }
    }
  }
  return covered;
}

/** Whether moving `id` under `parent` would put a folder inside itself. */
export function wouldLoop<Id>(folders: { id: Id; parent_folder_id: Id | null }[], id: Id, parent: Id | null): boolean {
  for (let at = parent; at !== null;) {
    if (at === id) return true;
    at = folders.find((f) => f.id === at)?.parent_folder_id ?? null;
  }
  return false;
}
