// The shapes a host exchanges with the registry's trigger calls (enableTrigger,
// handleTriggerRequest, disableTrigger): types only, so the types hosts see stay free of the
// runtime's internals.
import type { AuthValues } from '../../auth/types.js';
import type { ExecuteOptions } from '../contracts.js';
import type { EnvelopeError } from '../envelope.js';
import type { ReportingEvent } from './events.js';
import type { HeaderValues } from './signature.js';

/** What the host keeps between enabling a trigger and disabling it. */
export interface TriggerState {
  connector: string;
  operation: string;
  /** The reporting webhook registered for the trigger. */
  webhook_id: string | number;
  endpoint: string;
  /** The events it was registered for (`email_bounced`…). */
  events: string[];
  created_at: string;
}

export interface EnableTriggerRequest {
  connector: string;
  operation: string;
  auth: AuthValues;
  input?: Record<string, unknown>;
  /** Where Customer.io is to post the events: the host's URL for this trigger. */
  webhookUrl: string;
  options?: ExecuteOptions;
}

export type TriggerEnvelope = { ok: true; state: TriggerState } | { ok: false; error: EnvelopeError };

export interface TriggerRequest {
  connector: string;
  operation: string;
  auth: AuthValues;
  input?: Record<string, unknown>;
  state: TriggerState;
  /** The request as received: its headers, and its body exactly as it came (bytes, or text). */
  request: { headers: HeaderValues; rawBody: Buffer | string };
  options?: {
    /** How far `X-CIO-Timestamp` may be from now, in seconds (default 300). */
    toleranceS?: number;
    /** The largest body taken, in bytes (default 2 MB). */
    maxBodyBytes?: number;
    /** The clock, in ms (tests). */
    now?: () => number;
  };
}

export interface TriggerResult {
  /** What to answer Customer.io: 2xx takes the event off its queue; anything else, it retries. */
  response: { status: number; body: Record<string, unknown> };
  /** The events to start workflows with: none unless the request was verified and wanted. */
  events: ReportingEvent[];
  verification: { verified: boolean; reason?: string };
  /** Verified events the trigger did not hand over, and why (a filter, a repeat). */
  left_out: { event_id: string; reason: string }[];
}

export interface DisableTriggerRequest {
  connector: string;
  operation: string;
  auth: AuthValues;
  state: TriggerState;
  options?: ExecuteOptions;
}
