import { describe, expect, it } from 'vitest';
import { combineMeasure, formatMeasureValue, parseMeasureValue } from './measure-values.ts';

describe('parseMeasureValue', () => {
  it.each([
    ['count', 12, { amount: '12', flag: null }],
    ['count', '007', { amount: '7', flag: null }],
    ['money', '1234.5', { amount: '123450', flag: null }],
    ['money', 99.99, { amount: '9999', flag: null }],
    ['hours', 37.5, { amount: '37.5', flag: null }],
    ['percentage', 62.25, { amount: '62.25', flag: null }],
    ['yes-no', true, { amount: null, flag: true }],
  ] as const)('%s %s is stored as %o', (kind, value, stored) => {
    expect(parseMeasureValue(kind, value)).toEqual({ ok: true, stored });
  });

  it.each([
    ['count', 1.5, 'must be a whole number'],
    ['count', -1, 'at least 0'],
    ['money', '12.345', 'at most two decimals'],
    ['percentage', 101, 'from 0 to 100'],
    ['yes-no', 'yes', 'true or false'],
    ['hours', null, 'at least 0'],
  ] as const)('%s %s is refused', (kind, value, message) => {
    const result = parseMeasureValue(kind, value);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toContain(message);
  });
});

describe('combineMeasure', () => {
  it('adds counts, money and hours exactly, counts yeses, leaves percentages alone', () => {
    expect(
      combineMeasure('count', [
        { amount: '12', flag: null },
        { amount: '30', flag: null },
      ]),
    ).toBe(42);
    expect(
      combineMeasure('money', [
        { amount: '10', flag: null },
        { amount: '20', flag: null },
      ]),
    ).toBe('0.30');
    expect(
      combineMeasure('hours', [
        { amount: '0.1', flag: null },
        { amount: '0.2', flag: null },
      ]),
    ).toBe(0.3);
    expect(
      combineMeasure('yes-no', [
        { amount: null, flag: true },
        { amount: null, flag: false },
        { amount: null, flag: true },
      ]),
    ).toBe(2);
    expect(combineMeasure('percentage', [{ amount: '50', flag: null }])).toBeNull();
    expect(combineMeasure('count', [])).toBeNull();
  });

  it('shows values as the API gives them', () => {
    expect(formatMeasureValue('money', { amount: '123450', flag: null })).toBe('1234.50');
    expect(formatMeasureValue('hours', { amount: '37.5', flag: null })).toBe(37.5);
    expect(formatMeasureValue('yes-no', { amount: null, flag: false })).toBe(false);
  });
});
