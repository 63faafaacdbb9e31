// The tables and type words of the operations reference (docs/operations/): how an input field,
// its type and its notes are written, shared by the action and the trigger sections.
import type { JsonSchema } from '../runtime/definitions.js';

export function cell(text: unknown): string {
  return String(text ?? '').replace(/\|/g, '\\|').replace(/\n+/g, ' ');
}

export function typeOf(schema: JsonSchema): string {
  if (Array.isArray(schema.oneOf)) return `one of: ${(schema.oneOf as JsonSchema[]).map((b) => b.title ?? typeOf(b)).join(' / ')}`;
  if (Array.isArray(schema.enum)) {
    const labels = schema.enumLabels as string[] | undefined;
    return (schema.enum as unknown[]).map((v, i) => (labels ? `\`${String(v)}\` (${labels[i]})` : `\`${String(v)}\``)).join(', ');
  }
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  const type = Array.isArray(schema.type) ? (schema.type as string[]).join(' or ') : String(schema.type ?? 'any');
  if (type === 'array' && schema.items && typeof schema.items === 'object') return `list of ${typeOf(schema.items as JsonSchema)}`;
  if (schema.unixTime) return 'Unix seconds or ISO 8601 date-time';
  return type;
}

/** One table row per input (and the fields of object inputs); `types` words some fields' types instead of typeOf. */
export function fieldRows(schema: JsonSchema, prefix = '', depth = 0, types: Record<string, string> = {}): string[] {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const advanced = new Set((schema.advanced as string[] | undefined) ?? []);
  const rows: string[] = [];
  for (const [key, field] of Object.entries(props)) {
    const name = `${prefix}${key}`;
    const notes = [
      required.has(key) ? 'required' : '',
      advanced.has(key) ? 'advanced' : '',
      field.default !== undefined ? `when left out: \`${JSON.stringify(field.default)}\`` : '',
      field.lookup ? `dropdown: \`${(field.lookup as { operation: string }).operation}\`` : '',
    ].filter(Boolean).join(', ');
    rows.push(`| \`${name}\` | ${cell(types[name] ?? typeOf(field))} | ${cell(notes)} | ${cell(field.description)} |`);
    if (depth < 1 && field.properties) rows.push(...fieldRows(field, `${name}.`, depth + 1, types));
  }
  return rows;
}
