import type { LedgerRow } from './ledger-csv.ts';

/*
 * What an upload adds, gathered while its rows stream past (no second pass over the table):
 * the suppliers it pays, and its spend by month, supplier, expense area and expense type.
 * Sums are bigint pence.
 */

export interface SupplierSeen {
  key: string;
  /** The name as the ledger last wrote it. */
  name: string;
  nameKey: string;
  ref: string | null;
  companyNumber: string | null;
  charityNumber: string | null;
  vatNumber: string | null;
}

export interface SummaryCell {
  /** First day of the month, 'YYYY-MM-01'. */
  month: string;
  supplierKey: string | null;
  redacted: boolean;
  expenseArea: string | null;
  expenseType: string | null;
  pence: bigint;
  count: number;
}

/** Separates the parts of a cell's key; cannot occur in CSV text the reader hands over. */
const SEP = '\u0000';

export class LedgerSummary {
  readonly suppliers = new Map<string, SupplierSeen>();
  readonly cells = new Map<string, SummaryCell>();

  /** Adds one valid row. */
  add(row: LedgerRow): void {
    const month = `${row.paymentDate.slice(0, 8)}01`;
    const cellKey = `${month}${SEP}${row.supplierKey ?? ''}${SEP}${row.redacted ? 1 : 0}${SEP}${row.expenseArea ?? ''}${SEP}${row.expenseType ?? ''}`;
    const cell = this.cells.get(cellKey);
    if (cell) {
      cell.pence += BigInt(row.amountPence);
      cell.count++;
    } else {
      this.cells.set(cellKey, {
        month,
        supplierKey: row.supplierKey,
        redacted: row.redacted,
        expenseArea: row.expenseArea,
        expenseType: row.expenseType,
        pence: BigInt(row.amountPence),
        count: 1,
      });
    }
    if (row.supplierKey === null) return;
    const seen = this.suppliers.get(row.supplierKey);
    if (seen) {
      seen.name = row.supplierName ?? seen.name;
      if (row.companyNumber) seen.companyNumber = row.companyNumber;
      if (row.charityNumber) seen.charityNumber = row.charityNumber;
      if (row.vatNumber) seen.vatNumber = row.vatNumber;
    } else {
      this.suppliers.set(row.supplierKey, {
        key: row.supplierKey,
        name: row.supplierName ?? row.supplierRef ?? row.supplierKey,
        nameKey: row.supplierNameKey ?? '',
        ref: row.supplierRef,
        companyNumber: row.companyNumber,
        charityNumber: row.charityNumber,
        vatNumber: row.vatNumber,
      });
    }
  }
}
