// Fills `{param}` placeholders. Each value becomes exactly one path segment: `/`, `?`, `#`, `%`
// are percent-encoded, and `.` and `..` are refused: URL parsers (this runtime's, a proxy's, a
// host reading a dry run's URL back) fold such a segment into another path however it is
// encoded, so no encoding makes it reliably address "the person called ..".
import { userInputError } from '../envelope.js';

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

/** A path template cut once into its text and its parameters: `/customers/{id}/events` → ['/customers/', 'id', '/events']. */
const compiled = new Map<string, string[]>();
function partsOf(template: string): string[] {
  let parts = compiled.get(template);
  if (!parts) {
    // Even positions are the template's own text, odd ones parameter names (split keeps the groups).
    parts = template.split(/\{([A-Za-z0-9_]+)\}/);
    if (compiled.size < 10_000) compiled.set(template, parts); // definitions have a few hundred
  }
  return parts;
}

/**
 * `fields` names the input a parameter comes from when that is not the parameter's own name
 * (an identifier choice fills `{customer_id}` from `identifier.email`).
 */
export function fillPath(template: string, values: Record<string, unknown>, fields: Record<string, string> = {}): string {
  const parts = partsOf(template);
  let path = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i]!;
    const value = values[name];
    if (value === undefined || value === null || value === '') {
      throw new Error(`path parameter ${name} has no value`);
    }
    const text = String(value);
    const field = fields[name] ?? name;
    if (text === '.' || text === '..') {
      throw userInputError(
        `"input.${field}": cannot be "${text}": no URL reliably addresses a path segment of dots, so Customer.io cannot be asked about it`,
        [{ field: `input.${field}`, rule: 'not_dot_segment' }],
      );
    }
    path += encodeOrRefuse(text, field, encodeURIComponent) + parts[i + 1]!;
  }
  return path;
}

export function queryString(entries: [string, unknown][]): string {
  const parts = entries
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeOrRefuse(typeof value === 'object' ? JSON.stringify(value) : String(value), key, encodeURIComponent)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
