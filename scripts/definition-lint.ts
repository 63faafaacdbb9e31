// Checks a loaded connector beyond what its meta-schemas can say: form hints that point at
// real fields, a title and description on every input field, examples that fit their schemas.
// Used by the definitions test and by `npm run lint:definitions`.
import type { JsonSchema } from '../runtime/definitions.js';
import type { LoadedConnector, LoadedOperation } from '../runtime/loader.js';
import { UNIX_TIME_NOTE } from '../runtime/schema-bundle.js';
import { templateParams } from '../runtime/plan/path-template.js';
import { compileSchema, describeErrors } from '../runtime/input/validation.js';
import { lintTrigger } from './trigger-lint.js';

function walkFields(schema: JsonSchema, where: string, visit: (field: JsonSchema, where: string) => void): void {
  const props = schema.properties as Record<string, JsonSchema> | undefined;
  for (const [key, field] of Object.entries(props ?? {})) {
    visit(field, `${where}.${key}`);
    walkFields(field, `${where}.${key}`, visit);
  }
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    (schema[keyword] as JsonSchema[] | undefined)?.forEach((branch, i) => walkFields(branch, `${where}{${keyword}[${i}]}`, visit));
  }
  if (schema.items && typeof schema.items === 'object') walkFields(schema.items as JsonSchema, `${where}[]`, visit);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    walkFields(schema.additionalProperties as JsonSchema, `${where}{*}`, visit);
  }
}

function walkAll(schema: JsonSchema, visit: (node: JsonSchema, where: string) => void, where = '#'): void {
  visit(schema, where);
  for (const [key, value] of Object.entries(schema)) {
    if (Array.isArray(value)) value.forEach((v, i) => v && typeof v === 'object' && walkAll(v as JsonSchema, visit, `${where}/${key}/${i}`));
    else if (value && typeof value === 'object' && key !== 'enum' && key !== 'const' && key !== 'default' && key !== 'lookup') walkAll(value as JsonSchema, visit, `${where}/${key}`);
  }
}

/** A lookup input value that takes another field of the form (Tray's `{{{field}}}`). */
const FORM_FIELD = /^\{\{\{\s*([A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*)\s*\}\}\}$/;

/** Does the form have a field at this dotted path (through choices and nested objects)? */
function hasField(schema: JsonSchema, path: string): boolean {
  let nodes: JsonSchema[] = [schema];
  for (const key of path.split('.')) {
    nodes = nodes.flatMap((node) => [node, ...((node.oneOf as JsonSchema[] | undefined) ?? []), ...((node.anyOf as JsonSchema[] | undefined) ?? [])])
      .map((node) => (node.properties as Record<string, JsonSchema> | undefined)?.[key])
      .filter((node): node is JsonSchema => !!node);
    if (nodes.length === 0) return false;
  }
  return true;
}

/**
 * What a lookup hint runs its dropdown with must be an input that dropdown takes: its fixed
 * values valid there, its `{{{field}}}` values fields of the form.
 */
function lintLookupInput(lookup: { operation: string; input?: Record<string, unknown> }, where: string, form: JsonSchema, ddlInput: JsonSchema): string[] {
  const problems: string[] = [];
  const fixed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(lookup.input ?? {})) {
    const field = typeof value === 'string' ? FORM_FIELD.exec(value)?.[1] : undefined;
    if (field === undefined) fixed[key] = value;
    else if (!hasField(form, field)) problems.push(`${where}: lookup input ${key} takes {{{${field}}}}, which is no field of this form`);
    if (!Object.hasOwn((ddlInput.properties as object | undefined) ?? {}, key)) problems.push(`${where}: lookup input ${key} is not an input of ${lookup.operation}`);
  }
  // Required inputs may come from the form's fields, so only what is given is checked here.
  const validate = compileSchema({ ...ddlInput, required: [] });
  if (!validate(fixed)) problems.push(`${where}: lookup input for ${lookup.operation}: ${describeErrors(validate.errors ?? [], ddlInput).map((p) => p.message).join('; ')}`);
  return problems;
}

