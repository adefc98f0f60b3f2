import { describe, expect, it } from 'vitest';
import { financialYear, financialYearOf, monthIndex, monthsOf, quartersOf } from './periods.ts';

describe('financialYear', () => {
  it('runs April to March for a council', () => {
    expect(financialYear(2022, 4)).toEqual({
      year: 2022,
      label: '2022/23',
      from: '2022-04-01',
      to: '2023-03-31',
    });
  });
  it('runs August to July for a college', () => {
    expect(financialYear(2022, 8)).toEqual({
      year: 2022,
      label: '2022/23',
      from: '2022-08-01',
      to: '2023-07-31',
    });
  });
  it('is the calendar year when it starts in January, and ends on a leap day when it must', () => {
    expect(financialYear(2023, 1)).toEqual({
      year: 2023,
      label: '2023',
      from: '2023-01-01',
      to: '2023-12-31',
    });
    expect(financialYear(2023, 3).to).toBe('2024-02-29');
    expect(financialYear(1999, 4).label).toBe('1999/00');
  });
});

describe('financialYearOf', () => {
  it('puts a date in the year it falls in', () => {
    expect(financialYearOf('2023-03-31', 4)).toBe(2022);
    expect(financialYearOf('2023-04-01', 4)).toBe(2023);
    expect(financialYearOf('2023-07-31', 8)).toBe(2022);
    expect(financialYearOf('2023-12-31', 1)).toBe(2023);
  });
});

describe('monthIndex', () => {
  it('numbers a date by its month: year * 12 + month - 1', () => {
    expect(monthIndex('2022-04-01')).toBe(2022 * 12 + 3);
    expect(monthIndex('2022-04-30')).toBe(2022 * 12 + 3);
    expect(monthIndex('2022-12-31')).toBe(2022 * 12 + 11);
    expect(monthIndex('2023-01-01')).toBe(2023 * 12);
    expect(monthIndex('0999-10-09')).toBe(999 * 12 + 9);
    expect(monthIndex('2023-01-01') - monthIndex('2022-12-31')).toBe(1);
  });
});

describe('quartersOf and monthsOf', () => {
  it('splits a college year into quarters from August', () => {
    expect(quartersOf(financialYear(2022, 8))).toEqual([
      { key: 'Q1', from: '2022-08-01', to: '2022-10-31' },
      { key: 'Q2', from: '2022-11-01', to: '2023-01-31' },
      { key: 'Q3', from: '2023-02-01', to: '2023-04-30' },
      { key: 'Q4', from: '2023-05-01', to: '2023-07-31' },
    ]);
  });
  it('gives twelve months that tile the year', () => {
    const months = monthsOf(financialYear(2023, 4));
    expect(months).toHaveLength(12);
    expect(months[0]).toEqual({ key: '2023-04', from: '2023-04-01', to: '2023-04-30' });
    expect(months[10]).toEqual({ key: '2024-02', from: '2024-02-01', to: '2024-02-29' });
    expect(months[11]!.to).toBe('2024-03-31');
  });
});
