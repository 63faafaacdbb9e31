// The page's view of the host's enabled triggers: fetched once on load (triggers outlive a page
// reload: the host keeps them until Disable), then every second while any is enabled, which is
// how the requests Customer.io sends show up live. Requests are also kept here, beyond their
// trigger's life, for the debug panel's history.
import { useCallback, useEffect, useRef, useState } from 'react';
import * as api from './api.js';
import type { Target, TriggerRequestEntry, TriggerView } from './api.js';

export const POLL_MS = 1000;
/** Trigger requests the debug panel's history keeps. */
const KEPT_REQUESTS = 100;

/** One request to a trigger's webhook, with the trigger it came to. */
export interface TriggerRequestRecord {
  /** `<trigger id>:<seq>`, unique on the page. */
  key: string;
  triggerId: string;
  connector: string;
  operation: string;
  title: string;
  target: Target;
  entry: TriggerRequestEntry;
}

/** The records of these triggers' requests merged into those already kept, newest first. */
function merged(kept: TriggerRequestRecord[], triggers: TriggerView[]): TriggerRequestRecord[] {
  const byKey = new Map(kept.map((record) => [record.key, record]));
  let changed = false;
  for (const trigger of triggers) {
    for (const entry of trigger.requests) {
      const key = `${trigger.id}:${entry.seq}`;
      const known = byKey.get(key);
      // An entry changes while its actions run; one that did not keep its record (and React's render).
      if (known && JSON.stringify(known.entry) === JSON.stringify(entry)) continue;
      byKey.set(key, { key, triggerId: trigger.id, connector: trigger.connector, operation: trigger.operation, title: trigger.title, target: trigger.target, entry });
      changed = true;
    }
  }
  if (!changed) return kept;
  return [...byKey.values()].sort((a, b) => b.entry.received_at.localeCompare(a.entry.received_at) || b.entry.seq - a.entry.seq).slice(0, KEPT_REQUESTS);
}

export function useTriggers() {
  const [triggers, setTriggers] = useState<TriggerView[]>([]);
  const [requests, setRequests] = useState<TriggerRequestRecord[]>([]);
  const [pollError, setPollError] = useState<string | null>(null);
  // A poll sent before a Disable may answer after it: what was disabled stays gone.
  const disabled = useRef(new Set<string>());

  const absorb = useCallback((all: TriggerView[]) => {
    const list = all.filter((t) => !disabled.current.has(t.id));
    setTriggers((previous) => (JSON.stringify(previous) === JSON.stringify(list) ? previous : list));
    setRequests((kept) => merged(kept, list));
    setPollError(null);
  }, []);

  const refresh = useCallback(
    () => api.fetchTriggers().then(absorb, (error: Error) => setPollError(error.message)),
    [absorb],
  );

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const polling = triggers.length > 0;
  useEffect(() => {
    if (!polling) return;
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [polling, refresh]);

  /** A trigger just enabled shows at once, before the next poll. */
  const added = useCallback((trigger: TriggerView) => {
    setTriggers((previous) => [...previous.filter((t) => t.id !== trigger.id), trigger]);
  }, []);

  /** A trigger just disabled goes at once; its requests stay in the history. */
  const removed = useCallback((id: string) => {
    disabled.current.add(id);
    setTriggers((previous) => previous.filter((t) => t.id !== id));
  }, []);

  return { triggers, requests, pollError, added, removed, refresh };
}
