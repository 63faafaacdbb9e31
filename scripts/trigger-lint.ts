// Checks a trigger operation beyond what the operation meta-schema can say: the events it offers
// are exactly its object types' kinds (as generated from Customer.io's document) and the App API
// registers each of them; the operations, inputs, data fields and auth field its mapping names
// exist; its output is the union of those kinds; and each example registers the webhook as the
// runtime does and shows an event that the trigger would hand over.
import type { JsonSchema, LoadedConnector, LoadedOperation, OperationExample, TriggerMapping } from '../runtime/definitions.js';
import { templateParams } from '../runtime/plan/path-template.js';
import { compileSchema, describeErrors, type Validator } from '../runtime/input/validation.js';
import { loadEventCatalog, type EventCatalog } from './reporting-events-catalog.js';

/** A trigger's example: the registration call and its answer, then an event posted to the webhook. */
export type TriggerExample = OperationExample & { payload: unknown };

/** What a trigger registers its webhook as: the runtime names it after the trigger. */
export function webhookName(operation: LoadedOperation): string {
  return `Workflow trigger: ${operation.title}`;
}

let catalog: EventCatalog | undefined;
const validators = new Map<string, Validator>();

function kindValidator(events: EventCatalog, name: string): Validator {
  let validate = validators.get(name);
  if (!validate) validators.set(name, (validate = compileSchema(events.schema(name))));
  return validate;
}

