// Reads an answer's text as JSON without throwing: an empty body is "no value", text that is not
// JSON says so, and the caller decides what that means.
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
