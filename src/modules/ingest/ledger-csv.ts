import type { CsvRecord } from '../../csv/csv-reader.ts';
import { ownString } from '../../csv/own-string.ts';
import {
  normaliseCharityNumber,
  normaliseCompanyNumber,
  normaliseVatNumber,
} from '../reference/register-numbers.ts';
import { PenceTotal } from '../../money.ts';
import { normaliseName } from '../classify/normalise-name.ts';
import { parseAmountPence } from './amounts.ts';
import type { ColumnMapping, FieldSpec } from './column-map.ts';
import { parseDate } from './dates.ts';
import type { FileKind, RowError, RowReader, Warning } from './mapped-csv-file.ts';
import { isRedactedName } from './redaction.ts';

/*
 * A payment ledger line: the Transparency Code "spend over £500" row or a fuller AP export.
 * Pure: records in, payments (or row errors) out. Amounts are integer pence, credit notes
 * negative; dates are ISO strings.
 */

export type LedgerField =
  | 'paymentDate'
  | 'amount'
  | 'supplierName'
  | 'supplierRef'
  | 'transactionNumber'
  | 'invoiceNumber'
  | 'expenseArea'
  | 'expenseType'
  | 'irrecoverableVat'
  | 'companyNumber'
  | 'charityNumber'
  | 'vatNumber'
  | 'invoiceReceivedDate'
  | 'purpose'
  | 'body'
  | 'inScope';

