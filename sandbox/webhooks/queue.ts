// One webhook's queue, delivered as Customer.io delivers reporting webhooks: one event at a
// time and in order; an attempt without a 2xx answer within the timeout is retried with
// exponential backoff, and the events behind it wait (are held) until it succeeds or its retry
// budget runs out. The queue is bounded, so an endpoint that is down fills only its own queue,
// and it keeps a short log of what happened, for tests and the reference host to show.
import { isIP } from 'node:net';
import type { ReportingWebhook } from '../state.js';
import { postOnce } from './post.js';
import { signedHeaders } from './signer.js';

export interface DeliveryRules {
  /** How long an attempt may wait for the answer's status (Customer.io: 4 s). */
  timeoutMs: number;
  /** The wait before retry n is the nth entry; the last one repeats. */
  retryDelaysMs: number[];
  /** After the statuses and connection failures Customer.io waits an hour for, the first retry waits at least this long. */
  longFirstRetryMs: number;
  /** Attempts per event, the first included; then the event is given up and the next one goes. */
  maxAttempts: number;
  /** Events a webhook's queue holds (the one being sent included); past it new events are dropped. */
  maxQueued: number;
  /** Call endpoints that are not on this machine (default false: nothing leaves the machine). */
  allowRemote: boolean;
}

/**
 * Customer.io retries for 7 days and waits an hour before the first retry after a refusal. A
 * sandbox runs for minutes, so its clock runs 720 times faster: an hour is 5 s and 7 days
 * about 14 minutes (1, 2, 4, 8, 16, 32 s, then every 60 s: 20 attempts, 843 s of waiting).
 * The 4 s timeout is Customer.io's own.
 */
export const DEFAULT_RULES: DeliveryRules = {
  timeoutMs: 4000,
  retryDelaysMs: [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000],
  longFirstRetryMs: 5000,
  maxAttempts: 20,
  maxQueued: 1000,
  allowRemote: false,
};

export interface QueuedEvent {
  /** The subscribed name (email_sent…). */
  name: string;
  event_id: string;
  /** The JSON body, serialised once: every attempt signs and sends these exact bytes. */
  body: string;
}

export interface AttemptRecord {
  event: string;
  event_id: string;
  /** 1 for the first attempt; 0 for an event dropped without an attempt. */
  attempt: number;
  /** ISO time of the attempt. */
  at: string;
  status: number | null;
  error: string | null;
  duration_ms: number;
  outcome: 'delivered' | 'retrying' | 'gave_up' | 'dropped';
  retry_in_ms?: number;
}

export interface WebhookLog {
  webhook_id: number;
  endpoint: string | null;
  /** The webhook is no longer registered (its log stays). */
  deleted: boolean;
  /** Events waiting, the one being sent or retried included. */
  queued: number;
  in_flight: boolean;
  delivered: number;
  failed_attempts: number;
  gave_up: number;
  dropped: number;
  last_status: number | null;
  last_error: string | null;
  last_attempt_at: string | null;
  /** The latest attempts and drops, oldest first (at most 50). */
  recent: AttemptRecord[];
}

const RECENT = 50;

export interface QueueContext {
  webhookId: number;
  /** The webhook as registered now: its current endpoint, or undefined once deleted. */
  lookup(): ReportingWebhook | undefined;
  rules: DeliveryRules;
  signingKey: string;
  /** Aborted when the sandbox closes: stops the attempt in flight. */
  signal: AbortSignal;
  /** Called when the queue empties or stops, so waiters for idleness can look again. */
  settled(): void;
}

