// The non-standard keywords definitions may use. Registering them keeps ajv's strict mode on,
// so a typo in a keyword is an error rather than a silently ignored hint.
//
// `maxBytes` and `unixTime` generate code rather than call a function, so that ajv's standalone
// output (the validators precompiled at build time, see precompiled-validators.ts) carries them
// with no reference back to this module. ajv is required lazily: loading the runtime must not
// load ajv when every validator it needs was precompiled.
import { createRequire } from 'node:module';
import type { Ajv, Code, KeywordCxt, KeywordDefinition } from 'ajv';

type Codegen = typeof import('ajv');

/** RFC 3339 date-time with a time zone: without one, the instant would be a guess. */
const DATE_TIME = '^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?([Zz]|[+-]\\d{2}:\\d{2})$';

function maxBytes({ _, str }: Codegen): KeywordDefinition {
  // The same count as byte-size.ts, written inline in the generated validator.
  const sizeOf = (data: Code) => _`Buffer.byteLength(typeof ${data} == "string" ? ${data} : (JSON.stringify(${data}) ?? ""), "utf8")`;
  return {
    keyword: 'maxBytes',
    schemaType: 'number',
    error: {
      message: ({ schema }) => str`must be at most ${schema} bytes`,
      params: ({ schema, data }) => _`{limit: ${schema}, size: ${sizeOf(data)}}`,
    },
    code(cxt: KeywordCxt) {
      cxt.fail(_`${sizeOf(cxt.data)} > ${cxt.schema}`);
    },
  };
}

/**
 * `unixTime: true`: the field takes Unix seconds, and also an ISO 8601 date-time, which is
 * converted to seconds in the runtime's copy of the input (documented on the field).
 */
function unixTime({ _ }: Codegen): KeywordDefinition {
  return {
    keyword: 'unixTime',
    schemaType: 'boolean',
    error: { message: 'must be Unix seconds or an ISO 8601 date-time with a time zone, such as 2025-01-01T09:30:00Z' },
    code(cxt: KeywordCxt) {
      const { gen, data, schema, it } = cxt;
      if (schema !== true) return;
      const pattern = gen.scopeValue('pattern', { key: DATE_TIME, ref: new RegExp(DATE_TIME), code: _`new RegExp(${DATE_TIME})` });
      gen.if(_`typeof ${data} == "string"`, () => {
        const ms = gen.const('ms', _`${pattern}.test(${data}) ? Date.parse(${data}) : NaN`);
        gen.if(
          _`!(${ms} >= 0)`,
          () => cxt.error(),
          () => {
            // Write the seconds into the parent object, and read them back for the keywords after this one.
            gen.if(it.parentData, () => {
              gen.assign(_`${it.parentData}[${it.parentDataProperty}]`, _`Math.floor(${ms} / 1000)`);
              gen.assign(data, _`${it.parentData}[${it.parentDataProperty}]`);
            });
          },
        );
      });
    },
  };
}

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

const require = createRequire(import.meta.url);

export function registerSchemaKeywords(ajv: Ajv): Ajv {
  const codegen = require('ajv') as Codegen;
  ajv.addKeyword(maxBytes(codegen));
  ajv.addKeyword(unixTime(codegen));
  for (const keyword of annotations) ajv.addKeyword(keyword);
  for (const format of HINT_FORMATS) ajv.addFormat(format, true);
  return ajv;
}