/** Synonyms in order of preference. Gross/VAT/Net files use Net: net synonyms come first. */
export const LEDGER_FIELDS: readonly FieldSpec<LedgerField>[] = [
  {
    field: 'paymentDate',
    label: 'payment date',
    synonyms: [
      'payment date',
      'date paid',
      'invoice payment date',
      'paid date',
      'date of payment',
      'payment run date',
      'transaction date',
      'posting date',
      'cheque date',
      'date',
      'pay date',
      'effective date',
      'period',
    ],
  },
  {
    field: 'amount',
    label: 'amount',
    synonyms: [
      'net amount',
      'net',
      'amount net',
      'net value',
      'net amount gbp',
      'amount excluding vat',
      'amount excl vat',
      'amount ex vat',
      'net total',
      'amount',
      'amount gbp',
      'value',
      'value gbp',
      'payment amount',
      'amount paid',
      'paid amount',
      'transaction amount',
      'line amount',
      'invoice amount',
      'spend',
      'total',
      'gross amount',
      'gross',
    ],
  },
  {
    field: 'supplierName',
    label: 'supplier name',
    synonyms: [
      'supplier name',
      'supplier beneficiary name',
      'beneficiary name',
      'supplier',
      'beneficiary',
      'payee name',
      'payee',
      'vendor name',
      'vendor',
      'creditor name',
      'creditor',
      'merchant name',
      'merchant',
      'recipient name',
      'recipient',
      'name of supplier',
      'supplier full name',
      'supplier trading name',
    ],
  },
  {
    field: 'supplierRef',
    label: 'supplier reference',
    synonyms: [
      'supplier id',
      'supplier reference',
      'supplier ref',
      'supplier number',
      'supplier no',
      'supplier code',
      'local supplier internal reference',
      'supplier internal reference',
      'supplier account number',
      'supplier account',
      'vendor id',
      'vendor number',
      'vendor code',
      'vendor reference',
      'vendor no',
      'vendor ref',
      'creditor number',
      'creditor no',
      'creditor id',
      'creditor reference',
      'creditor code',
      'payee id',
      'payee reference',
      'beneficiary id',
    ],
  },
  {
    field: 'transactionNumber',
    label: 'transaction number',
    synonyms: [
      'transaction number',
      'transaction no',
      'transaction id',
      'transaction reference',
      'transaction ref',
      'internal ref number',
      'internal reference number',
      'internal reference',
      'payment reference',
      'payment ref',
      'payment number',
      'payment id',
      'document number',
      'document no',
      'voucher number',
      'journal number',
      'reference',
      'ref',
    ],
  },
  {
    field: 'invoiceNumber',
    label: 'invoice number',
    synonyms: [
      'invoice number',
      'invoice no',
      'invoice reference',
      'invoice ref',
      'invoice id',
      'supplier invoice number',
      'invoice',
    ],
  },
  {
    field: 'expenseArea',
    label: 'expense area',
    synonyms: [
      'expense area',
      'service area',
      'directorate service where expenditure incurred',
      'directorate',
      'department',
      'service',
      'service label',
      'service area categorisation',
      'portfolio',
      'division',
      'cost centre description',
      'cost centre name',
      'cost centre',
      'service division label',
      'business unit',
      'responsible unit',
    ],
  },
  {
    field: 'expenseType',
    label: 'expense type',
    synonyms: [
      'expense type',
      'expenses type',
      'expenditure type',
      'detailed expenditure type',
      'expense description',
      'expenditure description',
      'expense category',
      'expenditure category',
      'sercop expenditure category',
      'procurement classification councils procurement category name',
      'procurement category name',
      'procurement category',
      'account description',
      'subjective description',
      'subjective',
      'expense code description',
      'account name',
      'category',
      'procurement classification',
    ],
  },
  {
    field: 'irrecoverableVat',
    label: 'irrecoverable VAT',
    synonyms: [
      'irrecoverable vat',
      'irrecoverable vat amount',
      'vat irrecoverable',
      'non recoverable vat',
    ],
  },
  {
    field: 'companyNumber',
    label: 'company number',
    synonyms: [
      'supplier registered company number',
      'company number',
      'companies house number',
      'registered company number',
      'company registration number',
      'company reg no',
      'supplier company number',
      'crn',
    ],
  },
  {
    field: 'charityNumber',
    label: 'charity number',
    synonyms: [
      'supplier registered charity number',
      'charity number',
      'registered charity number',
      'charity registration number',
      'charity no',
      'supplier charity number',
    ],
  },
  {
    field: 'vatNumber',
    label: 'VAT number',
    synonyms: [
      'vat registration number',
      'vat number',
      'vat reg no',
      'vat registration no',
      'supplier vat number',
      'vat no',
    ],
  },
  {
    field: 'invoiceReceivedDate',
    label: 'invoice received date',
    synonyms: [
      'invoice received date',
      'date invoice received',
      'invoice date received',
      'received date',
      'date received',
      'invoice receipt date',
      'date of receipt',
    ],
  },
  {
    field: 'inScope',
    label: 'in scope',
    synonyms: [
      'in scope',
      'contract in scope',
      'in scope contract',
      'public contract in scope',
      'procurement act in scope',
      'in scope of procurement act',
      'procurement act 2023',
      'procurement act',
      'pa23 in scope',
      'payment reporting scope',
      'covered by payment reporting',
      'public contract',
    ],
  },
  {
    field: 'purpose',
    label: 'purpose',
    synonyms: [
      'purpose of spend',
      'purpose of spend summary',
      'purpose',
      'purpose of expenditure',
      'description',
      'narrative',
      'extended description',
      'transaction description',
      'line description',
      'payment description',
      'details',
    ],
  },
  {
    field: 'body',
    label: 'body',
    synonyms: [
      'body name',
      'organisation name',
      'body',
      'organisation',
      'authority',
      'local authority',
      'council',
    ],
  },
];

const REQUIRED: LedgerField[] = ['paymentDate', 'amount'];

/** A parsed ledger line, ready to store. */
export interface LedgerRow {
  line: number;
  paymentDate: string;
  amountPence: number;
  /** A string of its own (not a slice of the file's text), the same one on every line with this name. */
  supplierName: string | null;
  supplierRef: string | null;
  /** The supplier's identity within the organisation: its reference, else its name key; null when redacted. */
  supplierKey: string | null;
  /**
   * supplierKey as a number within the file: 1, 2, ... in the order keys first appear, the same
   * on every line with that key; 0 when redacted. What LedgerSummary sums by, without reading
   * the key again.
   */
  supplierId: number;
  /**
   * False when this line says nothing new of its supplier: not its first line, the same name as
   * the supplier's line before, and no register number. LedgerSummary skips such a line's
   * supplier (a read of one more object a line, most of them out of the cache).
   */
  supplierChanged: boolean;
  /** normaliseName of the supplier name (null for an empty name). */
  supplierNameKey: string | null;
  redacted: boolean;
  transactionNumber: string | null;
  invoiceNumber: string | null;
  expenseArea: string | null;
  expenseType: string | null;
  irrecoverableVatPence: number | null;
  companyNumber: string | null;
  charityNumber: string | null;
  vatNumber: string | null;
  invoiceReceivedDate: string | null;
  purpose: string | null;
  body: string | null;
  /** Under a public contract in scope of payment reporting; null when the file does not say. */
  inScope: boolean | null;
}

