// A secret as it can appear in text: as written, percent-encoded in a URL, escaped in JSON.
export function escapedForms(value: unknown): string[] {
  if (typeof value !== 'string' || value.length === 0) return [];
  return [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)];
}
