// The changes someone outside the workspace wants to hear about: a delivery reaching a metric,
// a person subscribing, unsubscribing or changing their topic preferences. The model functions
// that make those changes report them here; the sandbox's reporting webhooks and its courier
// listen. Listeners are kept beside the state (a WeakMap keyed by it), not in it, so the state
// stays plain JSON and every model function keeps the signature it has.
import { withoutIdSeed } from '../ids.js';
import type { Delivery, Person, State } from '../state.js';

export type Change =
  | {
    kind: 'delivery';
    delivery: Delivery;
    /** As recorded or reported: sent, delivered, opened, human_clicked… */
    metric: string;
    /** Unix seconds. */
    at: number;
    /** The delivery reached this metric (or, for clicks, any kind of click) for the first time. */
    first: boolean;
    /** true when the sandbox has just recorded the delivery (a send), false for a later metric. */
    created: boolean;
    href?: string;
  }
  | { kind: 'subscription'; person: Person; metric: 'subscribed' | 'unsubscribed'; at: number }
  | { kind: 'preferences'; person: Person; at: number; /** Only the topics whose value changed. */ topics: Record<string, boolean> };

export type ChangeListener = (change: Change) => void;

const listeners = new WeakMap<State, Set<ChangeListener>>();

/** Starts telling `listener` about this workspace's changes; the function returned stops it. */
export function watchChanges(state: State, listener: ChangeListener): () => void {
  const set = listeners.get(state) ?? new Set<ChangeListener>();
  set.add(listener);
  listeners.set(state, set);
  return () => set.delete(listener);
}

/**
 * Tells the listeners; a listener that throws never fails the call that made the change.
 * Listeners draw IDs (webhook event IDs) outside the change's seeded IDs: a replayed change
 * has no listeners, and must draw the same IDs for the state without them.
 */
export function reportChange(state: State, change: Change): void {
  const watching = listeners.get(state);
  if (!watching?.size) return;
  withoutIdSeed(() => {
    for (const listener of watching) {
      try {
        listener(change);
      } catch {
        // Listeners guard themselves and keep their own error log; this is the last line.
      }
    }
  });
}
