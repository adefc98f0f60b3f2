/*
 * Payment dates as finance systems write them, always day before month (UK files; the US
 * order is never guessed). Returns an ISO date string, or an error message a person can act on.
 *
 *   31/03/2023  31/3/23  31-03-2023  31.03.2023   day/month/year
 *   2023-03-31  2023/03/31  2023-03-31T00:00:00  2023-03-31 00:00:00
 *   14-Jan-2011  14 Jan 2011  14 January 2011  14-Jan-11
 *   44651        an Excel serial number (days since 1899-12-30)
 *   202303       a YYYYMM period: the first of the month, with a warning
 */

export type DateResult = { ok: true; date: string; period?: true } | { ok: false; message: string };

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  january: 1,
  february: 2,
  march: 3,
  april: 4,
  june: 6,
  july: 7,
  august: 8,
  september: 9,
  october: 10,
  november: 11,
  december: 12,
};

const DMY =
  /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/;
const YMD =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const D_MON_Y =
  /^(\d{1,2})[-\s]([A-Za-z]{3,9})[-\s,]*(\d{2}|\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$/;
const SERIAL = /^\d{5}(?:\.\d+)?$/;
const PERIOD = /^(\d{4})(\d{2})$/;

/** Excel serials between these are read as dates: 1990-01-01 .. 2099-12-31. */
const SERIAL_MIN = 32874;
const SERIAL_MAX = 73050;
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

/** Parses one date cell. */
export function parseDate(raw: string): DateResult {
  const text = raw.trim();
  if (text === '') return { ok: false, message: 'the date is empty' };

  let m = DMY.exec(text);
  if (m) return fromParts(text, Number(m[3]), Number(m[2]), Number(m[1]), m[3]!.length === 2);
  m = YMD.exec(text);
  if (m) return fromParts(text, Number(m[1]), Number(m[2]), Number(m[3]), false);
  m = D_MON_Y.exec(text);
  if (m) {
    const month = MONTHS[m[2]!.toLowerCase()];
    if (month === undefined) return { ok: false, message: `"${text}" has no month name we know` };
    return fromParts(text, Number(m[3]), month, Number(m[1]), m[3]!.length === 2);
  }
  m = PERIOD.exec(text);
  if (m) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) return { ok: false, message: `"${text}" is not a YYYYMM period` };
    const result = fromParts(text, Number(m[1]), month, 1, false);
    return result.ok ? { ...result, period: true } : result;
  }
  if (SERIAL.test(text)) {
    const serial = Math.floor(Number(text));
    if (serial < SERIAL_MIN || serial > SERIAL_MAX) {
      return {
        ok: false,
        message: `"${text}" is outside the Excel date serials we read (1990 to 2099)`,
      };
    }
    return {
      ok: true,
      date: new Date(EXCEL_EPOCH_MS + serial * DAY_MS).toISOString().slice(0, 10),
    };
  }
  return {
    ok: false,
    message: `"${text}" is not a date we can read (use dd/mm/yyyy or yyyy-mm-dd)`,
  };
}

function fromParts(
  text: string,
  year: number,
  month: number,
  day: number,
  twoDigitYear: boolean,
): DateResult {
  const fullYear = twoDigitYear ? (year < 80 ? 2000 + year : 1900 + year) : year;
  if (month < 1 || month > 12) {
    return {
      ok: false,
      message: `"${text}" has month ${month}: dates are read day first (dd/mm/yyyy)`,
    };
  }
  if (fullYear < 1900 || fullYear > 2100)
    return { ok: false, message: `"${text}" has an implausible year ${fullYear}` };
  if (day < 1 || day > daysInMonth(fullYear, month))
    return { ok: false, message: `"${text}" is not a date that exists` };
  return { ok: true, date: `${fullYear}-${pad(month)}-${pad(day)}` };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
