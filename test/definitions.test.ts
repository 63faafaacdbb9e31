// Every definition file is valid data: it fits its meta-schema, compiles under strict ajv,
// labels every field for a form, and its examples fit its own schemas.
import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lintConnector, lintFormSchema, lintOperation } from '../scripts/definition-lint.js';
import { loadManifest, packageRoot } from '../runtime/loader.js';
import { readJsonFile } from '../runtime/schema-bundle.js';
import { compileSchema, describeErrors } from '../runtime/input/validation.js';

const root = packageRoot();
const metaSchema = (name: string) => readJsonFile<Record<string, unknown>>(join(root, 'schemas', name));
const validateManifest = compileSchema(metaSchema('manifest.meta.schema.json'));
const validateConnector = compileSchema(metaSchema('connector.meta.schema.json'));
const validateOperation = compileSchema(metaSchema('operation.meta.schema.json'));
const connectors = loadManifest();

function problemsOf(validate: ReturnType<typeof compileSchema>, data: unknown): string[] {
  return validate(data) ? [] : describeErrors(validate.errors ?? [], validate.schema as Record<string, unknown>, 'file', data).map((p) => p.message);
}

describe('connector.manifest.json', () => {
  it('fits the manifest meta-schema and lists the four connectors', () => {
    const manifest = readJsonFile(join(root, 'connector.manifest.json'));
    expect(problemsOf(validateManifest, manifest)).toEqual([]);
    expect(connectors.map((c) => `${c.name}@${c.version}`)).toEqual(['customer-io@2.0', 'customer-io-app@1.0', 'customer-io-beta@1.0', 'customer-io-trigger@1.0']);
  });
});

describe.each(connectors.map((c) => [c.name, c] as const))('%s', (_name, connector) => {
  it('connector.json fits the connector meta-schema and the connector rules (raw request for actions, credentials checked by an action)', () => {
    expect(problemsOf(validateConnector, readJsonFile(join(connector.folder, 'connector.json')))).toEqual([]);
    expect(lintConnector(connector)).toEqual([]);
  });

  it('checks credentials with one of its own operations', () => {
    expect(connector.test_auth).toBeDefined();
    expect(connector.operationsByName.has(connector.test_auth!.operation)).toBe(true);
  });

  it('lists exactly the operation files in its folder', () => {
    const files = readdirSync(join(connector.folder, 'operations')).map((f) => f.replace(/\.json$/, '')).sort();
    expect([...connector.operations].sort()).toEqual(files);
  });

  it('has an auth form with titled, described fields, masked keys and a US/EU region defaulting to US', () => {
    const schema = connector.auth_schema;
    expect(lintFormSchema(schema, `${connector.name} auth`, new Set())).toEqual([]);
    const props = schema.properties as Record<string, Record<string, unknown>>;
    expect(props.api_key).toMatchObject({ secret: true });
    expect(props.region).toMatchObject({ enum: ['us', 'eu'], enumLabels: ['US', 'EU'], default: 'us' });
    const hasTriggers = [...connector.operationsByName.values()].some((op) => op.type === 'trigger');
    const fields = connector.api === 'track' ? ['site_id', 'api_key', 'region'] : ['api_key', 'region'];
    // A trigger connector also takes the key Customer.io signs its webhook requests with.
    expect(Object.keys(props)).toEqual(hasTriggers ? [...fields, 'signing_key'] : fields);
    if (hasTriggers) expect(props.signing_key).toMatchObject({ secret: true, env: 'CUSTOMERIO_WEBHOOK_SIGNING_KEY' });
    expect(() => compileSchema(schema)).not.toThrow();
  });

  it.each([...connector.operationsByName.values()].map((op) => [op.name, op] as const))(
    'operation %s fits the meta-schema, compiles strictly and its examples fit its schemas',
    (_op, operation) => {
      const { file: _file, ...definition } = operation;
      expect(problemsOf(validateOperation, definition)).toEqual([]);
      expect(lintOperation(connector, operation)).toEqual([]);
    },
  );
});

