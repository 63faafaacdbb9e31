// rjsf's ajv8 validator, taught the definitions' own keywords from the one module that defines
// them for the runtime and the build too (runtime/input/schema-keywords.ts): maxBytes and
// unixTime check values as the runtime does (a date-time text is valid here; the runtime turns
// it into seconds before it checks), patternDescription reports a failed pattern in words, and
// the form hints are annotations. The editor formats accept any string.
import type { ErrorTransformer, RJSFValidationError } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import * as codegen from 'ajv';
import type { Ajv } from 'ajv';
import { HINT_FORMATS, schemaKeywords } from '../../runtime/input/schema-keywords.js';

const keywords = schemaKeywords(codegen, { describePatterns: true });

export function registerKeywords(ajv: Ajv): Ajv {
  for (const keyword of keywords) if (!ajv.getKeyword(keyword.keyword as string)) ajv.addKeyword(keyword);
  return ajv;
}

const anyString = () => true;

export const validator = customizeValidator({
  customFormats: Object.fromEntries(HINT_FORMATS.map((format) => [format, anyString])),
  extenderFn: registerKeywords,
});

/** A failed pattern that has words for it is reported once, in those words. */
export const transformErrors: ErrorTransformer = (errors: RJSFValidationError[]) => {
  const described = new Set(errors.filter((e) => e.name === 'patternDescription').map((e) => e.property));
  return errors.filter((e) => !(e.name === 'pattern' && described.has(e.property)));
};
