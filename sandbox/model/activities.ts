// The activity log: events, page and screen views, form submissions and every delivery and
// delivery metric, each tied to a person (or to an anonymous ID until someone is identified).
import { ulid } from '../ids.js';
import type { Activity, Attributes, Person, State } from '../state.js';
import { firstSighting } from './indexes.js';
import { identifiersOf, personByCioId } from './people.js';

export interface NewActivity {
  type: string;
  name?: string | null;
  timestamp?: number;
  person?: Person;
  anonymous_id?: string | null;
  data?: Attributes | null;
  delivery_id?: string | null;
  delivery_type?: string | null;
}

export function recordActivity(state: State, entry: NewActivity, now: number): Activity {
  const activity: Activity = {
    id: ulid(),
    type: entry.type,
    name: entry.name ?? null,
    timestamp: entry.timestamp ?? now,
    cio_id: entry.person?.cio_id ?? null,
    anonymous_id: entry.anonymous_id ?? null,
    identifiers: entry.person ? identifiersOf(entry.person) : null,
    data: entry.data ?? null,
    delivery_id: entry.delivery_id ?? null,
    delivery_type: entry.delivery_type ?? null,
    deleted: false,
  };
  state.activities.push(activity);
  return activity;
}

/**
 * Records an event unless its `id` was seen before: Customer.io ignores a repeated event ID,
 * which is what makes retrying events safe. Returns false for an ignored repeat.
 */
export function recordEvent(state: State, eventId: unknown, entry: NewActivity, now: number): boolean {
  if (typeof eventId === 'string' && eventId !== '') {
    if (!firstSighting(state, eventId)) return false;
  }
  recordActivity(state, { ...entry, name: typeof entry.name === 'string' ? entry.name.trim() : entry.name }, now);
  return true;
}

export function activityView(state: State, activity: Activity) {
  const person = activity.cio_id ? personByCioId(state, activity.cio_id) : undefined;
  const identifiers = person ? identifiersOf(person) : activity.identifiers;
  return {
    id: activity.id,
    type: activity.type,
    name: activity.name,
    timestamp: activity.timestamp,
    customer_id: identifiers?.id ?? null,
    customer_identifiers: identifiers ?? { id: null, email: null, cio_id: '' },
    data: activity.data,
    delivery_id: activity.delivery_id,
    delivery_type: activity.delivery_type,
  };
}

/** Newest first, as the App API lists them. */
export function newestFirst<T extends { timestamp?: number; created?: number }>(items: T[]): T[] {
  return items.map((item, index) => ({ item, index })).sort((a, b) => {
    const at = (b.item.timestamp ?? b.item.created ?? 0) - (a.item.timestamp ?? a.item.created ?? 0);
    return at !== 0 ? at : b.index - a.index;
  }).map(({ item }) => item);
}
