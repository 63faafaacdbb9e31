/**
 * Whether a value is a FormData (a multipart body). Checked by its tag rather than with
 * `instanceof FormData`: the first touch of the global FormData makes Node load its fetch
 * implementation (undici), tens of milliseconds that a call without a file should not pay.
 */
export function isFormData(value: unknown): value is FormData {
  if (typeof value !== 'object' || value === null) return false;
  // Every JSON body is a plain object or an array: answered without looking up a symbol on it.
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype === Object.prototype || prototype === Array.prototype || prototype === null) return false;
  return (value as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'FormData';
}
