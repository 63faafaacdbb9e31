// Customer.io's documented Track limits, checked on what arrives (the runtime checks them
// before sending, so these answers are what a client without that check would see), and the
// sandbox's own limits on what a request may cost it before any of that is looked at.
import type { ApiName } from './router.js';
export const LIMITS = {
  identifierBytes: 150,
  attributeNameBytes: 150,
  attributeValueBytes: 1000,
  attributes: 300,
  eventNameBytes: 100,
  eventDataBytes: 100_000,
  /** `/api/v2/entity` bodies and each batch item: under 32 KB. */
  entityBytes: 32_767,
  /** `/api/v2/batch` bodies: under 500 KB. */
  batchBytes: 511_999,
  segmentIds: 1000,
  bulkAttributeIds: 100,
} as const;

/**
 * The most a request body may weigh, by where it goes: checked against Content-Length before a
 * byte is read, and against the bytes as they arrive (chunked bodies). Customer.io's own figures
 * where it gives one; for the rest, the largest body the documented field limits allow, rounded up.
 */
export const BODY_CAPS = {
  /** `/api/v2/entity`: "under 32 KB". */
  trackEntity: LIMITS.entityBytes,
  /** `/api/v2/batch`: "under 500 KB". */
  trackBatch: LIMITS.batchBytes,
  /**
   * Every other Track call: no size is documented, but 300 attributes of 150-byte names and
   * 1000-byte values (an identify) or 100 KB of event data stay well under 1 MB, even escaped.
   */
  track: 1_048_576,
  /** `/v1/send/*`: a 1 MB payload plus up to 2 MB of attachments, base64-encoded (2.7 MB). */
  appSend: 4 * 1_048_576,
  /** `/v1/campaigns/{id}/triggers`: "25 MB total". */
  appTrigger: 25 * 1_048_576,
  /** Every other App and Beta call: no document gives a figure; 5 MB holds any collection, template or newsletter body the sandbox keeps. */
  app: 5 * 1_048_576,
} as const;

/** The cap for a request to `rest` (the path after the API's prefix) of this API. */
export function bodyCapFor(api: ApiName, rest: string): number {
  if (api === 'track') {
    if (rest === '/v2/entity') return BODY_CAPS.trackEntity;
    if (rest === '/v2/batch') return BODY_CAPS.trackBatch;
    return BODY_CAPS.track;
  }
  if (rest.startsWith('/send/')) return BODY_CAPS.appSend;
  if (/^\/campaigns\/[^/]+\/triggers$/.test(rest)) return BODY_CAPS.appTrigger;
  return BODY_CAPS.app;
}

/**
 * How the sandbox protects itself from what arrives, beyond Customer.io's documented limits
 * (the sandbox's own choices; `startSandbox({ requestLimits })` changes them, tests shorten the
 * timeouts).
 */
export interface RequestLimits {
  /**
   * The deepest a JSON body (or each item of a v2 batch) may nest; `{}` is 1 level. Checked on
   * the raw bytes before parsing: everything that later walks the value (size checks, the
   * state file, answers) recurses, and 20,000 levels overflow the stack.
   */
  maxDepth: number;
  /**
   * Bodies being read at once may hold at most this many bytes together: each upload reserves
   * its Content-Length (its route's cap when chunked) before the first byte is read, and waits
   * its turn when the budget is taken. At least the largest cap, so every allowed body fits.
   */
  uploadBudgetBytes: number;
  /** Uploads that may wait for the budget; one more is answered 503 at once. */
  maxWaitingUploads: number;
  /** How long an upload may wait for the budget before it is answered 503. */
  uploadWaitMs: number;
  /** A body that sends nothing for this long is stalled: 408 and the connection is closed. */
  bodyIdleMs: number;
  /** A body must have arrived this long after its reading began: 408 otherwise. */
  bodyTotalMs: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  maxDepth: 128,
  uploadBudgetBytes: 32 * 1_048_576,
  maxWaitingUploads: 32,
  uploadWaitMs: 10_000,
  bodyIdleMs: 10_000,
  bodyTotalMs: 60_000,
};

export interface Problem {
  field: string;
  message: string;
}

export function byteLength(value: unknown): number {
  return Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value) ?? '', 'utf8');
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

export function checkIdentifier(value: string, field: string): Problem | undefined {
  const size = byteLength(value);
  if (size > LIMITS.identifierBytes) return { field, message: `identifiers must be at most ${LIMITS.identifierBytes} bytes (it is ${size})` };
  return undefined;
}

/** Names up to 150 bytes, values up to 1000 bytes, at most 300 of them. */
export function checkAttributes(attributes: Record<string, unknown>, field: string): Problem[] {
  const problems: Problem[] = [];
  const names = Object.keys(attributes);
  if (names.length > LIMITS.attributes) {
    problems.push({ field, message: `at most ${LIMITS.attributes} attributes can be set at once (got ${names.length})` });
  }
  for (const name of names) {
    const nameSize = byteLength(name);
    if (nameSize > LIMITS.attributeNameBytes) {
      problems.push({ field: `${field}.${shorten(name)}`, message: `attribute names must be at most ${LIMITS.attributeNameBytes} bytes (it is ${nameSize})` });
    }
    const valueSize = byteLength(attributes[name]);
    if (valueSize > LIMITS.attributeValueBytes) {
      problems.push({ field: `${field}.${shorten(name)}`, message: `attribute values must be at most ${LIMITS.attributeValueBytes} bytes (it is ${valueSize})` });
    }
  }
  return problems;
}

export function checkEvent(name: unknown, data: unknown, field: { name: string; data: string }): Problem[] {
  const problems: Problem[] = [];
  if (typeof name !== 'string' || name.trim() === '') {
    problems.push({ field: field.name, message: 'an event needs a name' });
  } else if (byteLength(name) > LIMITS.eventNameBytes) {
    problems.push({ field: field.name, message: `event names must be at most ${LIMITS.eventNameBytes} bytes (it is ${byteLength(name)})` });
  }
  if (data !== undefined && data !== null) {
    if (typeof data !== 'object' || Array.isArray(data)) problems.push({ field: field.data, message: 'event data must be an object' });
    else if (byteLength(data) > LIMITS.eventDataBytes) {
      problems.push({ field: field.data, message: `event data must be at most ${LIMITS.eventDataBytes} bytes (it is ${byteLength(data)})` });
    }
  }
  return problems;
}

export function describeProblems(problems: Problem[]): string[] {
  return problems.map((p) => `${p.field}: ${p.message}`);
}