/**
 * An invoice an AP export lists as received but not paid (an empty payment date with a received
 * date): no spend, but a sum that fell due and was not paid.
 */
export interface UnpaidInvoice {
  line: number;
  supplierName: string | null;
  supplierRef: string | null;
  supplierKey: string | null;
  invoiceNumber: string | null;
  invoiceReceivedDate: string;
  amountPence: number;
  inScope: boolean | null;
}

const YES = new Set(['yes', 'y', 'true', 't', '1', 'in scope', 'in', 'scope', 'covered']);
const NO = new Set([
  'no',
  'n',
  'false',
  'f',
  '0',
  'out of scope',
  'not in scope',
  'out',
  'exempt',
  'not covered',
]);

/** "Yes", "Y", "TRUE", "1", "In scope" -> true; "No", "N", "0", "Out of scope" -> false; empty -> null. */
export function parseYesNo(
  raw: string,
): { ok: true; value: boolean | null } | { ok: false; message: string } {
  const text = raw.trim().toLowerCase();
  if (isNullMarker(text)) return { ok: true, value: null };
  if (YES.has(text)) return { ok: true, value: true };
  if (NO.has(text)) return { ok: true, value: false };
  return { ok: false, message: 'is not yes or no (Y/N, true/false, 1/0, in scope/out of scope)' };
}

/** What a ledger file is, for MappedCsvFile: a header needs a payment date, an amount and a supplier. */
export const LEDGER_KIND: FileKind<LedgerField, LedgerRow> = {
  rowNoun: 'payment',
  fields: LEDGER_FIELDS,
  required: REQUIRED,
  isComplete: ({ columns: c }) =>
    c.paymentDate !== undefined &&
    c.amount !== undefined &&
    (c.supplierName !== undefined || c.supplierRef !== undefined),
  describeMissing(mapping) {
    const c = mapping?.columns ?? {};
    return [
      c.paymentDate === undefined ? 'payment date' : null,
      c.amount === undefined ? 'amount' : null,
      c.supplierName === undefined && c.supplierRef === undefined ? 'supplier name' : null,
    ].filter((m): m is string => m !== null);
  },
  createReader: (mapping, headerLength, onError, { delimiter }) =>
    new LedgerRowReader(mapping, headerLength, onError, { decimalComma: delimiter === ';' }),
};

const NULL_MARKERS = new Set(['', 'n/a', 'na', '#n/a', 'null', 'none', '-']);

/** Counts of things worth a warning, and the file's figures, kept while reading. */
export interface LedgerReadStats {
  /** Lines that are payments (valid or not): not blank, not skipped as totals. */
  dataLines: number;
  /** Sum of the valid rows' amounts. */
  totalPence: PenceTotal;
  firstDate: string | null;
  lastDate: string | null;
  periodDates: number;
  roundedAmounts: number;
  skippedLines: number[];
  skippedCount: number;
  extraFields: number;
  /** Received, not yet paid: kept apart from the payments. */
  unpaid: UnpaidInvoice[];
}

/**
 * Reads records into ledger rows with one mapping. Caches parsed dates and names: a ledger
 * repeats both thousands of times. Errors are collected, not thrown: a file is judged whole.
 */
export class LedgerRowReader implements RowReader<LedgerRow> {
  readonly stats: LedgerReadStats = {
    dataLines: 0,
    totalPence: new PenceTotal(),
    firstDate: null,
    lastDate: null,
    periodDates: 0,
    roundedAmounts: 0,
    skippedLines: [],
    skippedCount: 0,
    extraFields: 0,
    unpaid: [],
  };
  private readonly dates = new Map<string, ReturnType<typeof parseDate>>();
  private readonly names = new Map<string, SupplierName>();
  /** Supplier keys, their numbers (LedgerRow.supplierId) and the name last seen with each. */
  private readonly supplierKeys = new Map<string, SupplierKey>();
  private suppliersNumbered = 0;
  private readonly c: ColumnMapping<LedgerField>['columns'];
  private readonly headers: ColumnMapping<LedgerField>['headers'];
  private readonly headerLength: number;

