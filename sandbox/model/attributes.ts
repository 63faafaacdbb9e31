// How attribute values are stored (as sent) and shown: the App API returns every value as text.
// Attribute names are data, not code: `__proto__`, `constructor` or `toString` are ordinary
// attributes. They are written as own properties (a plain `target[name] = value` with the name
// `__proto__` would replace the object's prototype instead) and read only from own properties
// (a plain `attributes[name]` would find `toString` on every person).
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

/** The attribute's value when the object itself has it; nothing inherited. */
export function ownAttribute(attributes: Attributes, name: string): unknown {
  return Object.hasOwn(attributes, name) ? attributes[name] : undefined;
}

/** Sets `record[name]` as an own, ordinary property, whatever the name. */
export function setOwn(record: object, name: string, value: unknown): void {
  Object.defineProperty(record, name, { value, writable: true, enumerable: true, configurable: true });
}

/** Sets attributes and stamps each with `at`; null removes one, as Customer.io does. */
export function applyAttributes(target: { attributes: Attributes; timestamps: Record<string, number> }, changes: Attributes, at: number): void {
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) {
      if (Object.hasOwn(target.attributes, name)) delete target.attributes[name];
      if (Object.hasOwn(target.timestamps, name)) delete target.timestamps[name];
      continue;
    }
    setOwn(target.attributes, name, value);
    setOwn(target.timestamps, name, at);
  }
}
