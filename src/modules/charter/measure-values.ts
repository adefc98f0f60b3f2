import type { MeasureKind } from '../../db/schema.ts';

/*
 * Values partners submit for what spend data cannot show, checked against the measure's kind:
 *   count       a whole number >= 0           (jobs, apprenticeships)
 *   money       pounds, up to two decimals    (stored in pence)
 *   hours       a number >= 0, two decimals   (volunteering)
 *   percentage  0 to 100, two decimals        (local recruitment)
 *   yes-no      true or false                 (Real Living Wage employer)
 * Numbers are kept as exact decimal strings; nothing passes through a float sum.
 */

export type StoredValue = { amount: string; flag: null } | { amount: null; flag: boolean };
export type MeasureValue = number | string | boolean;

const DECIMAL = /^\d+(\.\d{1,2})?$/;

/** Checks a submitted value; the stored form, or why it cannot be one. */
export function parseMeasureValue(
  kind: MeasureKind,
  value: unknown,
): { ok: true; stored: StoredValue } | { ok: false; message: string } {
  if (kind === 'yes-no') {
    return typeof value === 'boolean'
      ? { ok: true, stored: { amount: null, flag: value } }
      : { ok: false, message: 'must be true or false' };
  }
  const text =
    typeof value === 'number' && Number.isFinite(value)
      ? String(value)
      : typeof value === 'string'
        ? value.trim()
        : null;
  if (text === null || !DECIMAL.test(text))
    return {
      ok: false,
      message: `must be a number of ${kind === 'money' ? 'pounds' : kind} of at least 0, with at most two decimals`,
    };
  switch (kind) {
    case 'count':
      return /^\d+$/.test(text)
        ? { ok: true, stored: { amount: normalise(text), flag: null } }
        : { ok: false, message: 'must be a whole number' };
    case 'money': {
      const [pounds, pence = ''] = text.split('.');
      return {
        ok: true,
        stored: {
          amount: (BigInt(pounds!) * 100n + BigInt(pence.padEnd(2, '0'))).toString(),
          flag: null,
        },
      };
    }
    case 'hours':
      return { ok: true, stored: { amount: normalise(text), flag: null } };
    case 'percentage':
      return Number(text) <= 100
        ? { ok: true, stored: { amount: normalise(text), flag: null } }
        : { ok: false, message: 'must be a percentage from 0 to 100' };
  }
}

/** The value as the API shows it: numbers as numbers, money as a pounds string, yes-no as a boolean. */
export function formatMeasureValue(kind: MeasureKind, stored: StoredValue): MeasureValue {
  if (stored.flag !== null) return stored.flag;
  if (kind === 'money') return penceToPounds(BigInt(stored.amount));
  return Number(stored.amount);
}

/**
 * A measure across partners: counts, money and hours add up; yes-no counts the partners saying
 * yes; percentages do not add up (null: see each partner's).
 */
export function combineMeasure(
  kind: MeasureKind,
  values: readonly StoredValue[],
): MeasureValue | null {
  if (values.length === 0) return null;
  switch (kind) {
    case 'yes-no':
      return values.filter((v) => v.flag === true).length;
    case 'percentage':
      return null;
    case 'money':
      return penceToPounds(values.reduce((sum, v) => sum + BigInt(v.amount!), 0n));
    default: {
      // Exact decimal sum of up to two places.
      const hundredths = values.reduce((sum, v) => sum + toHundredths(v.amount!), 0n);
      return Number(`${hundredths / 100n}.${String(hundredths % 100n).padStart(2, '0')}`);
    }
  }
}

/** '007.50' -> '7.50': leading zeros go; the value is stored exactly as given otherwise. */
function normalise(text: string): string {
  return text.replace(/^0+(?=\d)/, '');
}

function toHundredths(text: string): bigint {
  const [whole, fraction = ''] = text.split('.');
  return BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0'));
}

function penceToPounds(pence: bigint): string {
  return `${pence / 100n}.${String(pence % 100n).padStart(2, '0')}`;
}