  constructor(
    mapping: ColumnMapping<LedgerField>,
    headerLength: number,
    private readonly onError: (error: RowError) => void,
    private readonly options: { decimalComma?: boolean } = {},
  ) {
    this.c = mapping.columns;
    this.headers = mapping.headers;
    this.headerLength = headerLength;
  }

  /** One record to a row; null when it is blank, a skipped total line, or has errors (reported). */
  read(record: CsvRecord): LedgerRow | null {
    const f = record.fields;
    const line = record.line;
    const c = this.c;
    if (f.length > this.headerLength && f.slice(this.headerLength).some((v) => v.trim() !== ''))
      this.stats.extraFields++;

    const rawDate = cell(f, c.paymentDate);
    const rawName = cell(f, c.supplierName);
    const rawRef = cell(f, c.supplierRef);
    // A line with an amount but no date and no supplier is a total or a note, not a payment.
    if (rawDate === '' && rawName === '' && rawRef === '') {
      if (isBlank(f)) return null;
      this.stats.skippedCount++;
      if (this.stats.skippedLines.length < 20) this.stats.skippedLines.push(line);
      return null;
    }
    this.stats.dataLines++;
    if (isNullMarker(rawDate) && c.invoiceReceivedDate !== undefined) {
      const received = cell(f, c.invoiceReceivedDate);
      if (!isNullMarker(received)) return this.readUnpaid(record, received);
    }

    let ok = true;
    const date = this.date(rawDate);
    if (!date.ok) ok = this.fail(line, 'paymentDate', rawDate, date.message);
    else if (date.period) this.stats.periodDates++;

    const rawAmount = cell(f, c.amount);
    const amount = parseAmountPence(rawAmount, this.options);
    if (!amount.ok) ok = this.fail(line, 'amount', rawAmount, amount.message);
    else if (amount.rounded) this.stats.roundedAmounts++;

    const supplierName = rawName === '' ? null : rawName;
    const supplierRef = nullable(rawRef);
    if (supplierName === null && supplierRef === null)
      ok = this.fail(
        line,
        c.supplierName !== undefined ? 'supplierName' : 'supplierRef',
        '',
        'the supplier is empty',
      );

    let irrecoverableVatPence: number | null = null;
    const rawVat = cell(f, c.irrecoverableVat);
    if (!isNullMarker(rawVat)) {
      const vat = parseAmountPence(rawVat, this.options);
      if (vat.ok) irrecoverableVatPence = vat.pence;
      else ok = this.fail(line, 'irrecoverableVat', rawVat, vat.message);
    }

    let invoiceReceivedDate: string | null = null;
    const rawReceived = cell(f, c.invoiceReceivedDate);
    if (!isNullMarker(rawReceived)) {
      const received = this.date(rawReceived);
      if (received.ok) invoiceReceivedDate = received.date;
      else ok = this.fail(line, 'invoiceReceivedDate', rawReceived, received.message);
    }

    const inScope = this.inScope(line, cell(f, c.inScope));
    if (inScope === undefined) ok = false;

    if (!ok || !date.ok || !amount.ok || inScope === undefined) return null;
    const stats = this.stats;
    stats.totalPence.add(amount.pence);
    if (stats.firstDate === null || date.date < stats.firstDate) stats.firstDate = date.date;
    if (stats.lastDate === null || date.date > stats.lastDate) stats.lastDate = date.date;
    // A reference is looked up once, and its name is most often the one it came with last: the
    // same text, found by one comparison rather than a second lookup.
    const ref = supplierRef === null ? null : this.supplierKey(supplierRef);
    const last = ref?.name ?? null;
    const name =
      last !== null && last.text === supplierName
        ? last
        : supplierName === null
          ? null
          : this.name(supplierName);
    const redacted = name?.redacted ?? false;
    const supplierKey = redacted ? null : (ref?.text ?? (name?.key || null));
    const companyNumber = normaliseCompanyNumber(cell(f, c.companyNumber));
    const charityNumber = normaliseCharityNumber(cell(f, c.charityNumber));
    const vatNumber = normaliseVatNumber(cell(f, c.vatNumber));
    let supplierId = 0;
    let supplierChanged = false;
    // The key this line pays by (a redacted line's reference too) remembers the line's name.
    const key = supplierKey === null ? ref : (ref ?? this.nameKey(name!));
    if (key !== null) {
      if (supplierKey !== null) {
        supplierChanged =
          key.id === 0 ||
          key.name !== name ||
          companyNumber !== null ||
          charityNumber !== null ||
          vatNumber !== null;
        supplierId = this.numberOf(key);
      }
      key.name = name;
    }
    return {
      line,
      paymentDate: date.date,
      amountPence: amount.pence,
      // The cached copy: the same text, one string for every line naming the supplier.
      supplierName: name?.text ?? null,
      supplierRef: ref?.text ?? null,
      supplierKey,
      supplierId,
      supplierChanged,
      supplierNameKey: name?.key || null,
      redacted,
      transactionNumber: nullable(cell(f, c.transactionNumber)),
      invoiceNumber: nullable(cell(f, c.invoiceNumber)),
      expenseArea: nullable(cell(f, c.expenseArea)),
      expenseType: nullable(cell(f, c.expenseType)),
      irrecoverableVatPence,
      companyNumber,
      charityNumber,
      vatNumber,
      invoiceReceivedDate,
      purpose: nullable(cell(f, c.purpose)),
      body: nullable(cell(f, c.body)),
      inScope,
    };
  }

