import { describe, expect, it } from 'vitest';
import {
  daysToPay,
  dueDate,
  parseCompliancePeriod,
  paymentBand,
  periodsEndingWithin,
} from './compliance-periods.ts';

describe('payment reporting periods', () => {
  it('reads 2025H2 as 1 October 2025 to 31 March 2026', () => {
    expect(parseCompliancePeriod('2025H2')).toEqual({
      key: '2025H2',
      from: '2025-10-01',
      to: '2026-03-31',
      label: 'October 2025 to March 2026',
    });
    expect(parseCompliancePeriod('2025H1')).toMatchObject({ from: '2025-04-01', to: '2025-09-30' });
  });

  it.each(['2025H3', '2025', '25H1', '2025h1', ' 2025H1'])('refuses %j', (key) => {
    expect(parseCompliancePeriod(key)).toBeUndefined();
  });

  it('finds the two periods ending in a financial year, however it starts', () => {
    expect(periodsEndingWithin('2022-04-01', '2023-03-31').map((p) => p.key)).toEqual([
      '2022H1',
      '2022H2',
    ]);
    // A college year, August to July.
    expect(periodsEndingWithin('2022-08-01', '2023-07-31').map((p) => p.key)).toEqual([
      '2022H1',
      '2022H2',
    ]);
    // A calendar year.
    expect(periodsEndingWithin('2023-01-01', '2023-12-31').map((p) => p.key)).toEqual([
      '2022H2',
      '2023H1',
    ]);
  });
});

describe('day counting', () => {
  it('counts day 1 as the day after receipt', () => {
    expect(daysToPay('2025-10-01', '2025-10-01')).toBe(0);
    expect(daysToPay('2025-10-01', '2025-10-02')).toBe(1);
    expect(daysToPay('2025-10-01', '2025-10-31')).toBe(30);
    expect(daysToPay('2025-10-01', '2025-11-01')).toBe(31);
  });

  it('counts across month, year and leap-day edges, and British summer time', () => {
    expect(daysToPay('2025-12-31', '2026-01-01')).toBe(1);
    expect(daysToPay('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysToPay('2025-03-29', '2025-03-31')).toBe(2);
    expect(daysToPay('2025-10-25', '2025-10-27')).toBe(2);
    expect(daysToPay('2025-10-02', '2025-10-01')).toBe(-1);
  });

  it('bands 30 days as within 30, 31 and 60 as 31-60, 61 as 61 or more', () => {
    expect([0, 1, 30, 31, 60, 61, 400].map(paymentBand)).toEqual([
      'within30',
      'within30',
      'within30',
      'days31to60',
      'days31to60',
      'days61plus',
      'days61plus',
    ]);
  });

  it('makes an invoice fall due 30 days after receipt', () => {
    expect(dueDate('2025-09-01')).toBe('2025-10-01');
    expect(dueDate('2026-03-01')).toBe('2026-03-31');
    expect(dueDate('2026-03-02')).toBe('2026-04-01');
  });
});
