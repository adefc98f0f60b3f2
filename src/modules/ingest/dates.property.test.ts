import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDate } from './dates.ts';

const DAY_MS = 86_400_000;
const EXCEL_EPOCH_DAY = Date.UTC(1899, 11, 30) / DAY_MS;
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

interface Day {
  year: number;
  month: number;
  day: number;
  iso: string;
  /** Days since 1899-12-30, as Excel counts them. */
  serial: number;
}

/** A real calendar day between two ISO dates, inclusive. */
function calendarDay(from: string, to: string): fc.Arbitrary<Day> {
  return fc.integer({ min: Date.parse(from) / DAY_MS, max: Date.parse(to) / DAY_MS }).map((n) => {
    const date = new Date(n * DAY_MS);
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      iso: date.toISOString().slice(0, 10),
      serial: n - EXCEL_EPOCH_DAY,
    };
  });
}

const twoDigits = (n: number) => String(n).padStart(2, '0');
/** A number written with or without a leading zero (3 or 03). */
const padded = (n: number) => fc.constantFrom(String(n), twoDigits(n));
/** Any mix of upper and lower case. */
const anyCase = (text: string) =>
  fc
    .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
    .map((upper) =>
      [...text].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(''),
    );
const blank = fc.constantFrom('', ' ', '  ', '\t');
const clockTime = fc.constantFrom('00:00', '9:05', '13:45', '00:00:00', '23:59:59', '13:45:00.000');

/** Whether `iso` is yyyy-mm-dd naming a day that exists, in the years the reader accepts. */
function isCalendarDate(iso: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    year >= 1900 &&
    year <= 2100 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day
  );
}

/** Text built from what dates are made of, so most of it reaches the reader's patterns. */
const dateLikeText = fc.string({
  unit: fc.constantFrom(
    ...'0123456789'.split(''),
    ...'/.-: T,Z+'.split(''),
    'Jan',
    'sept',
    'MAY',
    'December',
    'Foo',
  ),
  maxLength: 30,
});

describe('parseDate, on any text', () => {
  it('never throws: a real calendar date, or a message', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), dateLikeText), (text) => {
        const result = parseDate(text);
        if (result.ok) {
          expect(isCalendarDate(result.date)).toBe(true);
          // What it reads, it reads again from the ISO form it gives.
          expect(parseDate(result.date)).toEqual({ ok: true, date: result.date });
        } else {
          expect(result.message).toMatch(/\S/);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseDate, on each format it reads', () => {
  const roundTrips = (days: fc.Arbitrary<Day>, write: (d: Day) => fc.Arbitrary<string>) => {
    fc.assert(
      fc.property(
        days.chain((d) => fc.tuple(fc.constant(d), write(d), blank, blank)),
        ([d, text, before, after]) => {
          expect(parseDate(before + text + after)).toEqual({ ok: true, date: d.iso });
        },
      ),
      { numRuns: 500 },
    );
  };

  it('dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, with or without a time', () => {
    roundTrips(calendarDay('1900-01-01', '2100-12-31'), (d) =>
      fc
        .tuple(
          padded(d.day),
          padded(d.month),
          fc.constantFrom('/', '-', '.'),
          fc.option(fc.tuple(fc.constantFrom(' ', 'T'), clockTime), { nil: null }),
        )
        .map(
          ([day, month, sep, time]) =>
            `${day}${sep}${month}${sep}${d.year}${time ? time[0] + time[1] : ''}`,
        ),
    );
  });

  it('dd/mm/yy, for the years a two-digit year stands for (1980 to 2079)', () => {
    roundTrips(calendarDay('1980-01-01', '2079-12-31'), (d) =>
      fc
        .tuple(padded(d.day), padded(d.month), fc.constantFrom('/', '-', '.'))
        .map(([day, month, sep]) => `${day}${sep}${month}${sep}${twoDigits(d.year % 100)}`),
    );
  });

  it('yyyy-mm-dd and yyyy/mm/dd, with or without a time and zone', () => {
    roundTrips(calendarDay('1900-01-01', '2100-12-31'), (d) =>
      fc
        .tuple(
          padded(d.month),
          padded(d.day),
          fc.constantFrom('-', '/'),
          fc.option(
            fc.tuple(
              fc.constantFrom(' ', 'T'),
              clockTime,
              fc.constantFrom('', 'Z', '+01:00', '-0500'),
            ),
            { nil: null },
          ),
        )
        .map(
          ([month, day, sep, time]) =>
            `${d.year}${sep}${month}${sep}${day}${time ? time.join('') : ''}`,
        ),
    );
  });

  it('14-Jan-2011, 14 Jan 2011, 14 January 2011, 5 Sept 2022 and 14-Jan-11, in any case', () => {
    roundTrips(calendarDay('1980-01-01', '2079-12-31'), (d) => {
      const name = MONTH_NAMES[d.month - 1]!;
      const names = [name, name.slice(0, 3), ...(d.month === 9 ? ['Sept'] : [])];
      return fc
        .tuple(
          padded(d.day),
          fc.constantFrom(...names).chain(anyCase),
          fc.constantFrom('-', ' '),
          fc.constantFrom(String(d.year), twoDigits(d.year % 100)),
        )
        .map(([day, month, sep, year]) => `${day}${sep}${month}${sep}${year}`);
    });
  });

  it('an Excel serial number, with or without a time of day, from 1990 to 2099', () => {
    roundTrips(calendarDay('1990-01-01', '2099-12-31'), (d) =>
      fc.constantFrom('', '.0', '.5', '.999988426').map((fraction) => `${d.serial}${fraction}`),
    );
  });

  it('refuses Excel serials outside 1990 to 2099', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          calendarDay('1927-05-19', '1989-12-31'), // 10000, the first five-digit serial
          calendarDay('2100-01-01', '2173-10-13'), // 99999, the last
        ),
        (d) => {
          const result = parseDate(String(d.serial));
          expect(result).toMatchObject({ ok: false });
          expect(result.ok ? '' : result.message).toContain('outside the Excel date serials');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a YYYYMM period as the first of the month, flagged', () => {
    fc.assert(
      fc.property(calendarDay('1900-01-01', '2100-12-31'), (d) => {
        expect(parseDate(`${d.year}${twoDigits(d.month)}`)).toEqual({
          ok: true,
          date: `${d.year}-${twoDigits(d.month)}-01`,
          period: true,
        });
      }),
    );
  });
});