  /** A line with a received date and no payment date: an invoice not yet paid (null when invalid). */
  private readUnpaid(record: CsvRecord, rawReceived: string): null {
    const f = record.fields;
    const line = record.line;
    const c = this.c;
    let ok = true;
    const received = this.date(rawReceived);
    if (!received.ok) ok = this.fail(line, 'invoiceReceivedDate', rawReceived, received.message);
    const rawAmount = cell(f, c.amount);
    const amount = parseAmountPence(rawAmount, this.options);
    if (!amount.ok) ok = this.fail(line, 'amount', rawAmount, amount.message);
    const rawName = cell(f, c.supplierName);
    const supplierName = rawName === '' ? null : rawName;
    const supplierRef = nullable(cell(f, c.supplierRef));
    if (supplierName === null && supplierRef === null)
      ok = this.fail(
        line,
        c.supplierName !== undefined ? 'supplierName' : 'supplierRef',
        '',
        'the supplier is empty',
      );
    const inScope = this.inScope(line, cell(f, c.inScope));
    if (!ok || !received.ok || !amount.ok || inScope === undefined) return null;
    const name = supplierName === null ? null : this.name(supplierName);
    this.stats.unpaid.push({
      line,
      supplierName,
      supplierRef,
      supplierKey: name?.redacted ? null : (supplierRef ?? (name?.key || null)),
      invoiceNumber: nullable(cell(f, c.invoiceNumber)),
      invoiceReceivedDate: received.date,
      amountPence: amount.pence,
      inScope,
    });
    return null;
  }

  /** The in-scope cell: true, false or null; undefined (reported) when it is neither yes nor no. */
  private inScope(line: number, raw: string): boolean | null | undefined {
    if (this.c.inScope === undefined || raw === '') return null;
    const parsed = parseYesNo(raw);
    if (parsed.ok) return parsed.value;
    this.fail(line, 'inScope', raw, parsed.message);
    return undefined;
  }

  get dataLines(): number {
    return this.stats.dataLines;
  }

