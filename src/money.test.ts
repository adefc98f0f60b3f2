import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPence, parsePounds, PenceTotal } from './money.ts';

describe('formatPence', () => {
  it.each([
    [0n, '0.00'],
    [5n, '0.05'],
    [1250, '12.50'],
    [-1250n, '-12.50'],
    [-5n, '-0.05'],
    [9100000000n, '91000000.00'],
    [123456789012345678n, '1234567890123456.78'],
  ])('%s -> %s', (pence, text) => expect(formatPence(pence)).toBe(text));
});

describe('parsePounds', () => {
  it('reads what formatPence writes', () => {
    for (const pence of [0n, 5n, -5n, 1250n, 84166448185n])
      expect(parsePounds(formatPence(pence))).toBe(pence);
    expect(parsePounds('12.5')).toBe(1250n);
    expect(parsePounds('1,000')).toBeNull();
  });
});

describe('PenceTotal', () => {
  it('adds exactly past the numbers a double holds', () => {
    const total = new PenceTotal();
    const max = Number.MAX_SAFE_INTEGER;
    for (const pence of [max, max, 1, -3, 2 ** 52, 2 ** 52 - 1, -(2 ** 52)]) total.add(pence);
    expect(total.value).toBe(2n * BigInt(max) + 1n - 3n + 2n ** 52n - 1n);
  });

  it('equals a bigint sum of any safe amounts', () => {
    const pence = fc.oneof(
      fc.integer({ min: -1_000_000, max: 1_000_000 }),
      fc.bigInt({ min: -(2n ** 53n) + 1n, max: 2n ** 53n - 1n }).map(Number),
      fc.constantFrom(2 ** 52, 2 ** 52 - 1, -(2 ** 52), Number.MAX_SAFE_INTEGER),
    );
    fc.assert(
      fc.property(fc.array(pence, { maxLength: 200 }), (amounts) => {
        const total = new PenceTotal();
        for (const p of amounts) total.add(p);
        expect(total.value).toBe(amounts.reduce((sum, p) => sum + BigInt(p), 0n));
      }),
    );
  });
});