describe('the operation meta-schema', () => {
  const operation = [...connectors[1]!.operationsByName.values()].find((op) => op.name === 'list_segments_ddl')!;
  const { file: _file, ...definition } = operation;

  it('requires the resource an operation belongs to', () => {
    const { resource: _resource, ...withoutResource } = definition;
    expect(problemsOf(validateOperation, withoutResource)).toEqual(['"file.resource": is required']);
  });

  it('knows three types of operation: action, ddl and trigger (which needs its trigger mapping)', () => {
    expect(definition.type).toBe('ddl');
    expect(problemsOf(validateOperation, { ...definition, type: 'action' })).toEqual([]);
    expect(problemsOf(validateOperation, { ...definition, type: 'trigger' })).toContain('"file.trigger": is required');
    expect(problemsOf(validateOperation, { ...definition, type: 'webhook' })).not.toEqual([]);
  });

  describe('a trigger', () => {
    const trigger = connectors.find((c) => c.name === 'customer-io-trigger')!.operationsByName.get('watch_email_events')!;
    const { file: _f, ...triggerDefinition } = trigger;
    const [example] = triggerDefinition.examples as unknown as Record<string, unknown>[];

    it('fits without http, plan or runner, and with examples that register its webhook and show an event', () => {
      expect(problemsOf(validateOperation, triggerDefinition)).toEqual([]);
      expect(Object.keys(example!)).toEqual(['title', 'input', 'request', 'response', 'payload', 'output']);
    });

    it('is never also an http, raw or bulk operation', () => {
      expect(problemsOf(validateOperation, { ...triggerDefinition, http: { method: 'GET', path: '/x' } })).not.toEqual([]);
      expect(problemsOf(validateOperation, { ...triggerDefinition, plan: 'raw' })).not.toEqual([]);
    });

    it('needs an event in each example, and registers with exactly name, endpoint and events', () => {
      const { payload: _payload, ...withoutPayload } = example!;
      expect(problemsOf(validateOperation, { ...triggerDefinition, examples: [withoutPayload] })).toContain('"file.examples[0].payload": is required');
      const request = example!.request as { body: Record<string, unknown> };
      const extra = { ...example, request: { ...request, body: { ...request.body, disabled: false } } };
      expect(problemsOf(validateOperation, { ...triggerDefinition, examples: [extra] })).toContain('"file.examples[0].request.body.disabled": is not a field of this form');
    });

    it('is the only operation with a trigger mapping, and its examples are not action examples', () => {
      expect(problemsOf(validateOperation, { ...definition, trigger: trigger.trigger })).not.toEqual([]);
      expect(problemsOf(validateOperation, { ...definition, examples: triggerDefinition.examples })).not.toEqual([]);
    });
  });
});

describe('Track v2 coverage', () => {
  const track = connectors.find((c) => c.name === 'customer-io')!;
  const v2 = readJsonFile<{ $defs: { v2_operation: { oneOf: { properties: { type: { const: string }; action: { const: string } } }[] } } }>(
    join(root, 'schemas', 'track-v2.schema.json'),
  );
  const pairs = v2.$defs.v2_operation.oneOf.map((b) => `${b.properties.type.const}:${b.properties.action.const}`).sort();

  it('offers the 18 type/action pairs of the Track v2 API', () => {
    expect(pairs).toHaveLength(18);
  });

  it.each([
    ['send_entity', (input: Record<string, unknown>) => [input.entity]],
    ['send_batch', (input: Record<string, unknown>) => input.batch as unknown[]],
  ] as const)('%s examples exercise every pair', (name, entitiesOf) => {
    const seen = new Set(
      track.operationsByName.get(name)!.examples.flatMap((e) => entitiesOf(e.input)).map((e) => `${(e as { type: string }).type}:${(e as { action: string }).action}`),
    );
    expect([...seen].sort()).toEqual(pairs);
  });
});
