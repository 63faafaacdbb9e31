// What @rjsf/validator-ajv8 needs to check a form as the runtime will check the call: the
// definitions' own keywords (maxBytes, unixTime, patternDescription, the form hints) and the
// editor formats. The host passes its own ajv module (the copy rjsf validates with), so this
// package adds no second ajv to a page bundle.
import { HINT_FORMATS, schemaKeywords, type Codegen } from '../runtime/input/schema-keywords.js';

/** The parts of an ajv instance rjsf's `extenderFn` hands over. */
interface AjvLike {
  getKeyword(keyword: string): unknown;
  addKeyword(definition: never): unknown;
}

const anyString = (): boolean => true;

/**
 * Options for rjsf's `customizeValidator`:
 * `customizeValidator(rjsfValidatorOptions(await import('ajv')))`.
 */
export function rjsfValidatorOptions<A extends AjvLike>(codegen: Codegen): { customFormats: Record<string, () => boolean>; extenderFn: (ajv: A) => A } {
  const keywords = schemaKeywords(codegen, { describePatterns: true });
  return {
    customFormats: Object.fromEntries(HINT_FORMATS.map((format) => [format, anyString])),
    extenderFn(ajv) {
      for (const keyword of keywords) if (!ajv.getKeyword(keyword.keyword as string)) ajv.addKeyword(keyword as never);
      return ajv;
    },
  };
}

/** rjsf reports a failed pattern twice when it has words for it (pattern, patternDescription): keep the words. */
export function withoutDescribedPatterns<E extends { name?: string; property?: string }>(errors: E[]): E[] {
  const described = new Set(errors.filter((e) => e.name === 'patternDescription').map((e) => e.property));
  return errors.filter((e) => !(e.name === 'pattern' && described.has(e.property)));
}
