// rjsf's ajv8 validator, taught the definitions' own keywords through the package's form helpers
// (forms/rjsf-validator.ts, the same keywords the runtime checks with): maxBytes and unixTime
// check values as the runtime does (a date-time text is valid here; the runtime turns it into
// seconds before it checks), patternDescription reports a failed pattern in words, and the form
// hints are annotations. The editor formats accept any string.
//
// A failed oneOf is reported by the branch the person meant, chosen by the package's own
// focusOneOf (the runtime's choice too): a 160-character ID under "By ID" shows the 150-byte rule,
// not also "must have required property 'Email'" from the branch not chosen and "must match
// exactly one schema in oneOf". It works on ajv's raw errors, which still carry the paths it
// needs, before rjsf turns them into its own (its error list and the errors beside each field).
import type { ErrorTransformer, RJSFSchema } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import * as codegen from 'ajv';
import type { Ajv, ErrorObject } from 'ajv';
import { focusOneOf, rjsfValidatorOptions, withoutDescribedPatterns } from '../../forms/index.js';

export const validator = customizeValidator(rjsfValidatorOptions<Ajv>(codegen));

// validateFormData reads the errors through this.rawValidation: an own property takes its place.
const rawValidation = validator.rawValidation.bind(validator);
validator.rawValidation = <Result>(schema: RJSFSchema, formData?: unknown) => {
  const raw = rawValidation<ErrorObject>(schema, formData);
  const errors = raw.errors ? (focusOneOf(raw.errors, schema, formData) as unknown as Result[]) : undefined;
  return { ...(raw.validationError ? { validationError: raw.validationError } : {}), ...(errors ? { errors } : {}) };
};

/** A failed pattern that has words for it is reported once, in those words. */
export const transformErrors: ErrorTransformer = (errors) => withoutDescribedPatterns(errors);