/**
 * `dropdowns`: the connector's dropdown helpers (`type: "ddl"`), the only operations a `lookup`
 * may run; with their input schemas, each lookup's input is checked against its dropdown's.
 */
export function lintFormSchema(schema: JsonSchema, label: string, dropdowns: Set<string> | Map<string, JsonSchema>): string[] {
  const problems: string[] = [];
  walkFields(schema, label, (field, where) => {
    if (typeof field.title !== 'string' || !field.title) problems.push(`${where}: has no title`);
    if (typeof field.description !== 'string' || !field.description) problems.push(`${where}: has no description`);
  });
  walkAll(schema, (node, where) => {
    if (Array.isArray(node.enumLabels) && (!Array.isArray(node.enum) || node.enum.length !== node.enumLabels.length)) {
      problems.push(`${label} ${where}: enumLabels must label each enum value`);
    }
    if (Array.isArray(node.advanced)) {
      const props = Object.keys((node.properties as object) ?? {});
      for (const key of node.advanced as string[]) if (!props.includes(key)) problems.push(`${label} ${where}: advanced names unknown field ${key}`);
    }
    // The bundler ends every Unix-time field's description with the note; the definition must not say it again.
    if (node.unixTime === true) {
      const text = String(node.description ?? '');
      if (!text.endsWith(UNIX_TIME_NOTE)) problems.push(`${label} ${where}: a Unix-time field must say it also takes an ISO 8601 date-time: its description must end with the shared note the bundler adds`);
      else if (text.split('ISO 8601').length > 2) problems.push(`${label} ${where}: a Unix-time field's description speaks of ISO 8601 again; the shared note says it`);
    }
    const lookup = node.lookup as { operation?: string; input?: Record<string, unknown> } | undefined;
    if (lookup?.operation && !dropdowns.has(lookup.operation)) problems.push(`${label} ${where}: lookup names ${lookup.operation}, which is not a dropdown helper (an operation of type "ddl") of this connector`);
    else if (lookup?.operation && dropdowns instanceof Map) problems.push(...lintLookupInput(lookup as { operation: string }, `${label} ${where}`, schema, dropdowns.get(lookup.operation)!));
  });
  return problems;
}

/** A description's words for "what happens when this is left out". */
const SPEAKS_OF_DEFAULT = /\bdefault(?:s|ed)?\b/i;
/** …said of Customer.io's own choice (or a template's, a workspace's): the connector sends nothing then. */
const SOMEONE_ELSES_DEFAULT = /Customer\.io|template|workspace/;
/** "default" naming a thing rather than a value: the default language, app, email, sound. */
const DEFAULT_AS_A_NAME = /\bdefault[- ](?:language|app|email|notification|sound)/i;

function sentences(text: string): string[] {
  return text.split(/(?<=[.;])\s+/);
}

/**
 * The definition format's rule for defaults: a `default` is what the runtime sends when the
 * field is left out (input/defaults.ts). So a `default` must be a valid value of its field and
 * sit where it is applied: a field of the input or of an object inside it (in a oneOf/anyOf
 * branch or a list item it may only repeat the field's `const`, as a hint for forms). And a
 * description that speaks of a default on a field without one must say whose it is (Customer.io's,
 * the template's, the workspace's): otherwise it promises a value the connector does not send.
 */
