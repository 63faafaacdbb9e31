// A sliding window per key: at most `requests` in any `windowMs`. Refused requests do not count.
export interface WindowLimit {
  requests: number;
  windowMs: number;
}

export class SlidingWindow {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly limit: WindowLimit) {}

  /** Records a request for `key` and says whether it is within the limit. */
  take(key: string, now = performance.now()): boolean {
    const recent = (this.hits.get(key) ?? []).filter((at) => now - at < this.limit.windowMs);
    const allowed = recent.length < this.limit.requests;
    if (allowed) recent.push(now);
    this.hits.set(key, recent);
    return allowed;
  }
}
