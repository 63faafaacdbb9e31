// Tray form hints → what @rjsf/core understands. Pure functions over plain JSON, so a host's
// page, the reference host and the unit tests share them. The schema itself is left as the runtime sees it
// (the browser's validator registers the same keywords); every hint becomes a uiSchema entry:
//   enum + enumLabels       → ui:enumNames (the labels of the <select>)
//   advanced: [keys]        → ui:widget "hidden" on those keys unless "Show advanced" is on
//   secret: true            → ui:widget "password"
//   lookup: { operation }   → ui:widget "lookup" (a dropdown filled by running that DDL operation)
//   format "code" | "text"  → ui:widget "textarea" (monospace for code)
//   format "endpoint"       → ui:widget "endpoint" (a path after the connector's base URL: the
//                             host shows the base URL and the final URL, see resolveEndpoint)
//   oneOf / anyOf branches  → uiSchema.oneOf / anyOf, one entry per branch (rjsf shows a picker)
//   type [integer, string]  → a text input (rjsf's NumberField turns digits into a number and
//                             keeps anything else, such as a trigger name or an ISO date, as text)
//   type [string, …, object]→ ui:field "anyValue" (a value and its kind, chosen by the person:
//                             text, number, true/false or JSON; text stays text)
//   type boolean            → ui:widget "booleanChoice" (Not set / Yes / No, the default marked)
//   name → value map        → ui:field "keyValueMap" (rows of name, kind and value; a new row
//                             starts empty and is sent only once it has a name)
//   free-form object        → ui:field "jsonObject" (a JSON editor; rjsf has no widget for it)
//   object branch of a oneOf→ ui:options.titleFromChoice (the picker above names it: no second heading)

export type JsonSchema = { [keyword: string]: unknown };
export type UiSchema = { [key: string]: unknown };

export interface LookupHint {
  operation: string;
  input?: Record<string, unknown>;
}

export interface FormOptions {
  /** Show the keys listed in `advanced` (off: they are hidden, their values kept). */
  showAdvanced?: boolean;
  /** Top-level keys never shown (the host sets them itself, such as the auth region). */
  hiddenKeys?: readonly string[];
}

export interface PreparedForm {
  uiSchema: UiSchema;
  /** How many fields sit behind the advanced toggle, at any depth. */
  advancedCount: number;
  /** The DDL operations the form's dropdowns call. */
  lookups: string[];
}

function isObject(value: unknown): value is JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function typesOf(schema: JsonSchema): string[] {
  const { type } = schema;
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? type.filter((t): t is string => typeof t === 'string') : [];
}

/** An object whose content rjsf cannot lay out as fields: no properties, no typed additional values. */
export function isFreeFormObject(schema: JsonSchema): boolean {
  const types = typesOf(schema);
  if (types.length !== 1 || types[0] !== 'object') return false;
  if (schema.properties || schema.patternProperties || schema.oneOf || schema.anyOf || schema.dependencies) return false;
  const extra = schema.additionalProperties;
  return extra === undefined || extra === true || (isObject(extra) && typesOf(extra).length === 0 && !extra.oneOf && !extra.anyOf);
}

/** `type: ["integer", "string"]` and the like: a number or a piece of text. */
export function isIntegerOrText(schema: JsonSchema): boolean {
  const types = typesOf(schema).filter((t) => t !== 'null');
  return types.length === 2 && types.includes('string') && (types.includes('integer') || types.includes('number'));
}

/** A yes/no field with nothing else to choose from (no enum, no choices). */
export function isPlainBoolean(schema: JsonSchema): boolean {
  const types = typesOf(schema);
  return types.length === 1 && types[0] === 'boolean' && schema.enum === undefined && schema.const === undefined && !schema.oneOf && !schema.anyOf;
}

/**
 * An object that takes values under names of the person's choosing (custom attributes,
 * headers, topics), beside any fields it names itself: laid out as rows of name and value.
 */