/** Whether an endpoint is on this machine (localhost, 127.0.0.0/8, ::1). */
export function isLoopback(endpoint: string): boolean {
  let host: string;
  try {
    host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host.startsWith('::ffff:127.');
  return false;
}

export class WebhookQueue {
  private readonly items: (QueuedEvent & { attempts: number })[] = [];
  private running = false;
  private inFlight = false;
  private closed = false;
  private pause?: { timer: NodeJS.Timeout; wake(): void };
  private readonly log: Omit<WebhookLog, 'queued' | 'in_flight' | 'deleted' | 'endpoint'> & { endpoint: string | null };

  constructor(private readonly context: QueueContext) {
    this.log = {
      webhook_id: context.webhookId, endpoint: context.lookup()?.endpoint ?? null, delivered: 0, failed_attempts: 0, gave_up: 0, dropped: 0,
      last_status: null, last_error: null, last_attempt_at: null, recent: [],
    };
  }

  push(event: QueuedEvent): void {
    if (this.closed) return;
    if (this.items.length >= this.context.rules.maxQueued) {
      this.drop(event, `the queue is full (${this.context.rules.maxQueued} events wait for this endpoint): the newest are dropped`);
      return;
    }
    this.items.push({ ...event, attempts: 0 });
    if (this.running) return;
    // Started on the next turn: the API call that made the event answers first.
    this.running = true;
    setImmediate(() => {
      // run() guards every step; should a bug still throw, it is logged, never thrown at the sandbox.
      this.run().catch((error: unknown) => {
        this.log.last_error = `the sandbox failed while sending: ${(error as Error)?.message ?? String(error)}`;
      });
    });
  }

  busy(): boolean {
    return this.items.length > 0 || this.running;
  }

  close(): void {
    this.closed = true;
    this.items.length = 0;
    if (this.pause) {
      clearTimeout(this.pause.timer);
      this.pause.wake();
    }
  }

  view(): WebhookLog {
    const webhook = this.context.lookup();
    return {
      ...this.log,
      endpoint: webhook?.endpoint ?? this.log.endpoint,
      deleted: !webhook,
      queued: this.items.length,
      in_flight: this.inFlight,
      recent: [...this.log.recent],
    };
  }

  private async run(): Promise<void> {
    try {
      while (!this.closed && this.items.length > 0) {
        const item = this.items[0];
        const webhook = this.context.lookup();
        if (!webhook || webhook.disabled) {
          const why = webhook ? 'the webhook was disabled before this event was sent' : 'the webhook was deleted before this event was sent';
          for (const dropped of this.items.splice(0)) this.drop(dropped, why);
          break;
        }
        this.log.endpoint = webhook.endpoint;
        if (!this.context.rules.allowRemote && !isLoopback(webhook.endpoint)) {
          this.items.shift();
          this.drop(item, `not sent: ${webhook.endpoint} is not on this machine (the sandbox calls only localhost endpoints unless webhookDelivery.allowRemote is true)`);
          continue;
        }
        item.attempts++;
        this.inFlight = true;
        const result = await postOnce(webhook.endpoint, item.body, signedHeaders(this.context.signingKey, item.body), this.context.rules.timeoutMs, this.context.signal);
        this.inFlight = false;
        if (this.closed) return;
        const at = new Date(Date.now() - result.durationMs).toISOString();
        Object.assign(this.log, { last_status: result.status, last_error: result.error, last_attempt_at: at });
        const record = { event: item.name, event_id: item.event_id, attempt: item.attempts, at, status: result.status, error: result.error, duration_ms: result.durationMs };
        if (result.error === null) {
          this.log.delivered++;
          this.remember({ ...record, outcome: 'delivered' });
          this.items.shift();
          continue;
        }
        this.log.failed_attempts++;
        if (item.attempts >= this.context.rules.maxAttempts) {
          this.log.gave_up++;
          this.remember({ ...record, outcome: 'gave_up' });
          this.items.shift();
          continue;
        }
        const wait = this.delayBefore(item.attempts, result.longWait);
        this.remember({ ...record, outcome: 'retrying', retry_in_ms: wait });
        await this.sleep(wait);
      }
    } finally {
      this.running = false;
      this.inFlight = false;
      this.context.settled();
    }
  }

  /** The wait before retry `retry` (1 = the first retry). */
  private delayBefore(retry: number, longWait: boolean): number {
    const { retryDelaysMs, longFirstRetryMs } = this.context.rules;
    const base = retryDelaysMs[Math.min(retry, retryDelaysMs.length) - 1] ?? 0;
    return retry === 1 && longWait ? Math.max(base, longFirstRetryMs) : base;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.pause = undefined;
        resolve();
      };
      this.pause = { timer: setTimeout(wake, ms), wake };
    });
  }

  private drop(event: QueuedEvent, why: string): void {
    this.log.dropped++;
    this.log.last_error = why;
    this.remember({ event: event.name, event_id: event.event_id, attempt: 0, at: new Date().toISOString(), status: null, error: why, duration_ms: 0, outcome: 'dropped' });
  }

  private remember(record: AttemptRecord): void {
    this.log.recent.push(record);
    if (this.log.recent.length > RECENT) this.log.recent.shift();
  }
}
