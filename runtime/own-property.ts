/**
 * Sets `key` as an own, plain data property. Assignment would do for every key but `__proto__`,
 * which would replace the object's prototype instead of becoming a field of it.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