export function isKeyValueMap(schema: JsonSchema): boolean {
  const types = typesOf(schema);
  if (types.length !== 1 || types[0] !== 'object' || isFreeFormObject(schema)) return false;
  if (schema.oneOf || schema.anyOf || schema.patternProperties || schema.dependencies) return false;
  return schema.additionalProperties === true || isObject(schema.additionalProperties);
}

/** Several JSON types at once, objects or arrays among them (attribute values). */
export function isAnyValue(schema: JsonSchema): boolean {
  const types = typesOf(schema).filter((t) => t !== 'null');
  return types.length > 1 && types.includes('string') && (types.includes('object') || types.includes('array') || types.includes('boolean'));
}

interface Walk {
  showAdvanced: boolean;
  advancedCount: number;
  lookups: Set<string>;
}

function fieldUi(schema: JsonSchema, walk: Walk): UiSchema {
  const ui: UiSchema = {};
  const options: Record<string, unknown> = {};

  if (Array.isArray(schema.enum) && Array.isArray(schema.enumLabels) && schema.enumLabels.length === schema.enum.length) {
    ui['ui:enumNames'] = schema.enumLabels.map(String);
  }
  if (schema.secret === true) {
    ui['ui:widget'] = 'password';
    ui['ui:autocomplete'] = 'new-password';
  }
  if (schema.format === 'code' || schema.format === 'text') {
    ui['ui:widget'] = 'textarea';
    options.rows = schema.format === 'code' ? 6 : 3;
    if (schema.format === 'code') ui['ui:classNames'] = 'code-field';
  }
  if (schema.format === 'endpoint') ui['ui:widget'] = 'endpoint';
  if (isObject(schema.lookup) && typeof schema.lookup.operation === 'string') {
    const lookup: LookupHint = { operation: schema.lookup.operation };
    if (isObject(schema.lookup.input)) lookup.input = schema.lookup.input;
    ui['ui:widget'] = 'lookup';
    options.lookup = lookup;
    walk.lookups.add(lookup.operation);
  }
  if (isIntegerOrText(schema)) options.inputType = 'text';
  else if (isAnyValue(schema) && ui['ui:widget'] === undefined) {
    ui['ui:field'] = 'anyValue';
    options.hideError = true; // the field says its problems beside its own inputs
  } else if (isPlainBoolean(schema) && ui['ui:widget'] === undefined) ui['ui:widget'] = 'booleanChoice';
  else if (isFreeFormObject(schema)) ui['ui:field'] = 'jsonObject';
  else if (isKeyValueMap(schema)) {
    ui['ui:field'] = 'keyValueMap';
    options.hideError = true; // each row's problem is said beside the row
  }
  if (typeof schema.patternDescription === 'string' && !schema.description) ui['ui:help'] = `Must be ${schema.patternDescription}.`;
  if (Object.keys(options).length > 0) ui['ui:options'] = options;

  if (isObject(schema.properties)) Object.assign(ui, propertiesUi(schema, schema.properties, walk));
  if (isObject(schema.dependencies)) {
    // Properties a dependency adds are laid out with the object's own.
    for (const dependency of Object.values(schema.dependencies)) {
      if (!isObject(dependency)) continue;
      const branches = [dependency, ...((dependency.oneOf as unknown[]) ?? []), ...((dependency.anyOf as unknown[]) ?? [])].filter(isObject);
      for (const branch of branches) {
        if (!isObject(branch.properties)) continue;
        for (const [key, value] of Object.entries(propertiesUi(branch, branch.properties, walk))) if (!(key in ui)) ui[key] = value;
      }
    }
  }
  if (isObject(schema.items)) ui.items = fieldUi(schema.items, walk);
  if (isObject(schema.additionalProperties) && ui['ui:field'] === undefined) ui.additionalProperties = fieldUi(schema.additionalProperties, walk);
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const branches = schema[keyword];
    if (Array.isArray(branches)) ui[keyword] = branches.map((branch) => (isObject(branch) ? branchUi(branch, walk) : {}));
  }
  return ui;
}