function problemsOf(validate: Validator, data: unknown, schema: JsonSchema, where: string): string[] {
  return validate(data) ? [] : describeErrors(validate.errors ?? [], schema, where, data).map((p) => p.message);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function lintMapping(connector: LoadedConnector, operation: LoadedOperation, trigger: TriggerMapping, events: EventCatalog, label: string): string[] {
  const problems: string[] = [];
  const inputs = (operation.input_schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = (operation.input_schema.required ?? []) as string[];
  const types = trigger.object_types;
  for (const type of types ?? []) if (!events.objectTypes.includes(type)) problems.push(`${label}: object type ${type} is not one of the reporting-webhook document's (${events.objectTypes.join(', ')})`);

  for (const role of ['register', 'unregister'] as const) {
    const target = connector.operationsByName.get(trigger[role]);
    if (!target) problems.push(`${label}: ${role} names ${trigger[role]}, which is not an operation of ${connector.name}`);
    else if (target.type === 'trigger' || !target.http) problems.push(`${label}: ${role} names ${trigger[role]}, which must be an action with an http mapping`);
  }
  const register = connector.operationsByName.get(trigger.register);
  const registerInputs = (register?.input_schema.properties ?? {}) as Record<string, JsonSchema>;
  for (const key of ['name', 'endpoint', 'events']) if (register && !registerInputs[key]) problems.push(`${label}: ${trigger.register} takes no ${key}, which registering a webhook sends`);
  const unregister = connector.operationsByName.get(trigger.unregister);
  if (unregister?.http && templateParams(unregister.http.path).length !== 1) problems.push(`${label}: ${trigger.unregister} must take the webhook's id as its one path parameter`);

  const authFields = (connector.auth_schema.properties ?? {}) as Record<string, JsonSchema>;
  const signingKey = authFields[trigger.signing_key];
  if (!signingKey) problems.push(`${label}: signing_key names ${trigger.signing_key}, which is not a field of ${connector.name}'s auth form`);
  else if (signingKey.secret !== true || !((connector.auth_schema.required ?? []) as string[]).includes(trigger.signing_key)) {
    problems.push(`${label}: the signing key field ${trigger.signing_key} must be a required secret of the auth form`);
  }

  const picker = inputs[trigger.events_input];
  const kinds = events.kinds(types);
  if (!picker) problems.push(`${label}: events_input names ${trigger.events_input}, which is not an input`);
  else {
    const items = (picker.items ?? {}) as JsonSchema;
    if (!required.includes(trigger.events_input) || picker.type !== 'array' || picker.minItems !== 1 || picker.uniqueItems !== true) {
      problems.push(`${label}: ${trigger.events_input} must be a required list of at least one event, each at most once`);
    }
    if (!same(items.enum, kinds.map((k) => k.name))) problems.push(`${label}: ${trigger.events_input} must offer exactly the events of ${types ? types.join(', ') : 'every object type'}: ${kinds.map((k) => k.name).join(', ')}`);
    if (!same(items.enumLabels, kinds.map((k) => k.label))) problems.push(`${label}: ${trigger.events_input} must label the events as the App API does: ${kinds.map((k) => k.label).join(', ')}`);
    const registrable = (registerInputs.events?.items as JsonSchema | undefined)?.enum as string[] | undefined;
    const refused = kinds.map((k) => k.name).filter((name) => registrable && !registrable.includes(name));
    if (refused.length) problems.push(`${label}: ${trigger.register} does not take the events ${refused.join(', ')}, so they could never be registered`);
  }

  const fields = events.dataFields(types);
  for (const [input, field] of Object.entries(trigger.filters ?? {})) {
    if (!inputs[input]) problems.push(`${label}: the filter ${input} is not an input`);
    else if (required.includes(input)) problems.push(`${label}: the filter ${input} must be optional (left empty, it lets every event through)`);
    if (!fields.has(field)) problems.push(`${label}: the filter ${input} compares data.${field}, which none of its events carries`);
  }
  const domain = trigger.recipient_domain_input;
  if (domain !== undefined) {
    if (typeof inputs[domain]?.pattern !== 'string') problems.push(`${label}: recipient_domain_input ${domain} must be an input with a domain pattern`);
    if (!fields.has('recipient') && !fields.has('email_address')) problems.push(`${label}: recipient_domain_input is set but none of its events carries a recipient`);
  }

  const expected = (types ?? events.objectTypes).flatMap((type) => [...events.kinds([type]).map((k) => k.label), String(events.schema(`${type}_other`).title)]);
  const branches = (operation.output_schema.oneOf ?? operation.output_schema.anyOf ?? []) as JsonSchema[];
  if (!same(branches.map((b) => b.title), expected)) problems.push(`${label}: the output must be a choice of its events and each object type's generic branch (${expected.join(', ')})`);
  return problems;
}

/** Why the trigger would leave the example's event out, or undefined when it hands it over. */
function leftOut(payload: Record<string, unknown>, trigger: TriggerMapping, input: Record<string, unknown>, events: EventCatalog): string | undefined {
  const chosen = (input[trigger.events_input] ?? []) as string[];
  if (trigger.object_types && !trigger.object_types.includes(String(payload.object_type))) return `its object_type ${String(payload.object_type)} is not among ${trigger.object_types.join(', ')}`;
  if (!chosen.some((name) => kindValidator(events, name)(payload))) return `it is none of the chosen events (${chosen.join(', ')})`;
  const data = (payload.data ?? {}) as Record<string, unknown>;
  for (const [key, field] of Object.entries(trigger.filters ?? {})) {
    if (input[key] !== undefined && String(data[field]) !== String(input[key])) return `its data.${field} is not ${String(input[key])}`;
  }
  const domain = trigger.recipient_domain_input ? input[trigger.recipient_domain_input] : undefined;
  const address = String(data.recipient ?? data.email_address ?? '');
  if (typeof domain === 'string' && !address.toLowerCase().endsWith(`@${domain.toLowerCase()}`)) return `its recipient ${address} is not at ${domain}`;
  return undefined;
}

function lintExample(connector: LoadedConnector, operation: LoadedOperation, trigger: TriggerMapping, example: TriggerExample, i: number, events: EventCatalog): string[] {
  const label = `${connector.name}/${operation.name} example ${i}`;
  const problems: string[] = [];
  const register = connector.operationsByName.get(trigger.register);
  if (register?.http) {
    const wanted = { method: register.http.method, path: register.http.path };
    if (example.request.method !== wanted.method || example.request.path !== wanted.path) problems.push(`${label}: registers with ${wanted.method} ${wanted.path}, as ${trigger.register} sends`);
    const body = (example.request.body ?? {}) as Record<string, unknown>;
    if (body.name !== webhookName(operation)) problems.push(`${label}: the webhook is named "${webhookName(operation)}"`);
    if (!same(body.events, example.input[trigger.events_input])) problems.push(`${label}: the webhook is registered for exactly the chosen events`);
    problems.push(...problemsOf(compileSchema(register.input_schema), body, register.input_schema, `${label} request.body`));
    problems.push(...problemsOf(compileSchema(register.output_schema), example.response.body, register.output_schema, `${label} response.body`));
  }
  problems.push(...problemsOf(compileSchema(operation.output_schema), example.payload, operation.output_schema, `${label} payload`));
  if (!same(example.output, example.payload)) problems.push(`${label}: the output is the event as it came (the payload)`);
  const reason = example.payload && typeof example.payload === 'object' ? leftOut(example.payload as Record<string, unknown>, trigger, example.input, events) : 'it is not an object';
  if (reason) problems.push(`${label}: the trigger would leave the payload out: ${reason}`);
  return problems;
}

export function lintTrigger(connector: LoadedConnector, operation: LoadedOperation, events: EventCatalog = (catalog ??= loadEventCatalog())): string[] {
  const label = `${connector.name}/${operation.name}`;
  const trigger = operation.trigger;
  if (!trigger) return [`${label}: a trigger needs its trigger mapping`];
  const problems = lintMapping(connector, operation, trigger, events, label);
  operation.examples.forEach((example, i) => problems.push(...lintExample(connector, operation, trigger, example as TriggerExample, i, events)));
  return problems;
}
