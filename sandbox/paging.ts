// Cursor pages as Customer.io's App API hands them out: `start` is the `next` of the previous
// page (an opaque string; here the base64 of an offset) and `next` is empty on the last page.
import { appError } from './reply.js';

export interface PageOptions {
  defaultLimit: number;
  maxLimit: number;
}

export function readLimit(query: URLSearchParams, { defaultLimit, maxLimit }: PageOptions): number {
  const raw = query.get('limit');
  if (raw === null || raw === '') return defaultLimit;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1) throw appError(400, `limit must be a positive whole number (got ${raw})`);
  return Math.min(limit, maxLimit);
}

export function encodeCursor(offset: number): string {
  return Buffer.from(String(offset)).toString('base64url');
}

export function decodeCursor(start: string | null): number {
  if (start === null || start === '') return 0;
  const offset = Number(Buffer.from(start, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) throw appError(400, `start is not a cursor this API handed out (got ${start})`);
  return offset;
}

export function cursorPage<T>(items: T[], query: URLSearchParams, options: PageOptions): { items: T[]; next: string } {
  const offset = decodeCursor(query.get('start'));
  const limit = readLimit(query, options);
  const page = items.slice(offset, offset + limit);
  return { items: page, next: offset + limit < items.length ? encodeCursor(offset + limit) : '' };
}
