/*
 * How the report writes figures for people. Pure, exact where it matters: pounds are formatted
 * from their decimal strings, never through a float; only the rounded forms (£91.0m, 21.9%)
 * pass through a number.
 */
import { MONTH_NAMES } from '../metrics/periods.ts';

/** HTML-escapes text for element content and attribute values. */
export function esc(text: string | number): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** "91000000.00" -> "£91,000,000.00"; "-12.50" -> "-£12.50". */
export function pounds(text: string): string {
  const negative = text.startsWith('-');
  const [whole, pence = '00'] = (negative ? text.slice(1) : text).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}£${grouped}.${pence}`;
}

/** "91000000.00" -> "£91,000,000" (whole pounds, rounded half up). */
export function wholePounds(text: string): string {
  const negative = text.startsWith('-');
  const [whole, pence = '00'] = (negative ? text.slice(1) : text).split('.');
  const rounded = BigInt(whole!) + (Number(pence.padEnd(2, '0')) >= 50 ? 1n : 0n);
  const grouped = rounded.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative && rounded !== 0n ? '-' : ''}£${grouped}`;
}

/** "415000000.00" -> "£415.0m", "12345.67" -> "£12.3k", "950.00" -> "£950", "1.2e9" -> "£1.20bn". */
export function compactPounds(text: string): string {
  const value = Number(text);
  const sign = value < 0 ? '-' : '';
  const v = Math.abs(value);
  if (v >= 1e9) return `${sign}£${(v / 1e9).toFixed(2)}bn`;
  if (v >= 1e6) return `${sign}£${(v / 1e6).toFixed(1)}m`;
  if (v >= 1e4) return `${sign}£${(v / 1e3).toFixed(1)}k`;
  return `${sign}£${Math.round(v).toLocaleString('en-GB')}`;
}

/** 0.2192771 -> "21.9%"; null -> "n/a". */
export function percent(share: number | null, digits = 1): string {
  return share === null ? 'n/a' : `${(share * 100).toFixed(digits)}%`;
}

/** A relative change: 0.03 -> "+3.0%"; null -> "". */
export function relativeChange(change: number | null | undefined): string {
  if (change === null || change === undefined) return '';
  return `${change >= 0 ? '+' : '−'}${Math.abs(change * 100).toFixed(1)}%`;
}

/** A change of share: 0.004 -> "+0.4 points"; null -> "". */
export function pointsChange(change: number | null | undefined): string {
  if (change === null || change === undefined) return '';
  return `${change >= 0 ? '+' : '−'}${Math.abs(change * 100).toFixed(1)} points`;
}

/** 12345 -> "12,345". */
export function count(n: number): string {
  return n.toLocaleString('en-GB');
}

/** "2023-03-31" -> "31 March 2023". */
export function longDate(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number) as [number, number, number];
  return `${d} ${MONTH_NAMES[m - 1]} ${y}`;
}
