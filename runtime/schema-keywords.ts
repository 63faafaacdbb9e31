// The non-standard keywords definitions may use. Registering them keeps ajv's strict mode on,
// so a typo in a keyword is an error rather than a silently ignored hint.
import type { Ajv, KeywordDefinition } from 'ajv';

const encoder = new TextEncoder();

/** UTF-8 size of a value as Customer.io counts it: a string's bytes, or the JSON text of anything else. */
export function byteSize(value: unknown): number {
  if (typeof value === 'string') return encoder.encode(value).length;
  return encoder.encode(JSON.stringify(value) ?? '').length;
}

const maxBytes: KeywordDefinition = {
  keyword: 'maxBytes',
  schemaType: 'number',
  errors: true,
  validate: function check(limit: number, data: unknown) {
    const size = byteSize(data);
    if (size <= limit) return true;
    (check as unknown as { errors: unknown[] }).errors = [
      { keyword: 'maxBytes', params: { limit, size }, message: `must be at most ${limit} bytes (it is ${size})` },
    ];
    return false;
  },
};

/** Form hints: they describe how a field is shown, never whether a value is valid. */
const annotations: KeywordDefinition[] = [
  { keyword: 'enumLabels', schemaType: 'array', metaSchema: { type: 'array', items: { type: 'string' } } },
  { keyword: 'advanced', schemaType: 'array', metaSchema: { type: 'array', items: { type: 'string' } } },
  { keyword: 'secret', schemaType: 'boolean' },
  { keyword: 'patternDescription', schemaType: 'string' },
  {
    keyword: 'lookup',
    schemaType: 'object',
    metaSchema: {
      type: 'object',
      properties: { operation: { type: 'string' }, input: { type: 'object' } },
      required: ['operation'],
      additionalProperties: false,
    },
  },
];

/** Formats used only as editor hints (multi-line text, code). Any string is valid. */
const HINT_FORMATS = ['text', 'code'];

export function registerSchemaKeywords(ajv: Ajv): Ajv {
  ajv.addKeyword(maxBytes);
  for (const keyword of annotations) ajv.addKeyword(keyword);
  for (const format of HINT_FORMATS) ajv.addFormat(format, true);
  return ajv;
}
