import fc from 'fast-check';
import { Resources } from '../src/index';

// Pieces the --resources grammar is made of, so random texts get deep into the
// parser instead of failing on the first character.
const tokens = ['cpus', 'mem', 'disk', 'ports', 'gpus', 'x', ':', ';', '(', ')', '[', ']', '{', '}', ',', '-', '.', '*', '/', ' ', '0', '1', '4.5', '31000', '1e3', 'NaN', '-1', 'eng', 'eng/web', '"', 'a'];
const resourceText = fc.array(fc.constantFrom(...tokens), { maxLength: 24 }).map((parts) => parts.join(''));

describe('fuzzing the resource parsers', () => {
  it('answers every text, random or grammar-shaped, with a Result: an INVALID_ARGUMENT error, never a throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), resourceText), (text) => {
        const r = Resources.parse(text);
        if (!r.ok) {
          expect(r.error.code).toBe('INVALID_ARGUMENT');
          expect(r.error.message).toMatch(/^Invalid resources/);
        } else {
          // Whatever parses prints to something that parses back to the same value.
          const again = Resources.parse(r.value.toString());
          if (again.ok) expect(again.value.equals(r.value)).toBe(true);
        }
      }),
      { numRuns: 4000 },
    );
  });

  it('answers every JSON array of arbitrary values with a Result', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 4 }), (items) => {
        const r = Resources.parse(JSON.stringify(items));
        if (!r.ok) expect(r.error.code).toBe('INVALID_ARGUMENT');
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects invalid protos with an error, never a throw', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            name: fc.constantFrom('cpus', 'ports', '', 'x'),
            type: fc.integer({ min: -1, max: 5 }),
            scalar: fc.record({ value: fc.double() }, { requiredKeys: [] }),
            ranges: fc.record({ range: fc.array(fc.record({ begin: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), end: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) }), { maxLength: 3 }) }),
            role: fc.constantFrom('*', 'eng', '', '..', 'a/b'),
          },
          { requiredKeys: ['name'] },
        ),
        (proto) => {
          const r = Resources.fromProto(proto as never);
          if (!r.ok) expect(r.error.code).toBe('INVALID_ARGUMENT');
        },
      ),
      { numRuns: 3000 },
    );
  });
});
