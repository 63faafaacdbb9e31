// The sandbox plays the delivery provider: a message it has sent by email, push, SMS or
// WhatsApp is marked delivered a moment later (as Track's delivered metric would), so that the
// App API's metrics and the reporting webhooks see sent and then delivered, as from
// Customer.io. In-app and inbox messages have no delivered metric (the document has none), and
// a delivery that reached an end (bounced, failed…) or was already reported delivered is left.
import { unixNow } from './ids.js';
import type { Change } from './model/changes.js';
import { applyMetric, findDelivery } from './model/outbox.js';
import type { Delivery, DeliveryType, State } from './state.js';

const DELIVERABLE = new Set<DeliveryType>(['email', 'push', 'twilio', 'whatsapp']);
const ENDED = ['delivered', 'bounced', 'dropped', 'failed', 'undeliverable', 'spammed'];

function ended(delivery: Delivery): boolean {
  return ENDED.some((metric) => delivery.metrics[metric] !== undefined);
}

/** Marks these deliveries delivered at `at` (Unix seconds), skipping any that reached an end meanwhile. */
export function markDelivered(state: State, ids: readonly string[], at: number): void {
  for (const id of ids) {
    const delivery = findDelivery(state, id);
    if (delivery && !ended(delivery)) applyMetric(state, delivery, 'delivered', at);
  }
}

export class Courier {
  /** Deliveries to mark, in the order they are due (the delay is constant, so sent order). */
  private readonly due: { delivery: Delivery; at: number }[] = [];
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly state: State,
    /** How long after sending a message is delivered; 0 turns the courier off. */
    private readonly delayMs: number,
    /** Called after each round of deliveries: let idle waiters look again. */
    private readonly afterRound: () => void,
    /** Makes a round's change (the state file's journal records it, then applies it with markDelivered). */
    private readonly deliver: (ids: string[], at: number) => void = (ids, at) => markDelivered(state, ids, at),
  ) {}

  observe(change: Change): void {
    if (this.closed || this.delayMs <= 0) return;
    if (change.kind !== 'delivery' || !change.created || change.metric !== 'sent' || !DELIVERABLE.has(change.delivery.type)) return;
    this.due.push({ delivery: change.delivery, at: Date.now() + this.delayMs });
    this.arm();
  }

  pending(): boolean {
    return this.due.length > 0;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.due.length = 0;
  }

  /** One timer for the earliest due delivery, however many are waiting. */
  private arm(): void {
    if (this.timer || this.due.length === 0) return;
    this.timer = setTimeout(() => this.deliverDue(), Math.max(0, this.due[0].at - Date.now()));
  }

  private deliverDue(): void {
    this.timer = undefined;
    const now = Date.now();
    const ids: string[] = [];
    while (this.due.length > 0 && this.due[0].at <= now) {
      const { delivery } = this.due.shift()!;
      if (!ended(delivery)) ids.push(delivery.id);
    }
    try {
      if (ids.length > 0) this.deliver(ids, unixNow());
    } finally {
      this.arm();
      this.afterRound();
    }
  }
}