/** A branch of a choice: its object's title is the picker's choice already, so it is not shown again as a heading. */
function branchUi(branch: JsonSchema, walk: Walk): UiSchema {
  const ui = fieldUi(branch, walk);
  if (typesOf(branch).includes('object') || isObject(branch.properties)) {
    ui['ui:options'] = { ...(isObject(ui['ui:options']) ? ui['ui:options'] : {}), titleFromChoice: true };
  }
  return ui;
}

function propertiesUi(owner: JsonSchema, properties: JsonSchema, walk: Walk): UiSchema {
  const advanced = new Set(Array.isArray(owner.advanced) ? owner.advanced.map(String) : []);
  const ui: UiSchema = {};
  for (const [key, property] of Object.entries(properties)) {
    if (!isObject(property)) continue;
    const entry = fieldUi(property, walk);
    if (advanced.has(key)) {
      walk.advancedCount += 1;
      if (!walk.showAdvanced) hide(entry);
      else entry['ui:classNames'] = [entry['ui:classNames'], 'advanced-field'].filter(Boolean).join(' ');
    }
    ui[key] = entry;
  }
  return ui;
}

/** Hidden, value kept: rjsf renders the field inside a hidden wrapper and sends what it holds. */
function hide(entry: UiSchema): void {
  entry['ui:widget'] = 'hidden';
}

/** The uiSchema for one schema (an operation's input or a connector's credentials). */
export function prepareForm(schema: JsonSchema, options: FormOptions = {}): PreparedForm {
  const walk: Walk = { showAdvanced: options.showAdvanced === true, advancedCount: 0, lookups: new Set() };
  const uiSchema = fieldUi(schema, walk);
  for (const key of options.hiddenKeys ?? []) {
    const entry = isObject(uiSchema[key]) ? (uiSchema[key] as UiSchema) : {};
    hide(entry);
    uiSchema[key] = entry;
  }
  return { uiSchema, advancedCount: walk.advancedCount, lookups: [...walk.lookups] };
}

/** The keys of a schema marked `secret`, at the top level (credentials forms are flat). */
export function secretKeys(schema: JsonSchema): string[] {
  if (!isObject(schema.properties)) return [];
  return Object.entries(schema.properties)
    .filter(([, property]) => isObject(property) && property.secret === true)
    .map(([key]) => key);
}

/** A copy of credentials fit to show: secret values replaced by [REDACTED]. */
export function redactSecrets(schema: JsonSchema, values: Record<string, unknown>): Record<string, unknown> {
  const secrets = new Set(secretKeys(schema));
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, secrets.has(key) && value !== undefined && value !== '' ? '[REDACTED]' : value]));
}

/**
 * The form's data as the runtime should get it: fields left empty are dropped (rjsf keeps
 * `undefined` keys, and an optional object the user opened and left blank as `{}`), so an
 * untouched optional field never reaches the API. Values inside maps (attribute values) and
 * arrays are kept as typed: an empty string there can mean "remove this attribute".
 */
export function pruneEmpty(schema: JsonSchema, data: unknown): unknown {
  if (!isObject(data) || !isObject(schema.properties)) return data;
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    const property = schema.properties[key];
    const pruned = isObject(property) ? pruneEmpty(property, value) : value;
    if (!required.has(key) && isObject(pruned) && Object.keys(pruned).length === 0 && isObject(property) && isObject(property.properties)) continue;
    out[key] = pruned;
  }
  return out;
}

/** Whether every required credential has a value (the dropdowns wait for that). */
export function credentialsComplete(schema: JsonSchema, values: Record<string, unknown>): boolean {
  const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
  return required.every((key) => values[key] !== undefined && values[key] !== null && values[key] !== '');
}

/** A dropdown value as the field wants it: DDLs answer strings or numbers, inputs type them. */
export function coerceChoice(schema: JsonSchema, value: string): string | number | undefined {
  if (value === '') return undefined;
  const types = typesOf(schema);
  const numeric = /^-?\d+(\.\d+)?$/.test(value.trim());
  if (numeric && (types.includes('integer') || types.includes('number'))) return Number(value.trim());
  return value;
}
