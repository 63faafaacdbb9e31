// rjsf's ajv8 validator, taught the definitions' own keywords so that nothing is silently
// ignored and nothing is logged: maxBytes and unixTime check values as the runtime does (unixTime
// without converting: the runtime converts when it runs), patternDescription turns a failed
// pattern into words, and the form hints are annotations. The editor formats accept any string.
import type { ErrorTransformer, RJSFValidationError } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import type { Ajv, KeywordDefinition } from 'ajv';

const encoder = new TextEncoder();

function byteSize(value: unknown): number {
  return encoder.encode(typeof value === 'string' ? value : (JSON.stringify(value) ?? '')).length;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

type Failing = { errors?: unknown[] };

const keywords: KeywordDefinition[] = [
  {
    keyword: 'maxBytes',
    schemaType: 'number',
    errors: true,
    validate: function check(limit: number, data: unknown) {
      const size = byteSize(data);
      if (size <= limit) return true;
      (check as Failing).errors = [{ keyword: 'maxBytes', params: { limit, size }, message: `must be at most ${limit} bytes (it is ${size})` }];
      return false;
    },
  },
  {
    keyword: 'unixTime',
    schemaType: 'boolean',
    errors: true,
    validate: function check(enabled: boolean, data: unknown) {
      if (!enabled || typeof data !== 'string') return true;
      if (DATE_TIME.test(data) && Date.parse(data) >= 0) return true;
      (check as Failing).errors = [
        { keyword: 'unixTime', params: {}, message: 'must be Unix seconds or an ISO 8601 date-time with a time zone, such as 2025-01-01T09:30:00Z' },
      ];
      return false;
    },
  },
  {
    keyword: 'patternDescription',
    schemaType: 'string',
    errors: true,
    validate: function check(description: string, data: unknown, parentSchema?: { pattern?: string }) {
      if (typeof data !== 'string' || typeof parentSchema?.pattern !== 'string') return true;
      if (new RegExp(parentSchema.pattern, 'u').test(data)) return true;
      (check as Failing).errors = [{ keyword: 'patternDescription', params: { description }, message: `must be ${description}` }];
      return false;
    },
  },
  { keyword: 'enumLabels', schemaType: 'array' },
  { keyword: 'advanced', schemaType: 'array' },
  { keyword: 'secret', schemaType: 'boolean' },
  { keyword: 'lookup', schemaType: 'object' },
];

export function registerKeywords(ajv: Ajv): Ajv {
  for (const keyword of keywords) if (!ajv.getKeyword(keyword.keyword as string)) ajv.addKeyword(keyword);
  return ajv;
}

const anyString = () => true;

export const validator = customizeValidator({
  customFormats: { code: anyString, text: anyString },
  extenderFn: registerKeywords,
});

/** A failed pattern that has words for it is reported once, in those words. */
export const transformErrors: ErrorTransformer = (errors: RJSFValidationError[]) => {
  const described = new Set(errors.filter((e) => e.name === 'patternDescription').map((e) => e.property));
  return errors.filter((e) => !(e.name === 'pattern' && described.has(e.property)));
};
