// A JSON template whose `{ "$input": "key" }` leaves are replaced by input values; a leaf whose
// input is absent is left out (of its object or list). Request bodies (`body.mode: template`)
// and bulk entries (`bulk.entry`) are written this way.

type Input = Record<string, unknown>;

const OMIT = Symbol('omit');

export function fillTemplate(template: unknown, input: Input): unknown {
  if (Array.isArray(template)) return template.map((item) => fillTemplate(item, input)).filter((item) => item !== OMIT);
  if (template === null || typeof template !== 'object') return template;
  const node = template as Record<string, unknown>;
  if (typeof node.$input === 'string' && Object.keys(node).length === 1) {
    const value = input[node.$input];
    return value === undefined ? OMIT : value;
  }
  const filled: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    const result = fillTemplate(value, input);
    if (result !== OMIT) filled[key] = result;
  }
  return filled;
}
