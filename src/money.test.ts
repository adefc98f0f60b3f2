import { describe, expect, it } from 'vitest';
import { formatPence, parsePounds } from './money.ts';

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
