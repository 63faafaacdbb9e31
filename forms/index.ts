// The package's form helpers for hosts (entry point `customerio-tray-connectors/forms`): turn an
// operation's input schema and its Tray hints into @rjsf settings, clean form data before a call,
// and validate in the browser as the runtime validates. Nothing here loads React or rjsf.
export { coerceChoice, credentialsComplete, isAnyValue, isFreeFormObject, isIntegerOrText, prepareForm, pruneEmpty, redactSecrets, secretKeys } from './schema-form.js';
export type { FormOptions, JsonSchema, LookupHint, PreparedForm, UiSchema } from './schema-form.js';
export { rjsfValidatorOptions, withoutDescribedPatterns } from './rjsf-validator.js';
