// One OpenAPI 3.1 schema node in this package's dialect (JSON Schema draft-07, compiled by ajv in
// strict mode): OpenAPI's own keywords, vendor extensions and formats ajv does not know are
// dropped, nullable forms become a type list, a one-value enum becomes a const. Only the node
// itself is changed; its subschemas are the caller's to convert (they may be references).

export type Schema = Record<string, unknown>;

/** Keywords that are OpenAPI's or annotations of no use to a validator or a form here. */
const DROPPED_KEYWORDS = new Set(['example', 'discriminator', 'readOnly', 'writeOnly', 'deprecated', 'xml', 'externalDocs', 'nullable']);

/** Formats draft-07 and ajv-formats know; anything else ("unix timestamp") is prose, said in the description. */
const KNOWN_FORMATS = new Set([
  'date-time', 'date', 'time', 'duration', 'email', 'idn-email', 'hostname', 'idn-hostname', 'ipv4', 'ipv6',
  'uri', 'uri-reference', 'iri', 'iri-reference', 'uri-template', 'json-pointer', 'relative-json-pointer', 'regex', 'uuid',
]);

function withNull(type: unknown): unknown {
  const types = Array.isArray(type) ? [...type] : [type];
  return types.includes('null') ? types : [...types, 'null'];
}

/** The node's own keywords in draft-07 (subschemas are copied as they are). */
export function draft07Keywords(node: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-') || DROPPED_KEYWORDS.has(key)) continue;
    if (key === 'format' && !KNOWN_FORMATS.has(String(value))) continue;
    out[key] = key === 'description' && typeof value === 'string' ? value.trim() : value;
  }
  if (node.nullable === true && out.type !== undefined) out.type = withNull(out.type);
  if (Array.isArray(out.enum) && out.enum.length === 1) {
    const [only] = out.enum as unknown[];
    const { enum: _enum, ...rest } = out;
    return Object.fromEntries(Object.entries({ ...rest, const: only }).sort(([a], [b]) => keyRank(a) - keyRank(b)));
  }
  return out;
}

/** Keeps `const` where `enum` stood (after type), so the converted node reads in the same order. */
function keyRank(key: string): number {
  const order = ['$ref', 'title', 'description', 'type', 'const', 'enum'];
  const at = order.indexOf(key);
  return at === -1 ? order.length : at;
}

/** `oneOf: [X, { type: "null" }]`, OpenAPI 3.1's way of saying "X or null": X, when the node is that. */
export function nullableBranch(node: Schema): Schema | undefined {
  const branches = node.oneOf ?? node.anyOf;
  if (!Array.isArray(branches) || branches.length !== 2) return undefined;
  const isNull = (b: unknown) => JSON.stringify(b) === JSON.stringify({ type: 'null' });
  const [a, b] = branches as Schema[];
  if (isNull(b)) return a;
  if (isNull(a)) return b;
  return undefined;
}

/** A converted schema that also accepts null. */
export function orNull(schema: Schema): Schema {
  if (schema.type === undefined) throw new Error(`cannot make ${JSON.stringify(schema)} nullable: it has no type`);
  return { ...schema, type: withNull(schema.type) };
}
