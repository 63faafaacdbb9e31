// Every definition file is valid data: it fits its meta-schema, compiles under strict ajv,
// labels every field for a form, and its examples fit its own schemas.
import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lintFormSchema, lintOperation } from '../scripts/definition-lint.js';
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
  return validate(data) ? [] : describeErrors(validate.errors ?? [], validate.schema as Record<string, unknown>, 'file').map((p) => p.message);
}

describe('connector.manifest.json', () => {
  it('fits the manifest meta-schema and lists the three connectors', () => {
    const manifest = readJsonFile(join(root, 'connector.manifest.json'));
    expect(problemsOf(validateManifest, manifest)).toEqual([]);
    expect(connectors.map((c) => `${c.name}@${c.version}`)).toEqual(['customer-io@2.0', 'customer-io-app@1.0', 'customer-io-beta@1.0']);
  });
});

describe.each(connectors.map((c) => [c.name, c] as const))('%s', (_name, connector) => {
  it('connector.json fits the connector meta-schema', () => {
    expect(problemsOf(validateConnector, readJsonFile(join(connector.folder, 'connector.json')))).toEqual([]);
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
    expect(Object.keys(props)).toEqual(connector.api === 'track' ? ['site_id', 'api_key', 'region'] : ['api_key', 'region']);
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

  it('knows two types of operation, action and ddl', () => {
    expect(definition.type).toBe('ddl');
    expect(problemsOf(validateOperation, { ...definition, type: 'action' })).toEqual([]);
    expect(problemsOf(validateOperation, { ...definition, type: 'trigger' })).toHaveLength(1);
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
