// Gives every event a ULID `id` unless the user set one. Customer.io ignores a repeated event id,
// so a retried request can never record the same event twice.
import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import type { EventIdPlacement } from '../definitions.js';

const V2_EVENT_ACTIONS = new Set(['event', 'page', 'screen']);

/**
 * ulid's default random source asks the system for one byte per character: sixteen calls into
 * the crypto module for each new millisecond, which cost more than the rest of a call. The same
 * source (Node's CSPRNG) read 4 KB at a time gives the same randomness for a fraction of that.
 */
function pooledRandom(): () => number {
  const pool = Buffer.alloc(4096);
  let next = pool.length;
  return () => {
    if (next === pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    return pool[next++]! / 256;
  };
}

/** One generator for the process: the plain ulid() re-detects its random source on every call (slow). */
export const newEventId: () => string = monotonicFactory(pooledRandom());

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function withId(event: Record<string, unknown>, newId: () => string): Record<string, unknown> {
  return event.id === undefined ? { ...event, id: newId() } : event;
}

/** Whether a v2 entity is an event (a person's event, page or screen view), which gets an id. */
export function isEventEntity(entity: { type?: unknown; action?: unknown }): boolean {
  return entity.type === 'person' && V2_EVENT_ACTIONS.has(String(entity.action));
}

/** A v2 entity as sent: an event without an id gets one (a copy); anything else is itself. */
export function withEntityId(entity: unknown, newId: () => string = newEventId): unknown {
  return isRecord(entity) && isEventEntity(entity) ? withId(entity, newId) : entity;
}

/** The body with an id on every event that has none (a v2 entity, or each of a batch's). */
export function addEventIds(body: unknown, placement: EventIdPlacement, newId: () => string = newEventId): unknown {
  if (!isRecord(body)) return body;
  switch (placement) {
    case 'body':
      return withId(body, newId);
    case 'entity':
      return withEntityId(body, newId);
    case 'batch':
      // A PackedList's entries were given their ids when the bulk runner serialised them.
      return Array.isArray(body.batch) ? { ...body, batch: body.batch.map((item) => withEntityId(item, newId)) } : body;
  }
}
