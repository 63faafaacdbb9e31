// The package's form helpers for hosts (entry point `customerio-tray-connectors/forms`): turn an
// operation's input schema and its Tray hints into @rjsf settings, clean form data before a call,
// validate in the browser as the runtime validates, report a failed oneOf by the branch meant,
// as the runtime does, show where a raw request's Endpoint goes (or why it cannot), and decide
// what the fields mean (yes/no states, name → value rows, JSON text, dropdown input, problems).
// Nothing here loads React or rjsf.
export { coerceChoice, credentialsComplete, isAnyValue, isFreeFormObject, isIntegerOrText, isKeyValueMap, isPlainBoolean, prepareForm, pruneEmpty, redactSecrets, secretKeys } from './schema-form.js';
export type { FormOptions, JsonSchema, LookupHint, PreparedForm, UiSchema } from './schema-form.js';
export { rjsfValidatorOptions, withoutDescribedPatterns } from './rjsf-validator.js';
export { chooseOneOfBranch, focusOneOf } from '../runtime/input/one-of-branch.js';
export type { SchemaError } from '../runtime/input/one-of-branch.js';
export { ENDPOINT_FIELD, repeatedBasePath, resolveEndpoint } from '../runtime/plan/endpoint-url.js';
export type { EndpointProblem, ResolvedEndpoint } from '../runtime/plan/endpoint-url.js';
export { booleanChoices, type BooleanChoice } from './boolean-choice.js';
export { emptyRow, kindOfValue, mapFromRows, mapValueSchema, readTypedValue, rowsFromValue, textOfValue, valueKinds, VALUE_KIND_LABELS, type MapRow, type RowProblem, type ValueKind } from './key-value.js';
export { fieldTrail, pathSegments, problemsAsErrorSchema, summariseErrors, type ErrorSummary, type FormError, type SummaryItem } from './form-errors.js';
export { lookupDependencies, resolveLookupInput, type ResolvedLookup } from './lookup-input.js';
export { JsonTextError, parseJsonObject, parseJsonText, readJsonField } from './json-text.js';
