/*
 * Spreadsheet formula injection: a cell whose text starts with =, +, -, @, a tab or a carriage
 * return may be run as a formula when a CSV is opened in Excel (or a cell is edited). Supplier
 * names come from other people's files, so every text cell of every export goes through here:
 * such a text gets a leading apostrophe, which spreadsheets show as text. A plain number
 * ("-150.00", a credit note) is left alone: it is data, not a formula.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/** The text, made safe to open in a spreadsheet. */
export function neutraliseCell(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** True when a spreadsheet might read the text as a formula. */
export function looksLikeFormula(text: string): boolean {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text);
}
