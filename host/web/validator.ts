// rjsf's ajv8 validator, taught the definitions' own keywords through the package's form helpers
// (forms/rjsf-validator.ts, the same keywords the runtime checks with): maxBytes and unixTime
// check values as the runtime does (a date-time text is valid here; the runtime turns it into
// seconds before it checks), patternDescription reports a failed pattern in words, and the form
// hints are annotations. The editor formats accept any string.
import type { ErrorTransformer } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import * as codegen from 'ajv';
import type { Ajv } from 'ajv';
import { rjsfValidatorOptions, withoutDescribedPatterns } from '../../forms/index.js';

export const validator = customizeValidator(rjsfValidatorOptions<Ajv>(codegen));

/** A failed pattern that has words for it is reported once, in those words. */
export const transformErrors: ErrorTransformer = (errors) => withoutDescribedPatterns(errors);
