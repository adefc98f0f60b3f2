import type { ExplicitMapping } from './column-map.ts';
import {
  LEDGER_KIND,
  type LedgerField,
  type LedgerRow,
  type LedgerRowReader,
  type UnpaidInvoice,
} from './ledger-csv.ts';
import { MappedCsvFile } from './mapped-csv-file.ts';

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
    options: { mapping?: ExplicitMapping; stopRowsOnError?: boolean } = {},
  ) {
    super(LEDGER_KIND, bytes, options);
  }

  private get stats() {
    return (this.rowReader as LedgerRowReader | null)?.stats;
  }

  /** Sum of the valid rows' amounts, in pence. */
  get totalPence(): bigint {
    return this.stats?.totalPence ?? 0n;
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
}