export function lintDefaults(schema: JsonSchema, label: string): string[] {
  const problems: string[] = [];
  const visit = (node: JsonSchema, where: string, applied: boolean): void => {
    for (const [key, field] of Object.entries((node.properties as Record<string, JsonSchema> | undefined) ?? {})) {
      const at = `${where}.${key}`;
      if ('default' in field) {
        if (!applied && !('const' in field && JSON.stringify(field.const) === JSON.stringify(field.default))) {
          problems.push(`${label} ${at}: a default inside a choice or a list item is never sent; give it on a field of the input or of an object in it (or only repeat the const)`);
        }
        const validate = compileSchema(field);
        if (!validate(field.default)) problems.push(`${label} ${at}: the default ${JSON.stringify(field.default)} is not a valid value of the field: ${describeErrors(validate.errors ?? [], field, 'default', field.default).map((p) => p.message).join('; ')}`);
      } else if (typeof field.description === 'string') {
        const claim = sentences(field.description).find((s) => SPEAKS_OF_DEFAULT.test(s.replace(DEFAULT_AS_A_NAME, '')) && !SOMEONE_ELSES_DEFAULT.test(s));
        if (claim) problems.push(`${label} ${at}: the description promises a default ("${claim}") but the field has no "default", so nothing is sent; add "default" or say whose default it is (Customer.io's)`);
      }
      visit(field, at, applied);
    }
    for (const keyword of ['oneOf', 'anyOf', 'allOf'] as const) {
      (node[keyword] as JsonSchema[] | undefined)?.forEach((branch, i) => visit(branch, `${where}{${keyword}[${i}]}`, false));
    }
    if (node.items && typeof node.items === 'object') visit(node.items as JsonSchema, `${where}[]`, false);
  };
  visit(schema, 'input', true);
  return problems;
}

/** Inputs named after a resource that has a list endpoint must offer its dropdown. */
export const DROPDOWN_FOR_FIELD: Record<string, string> = {
  segment_id: 'list_segments_ddl',
  campaign_id: 'list_campaigns_ddl',
  broadcast_id: 'list_broadcasts_ddl',
  newsletter_id: 'list_newsletters_ddl',
  transactional_id: 'list_transactional_messages_ddl',
  transactional_message_id: 'list_transactional_messages_ddl',
  sender_identity_id: 'list_sender_identities_ddl',
  sender_id: 'list_sender_identities_ddl',
  collection_id: 'list_collections_ddl',
  object_type_id: 'list_object_types_ddl',
  webhook_id: 'list_reporting_webhooks_ddl',
  topic_id: 'list_subscription_topics_ddl',
};

function lintDropdowns(schema: JsonSchema, label: string): string[] {
  const problems: string[] = [];
  walkFields(schema, label, (field, where) => {
    const name = where.split('.').pop()!;
    const wanted = DROPDOWN_FOR_FIELD[name];
    const lookup = (field.lookup as { operation?: string } | undefined)?.operation;
    if (wanted && lookup !== wanted) problems.push(`${where}: takes a ${name} and needs "lookup": {"operation": "${wanted}"}`);
  });
  return problems;
}

/**
 * A connector's own rules: a connector of actions offers Tray's universal raw request; credentials
 * are checked with an action of its own (a trigger is never executed).
 */
export function lintConnector(connector: LoadedConnector): string[] {
  const problems: string[] = [];
  const operations = [...connector.operationsByName.values()];
  const hasTriggers = operations.some((op) => op.type === 'trigger');
  if (!hasTriggers && !connector.operationsByName.has('raw_http_request')) problems.push(`${connector.name}: a connector of actions offers raw_http_request`);
  const check = connector.test_auth && connector.operationsByName.get(connector.test_auth.operation);
  if (connector.test_auth && (!check || check.type === 'trigger')) problems.push(`${connector.name}: test_auth names ${connector.test_auth.operation}, which must be an action of the connector`);
  return problems;
}

/**
 * A dropdown that keeps only the items fitting its input (response.keep) names an input it has,
 * and, when the items do not say it themselves, an operation of its connector that tells, run
 * with inputs it has; only such a dropdown's examples go on past their first request (then).
 */
function lintChoiceFilter(connector: LoadedConnector, operation: LoadedOperation, inputProps: string[]): string[] {
  const label = `${connector.name}/${operation.name}`;
  const problems: string[] = [];
  const keep = operation.response?.mode === 'ddl' ? operation.response.keep : undefined;
  if (keep && !inputProps.includes(keep.input)) problems.push(`${label}: response.keep.input ${keep.input} is not an input of the dropdown`);
  const from = keep?.from;
  if (from) {
    const details = connector.operationsByName.get(from.operation);
    if (!details || details.type === 'trigger') problems.push(`${label}: response.keep.from names ${from.operation}, which is not an action of ${connector.name}`);
    else {
      const detailInputs = Object.keys((details.input_schema.properties as object | undefined) ?? {});
      for (const key of Object.keys(from.input)) if (!detailInputs.includes(key)) problems.push(`${label}: response.keep.from.input ${key} is not an input of ${from.operation}`);
    }
    if (operation.pagination) problems.push(`${label}: response.keep.from reads each listed item's details; a paginated list cannot (list every item in one answer)`);
  }
  operation.examples.forEach((example, i) => {
    if (example.then && !from) problems.push(`${label} example ${i}: only a dropdown that reads each item's details (response.keep.from) sends more than one request`);
  });
  return problems;
}

