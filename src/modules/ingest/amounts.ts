/*
 * Money as spend files write it, to integer pence, without floating point:
 *   £1,234.56   1234.5   -123.45   (123.45)   123.45-   123.45 CR   -£1,234   1.2345E+03
 * Credit notes are negative. More than two decimal places (float exports: 1234.5600000001)
 * are rounded to the penny, half away from zero, and reported. With `decimalComma` (files
 * separated by semicolons), "1.234,56" is read as 1234.56.
 */

export type AmountResult =
  { ok: true; pence: number; rounded?: true } | { ok: false; message: string };

/** Largest amount accepted: £1 trillion, far above any payment and far inside exact integers. */
const MAX_PENCE = 100_000_000_000_000;

const PLAIN = /^-?\d+(?:\.\d{1,2})?$/;

/** Parses one amount cell to pence. */
export function parseAmountPence(
  raw: string,
  options: { decimalComma?: boolean } = {},
): AmountResult {
  let text = raw.trim();
  // The fast paths: most cells are plain numbers, or pounds written as money.
  if (!options.decimalComma) {
    const pence = readMoney(text);
    if (pence !== null) return { ok: true, pence };
  }
  if (PLAIN.test(text)) return fromDecimal(text, false);
  if (text === '') return { ok: false, message: 'the amount is empty' };

  let negative = false;
  if (/^\(.*\)$/.test(text)) {
    negative = true;
    text = text.slice(1, -1).trim();
  }
  // Not /^(.*?)\s*(CR|DR)$/: on a long cell of spaces that backtracks for seconds.
  const credit = /(CR|DR)$/i.exec(text);
  if (credit) {
    if (credit[1]!.toUpperCase() === 'CR') negative = !negative;
    text = text.slice(0, credit.index).trim();
  }
  if (text.endsWith('-')) {
    negative = !negative;
    text = text.slice(0, -1).trim();
  }
  if (text.startsWith('-')) {
    negative = !negative;
    text = text.slice(1).trim();
  } else if (text.startsWith('+')) {
    text = text.slice(1).trim();
  }
  text = text.replace(/^(£|GBP)\s*/i, '');
  if (text.startsWith('-')) {
    negative = !negative;
    text = text.slice(1).trim();
  }
  if (options.decimalComma) {
    if (/^\d{1,3}(\.\d{3})+(,\d+)?$|^\d+(,\d+)?$/.test(text))
      text = text.replaceAll('.', '').replace(',', '.');
  } else if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) {
    text = text.replaceAll(',', '');
  }
  text = text.replace(/\s+/g, '');
  const exponent = /^(\d+(?:\.\d+)?)E([+-]?\d+)$/i.exec(text);
  if (exponent) {
    const shifted = shiftDecimal(exponent[1]!, Number(exponent[2]));
    if (shifted === null)
      return { ok: false, message: `"${raw.trim()}" is too large to be a payment` };
    text = shifted;
  }
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(text))
    return { ok: false, message: `"${raw.trim()}" is not an amount` };
  return fromDecimal(text, negative);
}

/**
 * The shapes nearly every cell has, read by hand (a few regular expressions a cell cost a
 * large file seconds): an optional "-" or brackets around the rest, an optional "£", digits
 * either ungrouped or in thousands with commas, and up to two decimals. 1234.5, -12.00,
 * £1,234.56, (£1,234.56), (123.45). Null for anything else, which the full reader then reads
 * (and reports when it cannot), so this never rejects a cell.
 */
function readMoney(text: string): number | null {
  const length = text.length;
  let i = 0;
  let end = length;
  let negative = false;
  let c = text.charCodeAt(0);
  if (c === 40 /* ( */) {
    if (text.charCodeAt(end - 1) !== 41 /* ) */) return null;
    negative = true;
    i = 1;
    end--;
  } else if (c === 45 /* - */) {
    negative = true;
    i = 1;
  }
  if (text.charCodeAt(i) === 163 /* £ */) i++;
  let whole = 0;
  let digits = 0;
  let grouped = false;
  let sinceComma = 0;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      whole = whole * 10 + (c - 48);
      digits++;
      sinceComma++;
    } else if (c === 44 /* , */) {
      // Thousands: 1 to 3 digits first, then exactly 3 between commas.
      if (grouped ? sinceComma !== 3 : sinceComma < 1 || sinceComma > 3) return null;
      grouped = true;
      sinceComma = 0;
    } else break;
  }
  if (digits === 0 || digits > 13 || (grouped && sinceComma !== 3)) return null;
  let fraction = 0;
  if (i < end) {
    // Only a point with one or two digits may follow.
    if (c !== 46 /* . */ || end - i < 2 || end - i > 3) return null;
    for (let k = i + 1; k < end; k++) {
      const d = text.charCodeAt(k);
      if (d < 48 || d > 57) return null;
      fraction = fraction * 10 + (d - 48);
    }
    if (end - i === 2) fraction *= 10;
  }
  const pence = whole * 100 + fraction;
  if (pence > MAX_PENCE) return null;
  return negative && pence !== 0 ? -pence : pence;
}

/** Pence from a plain decimal string (optionally signed), rounding past two places. */
function fromDecimal(text: string, negative: boolean): AmountResult {
  if (text.startsWith('-')) {
    negative = !negative;
    text = text.slice(1);
  }
  const dot = text.indexOf('.');
  const whole = dot === -1 ? text : text.slice(0, dot);
  const fraction = dot === -1 ? '' : text.slice(dot + 1);
  let pence = Number(whole || '0') * 100 + Number((fraction + '00').slice(0, 2));
  let rounded: true | undefined;
  if (fraction.length > 2) {
    rounded = true;
    if (fraction.charCodeAt(2) >= 53 /* '5' */) pence += 1;
  }
  if (!Number.isSafeInteger(pence) || pence > MAX_PENCE)
    return { ok: false, message: `"${text}" is too large to be a payment` };
  if (negative && pence !== 0) pence = -pence;
  return rounded ? { ok: true, pence, rounded } : { ok: true, pence };
}

/** Whole digits past which a shifted number is too large, whatever they are (£1 trillion has 13). */
const MAX_SHIFTED_DIGITS = 20;

/**
 * Moves the decimal point of a digit string by `places` (for 1.2345E+03 and the like); null when
 * the result is too large to be a payment. The exponent is any text a cell holds ("1E999999999"):
 * the zeros written out are bounded, or the string would outgrow memory.
 */
function shiftDecimal(mantissa: string, places: number): string | null {
  const [whole = '', fraction = ''] = mantissa.split('.');
  let digits = whole + fraction;
  // Three places after the point is as far as pence and their rounding look: further right,
  // every digit rounds away just the same.
  let point = Math.max(whole.length + places, -3);
  const first = digits.search(/[1-9]/);
  if (first === -1 && point > digits.length) return '0';
  if (first !== -1 && point - first > MAX_SHIFTED_DIGITS) return null;
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits += '0'.repeat(point - digits.length);
  const out = `${digits.slice(0, point) || '0'}.${digits.slice(point)}`;
  return out.endsWith('.') ? out.slice(0, -1) : out;
}
