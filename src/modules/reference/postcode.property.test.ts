import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findPostcodeInAddress, normalisePostcode } from './postcode.ts';

/** The ONS pcds form: outward code, one space, inward code. */
const CANONICAL = /^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$/;

const letter = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split(''));
const digit = fc.constantFrom(...'0123456789'.split(''));

/** An outward code of each shape: A9, A99, AA9, AA99, A9A, AA9A. */
const outward = fc
  .constantFrom('A9', 'A99', 'AA9', 'AA99', 'A9A', 'AA9A')
  .chain((shape) => fc.tuple(...[...shape].map((c) => (c === 'A' ? letter : digit))))
  .map((chars) => chars.join(''));
/** An inward code: 9AA. */
const inward = fc.tuple(digit, letter, letter).map((chars) => chars.join(''));
const postcode = fc.tuple(outward, inward).map(([out, inn]) => ({ out, in: inn }));

/** The characters of `text` in any case, with `gap` between any of them and around them. */
function scrawled(text: string, gap: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.array(fc.tuple(fc.boolean(), gap), { minLength: text.length, maxLength: text.length }),
      gap,
    )
    .map(
      ([chars, end]) =>
        [...text].map((c, i) => chars[i]![1] + (chars[i]![0] ? c : c.toLowerCase())).join('') + end,
    );
}

describe('normalisePostcode', () => {
  it('never throws on any text: null, or a postcode in the pcds form it keeps', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.string({ unit: fc.constantFrom(...'AO019 -a'.split('')), maxLength: 9 }),
          fc.constantFrom(null, undefined),
        ),
        (text) => {
          const result = normalisePostcode(text);
          if (result !== null) {
            expect(result).toMatch(CANONICAL);
            expect(normalisePostcode(result)).toBe(result);
          }
        },
      ),
      { numRuns: 20 },
    );
  });

  it('reads a postcode of every shape, in any case and with any spacing, to "OUT IN"', () => {
    fc.assert(
      fc.property(
        postcode.chain((p) =>
          fc.tuple(
            fc.constant(p),
            scrawled(p.out + p.in, fc.constantFrom('', '', ' ', '  ', '\t', '-')),
          ),
        ),
        ([p, written]) => {
          expect(normalisePostcode(written)).toBe(`${p.out} ${p.in}`);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reads an O typed for the 0 that starts the inward code as 0', () => {
    fc.assert(
      fc.property(
        outward,
        letter,
        letter,
        fc.constantFrom('O', 'o'),
        fc.constantFrom('', ' '),
        (out, a, b, o, gap) => {
          expect(normalisePostcode(`${out}${gap}${o}${a}${b}`)).toBe(`${out} 0${a}${b}`);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('findPostcodeInAddress', () => {
  it('never throws on any text: null, or a postcode in the pcds form', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), (text) => {
        const result = findPostcodeInAddress(text);
        if (result !== null) expect(result).toMatch(CANONICAL);
      }),
      { numRuns: 1000 },
    );
  });

  it('finds the postcode at the end of any address, however it is written', () => {
    fc.assert(
      fc.property(
        fc.string(),
        postcode,
        fc.constantFrom('', ' ', '  ', '\t'),
        fc.boolean(),
        fc.constantFrom('', ',', '.', ', United Kingdom', '\nUK'),
        (street, p, gap, upper, end) => {
          const written = `${p.out}${gap}${p.in}`;
          // A comma before it, as addresses have: the street cannot run into the postcode.
          const address = `${street}, ${upper ? written : written.toLowerCase()}${end}`;
          expect(findPostcodeInAddress(address)).toBe(`${p.out} ${p.in}`);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