export function lintOperation(connector: LoadedConnector, operation: LoadedOperation): string[] {
  const label = `${connector.name}/${operation.name}`;
  const dropdowns = new Map([...connector.operationsByName.values()].filter((op) => op.type === 'ddl').map((op) => [op.name, op.input_schema]));
  const problems = lintFormSchema(operation.input_schema, `${label} input`, dropdowns);
  problems.push(...lintDefaults(operation.input_schema, label));
  // Track keys cannot call the App API, so Track fields cannot have App dropdowns.
  if (connector.api !== 'track') problems.push(...lintDropdowns(operation.input_schema, `${label} input`));
  const inputProps = Object.keys((operation.input_schema.properties as object) ?? {});
  const required = (operation.input_schema.required as string[] | undefined) ?? [];
  if (operation.http) {
    for (const param of templateParams(operation.http.path)) {
      if (param === operation.http.identifier?.path_param) continue;
      if (!required.includes(param)) problems.push(`${label}: path parameter {${param}} must be a required input`);
    }
    for (const key of operation.http.query ?? []) if (!inputProps.includes(key)) problems.push(`${label}: query key ${key} is not an input`);
    // read_only says more than the method only for a POST; a read that sends a message is a contradiction.
    if (operation.http.read_only && operation.http.method !== 'POST') problems.push(`${label}: read_only is for a POST that only reads; ${operation.http.method} says what it does already`);
    if (operation.http.read_only && operation.sends_message) problems.push(`${label}: an operation that sends a message is not read-only`);
  }
  if (operation.pagination) {
    const p = operation.pagination;
    const needed = [p.param, p.limit ?? 'limit', ...(p.all_pages === 'always' ? [] : ['all_pages', 'max_items'])];
    for (const key of needed) if (!inputProps.includes(key)) problems.push(`${label}: a paginated operation needs the input ${key}`);
  } else if (inputProps.includes('all_pages')) {
    problems.push(`${label}: all_pages needs a pagination definition`);
  }
  if (operation.http?.identifier && !required.includes(operation.http.identifier.input)) {
    problems.push(`${label}: the identifier choice ${operation.http.identifier.input} must be a required input`);
  }
  const isDropdown = operation.type === 'ddl';
  if (isDropdown !== (operation.hidden === true)) problems.push(`${label}: dropdown helpers (type "ddl"), and only they, are hidden`);
  if (isDropdown !== (operation.response?.mode === 'ddl')) problems.push(`${label}: dropdown helpers (type "ddl"), and only they, answer with dropdown choices (response mode ddl)`);
  problems.push(...lintChoiceFilter(connector, operation, inputProps));
  if (operation.type === 'trigger') problems.push(...lintTrigger(connector, operation));
  else if (operation.trigger) problems.push(`${label}: only a trigger (type "trigger") has a trigger mapping`);

  let validateInput, validateOutput;
  try {
    validateInput = compileSchema(operation.input_schema);
    validateOutput = compileSchema(operation.output_schema);
  } catch (error) {
    return [...problems, `${label}: schema does not compile in strict mode: ${(error as Error).message}`];
  }
  operation.examples.forEach((example, i) => {
    if (!validateInput(example.input)) {
      problems.push(`${label} example ${i} input: ${describeErrors(validateInput.errors ?? [], operation.input_schema, 'input', example.input).map((p) => p.message).join('; ')}`);
    }
    if (!validateOutput(example.output)) {
      problems.push(`${label} example ${i} output: ${describeErrors(validateOutput.errors ?? [], operation.output_schema, 'output', example.output).map((p) => p.message).join('; ')}`);
    }
  });
  return problems;
}
