// What a host is told about one operation (registry.describe()): its form schemas and where it
// belongs, without the request mapping, examples or the file it came from.
import type { JsonSchema, LoadedConnector, LoadedOperation } from './definitions.js';
import { effectsOf, type OperationEffects } from './operation-effects.js';

export interface OperationDescription extends OperationEffects {
  name: string;
  title: string;
  description: string;
  hidden: boolean;
  http: { method: string; path: string };
  input_schema: JsonSchema;
  output_schema: JsonSchema;
  /** The resource it belongs to, for grouping ("People", "Segments"…). */
  resource: string;
  /** `ddl`: a dropdown helper, run for a `lookup`; `trigger`: starts a workflow from Customer.io's events; `action`: anything a workflow step runs. */
  kind: 'action' | 'ddl' | 'trigger';
}

export function describeOperation(op: LoadedOperation, connector: LoadedConnector): OperationDescription {
  return {
    name: op.name,
    title: op.title,
    description: op.description,
    hidden: op.hidden === true,
    // The raw request takes its method and path as inputs; a trigger is posted to by Customer.io.
    http: op.type === 'trigger' ? { method: 'POST', path: '{webhookUrl}' } : { method: op.http?.method ?? 'ANY', path: op.http?.path ?? '{url}' },
    input_schema: op.input_schema,
    output_schema: op.output_schema,
    resource: op.resource,
    kind: op.type ?? 'action',
    ...effectsOf(op, connector),
  };
}
