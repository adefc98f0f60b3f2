/*
 * Names as matching keys: the same business written two ways in two files should give the
 * same key. Upper case, accents and punctuation gone, initials joined (C.I.C. as CIC), `&` read as AND, LIMITED as LTD,
 * PUBLIC LIMITED COMPANY as PLC, COMMUNITY INTEREST COMPANY as CIC, and no leading THE.
 * Only exact keys are applied as matches; near ones are suggestions (pg_trgm).
 */

const WORD_FORMS: [RegExp, string][] = [
  [/\bPUBLIC LIMITED COMPANY\b/g, 'PLC'],
  [/\bCOMMUNITY INTEREST COMPANY\b/g, 'CIC'],
  [/\bLIMITED\b/g, 'LTD'],
  [/\bCOMPANY\b/g, 'CO'],
  [/\bAND\b/g, 'AND'],
];

/** The matching key of a name ('' for a name with no letters or digits). */
export function normaliseName(name: string | null | undefined): string {
  if (!name) return '';
  let key = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/['\u2018\u2019`]/g, '')
    .replace(/&/g, ' AND ')
    .replace(/\+/g, ' AND ')
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim()
    // Initials join up, however they were punctuated: "C.I.C." and "CIC", "A. B. C." and "ABC".
    .replace(/\b([A-Z0-9])(?: (?=[A-Z0-9]\b))/g, '$1');
  for (const [pattern, replacement] of WORD_FORMS) key = key.replace(pattern, replacement);
  key = key.replace(/^THE /, '');
  return key;
}
