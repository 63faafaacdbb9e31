// The non-standard keywords definitions may use. Registering them keeps ajv's strict mode on,
// so a typo in a keyword is an error rather than a silently ignored hint.
import type { Ajv, KeywordDefinition } from 'ajv';

/** UTF-8 size of a value as Customer.io counts it: a string's bytes, or the JSON text of anything else. */
export function byteSize(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).length;
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
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

/** RFC 3339 date-time with a time zone: without one, the instant would be a guess. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * `unixTime: true`: the field takes Unix seconds, and also an ISO 8601 date-time, which is
 * converted to seconds in the runtime's copy of the input (documented on the field).
 */
const unixTime: KeywordDefinition = {
  keyword: 'unixTime',
  schemaType: 'boolean',
  modifying: true,
  errors: true,
  validate: function convert(enabled: boolean, data: unknown, _schema, context) {
    if (!enabled || typeof data !== 'string') return true;
    const ms = DATE_TIME.test(data) ? Date.parse(data) : Number.NaN;
    if (Number.isNaN(ms) || ms < 0) {
      (convert as unknown as { errors: unknown[] }).errors = [
        { keyword: 'unixTime', params: {}, message: 'must be Unix seconds or an ISO 8601 date-time with a time zone, such as 2025-01-01T09:30:00Z' },
      ];
      return false;
    }
    if (context) (context.parentData as Record<string | number, unknown>)[context.parentDataProperty] = Math.floor(ms / 1000);
    return true;
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
  ajv.addKeyword(unixTime);
  for (const keyword of annotations) ajv.addKeyword(keyword);
  for (const format of HINT_FORMATS) ajv.addFormat(format, true);
  return ajv;
}
