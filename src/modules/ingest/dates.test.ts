import { describe, expect, it } from 'vitest';
import { parseDate } from './dates.ts';

describe('parseDate', () => {
  it.each([
    ['31/03/2023', '2023-03-31'],
    ['1/4/2022', '2022-04-01'],
    ['01/04/22', '2022-04-01'],
    ['1/4/22', '2022-04-01'],
    ['31-03-2023', '2023-03-31'],
    ['31.03.2023', '2023-03-31'],
    ['2023-03-31', '2023-03-31'],
    ['2023/03/31', '2023-03-31'],
    ['2023-03-31T00:00:00', '2023-03-31'],
    ['2023-03-31T13:45:00.000Z', '2023-03-31'],
    ['2023-03-31 00:00:00', '2023-03-31'],
    ['31/03/2023 00:00', '2023-03-31'],
    ['14-Jan-2011', '2011-01-14'],
    ['14 Jan 2011', '2011-01-14'],
    ['14 January 2011', '2011-01-14'],
    ['14-JAN-11', '2011-01-14'],
    ['5 Sept 2022', '2022-09-05'],
    ['29/02/2024', '2024-02-29'],
    ['44651', '2022-03-31'],
    ['44651.0', '2022-03-31'],
    ['32874', '1990-01-01'],
    ['73050', '2099-12-31'],
    ['  01/04/2022 ', '2022-04-01'],
  ])('%s -> %s', (text, iso) => {
    expect(parseDate(text)).toEqual({ ok: true, date: iso });
  });

  it('reads a YYYYMM period as the first of the month, flagged', () => {
    expect(parseDate('202204')).toEqual({ ok: true, date: '2022-04-01', period: true });
  });

  it.each([
    ['31/02/2022', 'is not a date that exists'],
    ['29/02/2023', 'is not a date that exists'],
    ['04/13/2022', 'dates are read day first'],
    ['2022-13-01', 'dates are read day first'],
    ['', 'the date is empty'],
    ['yesterday', 'is not a date we can read'],
    ['12345', 'outside the Excel date serials'],
    ['73051', 'outside the Excel date serials'], // 2100-01-01: serials stop at 2099
    ['202213', 'is not a YYYYMM period'],
    ['14-Foo-2011', 'no month name'],
  ])('%s is refused: %s', (text, message) => {
    const result = parseDate(text);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toContain(message);
  });

  it('never reads the US order, even when it would make a valid date', () => {
    // 03/04/2022 is the 3rd of April, not March the 4th.
    expect(parseDate('03/04/2022')).toEqual({ ok: true, date: '2022-04-03' });
  });
});
