import type { LsoaVintage, ReferenceDataset } from '../../db/schema.ts';

/*
 * What every reference file parser provides. One parser per dataset; a parser may know several
 * published formats (the postcode parser reads ONSPD and NSPL) and tells them apart by header.
 * Parsers are pure: header in, layout out; fields in, record out. Reading the file, counting
 * and copying are read-reference-file.ts's and the service's business.
 */

export const REFERENCE_DATASETS = [
  'postcodes',
  'deprivation',
  'charities',
  'companies',
  'mutuals',
] as const satisfies readonly ReferenceDataset[];

/** Where the columns a parser needs are in a file, found from its header. */
export interface Layout {
  /** The format the header matched: 'onspd', 'nspl', 'iod', ... */
  format: string;
  /** Number of columns in the header: a row with another count was split wrongly. */
  width: number;
  /** LSOA vintage of the file (deprivation only). */
  lsoaVintage?: LsoaVintage;
  /** Things about the whole file a person should know ("no lsoa21 column: ..."). */
  notes: string[];
}

export interface RowProblem {
  column: string | null;
  value: string | null;
  message: string;
}

/** One data row, parsed: a record to load, a row deliberately left out, or a bad row. */
export type ParsedRow<R> =
  | { kind: 'row'; record: R; editionHint?: string }
  | { kind: 'excluded' }
  | { kind: 'bad'; problem: RowProblem };

/** A published format a parser recognises, as shown when a header matches none. */
export interface FormatDescription {
  name: string;
  title: string;
  /** The columns it must have, spelled as the publisher spells them. */
  requiredColumns: readonly string[];
}

export interface ReferenceParser<L extends Layout, R> {
  dataset: ReferenceDataset;
  formats: readonly FormatDescription[];
  /** The layout of a header row, or null when it is not a header this parser knows. */
  detectHeader(header: readonly string[], fileName: string | null): L | null;
  parseRow(fields: readonly string[], layout: L): ParsedRow<R>;
  /**
   * The edition of the file: from its name, the header, or the latest `editionHint` its rows
   * gave (the newest dointr of a postcode directory, the extract date of the charity register).
   */
  edition(layout: L, fileName: string | null, latestHint: string | null): string | null;
}

export const bad = (column: string | null, value: string | null, message: string) =>
  ({ kind: 'bad', problem: { column, value, message } }) as const;

export const EXCLUDED = { kind: 'excluded' } as const;

/** A header cell as matched: BOM, surrounding spaces and case gone, inner whitespace single. */
export function headerKey(cell: string): string {
  return cell
    .replace(/^\uFEFF/, '')
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

/** Position of the first of `names` (header keys, in order of preference) in `keys`, or -1. */
export function findColumn(keys: readonly string[], names: readonly (string | RegExp)[]): number {
  for (const name of names) {
    const index =
      typeof name === 'string' ? keys.indexOf(name) : keys.findIndex((key) => name.test(key));
    if (index !== -1) return index;
  }
  return -1;
}

/** The trimmed text of a field, or null when it is empty (or the row is short of it). */
export function text(fields: readonly string[], index: number): string | null {
  if (index < 0) return null;
  const value = fields[index];
  if (value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/**
 * A date as official files write it ('2019-05-01', '2019-05-01 00:00:00', '01/05/2019') to
 * 'YYYY-MM-DD', or null for anything that is not a real date: a value PostgreSQL would refuse
 * must never reach COPY, or the whole load fails.
 */
export function parseOfficialDate(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const value = raw.trim();
  let year: number, month: number, day: number;
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/.exec(value);
  if (iso) {
    year = Number(iso[1]);
    month = Number(iso[2]);
    day = Number(iso[3]);
  } else {
    const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
    if (!uk) return null;
    day = Number(uk[1]);
    month = Number(uk[2]);
    year = Number(uk[3]);
  }
  if (year < 1600 || year > 2999) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** 'True'/'False' (any case), 'yes'/'no', '1'/'0' to a boolean; anything else null. */
export function parseFlag(raw: string | null | undefined): boolean | null {
  switch (raw?.trim().toLowerCase()) {
    case 'true':
    case 'yes':
    case 'y':
    case '1':
      return true;
    case 'false':
    case 'no':
    case 'n':
    case '0':
      return false;
    default:
      return null;
  }
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/**
 * The date an official file name carries, as 'YYYY-MM' or 'YYYY-MM-DD':
 * ONSPD_FEB_2024_UK.csv -> '2024-02', BasicCompanyData-2026-11-01-part1_7.csv -> '2026-11-01'.
 */
export function dateFromFileName(fileName: string | null): string | null {
  if (!fileName) return null;
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const named = new RegExp(
    `(?:^|[^A-Z])(${MONTHS.join('|')})[A-Z]*[_ -]?(\\d{4})(?!\\d)`,
    'i',
  ).exec(base);
  if (named) {
    const month = MONTHS.indexOf(named[1]!.toUpperCase()) + 1;
    return `${named[2]}-${String(month).padStart(2, '0')}`;
  }
  const numeric = /(?:^|\D)(20\d{2})-(\d{2})(?:-(\d{2}))?(?!\d)/.exec(base);
  if (numeric) {
    const [, year, month, day] = numeric;
    if (Number(month) < 1 || Number(month) > 12) return null;
    return day ? parseOfficialDate(`${year}-${month}-${day}`) : `${year}-${month}`;
  }
  return null;
}
