// A trigger's section of the operations reference: what starts it (its events, with what each
// means), how its filters narrow them, its inputs, what it hands over, and an example: the call
// that registers its webhook and an event Customer.io then posts.
import type { JsonSchema, LoadedOperation, TriggerMapping } from '../runtime/definitions.js';
import { cell, fieldRows } from './doc-tables.js';
import type { TriggerExample } from './trigger-lint.js';

function eventRows(operation: LoadedOperation, trigger: TriggerMapping): string[] {
  const picker = (operation.input_schema.properties as Record<string, JsonSchema>)[trigger.events_input];
  const items = (picker?.items ?? {}) as JsonSchema;
  const names = (items.enum ?? []) as string[];
  const labels = (items.enumLabels ?? []) as string[];
  const branches = (operation.output_schema.oneOf ?? operation.output_schema.anyOf ?? []) as JsonSchema[];
  const described = new Map(branches.map((b) => [b.title, b.description]));
  return names.map((name, i) => `| \`${name}\` | ${cell(labels[i])} | ${cell(described.get(labels[i]))} |`);
}

function filterLines(trigger: TriggerMapping): string[] {
  const lines = Object.entries(trigger.filters ?? {}).map(([input, field]) => `- \`${input}\`: only events whose \`data.${field}\` is the value chosen.`);
  if (trigger.recipient_domain_input) {
    lines.push(`- \`${trigger.recipient_domain_input}\`: only events whose recipient (\`data.recipient\`, or \`data.email_address\`) is an address at that domain.`);
  }
  return lines.length ? ['Filters, each left out when empty:', '', ...lines, ''] : [];
}

function exampleLines(example: TriggerExample | undefined): string[] {
  if (!example) return [];
  return [
    `Example (${example.title.charAt(0).toLowerCase()}${example.title.slice(1)}):`,
    '',
    '```json',
    JSON.stringify(example.input, null, 2),
    '```',
    '',
    `enabling it sends \`${example.request.method} ${example.request.path}\` with`,
    '',
    '```json',
    JSON.stringify(example.request.body, null, 2),
    '```',
    '',
    'and an event Customer.io then posts, such as',
    '',
    '```json',
    JSON.stringify(example.payload, null, 2),
    '```',
    '',
    'is handed over as it came.',
    '',
  ];
}

export function triggerSection(operation: LoadedOperation): string {
  const trigger = operation.trigger!;
  const types = trigger.object_types ? trigger.object_types.map((t) => `\`${t}\``).join(', ') : 'every object type';
  const branches = (operation.output_schema.oneOf ?? operation.output_schema.anyOf ?? []) as JsonSchema[];
  const picker = (operation.input_schema.properties as Record<string, JsonSchema>)[trigger.events_input];
  const labels = new Set(((picker?.items as JsonSchema | undefined)?.enumLabels ?? []) as string[]);
  const generic = branches.map((b) => String(b.title)).filter((title) => !labels.has(title));
  const lines = [
    `### ${operation.title}`,
    '',
    `\`${operation.name}\` (trigger) · registers a reporting webhook with \`${trigger.register}\` when enabled, removes it with \`${trigger.unregister}\` when disabled`,
    '',
    operation.description,
    '',
    `Events (${types}):`,
    '',
    '| event | label | what happened |',
    '|---|---|---|',
    ...eventRows(operation, trigger),
    '',
    ...filterLines(trigger),
    '| input | type | | description |',
    '|---|---|---|---|',
    ...fieldRows(operation.input_schema, '', 0, { [trigger.events_input]: 'list of the events above' }),
    '',
    `Hands over the event as Customer.io posted it (\`event_id\`, \`object_type\`, \`metric\`, \`timestamp\`, \`data\`): one of the events above, or one whose metric the reporting-webhooks document does not describe yet (${generic.join(', ')}).`,
    '',
    ...exampleLines(operation.examples[0] as TriggerExample | undefined),
  ];
  return lines.join('\n');
}
