// Fills `{param}` placeholders. Each value becomes exactly one path segment: `/`, `?`, `#`, `%`
// are percent-encoded, and a segment made only of dots is encoded too, so `..` can never climb
// to another endpoint.
import { userInputError } from './envelope.js';

export function encodePathSegment(value: string): string {
  const encoded = encodeURIComponent(value);
  return /^\.+$/.test(value) ? encoded.replace(/\./g, '%2E') : encoded;
}

export function templateParams(template: string): string[] {
  return [...template.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!);
}

/** Text that cannot be percent-encoded (an unpaired UTF-16 surrogate) is refused, naming its field. */
function encodeOrRefuse(value: string, field: string, encode: (text: string) => string): string {
  try {
    return encode(value);
  } catch {
    throw userInputError(`"input.${field}": must be valid Unicode text (it holds an unpaired surrogate)`, [{ field: `input.${field}`, rule: 'unicode' }]);
  }
}

export function fillPath(template: string, values: Record<string, unknown>): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined || value === null || value === '') {
      throw new Error(`path parameter ${name} has no value`);
    }
    return encodeOrRefuse(String(value), name, encodePathSegment);
  });
}

export function queryString(entries: [string, unknown][]): string {
  const parts = entries
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeOrRefuse(typeof value === 'object' ? JSON.stringify(value) : String(value), key, encodeURIComponent)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
