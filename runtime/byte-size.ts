/**
 * UTF-8 size of a value as Customer.io counts it: a string's bytes, or the bytes of anything
 * else written as JSON. The `maxBytes` keyword generates the same expression inline.
 */
export function byteSize(value: unknown): number {
  return Buffer.byteLength(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''), 'utf8');
}
