// What `cio-connectors describe` prints for a person (`--json` prints the description itself):
// a connector as a table of its operations (group, name, title, what it does to the world), and
// an operation as its fields (required marks, types and limits, defaults, descriptions), choices
// and lists laid out under the field they belong to. Pure: a description in, text out.
import type { ConnectorDescription, OperationDescription } from '../runtime/index.js';

type Schema = { [keyword: string]: unknown };

function isObject(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Deeper than this, a field's own fields are left to --json (search filters nest without end). */
const MAX_DEPTH = 4;
const WIDTH = 100;

/** Words wrapped to WIDTH, the first line indented by `indent`, the others by `rest`. */
function wrap(text: string, indent: string, rest = indent): string[] {
  const lines: string[] = [];
  let line = '';
  const lead = () => (lines.length === 0 ? indent : rest);
  for (const word of text.split(/[ \t\n]+/).filter(Boolean)) {
    if (line && lead().length + line.length + 1 + word.length > WIDTH) {
      lines.push(lead() + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(lead() + line);
  return lines;
}

const plainWords = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '');
const count = (n: number) => n.toLocaleString('en');

/** A table: columns padded to their widest cell, a header row first. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

/** What an operation does to the world, as describe() reports it. */
function effects(operation: OperationDescription): string {
  if (operation.kind === 'trigger') return 'trigger (starts a workflow per event)';
  if (operation.kind === 'ddl') return 'dropdown helper, reads only';
  if (operation.read_only) return 'reads only';
  return ['writes', operation.safe_to_repeat ? 'safe to repeat' : 'not safe to repeat', ...(operation.sends_message ? ['sends a message'] : [])].join(', ');
}

export function connectorText(connector: ConnectorDescription): string {
  const out: string[] = [`${connector.title} (${connector.name} ${connector.version})`, ...wrap(connector.description, '')];
  out.push(`Base URL: ${Object.entries(connector.base_urls).map(([region, url]) => `${region.toUpperCase()} ${url}`).join('   ')}`);
  const auth = connector.auth_schema;
  const required = new Set(Array.isArray(auth.required) ? auth.required.map(String) : []);
  out.push(`Credentials: ${Object.keys(isObject(auth.properties) ? auth.properties : {}).map((key) => `${key}${required.has(key) ? '*' : ''}`).join(', ')}`);

  // Grouped by resource, in the order the connector lists its operations.
  const groups = new Map<string, OperationDescription[]>();
  for (const operation of connector.operations) {
    const group = operation.kind === 'ddl' ? 'Dropdown helpers (hidden in forms)' : operation.resource;
    groups.set(group, [...(groups.get(group) ?? []), operation]);
  }
  const rows: string[][] = [];
  for (const [group, operations] of [...groups].sort(([a], [b]) => Number(a.startsWith('Dropdown')) - Number(b.startsWith('Dropdown')))) {
    operations.forEach((operation, i) => rows.push([i === 0 ? group : '', operation.name, operation.title, effects(operation)]));
  }
  out.push('', `${connector.operations.length} operations:`, '', ...table(['GROUP', 'OPERATION', 'TITLE', 'KIND / EFFECTS'], rows));
  out.push('', `cio-connectors describe ${connector.name} <operation> shows an operation's fields; --json prints the whole description.`);
  return out.join('\n');
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text', integer: 'whole number', number: 'number', boolean: 'true or false', object: 'object', array: 'list', null: 'null',
};

function typesOf(schema: Schema): string[] {
  return typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type.map(String) : [];
}

const shown = (value: unknown) => JSON.stringify(value);

/** A field's kind and rules in a few words: `text, at most 150 bytes`, `one of "us" (US), "eu" (EU)`. */
function summary(schema: Schema): string {
  const parts: string[] = [];
  if ('const' in schema) parts.push(`always ${shown(schema.const)}`);
  else if (Array.isArray(schema.enum)) {
    const labels = Array.isArray(schema.enumLabels) ? schema.enumLabels : [];
    // A label is shown where it says more than the value (not "Email sent" for email_sent).
    const labelled = (value: unknown, i: number) => (labels[i] !== undefined && plainWords(String(labels[i])) !== plainWords(String(value)) ? `${shown(value)} (${String(labels[i])})` : shown(value));
    parts.push(`one of ${schema.enum.map(labelled).join(', ')}`);
  } else if (Array.isArray(schema.oneOf)) {
    parts.push(`one of: ${schema.oneOf.map((branch, i) => (isObject(branch) && typeof branch.title === 'string' ? branch.title : `choice ${i + 1}`)).join(' | ')}`);
  } else if (schema.unixTime === true) {
    parts.push('Unix time in seconds, or an ISO 8601 date-time with a time zone');
  } else {
    const types = typesOf(schema);
    if (types.includes('array') && isObject(schema.items)) parts.push(`list of ${isObject(schema.items.properties) ? 'objects' : summary(schema.items)}`);
    else if (types.length === 1 && types[0] === 'object' && !isObject(schema.properties)) {
      parts.push(isObject(schema.additionalProperties) ? `map of names to ${summary(schema.additionalProperties)}` : 'object (any fields)');
    } else if (types.length) parts.push(types.map((type) => TYPE_WORDS[type] ?? type).join(' or '));
    else parts.push('any JSON value');
  }
  if (typeof schema.format === 'string' && !['text', 'code', 'endpoint'].includes(schema.format)) parts.push(schema.format);
  if (typeof schema.patternDescription === 'string') parts.push(schema.patternDescription);
  else if (typeof schema.pattern === 'string') parts.push(`matching ${schema.pattern}`);
  if (typeof schema.minLength === 'number' && schema.minLength > 0) parts.push(schema.minLength === 1 ? 'not empty' : `at least ${schema.minLength} characters`);
  if (typeof schema.maxLength === 'number') parts.push(`at most ${count(schema.maxLength)} characters`);
  if (typeof schema.maxBytes === 'number') parts.push(`at most ${count(schema.maxBytes)} bytes`);
  if (typeof schema.minimum === 'number') parts.push(`at least ${schema.minimum}`);
  if (typeof schema.maximum === 'number') parts.push(`at most ${schema.maximum}`);
  if (typeof schema.minItems === 'number' && schema.minItems > 0) parts.push(`at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`);
  if (typeof schema.maxItems === 'number') parts.push(`at most ${schema.maxItems} items`);
  if (isObject(schema.lookup) && typeof schema.lookup.operation === 'string') parts.push(`dropdown: ${schema.lookup.operation}`);
  if (schema.secret === true) parts.push('secret');
  if ('default' in schema) parts.push(`default ${shown(schema.default)}`);
  return parts.join(', ');
}

/** The fields of an object schema, each with its own fields, items and choices beneath it. */
function fieldLines(schema: Schema, indent: string, depth: number): string[] {
  if (!isObject(schema.properties)) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const advanced = new Set(Array.isArray(schema.advanced) ? schema.advanced.map(String) : []);
  const lines: string[] = [];
  for (const [key, raw] of Object.entries(schema.properties)) {
    if (!isObject(raw)) continue;
    const marks = `${required.has(key) ? '*' : ''}`;
    // Two spaces between the name and its summary, kept through the wrapping (NUL stands for them).
    const line = `${key}${marks}\u0000${summary(raw)}${advanced.has(key) ? '\u0000[advanced]' : ''}`;
    lines.push(...wrap(line, indent, `${indent}      `).map((text) => text.replaceAll('\u0000', '  ')));
    if (typeof raw.description === 'string') lines.push(...wrap(raw.description, `${indent}    `));
    lines.push(...innerLines(raw, `${indent}    `, depth + 1));
  }
  return lines;
}

/** What sits under a field: its own fields, its list items' fields, its choices' fields. */
function innerLines(schema: Schema, indent: string, depth: number): string[] {
  if (depth > MAX_DEPTH) return isObject(schema.properties) || Array.isArray(schema.oneOf) ? [`${indent}… (deeper fields: --json)`] : [];
  const lines = fieldLines(schema, indent, depth);
  if (isObject(schema.items) && (isObject(schema.items.properties) || Array.isArray(schema.items.oneOf))) {
    lines.push(`${indent}each item: ${summary(schema.items)}`, ...innerLines(schema.items, `${indent}  `, depth + 1));
  }
  if (Array.isArray(schema.oneOf)) {
    schema.oneOf.forEach((branch, i) => {
      if (!isObject(branch)) return;
      const fields = innerLines(branch, `${indent}  `, depth + 1);
      const title = typeof branch.title === 'string' ? branch.title : `choice ${i + 1}`;
      lines.push(`${indent}${title}:${fields.length ? '' : ` ${summary(branch)}`}`, ...fields);
    });
  }
  return lines;
}

export function operationText(connector: ConnectorDescription, operation: OperationDescription): string {
  const out: string[] = [`${operation.name}: ${operation.title}  (${connector.title}, ${connector.name})`];
  const where = operation.kind === 'trigger' ? 'reporting webhook' : `${operation.http.method} ${operation.http.path}`;
  out.push(`${where}   ${effects(operation)}   group: ${operation.resource}`, ...wrap(operation.description, ''), '');
  const input = operation.input_schema;
  const fields = fieldLines(input, '  ', 1);
  if (fields.length === 0) out.push('Input: none');
  else out.push('Input (* required; [advanced] sits behind "Show advanced" in a form):', ...fields);
  const output = operation.output_schema;
  const outputKeys = Object.keys(isObject(output.properties) ? output.properties : {});
  out.push('', `Output: ${outputKeys.length ? outputKeys.join(', ') : summary(output)}`);
  out.push('', `--json prints the operation with its full input and output schemas.`);
  return out.join('\n');
}
