import { describe, expect, it } from 'vitest';
import { parseAmountPence } from './amounts.ts';

describe('parseAmountPence', () => {
  it.each([
    ['£1,234.56', 123456],
    ['1234.5', 123450],
    ['1234', 123400],
    ['(123.45)', -12345],
    ['-123.45', -12345],
    ['123.45-', -12345],
    ['123.45 CR', -12345],
    ['123.45CR', -12345],
    ['123.45 DR', 12345],
    ['-£1,234.00', -123400],
    ['£-1,234.00', -123400],
    ['(£1,234.56)', -123456],
    [' 500.00 ', 50000],
    ['0.05', 5],
    ['.5', 50],
    ['1.2345E+03', 123450],
    ['1.5e2', 15000],
    ['GBP 12.00', 1200],
    ['+12.00', 1200],
    ['1 234.56', 123456],
    ['91000000.00', 9100000000],
    ['£12,345,678.90', 1234567890],
    ['(1,234)', -123400],
    ['-0.00', 0],
    ['(0.00)', 0],
    ['£999,999,999,999.99', 99999999999999],
  ])('%s -> %i pence', (text, pence) => {
    expect(parseAmountPence(text)).toEqual({ ok: true, pence });
  });

  it.each([
    ['1,23.45', '"1,23.45" is not an amount'],
    ['12,3456', '"12,3456" is not an amount'],
    [',123', '",123" is not an amount'],
    ['1234,567.00', '"1234,567.00" is not an amount'],
    ['(123.45', '"(123.45" is not an amount'],
    ['£', '"£" is not an amount'],
    ['1.', '"1." is not an amount'],
  ])('refuses %s, thousands grouped wrongly or cut short', (text, message) => {
    expect(parseAmountPence(text)).toEqual({ ok: false, message });
  });

  it('rounds more than two decimal places to the penny, half away from zero, and says so', () => {
    expect(parseAmountPence('1234.5600000001')).toEqual({ ok: true, pence: 123456, rounded: true });
    expect(parseAmountPence('0.995')).toEqual({ ok: true, pence: 100, rounded: true });
    expect(parseAmountPence('-0.125')).toEqual({ ok: true, pence: -13, rounded: true });
    expect(parseAmountPence('0.004')).toEqual({ ok: true, pence: 0, rounded: true });
  });

  it('reads a decimal comma when asked (semicolon-separated files)', () => {
    expect(parseAmountPence('1.234,56', { decimalComma: true })).toEqual({
      ok: true,
      pence: 123456,
    });
    expect(parseAmountPence('12,5', { decimalComma: true })).toEqual({ ok: true, pence: 1250 });
    expect(parseAmountPence('-12,50', { decimalComma: true })).toEqual({ ok: true, pence: -1250 });
  });

  it.each(['', 'abc', '12.34.56', '£', '1,23,4.00', '12,50', 'N/A', '1e400'])(
    '%s is refused',
    (text) => {
      expect(parseAmountPence(text).ok).toBe(false);
    },
  );

  it('refuses an exponent too large to write out, without building the number', () => {
    expect(parseAmountPence('0E600000000')).toEqual({ ok: true, pence: 0 });
    expect(parseAmountPence('1E999999999')).toEqual({
      ok: false,
      message: '"1E999999999" is too large to be a payment',
    });
    expect(parseAmountPence('-1.5e-999999999')).toEqual({ ok: true, pence: 0, rounded: true });
    expect(parseAmountPence('1.2345E+11')).toEqual({ ok: true, pence: 12345000000000 });
    expect(parseAmountPence('1.2345E+13').ok).toBe(false);
  });

  it('refuses a long cell of spaces between two letters, quickly', () => {
    // A cell the CSV reader allows (32 KB): the CR/DR pattern once took seconds over it.
    expect(parseAmountPence(`a${' '.repeat(32_000)}a`).ok).toBe(false);
  });

  it('has no floating-point error on amounts a float would get wrong', () => {
    expect(parseAmountPence('0.29')).toEqual({ ok: true, pence: 29 });
    expect(parseAmountPence('1.005')).toEqual({ ok: true, pence: 101, rounded: true });
    expect(parseAmountPence('9007199254740.99')).toEqual({
      ok: false,
      message: '"9007199254740.99" is too large to be a payment',
    });
  });
});
