// How attribute values are stored (as sent) and shown: the App API returns every value as text.
import type { Attributes } from '../state.js';

export function attributeText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function attributesAsText(attributes: Attributes): Record<string, string> {
  return Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, attributeText(value)]));
}

/** Sets attributes and stamps each with `at`; null removes one, as Customer.io does. */
export function applyAttributes(target: { attributes: Attributes; timestamps: Record<string, number> }, changes: Attributes, at: number): void {
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) {
      delete target.attributes[name];
      delete target.timestamps[name];
      continue;
    }
    target.attributes[name] = value;
    target.timestamps[name] = at;
  }
}
