// The package's form helpers for hosts (entry point `customerio-tray-connectors/forms`): turn an
// operation's input schema and its Tray hints into @rjsf settings, clean form data before a call,
// validate in the browser as the runtime validates, report a failed oneOf by the branch meant,
// as the runtime does, and show where a raw request's Endpoint goes (or why it cannot). Nothing
// here loads React or rjsf.
export { coerceChoice, credentialsComplete, isAnyValue, isFreeFormObject, isIntegerOrText, prepareForm, pruneEmpty, redactSecrets, secretKeys } from './schema-form.js';
export type { FormOptions, JsonSchema, LookupHint, PreparedForm, UiSchema } from './schema-form.js';
export { rjsfValidatorOptions, withoutDescribedPatterns } from './rjsf-validator.js';
export { chooseOneOfBranch, focusOneOf } from '../runtime/input/one-of-branch.js';
export type { SchemaError } from '../runtime/input/one-of-branch.js';
export { ENDPOINT_FIELD, repeatedBasePath, resolveEndpoint } from '../runtime/plan/endpoint-url.js';
export type { EndpointProblem, ResolvedEndpoint } from '../runtime/plan/endpoint-url.js';
