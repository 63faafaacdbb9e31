// Which events a trigger has already handed over, so that Customer.io's retries (it repeats an
// event until it gets a 2xx, for up to a week) start a workflow once. The store is pluggable:
// one process keeps them in memory (bounded); many workers share one (RedisEventStore, entry
// point `customerio-tray-connectors/trigger-event-store-redis`).

export interface TriggerEventStore {
  /** True the first time `key` is seen within `ttlMs`, false for a repeat; remembers it either way. */
  firstSeen(key: string, ttlMs: number): Promise<boolean>;
}

/** How long an event id is remembered: Customer.io retries a failing event for up to 7 days. */
export const EVENT_MEMORY_MS = 8 * 24 * 60 * 60 * 1000;

/**
 * Remembers at most `maxKeys` events, forgetting the oldest first (a Map keeps insertion order):
 * memory stays bounded however many events arrive. A repeat older than the bound is taken as new,
 * so the bound should exceed what arrives in the retry window.
 */
export class MemoryEventStore implements TriggerEventStore {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  async firstSeen(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    this.seen.delete(key);
    this.seen.set(key, now + ttlMs);
    while (this.seen.size > this.maxKeys) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }
}
