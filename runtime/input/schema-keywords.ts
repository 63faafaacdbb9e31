// The non-standard keywords definitions may use, defined once for every validator that reads the
// definitions: the runtime's, the build's precompiled ones and the reference host's page.
// Registering them keeps ajv's strict mode on, so a typo in a keyword is an error rather than a
// silently ignored hint. Keywords only decide; nothing here changes the data (conversions are
// normalise.ts's job, before validation).
//
// `maxBytes` and `unixTime` generate code rather than call a function, so that ajv's standalone
// output (the precompiled validators) carries them with no reference back to this module. The
// ajv module is passed in (`codegen`), so that this file loads nothing itself and serves Node
// and the browser alike.
import type { Ajv, Code, KeywordCxt, KeywordDefinition } from 'ajv';
import { DATE_TIME } from './unix-time.js';

/** The parts of the ajv module that generate code: `_` and `str`. */
export type Codegen = Pick<typeof import('ajv'), '_' | 'str'>;

export const UNIX_TIME_MESSAGE = 'must be Unix seconds or an ISO 8601 date-time with a time zone, such as 2025-01-01T09:30:00Z';

function maxBytes({ _, str }: Codegen): KeywordDefinition {
  // The UTF-8 size of a string, or of any other value as JSON (byte-size.ts counts the same):
  // Buffer counts without copying in Node; a browser has only TextEncoder.
  const sizeOf = (data: Code) => {
    const text = _`(typeof ${data} == "string" ? ${data} : (JSON.stringify(${data}) ?? ""))`;
    return _`(typeof Buffer == "function" ? Buffer.byteLength(${text}, "utf8") : new TextEncoder().encode(${text}).length)`;
  };
  return {
    keyword: 'maxBytes',
    schemaType: 'number',
    error: {
      message: ({ schema }) => str`must be at most ${schema} bytes`,
      params: ({ schema, data }) => _`{limit: ${schema}, size: ${sizeOf(data)}}`,
    },
    code(cxt: KeywordCxt) {
      const { data, schema } = cxt;
      // Counting the bytes is a call into Buffer (or an encoding) for every value, and most values
      // are nowhere near their limit: a string of at most limit / 3 UTF-16 units cannot pass it
      // (3 UTF-8 bytes a unit at most), nor can a number, true, false or null once the limit is 24
      // (the longest a number is as JSON). Only the rest is counted. The same values pass or fail.
      cxt.fail(_`(typeof ${data} == "string" ? ${data}.length * 3 > ${schema} && ${sizeOf(data)} > ${schema} : typeof ${data} == "object" && ${data} !== null ? ${sizeOf(data)} > ${schema} : ${schema} < 24 && ${sizeOf(data)} > ${schema})`);
    },
  };
}

/**
 * `unixTime: true`: Unix seconds (the `type` and `minimum` beside it check those), or a text
 * that is an ISO 8601 date-time with a time zone. The runtime converts such texts to seconds
 * before it validates; the page validates what the person typed.
 */
function unixTime({ _ }: Codegen): KeywordDefinition {
  return {
    keyword: 'unixTime',
    schemaType: 'boolean',
    error: { message: UNIX_TIME_MESSAGE },
    code(cxt: KeywordCxt) {
      const { gen, data, schema } = cxt;
      if (schema !== true) return;
      const pattern = gen.scopeValue('pattern', { key: DATE_TIME, ref: new RegExp(DATE_TIME), code: _`new RegExp(${DATE_TIME})` });
      cxt.fail(_`typeof ${data} == "string" && !(${pattern}.test(${data}) && Date.parse(${data}) >= 0)`);
    },
  };
}

/**
 * `patternDescription`: the pattern beside it, in words. The runtime reads it when it words a
 * failed `pattern` (validation.ts), so there it is an annotation; the page's form library shows
 * each keyword's own message, so there it reports the failed pattern itself, in those words.
 */
function patternDescription({ _, str }: Codegen, describes: boolean): KeywordDefinition {
  if (!describes) return { keyword: 'patternDescription', schemaType: 'string' };
  return {
    keyword: 'patternDescription',
    schemaType: 'string',
    error: { message: ({ schema }) => str`must be ${schema}`, params: ({ schema }) => _`{description: ${schema}}` },
    code(cxt: KeywordCxt) {
      const pattern = (cxt.parentSchema as { pattern?: unknown }).pattern;
      if (typeof pattern !== 'string') return;
      const regexp = cxt.gen.scopeValue('pattern', { key: pattern, ref: new RegExp(pattern, 'u'), code: _`new RegExp(${pattern}, "u")` });
      cxt.fail(_`typeof ${cxt.data} == "string" && !${regexp}.test(${cxt.data})`);
    },
  };
}

/** Form hints: they describe how a field is shown or filled, never whether a value is valid. */
const ANNOTATIONS: KeywordDefinition[] = [
  { keyword: 'enumLabels', schemaType: 'array', metaSchema: { type: 'array', items: { type: 'string' } } },
  { keyword: 'advanced', schemaType: 'array', metaSchema: { type: 'array', items: { type: 'string' } } },
  { keyword: 'secret', schemaType: 'boolean' },
  /** The environment variable a command-line tool reads the field from. */
  { keyword: 'env', schemaType: 'string' },
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

/**
 * Formats used only as editor hints: multi-line text, code, and a raw request's Endpoint (a path
 * after the connector's base URL, shown beside it). Any string is valid.
 */
export const HINT_FORMATS = ['text', 'code', 'endpoint'] as const;

export interface KeywordOptions {
  /** Report a failed pattern through its patternDescription (the page); the runtime words it itself. */
  describePatterns?: boolean;
}

/** Every keyword definition, for `ajv.addKeyword` or a form library's validator. */
export function schemaKeywords(codegen: Codegen, options: KeywordOptions = {}): KeywordDefinition[] {
  return [maxBytes(codegen), unixTime(codegen), patternDescription(codegen, options.describePatterns === true), ...ANNOTATIONS];
}

export function registerSchemaKeywords(ajv: Ajv, codegen: Codegen, options: KeywordOptions = {}): Ajv {
  for (const keyword of schemaKeywords(codegen, options)) if (!ajv.getKeyword(keyword.keyword as string)) ajv.addKeyword(keyword);
  for (const format of HINT_FORMATS) ajv.addFormat(format, true);
  return ajv;
}
