import type { CsvRecord } from '../../csv/csv-reader.ts';
import {
  normaliseCharityNumber,
  normaliseCompanyNumber,
  normaliseSocietyNumber,
  normaliseVatNumber,
} from '../reference/register-numbers.ts';
import { normaliseName } from '../classify/normalise-name.ts';
import { parseAmountPence } from '../ingest/amounts.ts';
import type { ColumnMapping, FieldSpec } from '../ingest/column-map.ts';
import type { FileKind, RowError, RowReader, Warning } from '../ingest/mapped-csv-file.ts';
import { findPostcodeInAddress, normalisePostcode } from '../reference/postcode.ts';

/*
 * A supplier list (the finance system's supplier master): one row per supplier reference, with
 * what the tags need: address and postcode, register numbers, size. Pure: records in, rows out.
 * A later file updates suppliers by reference.
 */

export type SupplierField =
  | 'reference'
  | 'name'
  | 'address'
  | 'postcode'
  | 'companyNumber'
  | 'charityNumber'
  | 'societyNumber'
  | 'vatNumber'
  | 'employees'
  | 'turnover'
  | 'balanceSheet';

export const SUPPLIER_FIELDS: readonly FieldSpec<SupplierField>[] = [
  {
    field: 'reference',
    label: 'supplier reference',
    synonyms: [
      'supplier reference',
      'supplier id',
      'supplier ref',
      'supplier number',
      'supplier no',
      'supplier code',
      'local supplier internal reference',
      'vendor id',
      'vendor number',
      'vendor code',
      'vendor no',
      'vendor ref',
      'vendor reference',
      'creditor number',
      'creditor no',
      'creditor id',
      'account number',
      'reference',
      'ref',
      'id',
    ],
  },
  {
    field: 'name',
    label: 'supplier name',
    synonyms: [
      'supplier name',
      'name',
      'supplier',
      'vendor name',
      'vendor',
      'creditor name',
      'company name',
      'trading name',
      'organisation name',
      'beneficiary name',
    ],
  },
  {
    field: 'address',
    label: 'address',
    synonyms: [
      'address',
      'supplier address',
      'registered address',
      'full address',
      'trading address',
    ],
  },
  {
    field: 'postcode',
    label: 'postcode',
    synonyms: [
      'postcode',
      'post code',
      'supplier postcode',
      'postal code',
      'address postcode',
      'zip code',
    ],
  },
  {
    field: 'companyNumber',
    label: 'company number',
    synonyms: [
      'company number',
      'companies house number',
      'registered company number',
      'company registration number',
      'supplier registered company number',
      'company reg no',
      'crn',
    ],
  },
  {
    field: 'charityNumber',
    label: 'charity number',
    synonyms: [
      'charity number',
      'registered charity number',
      'charity registration number',
      'supplier registered charity number',
      'charity no',
    ],
  },
  {
    field: 'societyNumber',
    label: 'society number',
    synonyms: [
      'society number',
      'registered society number',
      'society registration number',
      'fca society number',
      'mutual number',
      'ips number',
    ],
  },
  {
    field: 'vatNumber',
    label: 'VAT number',
    synonyms: ['vat registration number', 'vat number', 'vat reg no', 'vat no'],
  },
  {
    field: 'employees',
    label: 'employees',
    synonyms: [
      'employees',
      'number of employees',
      'no of employees',
      'employee count',
      'headcount',
      'staff',
      'fte',
    ],
  },
  {
    field: 'turnover',
    label: 'turnover',
    synonyms: ['turnover', 'annual turnover', 'turnover gbp', 'revenue', 'annual revenue'],
  },
  {
    field: 'balanceSheet',
    label: 'balance sheet',
    synonyms: ['balance sheet total', 'balance sheet', 'total assets', 'balance sheet gbp'],
  },
];

export interface SupplierRow {
  line: number;
  reference: string;
  name: string;
  nameKey: string;
  address: string | null;
  postcode: string | null;
  companyNumber: string | null;
  charityNumber: string | null;
  societyNumber: string | null;
  vatNumber: string | null;
  employees: number | null;
  turnoverPence: bigint | null;
  balanceSheetPence: bigint | null;
}

const EMPTY = /^(?:|n\/?a|none|null|-+|unknown|tbc)$/i;

export const SUPPLIER_KIND: FileKind<SupplierField, SupplierRow> = {
  rowNoun: 'supplier',
  fields: SUPPLIER_FIELDS,
  required: ['reference', 'name'],
  isComplete: ({ columns: c }) => c.reference !== undefined && c.name !== undefined,
  describeMissing(mapping) {
    const c = mapping?.columns ?? {};
    return [
      c.reference === undefined ? 'supplier reference' : null,
      c.name === undefined ? 'supplier name' : null,
    ].filter((m): m is string => m !== null);
  },
  createReader: (mapping, _headerLength, onError) => new SupplierRowReader(mapping, onError),
};

