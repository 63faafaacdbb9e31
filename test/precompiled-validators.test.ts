// The validators precompiled at build time (dist/validators, ajv standalone code) are the ones
// execute() uses. They must exist for every schema the runtime checks, and decide exactly as
// ajv compiling the same schema at runtime does, conversions of date-times included.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { loadManifest } from '../runtime/loader.js';
import { precompiledValidator, schemaKey } from '../runtime/input/precompiled-validators.js';
import { normalise } from '../runtime/input/normalise.js';
import { compileSchema, validatorFor } from '../runtime/input/validation.js';
import { validatedSchemas } from '../scripts/validator-precompile.js';
import { schemaArbitrary } from './schema-arbitraries.js';
import type { JsonSchema } from '../runtime/definitions.js';

const connectors = loadManifest();
const schemas = [...new Map(validatedSchemas(connectors).map((s) => [schemaKey(s), s])).values()];

/** Valid samples, and each with one top-level field replaced by values that break common rules. */
function inputsFor(schema: JsonSchema, seed: number): unknown[] {
  const samples = fc.sample(schemaArbitrary(schema), { numRuns: 4, seed });
  const fields = Object.keys((schema.properties ?? {}) as object);
  const breakers: unknown[] = [null, 'x', '', -1, 1.5, true, [], {}, 'é'.repeat(600), '2025-01-01T09:30:00Z', '2025-01-01 09:30'];
  const mutated = samples.flatMap((sample, i) =>
    fields.length && sample && typeof sample === 'object'
      ? breakers.map((value, j) => ({ ...(sample as object), [fields[(i + j) % fields.length]!]: value }))
      : [],
  );
  return [...samples, ...mutated, {}, null, 'text'];
}

describe('precompiled validators', () => {
  it('exist for every schema the runtime validates (auth, every input, each bulk entity choice)', () => {
    const missing = schemas.filter((s) => !precompiledValidator(schemaKey(s))).map((s) => s.title ?? schemaKey(s));
    expect(schemas.length).toBeGreaterThan(150);
    expect(missing).toEqual([]);
  });

  it('decide like ajv compiling the same schema at runtime, and convert date-times the same way', () => {
    let compared = 0;
    let invalid = 0;
    schemas.forEach((schema, index) => {
      const precompiled = precompiledValidator(schemaKey(schema))!;
      const compiled = compileSchema(schema);
      for (const input of inputsFor(schema, 1000 + index)) {
        const a = structuredClone(input);
        const b = structuredClone(input);
        const verdict = precompiled(a);
        expect({ schema: schema.title, input, valid: compiled(b) }).toEqual({ schema: schema.title, input, valid: verdict });
        // Invalid input is discarded; only valid input is used in its converted form.
        if (verdict) expect(a).toEqual(b);
        compared++;
        if (!verdict) invalid++;
      }
    });
    // Both outcomes are well represented, so agreement is not agreement on "valid" alone.
    expect(invalid).toBeGreaterThan(compared / 4);
    expect(compared - invalid).toBeGreaterThan(compared / 10);
  });

  it('give a Beta operation and its App twin one validator (one per distinct schema)', () => {
    const app = connectors.find((c) => c.name === 'customer-io-app')!;
    const beta = connectors.find((c) => c.name === 'customer-io-beta')!;
    const twins = [...beta.operationsByName.values()].filter((op) => {
      const appOp = app.operationsByName.get(op.name);
      return appOp && schemaKey(appOp.input_schema) === schemaKey(op.input_schema);
    });
    expect(twins.length).toBeGreaterThan(20);
    for (const op of twins) expect(validatorFor(op.input_schema)).toBe(validatorFor(app.operationsByName.get(op.name)!.input_schema));
  });

  it('fall back to ajv for a schema changed since the build, with the same messages', () => {
    const schema: JsonSchema = { type: 'object', properties: { at: { type: ['integer', 'string'], unixTime: true }, name: { type: 'string', maxBytes: 3 } }, additionalProperties: false };
    expect(precompiledValidator(schemaKey(schema))).toBeUndefined();
    const validate = validatorFor(schema);
    // Conversion is the normalising step's, before validation; the validator only decides.
    const given = { at: '2025-01-01T00:00:00Z', name: 'abc' };
    const input = normalise(schema, given) as typeof given;
    expect(validate(input)).toBe(true);
    expect(input.at).toBe(1735689600);
    expect(validate(given)).toBe(true);
    expect(given.at).toBe('2025-01-01T00:00:00Z');
    expect(validate({ ...given, at: '2025-01-01 00:00' })).toBe(false);
    expect(validate({ name: 'abcd' })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ keyword: 'maxBytes', params: { limit: 3, size: 4 } });
  });
});
