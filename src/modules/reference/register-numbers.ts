/*
 * Register numbers as the registers key them, so a number typed in a supplier file finds the
 * register's row. The loaders store numbers in these forms; look-ups must use the same.
 */

const COMPANY_NUMBER = /^[A-Z0-9]{8}$/;

/**
 * A Companies House number: upper case, no spaces; all digits -> zero-padded to 8
 * ('123456' -> '00123456'); two letters and digits -> digits padded to 6 ('SC12345' ->
 * 'SC012345'); other 8-character forms as they are ('IP28456R'). Null when it cannot be one.
 */
export function normaliseCompanyNumber(raw: string | null | undefined): string | null {
  if (!raw) return null;
  // Nearly every value in a register file is already right: check that first.
  if (COMPANY_NUMBER.test(raw)) return /^0+$/.test(raw) ? null : raw;
  const compact = raw.toUpperCase().replace(/[\s.-]/g, '');
  if (/^\d{1,8}$/.test(compact)) return /^0+$/.test(compact) ? null : compact.padStart(8, '0');
  const prefixed = /^([A-Z]{2})(\d{1,6})$/.exec(compact);
  if (prefixed) return `${prefixed[1]}${prefixed[2]!.padStart(6, '0')}`;
  return COMPANY_NUMBER.test(compact) ? compact : null;
}

/**
 * A Charity Commission (England and Wales) registered charity number: digits, no leading
 * zeros ('0220949' -> '220949'). A linked charity written '1123456-1' gives its main charity.
 */
export function normaliseCharityNumber(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const match = /^0*(\d{1,8})(?:-\d{1,3})?$/.exec(raw.replace(/\s/g, ''));
  if (!match || /^0+$/.test(match[1]!)) return null;
  return match[1]!;
}

/**
 * An FCA Mutuals Public Register number ('Full Registration Number': the society number and its
 * suffix, '31117R'): upper case, no spaces or leading zeros. Companies House writes the same
 * society as 'IP31117R' (older) or 'IP031117R': the 'IP' is dropped so both meet.
 */
export function normaliseSocietyNumber(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const compact = raw.toUpperCase().replace(/\s/g, '');
  const match = /^(?:IP)?0*(\d{1,7})([A-Z]{0,2})$/.exec(compact);
  if (match) return `${match[1]}${match[2]}`;
  // Other forms ('RS007659'): a short prefix, digits, maybe a suffix.
  return /^[A-Z]{1,3}\d{1,8}[A-Z]{0,2}$/.test(compact) ? compact : null;
}

/** A UK VAT registration number: 9 (or 12) digits, without the GB prefix. Null when it cannot be one. */
export function normaliseVatNumber(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const text = raw
    .toUpperCase()
    .replace(/[\s.-]/g, '')
    .replace(/^GB/, '');
  return /^\d{9}(\d{3})?$/.test(text) && !/^0+$/.test(text) ? text : null;
}
