// Gives every event a ULID `id` unless the user set one. Customer.io ignores a repeated event id,
// so a retried request can never record the same event twice.
import { monotonicFactory } from 'ulid';
import type { EventIdPlacement } from './definitions.js';

const V2_EVENT_ACTIONS = new Set(['event', 'page', 'screen']);

/** One generator for the process: the plain ulid() re-detects its random source on every call (slow). */
export const newEventId: () => string = monotonicFactory();

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function withId(event: Record<string, unknown>, newId: () => string): Record<string, unknown> {
  return event.id === undefined ? { ...event, id: newId() } : event;
}

function withEntityId(entity: unknown, newId: () => string): unknown {
  if (isRecord(entity) && entity.type === 'person' && V2_EVENT_ACTIONS.has(String(entity.action))) {
    return withId(entity, newId);
  }
  return entity;
}

export function addEventIds(body: unknown, placement: EventIdPlacement, newId: () => string = newEventId): unknown {
  if (!isRecord(body)) return body;
  switch (placement) {
    case 'body':
      return withId(body, newId);
    case 'entity':
      return withEntityId(body, newId);
    case 'batch':
      return Array.isArray(body.batch) ? { ...body, batch: body.batch.map((item) => withEntityId(item, newId)) } : body;
  }
}
