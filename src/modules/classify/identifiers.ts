/*
 * Register numbers as ledgers and registers write them, normalised so they join:
 * - company numbers: upper case, no spaces; all-digit numbers zero-padded to 8 ("1234567" ->
 *   "01234567"); prefixed ones kept ("SC123456", "IP12345R" stays as written).
 * - charity numbers: the digits of the main registration ("1012345-1" -> "1012345").
 * - VAT numbers: digits only, without a GB prefix.
 * "N/A", "0", "none" and blanks are null.
 */

const EMPTY = /^(?:|n\/?a|none|null|nil|-+|0+|tbc|unknown)$/i;

export function normaliseCompanyNumber(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const text = raw.toUpperCase().replace(/[\s.]/g, '');
  if (EMPTY.test(text)) return null;
  if (/^\d{1,8}$/.test(text)) return text.padStart(8, '0');
  if (/^[A-Z]{2}\d{1,6}$/.test(text)) return text.slice(0, 2) + text.slice(2).padStart(6, '0');
  return /^[A-Z0-9]{1,10}$/.test(text) ? text : null;
}

export function normaliseCharityNumber(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const text = raw.trim();
  if (EMPTY.test(text)) return null;
  const match = /^(?:SC|NI)?\s*0*(\d{3,8})(?:[-/]\d+)?$/i.exec(text);
  if (!match) return null;
  const prefix = /^(SC|NI)/i.exec(text)?.[1]?.toUpperCase() ?? '';
  return prefix + match[1]!;
}

export function normaliseVatNumber(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const text = raw
    .toUpperCase()
    .replace(/[\s.-]/g, '')
    .replace(/^GB/, '');
  if (EMPTY.test(text)) return null;
  return /^\d{9}(\d{3})?$/.test(text) ? text : null;
}
