import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAmountPence } from './amounts.ts';

/** The reader's limit: £1 trillion. */
const MAX_PENCE = 100_000_000_000_000;

/** Any pence the reader accepts, small amounts (and 0) often. */
const pence = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.bigInt({ min: BigInt(-MAX_PENCE), max: BigInt(MAX_PENCE) }).map(Number),
  fc.constantFrom(0, 1, -1, 99, 100, MAX_PENCE, -MAX_PENCE),
);

/** Pounds and pence of a non-negative amount as digit strings: 123456 -> ["1234", "56"]. */
function poundsAndPence(amount: number): [string, string] {
  const digits = String(amount).padStart(3, '0');
  return [digits.slice(0, -2), digits.slice(-2)];
}

/** Thousands grouped with `separator`: ("1234567", ",") -> "1,234,567". */
function group(whole: string, separator: string): string {
  return whole.replace(/\B(?=(\d{3})+$)/g, separator);
}

/** The number written with a decimal point: 1234.56, 1234.5 and 1234 where no digits are lost. */
function decimals(whole: string, fraction: string, separator: string): fc.Arbitrary<string> {
  const shapes = [`${whole}.${fraction}`];
  if (fraction.endsWith('0')) shapes.push(`${whole}.${fraction[0]}`);
  if (fraction === '00') shapes.push(whole);
  return fc
    .constantFrom(...shapes)
    .map((text) => group(text.split('.')[0]!, separator) + text.slice(whole.length));
}

/** 1.23456E+03 and the like: the digits with the point moved, as a float export writes them. */
function scientific(whole: string, fraction: string): fc.Arbitrary<string> {
  const digits = (whole + fraction).replace(/^0+/, '') || '0';
  const exponent = digits.length - 3; // the value is digits x 10^-2
  return fc
    .tuple(fc.integer({ min: 0, max: digits.length - 1 }), fc.constantFrom('E', 'e'))
    .map(([point, e]) => {
      // Point after `point + 1` digits of the mantissa; the exponent makes up the difference.
      const mantissa =
        digits.slice(0, point + 1) +
        (point + 1 < digits.length ? `.${digits.slice(point + 1)}` : '');
      const shift = exponent - point;
      return `${mantissa}${e}${shift < 0 ? '-' : '+'}${String(Math.abs(shift)).padStart(2, '0')}`;
    });
}

/** A sign written each way a spend file writes it, around a number that may carry a £. */
function signed(number: string, negative: boolean): fc.Arbitrary<string> {
  return fc.constantFrom('', '£', '£ ', 'GBP ', 'gbp').chain((currency) => {
    const money = currency + number;
    const shapes = negative
      ? [
          `-${money}`,
          `${currency}-${number}`,
          `(${money})`,
          `( ${money} )`,
          `${money}-`,
          `${money} CR`,
          `${money}cr`,
        ]
      : [money, `+${money}`, `${money} DR`];
    return fc.constantFrom(...shapes);
  });
}

const blank = fc.constantFrom('', ' ', '  ', '\t');

/** Text built from what amounts are made of, so most of it reaches the reader's patterns. */
const amountLikeText = fc.string({
  unit: fc.constantFrom(
    ...'0123456789'.split(''),
    ...'.,-+() £'.split(''),
    'E',
    'e-',
    'CR',
    'DR',
    'GBP',
  ),
  maxLength: 30,
});

/** Scientific notation with any exponent, however long: float exports and nonsense alike. */
const exponentText = fc
  .tuple(
    fc.stringMatching(/^-?\d{1,20}(\.\d{0,20})?$/),
    fc.constantFrom('E', 'e', 'E+', 'E-', 'e-'),
    fc.stringMatching(/^\d{1,12}$/),
  )
  .map((parts) => parts.join(''));

describe('parseAmountPence, on any text', () => {
  it('never throws: whole pence within £1 trillion, or a message', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), amountLikeText, exponentText),
        fc.boolean(),
        (text, decimalComma) => {
          const result = parseAmountPence(text, { decimalComma });
          if (result.ok) {
            expect(Number.isSafeInteger(result.pence)).toBe(true);
            expect(Math.abs(result.pence)).toBeLessThanOrEqual(MAX_PENCE);
            expect(Object.is(result.pence, -0)).toBe(false);
          } else {
            expect(result.message).toMatch(/\S/);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('parseAmountPence, on each shape it reads', () => {
  const roundTrips = (
    write: (whole: string, fraction: string) => fc.Arbitrary<string>,
    decimalComma = false,
  ) => {
    fc.assert(
      fc.property(
        pence.chain((amount) =>
          fc.tuple(
            fc.constant(amount),
            write(...poundsAndPence(Math.abs(amount))).chain((number) =>
              signed(number, amount < 0),
            ),
            blank,
            blank,
          ),
        ),
        ([amount, text, before, after]) => {
          expect(parseAmountPence(before + text + after, { decimalComma })).toEqual({
            ok: true,
            pence: amount,
          });
        },
      ),
      { numRuns: 1000 },
    );
  };

  it('1234.56, 1,234.56 and 1 234.56, signed, in brackets, CR or DR, with £ or GBP', () => {
    roundTrips((whole, fraction) =>
      fc.constantFrom('', ',', ' ').chain((separator) => decimals(whole, fraction, separator)),
    );
  });

  it('1.23456E+03, as float exports write it', () => {
    roundTrips(scientific);
  });

  it('1.234,56 and 1234,56 with a decimal comma', () => {
    // Grouping by spaces ("1 234,56") is not read with a decimal comma: the reader does not
    // document it, and refuses it.
    roundTrips(
      (whole, fraction) =>
        fc
          .tuple(
            fc.constantFrom('', '.'),
            fc.constantFrom(`,${fraction}`, ...(fraction === '00' ? [''] : [])),
          )
          .map(([separator, tail]) => group(whole, separator) + tail),
      true,
    );
  });

  it('rounds more than two decimal places to the penny, half away from zero, and says so', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^-?\d{1,12}\.\d{3,12}$/), (text) => {
        const [, sign, whole, fraction] = /^(-?)(\d+)\.(\d+)$/.exec(text)!;
        let expected = BigInt(whole!) * 100n + BigInt(fraction!.slice(0, 2));
        if (fraction![2]! >= '5') expected += 1n;
        expect(parseAmountPence(text)).toEqual({
          ok: true,
          pence: sign && expected !== 0n ? -Number(expected) : Number(expected),
          rounded: true,
        });
      }),
      { numRuns: 500 },
    );
  });
});
