// Customer.io's documented Track limits, checked on what arrives (the runtime checks them
// before sending, so these answers are what a client without that check would see).
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
  /** Request bodies larger than this are refused before parsing (broadcast triggers go up to 25 MB). */
  requestBytes: 26_000_000,
} as const;

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
