/*
 * Which column feeds which field. Spend files have no standard header: the same field is
 * "Net Amount", "Amount (£)", "Value"; "Supplier(Beneficiary) Name", "Payee", "Vendor Name".
 * Each field has synonyms in order of preference; a header matches a synonym exactly (strong)
 * or contains all of a multi-word synonym's words (weak). Columns are assigned greedily, best
 * match first, one field per column. A caller can name columns outright (explicit mapping),
 * by header text or by 1-based column number.
 */

export interface FieldSpec<F extends string> {
  field: F;
  /** What a person calls it, for messages. */
  label: string;
  synonyms: string[];
}

export interface ColumnMapping<F extends string> {
  /** Field -> 0-based column index. */
  columns: Partial<Record<F, number>>;
  /** Field -> header text of its column, as the response reports it. */
  headers: Partial<Record<F, string>>;
}

export type ExplicitMapping = Record<string, string | number>;

export class MappingError extends Error {
  constructor(
    message: string,
    readonly problems: { column: string | null; value: string | null; message: string }[],
  ) {
    super(message);
    this.name = 'MappingError';
  }
}

/** Lower case, apostrophes dropped, anything else that is not a letter or digit a space. */
export function normaliseHeader(header: string): string {
  return header
    .toLowerCase()
    .replace(/['\u2019]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/*
 * A supplier's bank details ("Bank Account Number", "Sort Code", "IBAN", "Supplier Bank
 * Account Name") ride along in many AP exports and supplier masters. The service has no use for
 * them and must never store them, so no synonym matches such a column: without this, "Bank
 * Account Number" passes for "account number" (the supplier reference) and "Supplier Sort Code"
 * for "supplier code", and account numbers end up stored and shown as supplier references.
 * Nor may an explicit mapping name one: it is refused, saying why.
 */
const BANK_DETAIL_HEADER = /(?:^| )(?:bank|iban|bic|swift|sort ?code)(?: |$)/;

/** True when a normalised header names a bank detail (never matched by synonym). */
export function isBankDetailHeader(normalisedHeader: string): boolean {
  return BANK_DETAIL_HEADER.test(normalisedHeader);
}

const EXACT = 10_000;
const CONTAINS = 5_000;

/** How well a normalised header matches a field (0 = not at all). */
function score(header: string, words: Set<string>, synonyms: readonly string[]): number {
  let best = 0;
  for (let i = 0; i < synonyms.length; i++) {
    const synonym = synonyms[i]!;
    if (header === synonym) return EXACT - i;
    if (synonym.includes(' ') && best === 0) {
      const needed = synonym.split(' ');
      if (needed.every((w) => words.has(w)))
        best = CONTAINS - i * 10 - (words.size - needed.length);
    }
  }
  return best;
}

/**
 * Maps a header row to fields. Explicit entries win; the rest are found by synonym.
 * Throws MappingError when an explicit entry names no column, or when two columns match a
 * required field equally well.
 */
export function mapColumns<F extends string>(
  header: readonly string[],
  specs: readonly FieldSpec<F>[],
  options: { explicit?: ExplicitMapping; required?: readonly F[] } = {},
): ColumnMapping<F> {
  const columns: Partial<Record<F, number>> = {};
  const used = new Set<number>();
  const normalised = header.map(normaliseHeader);
  const problems: MappingError['problems'] = [];

  for (const [field, target] of Object.entries(options.explicit ?? {})) {
    const spec = specs.find((s) => s.field === field);
    if (!spec) {
      problems.push({
        column: null,
        value: field,
        message: `"${field}" is not a field; fields are ${specs.map((s) => s.field).join(', ')}`,
      });
      continue;
    }
    const index =
      typeof target === 'number'
        ? target - 1
        : normalised.findIndex((h) => h === normaliseHeader(target));
    if (index < 0 || index >= header.length) {
      problems.push({
        column: String(target),
        value: field,
        message: `the mapping for ${field} names column "${target}", which is not in the header`,
      });
      continue;
    }
    if (isBankDetailHeader(normalised[index]!)) {
      problems.push({
        column: header[index]!,
        value: field,
        message: `column "${header[index]!.trim()}" holds bank details, which are never stored: map ${field} to another column`,
      });
      continue;
    }
    columns[spec.field] = index;
    used.add(index);
  }
  if (problems.length > 0)
    throw new MappingError('The column mapping does not fit the file.', problems);

  const candidates: { field: F; index: number; score: number }[] = [];
  const wordSets = normalised.map((h) => new Set(h.split(' ')));
  for (const spec of specs) {
    if (columns[spec.field] !== undefined) continue;
    const synonyms = spec.synonyms.map(normaliseHeader);
    normalised.forEach((h, index) => {
      if (h === '' || used.has(index) || isBankDetailHeader(h)) return;
      const s = score(h, wordSets[index]!, synonyms);
      if (s > 0) candidates.push({ field: spec.field, index, score: s });
    });
  }
  candidates.sort((a, b) => b.score - a.score || a.index - b.index);

  for (const candidate of candidates) {
    if (columns[candidate.field] !== undefined || used.has(candidate.index)) continue;
    const rival = candidates.find(
      (c) =>
        c.field === candidate.field &&
        c.index !== candidate.index &&
        c.score === candidate.score &&
        !used.has(c.index),
    );
    if (rival && options.required?.includes(candidate.field)) {
      const label = specs.find((s) => s.field === candidate.field)!.label;
      throw new MappingError(`Two columns look like the ${label}: say which one with a mapping.`, [
        {
          column: header[candidate.index]!,
          value: null,
          message: `columns ${candidate.index + 1} ("${header[candidate.index]}") and ${rival.index + 1} ("${header[rival.index]}") both look like the ${label}; pass mapping {"${candidate.field}": "<column>"}`,
        },
      ]);
    }
    columns[candidate.field] = candidate.index;
    used.add(candidate.index);
  }

  const headers: Partial<Record<F, string>> = {};
  for (const spec of specs) {
    const index = columns[spec.field];
    if (index !== undefined) headers[spec.field] = header[index]!;
  }
  return { columns, headers };
}
