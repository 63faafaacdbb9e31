/**
 * Whether a value is a FormData (a multipart body). Checked by its tag rather than with
 * `instanceof FormData`: the first touch of the global FormData makes Node load its fetch
 * implementation (undici), tens of milliseconds that a call without a file should not pay.
 */
export function isFormData(value: unknown): value is FormData {
  return typeof value === 'object' && value !== null && (value as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'FormData';
}