/** Reads supplier list records. A postcode or number that cannot be read is a warning, not a failure. */
export class SupplierRowReader implements RowReader<SupplierRow> {
  dataLines = 0;
  private readonly seen = new Map<string, number>();
  private readonly unreadable = new Map<string, number[]>();

  constructor(
    private readonly mapping: ColumnMapping<SupplierField>,
    private readonly onError: (error: RowError) => void,
  ) {}

  read(record: CsvRecord): SupplierRow | null {
    const get = (field: SupplierField) => {
      const index = this.mapping.columns[field];
      const value = index === undefined ? '' : (record.fields[index] ?? '').trim();
      return EMPTY.test(value) ? '' : value;
    };
    if (record.fields.every((f) => f.trim() === '')) return null;
    this.dataLines++;
    const line = record.line;
    let ok = true;
    const reference = get('reference');
    const name = get('name');
    if (reference === '') ok = this.fail(line, 'reference', '', 'the supplier reference is empty');
    if (name === '') ok = this.fail(line, 'name', '', 'the supplier name is empty');
    if (reference !== '') {
      const earlier = this.seen.get(reference);
      if (earlier !== undefined)
        ok = this.fail(line, 'reference', reference, `the reference is also on line ${earlier}`);
      else this.seen.set(reference, line);
    }

    const employees = this.count(line, get('employees'));
    const turnoverPence = this.money(line, 'turnover', get('turnover'));
    const balanceSheetPence = this.money(line, 'balanceSheet', get('balanceSheet'));
    if (employees === undefined || turnoverPence === undefined || balanceSheetPence === undefined)
      ok = false;
    if (!ok) return null;

    const address = get('address') || null;
    const rawPostcode = get('postcode');
    const postcode = rawPostcode
      ? this.readable('postcode', line, rawPostcode, normalisePostcode(rawPostcode))
      : findPostcodeInAddress(address);
    return {
      line,
      reference,
      name,
      nameKey: normaliseName(name),
      address,
      postcode,
      companyNumber: this.readable(
        'company number',
        line,
        get('companyNumber'),
        normaliseCompanyNumber(get('companyNumber')),
      ),
      charityNumber: this.readable(
        'charity number',
        line,
        get('charityNumber'),
        normaliseCharityNumber(get('charityNumber')),
      ),
      societyNumber: this.readable(
        'society number',
        line,
        get('societyNumber'),
        normaliseSocietyNumber(get('societyNumber')),
      ),
      vatNumber: this.readable(
        'VAT number',
        line,
        get('vatNumber'),
        normaliseVatNumber(get('vatNumber')),
      ),
      employees: employees ?? null,
      turnoverPence: turnoverPence ?? null,
      balanceSheetPence: balanceSheetPence ?? null,
    };
  }

  warnings(): Warning[] {
    return [...this.unreadable].map(([what, lines]) => ({
      code: 'unreadable-values',
      message: `${lines.length} ${what}(s) could not be read and were left unknown (lines ${lines.slice(0, 10).join(', ')}${lines.length > 10 ? ', ...' : ''}).`,
    }));
  }

  /** A normalised value, or null with a warning when the raw text was there but unreadable. */
  private readable(what: string, line: number, raw: string, value: string | null): string | null {
    if (raw !== '' && value === null) {
      const lines = this.unreadable.get(what) ?? [];
      lines.push(line);
      this.unreadable.set(what, lines);
    }
    return value;
  }

  /** A whole number of employees; undefined (after reporting) when it is not one. */
  private count(line: number, raw: string): number | null | undefined {
    if (raw === '') return null;
    const text = raw.replace(/,/g, '');
    if (!/^\d+(\.0+)?$/.test(text)) {
      this.fail(line, 'employees', raw, `"${raw}" is not a number of employees`);
      return undefined;
    }
    return Number.parseInt(text, 10);
  }

  private money(line: number, field: SupplierField, raw: string): bigint | null | undefined {
    if (raw === '') return null;
    const amount = parseAmountPence(raw);
    if (!amount.ok) {
      this.fail(line, field, raw, amount.message);
      return undefined;
    }
    return BigInt(amount.pence);
  }

  private fail(row: number, field: SupplierField, value: string, message: string): false {
    const index = this.mapping.columns[field];
    this.onError({
      row,
      column: this.mapping.headers[field] ?? (index !== undefined ? `column ${index + 1}` : field),
      value,
      message,
    });
    return false;
  }
}