  warnings(): Warning[] {
    const out: Warning[] = [];
    const amountColumn = this.headers.amount;
    if (amountColumn && /gross/i.test(amountColumn)) {
      out.push({
        code: 'gross-amount',
        message: `Amounts come from "${amountColumn}": the file has no net amount column.`,
      });
    }
    const stats = this.stats;
    if (stats.periodDates > 0) {
      out.push({
        code: 'period-dates',
        message: `${stats.periodDates} payment date(s) were YYYYMM periods; each was read as the first day of its month.`,
      });
    }
    if (stats.roundedAmounts > 0) {
      out.push({
        code: 'rounded-amounts',
        message: `${stats.roundedAmounts} amount(s) had more than two decimal places and were rounded to the penny.`,
      });
    }
    if (stats.skippedCount > 0) {
      const more = stats.skippedCount > stats.skippedLines.length ? ', ...' : '';
      out.push({
        code: 'skipped-lines',
        message: `${stats.skippedCount} line(s) had no payment date and no supplier (lines ${stats.skippedLines.join(', ')}${more}): read as totals or notes and skipped.`,
      });
    }
    if (stats.unpaid.length > 0) {
      out.push({
        code: 'unpaid-invoices',
        message: `${stats.unpaid.length} line(s) have an invoice received date and no payment date: kept as invoices not yet paid (for payment compliance), not counted as spend.`,
      });
    }
    if (stats.extraFields > 0) {
      out.push({
        code: 'extra-fields',
        message: `${stats.extraFields} line(s) have more fields than the header; the extra fields were ignored.`,
      });
    }
    return out;
  }

  private date(raw: string): ReturnType<typeof parseDate> {
    let result = this.dates.get(raw);
    if (result === undefined) {
      result = parseDate(raw);
      if (this.dates.size < 100_000) this.dates.set(ownString(raw), result);
    }
    return result;
  }

  /**
   * A supplier key (a reference, or a name key), numbered by numberOf. A lookup of a new string
   * per line costs more than the rest of the line's summing: a reference keeps the name it came
   * with last, and a name its key (nameKey), so a line makes one lookup where it made two
   * whenever names repeat across references.
   */
  private supplierKey(key: string): SupplierKey {
    let entry = this.supplierKeys.get(key);
    if (entry === undefined) {
      entry = { text: ownString(key), id: 0, name: null };
      this.supplierKeys.set(entry.text, entry);
    }
    return entry;
  }

  /** A key's number, given when a line first pays a supplier by it (not for a redacted line's reference). */
  private numberOf(key: SupplierKey): number {
    return (key.id ||= ++this.suppliersNumbered);
  }

  /** The key of a supplier known by its name alone. */
  private nameKey(name: SupplierName): SupplierKey {
    return (name.nameKey ??= this.supplierKey(name.key));
  }

  private name(raw: string): SupplierName {
    let result = this.names.get(raw);
    if (result === undefined) {
      // Owned whether cached or not: LedgerSummary keeps a supplier's name as the row gives it.
      const text = ownString(raw);
      result = {
        text,
        key: ownString(normaliseName(raw)),
        redacted: isRedactedName(raw),
        nameKey: null,
      };
      if (this.names.size < 200_000) this.names.set(text, result);
    }
    return result;
  }

  private fail(row: number, field: LedgerField, value: string, message: string): false {
    this.onError({ row, column: this.headers[field] ?? field, value, message });
    return false;
  }
}

/**
 * A supplier name as read, its name key, and whether it is a redacted individual. `text` is
 * the name itself, kept once: rows that share it share the string, so later comparisons of a
 * supplier's name (LedgerSummary, once a row) see the same string and need not read it.
 */
interface SupplierName {
  text: string;
  key: string;
  redacted: boolean;
  /** `key` as a supplier key, once a line names its supplier by name alone. */
  nameKey: SupplierKey | null;
}

/** A supplier key (a reference, or a name key), its number, and the name its last line gave. */
interface SupplierKey {
  text: string;
  /** 0 until a line pays a supplier by this key. */
  id: number;
  name: SupplierName | null;
}

function cell(fields: readonly string[], index: number | undefined): string {
  if (index === undefined) return '';
  const value = fields[index];
  return value === undefined ? '' : value.trim();
}

/** Longest text in NULL_MARKERS: anything longer is a value (checked before lower-casing). */
const LONGEST_NULL_MARKER = 5;

function isNullMarker(value: string): boolean {
  return (
    value.length === 0 ||
    (value.length <= LONGEST_NULL_MARKER && NULL_MARKERS.has(value.toLowerCase()))
  );
}

function nullable(value: string): string | null {
  return isNullMarker(value) ? null : value;
}

function isBlank(fields: readonly string[]): boolean {
  for (const f of fields) if (f.length > 0 && f.trim() !== '') return false;
  return true;
}
