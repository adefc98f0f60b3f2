import type { ColumnMapping } from './column-map.ts';
import {
  LEDGER_KIND,
  type LedgerField,
  type LedgerRow,
  type LedgerRowReader,
  type UnpaidInvoice,
} from './ledger-csv.ts';
import {
  MappedCsvFile,
  type MappedCsvOptions,
  type RowError,
  type Warning,
} from './mapped-csv-file.ts';

export {
  FileRejectedError,
  MAX_LISTED_ERRORS,
  type RowError,
  type Warning,
} from './mapped-csv-file.ts';

/** A ledger file read as a stream (see MappedCsvFile), with its total and date range as it goes. */
export class LedgerFile extends MappedCsvFile<LedgerField, LedgerRow> {
  constructor(
    bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options: MappedCsvOptions = {},
  ) {
    super(LEDGER_KIND, bytes, options);
  }

  private get stats() {
    return (this.rowReader as LedgerRowReader | null)?.stats;
  }

  /** Sum of the valid rows' amounts, in pence. */
  get totalPence(): bigint {
    return this.stats?.totalPence.value ?? 0n;
  }

  get firstDate(): string | null {
    return this.stats?.firstDate ?? null;
  }

  get lastDate(): string | null {
    return this.stats?.lastDate ?? null;
  }

  /** Invoices received and not yet paid (lines with a received date and no payment date). */
  get unpaidInvoices(): readonly UnpaidInvoice[] {
    return this.stats?.unpaid ?? [];
  }

  /** What reading found, as plain data (see LedgerFileState); once rows() has been read to the end. */
  toState(): LedgerFileState {
    return {
      mapping: this.mapping,
      errors: this.errors,
      errorCount: this.errorCount,
      rowsValid: this.rowsValid,
      rowsRead: this.rowsRead,
      encoding: this.encoding,
      sha256: this.sha256,
      warnings: this.warnings(),
      totalPence: this.totalPence,
      firstDate: this.firstDate,
      lastDate: this.lastDate,
      unpaidInvoices: this.unpaidInvoices,
    };
  }
}

/**
 * What reading a ledger file found, as plain data (structured-clone safe): what an upload is
 * judged and stored by, sent back by a worker thread that read the file (see parse-in-worker.ts).
 */
export interface LedgerFileState {
  mapping: ColumnMapping<LedgerField> | null;
  errors: RowError[];
  errorCount: number;
  rowsValid: number;
  rowsRead: number;
  encoding: string;
  sha256: string;
  warnings: Warning[];
  totalPence: bigint;
  firstDate: string | null;
  lastDate: string | null;
  unpaidInvoices: readonly UnpaidInvoice[];
}
