// Compiles input schemas once and turns ajv's errors into sentences that name the field,
// the rule and what is allowed: `"input.identifier": must be at most 150 bytes (it is 163)`.
import * as ajvModule from 'ajv';
import type { Ajv, ErrorObject, Options, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Validator } from '../contracts.js';
import type { JsonSchema } from '../definitions.js';
import type { FieldProblem as EnvelopeFieldProblem } from '../envelope.js';
import { focusOneOf } from './one-of-branch.js';
import { precompiledValidator, schemaKey } from './precompiled-validators.js';
import { registerSchemaKeywords } from './schema-keywords.js';

export type { Validator } from '../contracts.js';

/** A field problem as the validator describes it: always with its message. */
export type FieldProblem = Required<EnvelopeFieldProblem>;

// ajv is imported where it is used (statically, so that a host's bundler includes it), but only
// compiles a schema when no validator was precompiled for it, or to explain invalid input.
const { Ajv: AjvClass } = ajvModule;
// ajv-formats is CommonJS: its function is the default export, or that export's own default
// when a bundler wraps the module once more.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

export function createAjv(allErrors = true, options: Options = {}): Ajv {
  const ajv = new AjvClass({ strict: true, allErrors, allowUnionTypes: true, ...options });
  addFormats(ajv);
  return registerSchemaKeywords(ajv, ajvModule);
}

// Valid input is the common case and needs no error list: a validator that stops at the first
// problem answers it several times faster (a oneOf of many branches gives up on each branch at
// once). Only input found invalid is run again, by a validator that collects every problem for
// the message; that one is compiled the first time it is needed.
let firstErrorAjv: Ajv | undefined;
let allErrorsAjv: Ajv | undefined;
const quickCompile = (schema: JsonSchema) => (firstErrorAjv ??= createAjv(false)).compile(schema);
const thoroughCompile = (schema: JsonSchema) => (allErrorsAjv ??= createAjv(true)).compile(schema);


function twoTier(schema: JsonSchema, quick: ValidateFunction): Validator {
  let thorough: ValidateFunction | undefined;
  const validate = ((data: unknown) => {
    if (quick(data)) {
      validate.errors = null;
      return true;
    }
    thorough ??= thoroughCompile(schema);
    thorough(data);
    validate.errors = thorough.errors ?? quick.errors;
    return false;
  }) as Validator;
  validate.schema = schema;
  return validate;
}

/** A validator compiled now, by ajv (definition checks, tests, schemas outside the package). */
export function compileSchema(schema: JsonSchema): Validator {
  return twoTier(schema, quickCompile(schema));
}

const bySchema = new WeakMap<JsonSchema, Validator>();
const byContent = new Map<string, Validator>();

/**
 * The validator for a schema the runtime checks input against: one per distinct schema (a Beta
 * operation and its App twin share one), taken from the build's precompiled validators when the
 * schema is unchanged since the build, compiled by ajv otherwise.
 */
export function validatorFor(schema: JsonSchema): Validator {
  let validate = bySchema.get(schema);
  if (validate) return validate;
  const key = schemaKey(schema);
  validate = byContent.get(key);
  if (!validate) {
    validate = twoTier(schema, precompiledValidator(key) ?? quickCompile(schema));
    byContent.set(key, validate);
  }
  bySchema.set(schema, validate);
  return validate;
}

function fieldName(root: string, instancePath: string, extra?: string): string {
  let name = root;
  for (const raw of instancePath.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    name += /^\d+$/.test(part) ? `[${part}]` : /^[A-Za-z_$][\w$]*$/.test(part) ? `.${part}` : `[${JSON.stringify(part)}]`;
  }
  if (extra !== undefined) name += /^[A-Za-z_$][\w$]*$/.test(extra) ? `.${extra}` : `[${JSON.stringify(extra)}]`;
  return name;
}

function schemaAt(root: JsonSchema, schemaPath: string): JsonSchema | undefined {
  let node: unknown = root;
  for (const raw of schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node as JsonSchema | undefined;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text', integer: 'a whole number', number: 'a number', boolean: 'true or false',
  object: 'an object', array: 'a list', null: 'null',
};

function sentence(error: ErrorObject, schema: JsonSchema): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a field of this form';
    case 'type': {
      const types = String(p.type).split(',').map((t) => TYPE_WORDS[t] ?? t);
      return `must be ${types.join(' or ')}`;
    }
    case 'enum': {
      const values = (p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ');
      return `must be one of ${values}`;
    }
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'pattern': {
      const own = schemaAt(schema, error.schemaPath.replace(/\/pattern$/, ''));
      const described = own?.patternDescription;
      return described ? `must be ${described}` : `must match the pattern ${String(p.pattern)}`;
    }
    case 'format':
      return `must be a valid ${String(p.format)}`;
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `must be at least ${p.limit} characters`;
    case 'maxLength':
      return `must be at most ${p.limit} characters`;
    case 'maxBytes':
      return `must be at most ${p.limit} bytes (it is ${p.size})`;
    case 'minItems':
      return `must have at least ${p.limit} item${p.limit === 1 ? '' : 's'}`;
    case 'maxItems':
      return `must have at most ${p.limit} items`;
    case 'maxProperties':
      return `must have at most ${p.limit} entries`;
    case 'minProperties':
      return `must have at least ${p.limit} entr${p.limit === 1 ? 'y' : 'ies'}`;
    case 'minimum':
      return `must be at least ${p.limit}`;
    case 'maximum':
      return `must be at most ${p.limit}`;
    default:
      return error.message ?? `breaks the rule ${error.keyword}`;
  }
}

/** Custom keywords inside propertyNames do not learn which name failed; the summary error knows it. */
function nameFailedPropertyNames(errors: ErrorObject[]): ErrorObject[] {
  const summaries = errors.filter((e) => e.keyword === 'propertyNames');
  return errors.map((error) => {
    if (error.propertyName !== undefined || error.keyword === 'propertyNames') return error;
    const summary = summaries.find((s) => s.instancePath === error.instancePath && error.schemaPath.startsWith(`${s.schemaPath}/`));
    return summary ? { ...error, propertyName: String((summary.params as { propertyName: string }).propertyName) } : error;
  });
}

/**
 * Each error as a field problem with its sentence. `data` is the value validated: a failed
 * `oneOf` is reported by the branch the value shows the person meant (one-of-branch.ts, the
 * same choice the host page makes), or as the list of choices when no branch is plausible.
 */
export function describeErrors(errors: ErrorObject[], schema: JsonSchema, root = 'input', data?: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const error of focusOneOf(nameFailedPropertyNames(errors), schema, data)) {
    // propertyNames reports twice: once for the rule on the name (kept), once as a summary (dropped).
    if (error.keyword === 'propertyNames' || error.keyword === 'anyOf' || error.keyword === 'allOf') continue;
    const p = error.params as Record<string, unknown>;
    const key =
      error.keyword === 'required' ? String(p.missingProperty)
      : error.keyword === 'additionalProperties' ? String(p.additionalProperty)
      : error.propertyName;
    const field = fieldName(root, error.instancePath, key);
    const rule = error.propertyName !== undefined ? `name ${sentence(error, schema)}` : sentence(error, schema);
    const message = `"${field}": ${rule}`;
    if (seen.has(message)) continue;
    seen.add(message);
    problems.push({ field, rule: error.keyword, message });
  }
  return problems;
}
