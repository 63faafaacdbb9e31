// Small readers shared by the route modules: the body as an object, numeric path parameters,
// a person addressed by the App API's `id_type`, a record named by its numeric ID in the path.
import { appError, type ApiError } from '../reply.js';
import type { Context } from '../router.js';
import type { Person } from '../state.js';
import { findPerson, type IdKind } from '../model/people.js';
import { recordById, type RecordKind, type RecordTypes } from '../model/indexes.js';

export type Fail = (message: string) => ApiError;

export const appFail: Fail = (message) => appError(400, message);

export function objectBody(ctx: Context, fail: Fail): Record<string, unknown> {
  const body = ctx.body ?? {};
  if (typeof body !== 'object' || Array.isArray(body) || body === null) throw fail('the request body must be a JSON object');
  return body as Record<string, unknown>;
}

export function intParam(ctx: Context, name: string, fail: Fail = appFail): number {
  const raw = ctx.params[name];
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value)) throw fail(`${name} must be a whole number (got ${raw})`);
  return value;
}

export function idType(ctx: Context): IdKind {
  const kind = ctx.query.get('id_type') ?? 'id';
  if (!['id', 'email', 'cio_id', 'phone'].includes(kind)) throw appError(400, `id_type must be id, email, phone or cio_id (got ${kind})`);
  return kind as IdKind;
}

/** The person a `{customer_id}` + `id_type` App path names; 404 when there is none. */
export function personFromPath(ctx: Context, param = 'customer_id'): Person {
  const kind = idType(ctx);
  const value = ctx.params[param];
  const person = findPerson(ctx.state, kind, value);
  if (!person) throw appError(404, `no person has ${kind} ${value}`);
  return person;
}

/** The record of `kind` whose ID is the path's `param` (a whole number); 404 naming `noun` when there is none. */
export function recordFromPath<K extends RecordKind>(ctx: Context, kind: K, param: string, noun: string): RecordTypes[K] {
  const id = intParam(ctx, param);
  const record = recordById(ctx.state, kind, id);
  if (!record) throw appError(404, `${noun} ${id} not found`);
  return record;
}

export function queryNumber(ctx: Context, name: string): number | undefined {
  const raw = ctx.query.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw appError(400, `${name} must be a number (got ${raw})`);
  return value;
}

export function requireString(value: unknown, field: string, fail: Fail): string {
  if (typeof value !== 'string' || value.trim() === '') throw fail(`${field} is required`);
  return value;
}
