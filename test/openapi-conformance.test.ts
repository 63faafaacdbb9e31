// Customer.io's own OpenAPI document is the referee for Track request bodies: every example
// request of the Track connector must validate against the requestBody schema of its path.
import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadManifest, packageRoot } from '../runtime/loader.js';

const openapiFile = join(packageRoot(), '..', 'shared', 'openapi', 'customer-io-track-api-openapi.json');
const haveSpec = existsSync(openapiFile);
if (!haveSpec) console.warn(`skipping OpenAPI conformance: ${openapiFile} is absent`);

// In CI the document is always beside the project: its absence is a broken set-up, not a pass.
if (!haveSpec && process.env.CI === 'true') {
  it('has the official OpenAPI document to check against', () => {
    throw new Error(`CI=true but ${openapiFile} is absent`);
  });
}

type Spec = { paths: Record<string, Record<string, { requestBody?: unknown }>> };

/**
 * The official document has `oneOf`s whose branches cannot be told apart, so no body can ever
 * pass them. Each is patched to what its prose describes, and nothing else is changed:
 *  - person identifiers in `v2_cio_relationships` and `merge_customers` (id / email / cio_id):
 *    the branches have no `required`, so a value matches all of them; each branch gets the
 *    `required` its single property implies;
 *  - `/api/v1/metrics`: one branch per channel, with overlapping fields and metrics (an email
 *    "clicked" is also a valid push "clicked"); any one channel must match, so `anyOf`.
 */
type Branch = { properties?: Record<string, unknown>; required?: string[] };
function requireEachBranchProperty(branches: Branch[] | undefined): void {
  for (const branch of branches ?? []) branch.required ??= Object.keys(branch.properties ?? {});
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the OpenAPI document, walked by known paths
function patchKnownSpecDefects(spec: any): void {
  requireEachBranchProperty(spec.components.schemas.v2_cio_relationships?.items?.properties?.identifiers?.oneOf);
  const merge = spec.paths['/api/v1/merge_customers'].post.requestBody.content['application/json'].schema.properties;
  requireEachBranchProperty(merge.primary.oneOf);
  requireEachBranchProperty(merge.secondary.oneOf);
  const metrics = spec.paths['/api/v1/metrics'].post.requestBody.content['application/json'].schema;
  metrics.anyOf = metrics.oneOf;
  delete metrics.oneOf;
}

function specValidator() {
  const spec = JSON.parse(readFileSync(openapiFile, 'utf8')) as Spec;
  patchKnownSpecDefects(spec);
  // The spec carries OpenAPI-only keywords and formats such as "unix timestamp": not strict here.
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
  addFormatsModule.default(ajv);
  ajv.addSchema({ ...spec, $id: 'openapi' });
  const templates = Object.keys(spec.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));
  return { spec, ajv, templates };
}

const track = loadManifest().find((c) => c.name === 'customer-io')!;
const examples = [...track.operationsByName.values()]
  .filter((op) => op.http)
  .flatMap((op) => op.examples.map((example) => ({ op: op.name, example, prefix: op.http!.base === 'origin' ? '' : '/api' })));

const covered = new Set<string>();

(haveSpec ? describe : describe.skip)('Track examples against the official OpenAPI document', () => {
  const { spec, ajv, templates } = haveSpec ? specValidator() : ({} as ReturnType<typeof specValidator>);

  it.each(examples.map((e) => [`${e.op}: ${e.example.title}`, e] as const))('%s', (_label, { example, prefix }) => {
    const path = `${prefix}${example.request.path.split('?')[0]!}`;
    const match = templates.find((t) => t.pattern.test(path));
    expect(match).toBeDefined();
    const method = example.request.method.toLowerCase();
    const operation = spec.paths[match!.template]![method];
    expect(operation).toBeDefined();
    covered.add(`${method.toUpperCase()} ${match!.template}`);
    if (example.request.body === undefined) {
      expect(operation!.requestBody === undefined || !(operation!.requestBody as { required?: boolean }).required).toBe(true);
      return;
    }
    const pointer = `openapi#/paths/${match!.template.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}/requestBody/content/application~1json/schema`;
    const validate = ajv.compile({ $ref: pointer });
    const valid = validate(example.request.body);
    expect(valid ? [] : validate.errors).toEqual([]);
  });

  it('covers all 18 operations of the official document', () => {
    const all = Object.entries(spec.paths).flatMap(([template, methods]) =>
      Object.keys(methods).filter((m) => ['get', 'put', 'post', 'delete', 'patch'].includes(m)).map((m) => `${m.toUpperCase()} ${template}`),
    );
    expect(all).toHaveLength(18);
    expect([...covered].sort()).toEqual(all.sort());
  });
});
