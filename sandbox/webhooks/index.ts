// The sandbox's reporting webhooks: every change of the workspace (model/changes.ts) becomes
// the events it produces (events.ts), and each event goes to the queue (queue.ts) of every
// registered, enabled webhook subscribed to it. Nothing here runs inside an API call but the
// building and queueing of events: sending is asynchronous and never fails the call.
import { setMaxListeners } from 'node:events';
import type { Change } from '../model/changes.js';
import type { ReportingWebhook, State } from '../state.js';
import { eventsFor } from './events.js';
import { DEFAULT_RULES, WebhookQueue, type DeliveryRules, type WebhookLog } from './queue.js';

export { DEFAULT_RULES, type AttemptRecord, type DeliveryRules, type WebhookLog } from './queue.js';
export { DEFAULT_SIGNING_KEY, signature } from './signer.js';
export type { ReportingEvent } from './events.js';

function subscribed(webhook: ReportingWebhook, names: string[]): boolean {
  return names.some((name) => webhook.events.includes(name));
}

export class WebhookSender {
  readonly rules: DeliveryRules;
  private readonly queues = new Map<number, WebhookQueue>();
  private readonly stop = new AbortController();
  private waiters: (() => void)[] = [];
  private closed = false;
  /** Events that could not be built (a bug, not an endpoint's failure): counted, never thrown. */
  private failures: { count: number; last: string | null } = { count: 0, last: null };

  constructor(
    private readonly state: State,
    readonly signingKey: string,
    rules: Partial<DeliveryRules> = {},
    /** Other work that will still produce events (the courier's pending deliveries). */
    private readonly pendingElsewhere: () => boolean = () => false,
  ) {
    this.rules = { ...DEFAULT_RULES, ...rules };
    // Every webhook's attempt in flight listens to this one signal: many webhooks are no leak.
    setMaxListeners(0, this.stop.signal);
  }

  /** Queues the events a change produces for the webhooks that take them. */
  report(change: Change): void {
    if (this.closed) return;
    try {
      const enabled = this.state.reporting_webhooks.filter((w) => !w.disabled);
      if (enabled.length === 0) return;
      const produced = eventsFor(this.state, change, (names) => enabled.some((w) => subscribed(w, names)));
      for (const { name, aliases, event, content, first } of produced) {
        for (const webhook of enabled) {
          if (!subscribed(webhook, [name, ...aliases])) continue;
          // Without full resolution, only the first open, click… of a delivery is reported.
          if (!first && !webhook.full_resolution) continue;
          const body = webhook.with_content && content ? { ...event, data: { ...event.data, ...content } } : event;
          this.queueOf(webhook.id).push({ name, event_id: event.event_id, body: JSON.stringify(body) });
        }
      }
    } catch (error) {
      this.failures = { count: this.failures.count + 1, last: (error as Error)?.message ?? String(error) };
    }
  }

  /** Resolves once nothing is waiting to be produced or sent (at once when nothing is). */
  idle(): Promise<void> {
    if (!this.busy()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Looks again whether those waiting for idleness can go on. */
  settled(): void {
    if (this.busy()) return;
    const waiting = this.waiters;
    this.waiters = [];
    for (const resolve of waiting) resolve();
  }

  /** Every webhook registered or sent to, by ID: queue, counts, last status and error, recent attempts. */
  log(): WebhookLog[] {
    for (const webhook of this.state.reporting_webhooks) this.queueOf(webhook.id);
    return [...this.queues.entries()].sort(([a], [b]) => a - b).map(([, queue]) => queue.view());
  }

  /** Events that failed to build, if any (always 0 unless the sandbox has a bug). */
  buildFailures(): { count: number; last: string | null } {
    return { ...this.failures };
  }

  /** Stops every queue and its timers and aborts the attempts in flight; waiters are released. */
  close(): void {
    this.closed = true;
    this.stop.abort();
    for (const queue of this.queues.values()) queue.close();
    this.waiters.splice(0).forEach((resolve) => resolve());
  }

  private busy(): boolean {
    return !this.closed && ([...this.queues.values()].some((q) => q.busy()) || this.pendingElsewhere());
  }

  private queueOf(webhookId: number): WebhookQueue {
    let queue = this.queues.get(webhookId);
    if (!queue) {
      queue = new WebhookQueue({
        webhookId,
        lookup: () => this.state.reporting_webhooks.find((w) => w.id === webhookId),
        rules: this.rules,
        signingKey: this.signingKey,
        signal: this.stop.signal,
        settled: () => this.settled(),
      });
      this.queues.set(webhookId, queue);
    }
    return queue;
  }
}
