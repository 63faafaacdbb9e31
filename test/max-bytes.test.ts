// The `maxBytes` keyword counts bytes only for values near their limit (a short string or a
// number cannot pass a large one): whatever it skips, its verdict must be the one counting gives.
// Checked against byteSize (the runtime's own count) for every kind of JSON value, limits around
// each value's size included.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { byteSize } from '../runtime/byte-size.js';
import { compileSchema, validatorFor } from '../runtime/input/validation.js';

const value = fc.oneof(
  fc.string({ unit: 'binary' }), // any UTF-16 text: multi-byte characters, emoji, lone surrogates
  fc.string(),
  fc.double(),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(-1.7976931348623157e308, -2.2250738585072014e-308, -5e-324, 1e21, -999999999999999900000, Number.NaN),
  fc.boolean(),
  fc.constant(null),
  fc.dictionary(fc.string(), fc.oneof(fc.string({ unit: 'binary' }), fc.integer())),
  fc.array(fc.string({ unit: 'binary' })),
);

describe('maxBytes', () => {
  it('passes a value exactly when its UTF-8 size, as byteSize counts it, is within the limit', () => {
    const validators = new Map<number, ReturnType<typeof compileSchema>>();
    const validatorOf = (limit: number) => {
      let validate = validators.get(limit);
      if (!validate) validators.set(limit, (validate = compileSchema({ maxBytes: limit })));
      return validate;
    };
    fc.assert(
      fc.property(value, fc.integer({ min: -3, max: 3 }), fc.nat(40), (data, nearSize, anyLimit) => {
        const size = byteSize(data);
        // A limit right around the value's size, and one anywhere, small ones (under 24) included.
        for (const limit of [Math.max(0, size + nearSize), anyLimit]) expect(validatorOf(limit)(data)).toBe(size <= limit);
      }),
      { seed: 16, numRuns: 2000 },
    );
  });

  it('holds at a person attribute\'s 1,000 bytes, for text of one to four bytes a character', () => {
    // The limit of an attribute value (schemas/track-v2.schema.json person_attributes).
    const validate = validatorFor({ type: 'object', additionalProperties: { type: ['string', 'number', 'boolean', 'object', 'array'], maxBytes: 1000 } });
    expect(validate({ a: 'é'.repeat(500) })).toBe(true); // 1,000 bytes, 500 units
    expect(validate({ a: 'é'.repeat(501) })).toBe(false); // 1,002 bytes, 501 units
    expect(validate({ a: '😀'.repeat(250) })).toBe(true); // 1,000 bytes, 500 units
    expect(validate({ a: '€'.repeat(334) })).toBe(false); // 1,002 bytes, 334 units: more than limit / 3
    expect(validate({ a: 1.7976931348623157e308, c: true })).toBe(true);
    expect(validate({ a: ['x'.repeat(996)] })).toBe(true); // 1,000 bytes as JSON
    expect(validate({ a: ['x'.repeat(997)] })).toBe(false); // 1,001
  });
});
