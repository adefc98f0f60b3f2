import { createHash } from 'node:crypto';
import { CsvSyntaxError, type CsvRecord } from '../../csv/csv-reader.ts';
import { BinaryFileError } from '../../csv/decode-text.ts';
import { openCsv, type CsvSource } from '../../csv/open-csv.ts';
import { MappingError, type ColumnMapping, type ExplicitMapping } from './column-map.ts';
import {
  describeMissingHeader,
  HEADER_SEARCH_LINES,
  LedgerRowReader,
  mapLedgerHeader,
  type LedgerField,
  type LedgerRow,
  type RowError,
} from './ledger-csv.ts';

/*
 * A ledger file read as a stream: bytes -> text -> records -> header -> rows. The file is
 * never held whole; its sha256 is computed on the way through. Row errors are collected
 * (every one counted, the first MAX_LISTED kept) so the file can be judged whole at the end.
 * Problems that stop reading altogether (no header, unterminated quote, binary) throw
 * FileRejectedError.
 */

export const MAX_LISTED_ERRORS = 1000;

export interface Warning {
  code: string;
  message: string;
}

/** The file cannot be loaded: the errors say where and why. Nothing of it is stored. */
export class FileRejectedError extends Error {
  constructor(
    message: string,
    readonly errors: RowError[],
    readonly errorCount: number = errors.length,
  ) {
    super(message);
    this.name = 'FileRejectedError';
  }
}

export interface LedgerFileOptions {
  mapping?: ExplicitMapping;
  /** Stop yielding rows after the first error (they would be rolled back anyway); keep counting errors. */
  stopRowsOnError?: boolean;
}

export class LedgerFile {
  mapping: ColumnMapping<LedgerField> | null = null;
  headerLine: number | null = null;
  private headerFields: readonly string[] = [];
  readonly errors: RowError[] = [];
  errorCount = 0;
  rowsValid = 0;
  totalPence = 0n;
  firstDate: string | null = null;
  lastDate: string | null = null;
  private sha = createHash('sha256');
  private digest: string | null = null;
  private csv: CsvSource | null = null;
  private reader: LedgerRowReader | null = null;
  private junkLines = 0;
  private consumed = false;

  constructor(
    private readonly bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    private readonly options: LedgerFileOptions = {},
  ) {}

  /** Data lines read (not counting the header, blank lines and skipped total lines). */
  get rowsRead(): number {
    return this.reader?.stats.dataLines ?? 0;
  }

  /** The encoding the file was read in. */
  get encoding(): string {
    return this.csv?.decoding.encoding ?? 'utf-8';
  }

  /** sha256 of the file's bytes, hex; available once rows() has been read to the end. */
  get sha256(): string {
    if (this.digest === null)
      throw new Error('sha256 is known only after the whole file has been read');
    return this.digest;
  }

  /** Rows in batches, as the file streams in. Read it once, to the end. */
  async *rows(): AsyncGenerator<LedgerRow[]> {
    if (this.consumed) throw new Error('LedgerFile.rows() can be read only once');
    this.consumed = true;
    const hashed = this.hashing(this.bytes);
    try {
      this.csv = await openCsv(hashed);
      const seen: CsvRecord[] = [];
      for await (const batch of this.csv.records) {
        let start = 0;
        if (this.reader === null) {
          start = this.findHeader(batch, seen);
          if (this.reader === null) {
            if (seen.length >= HEADER_SEARCH_LINES)
              throw new FileRejectedError('No header row found.', describeMissingHeader(seen));
            continue;
          }
        }
        const rows: LedgerRow[] = [];
        const stop = this.options.stopRowsOnError && this.errorCount > 0;
        for (let i = start; i < batch.length; i++) {
          const row = this.reader.read(batch[i]!);
          if (row === null) continue;
          this.rowsValid++;
          this.totalPence += BigInt(row.amountPence);
          if (this.firstDate === null || row.paymentDate < this.firstDate)
            this.firstDate = row.paymentDate;
          if (this.lastDate === null || row.paymentDate > this.lastDate)
            this.lastDate = row.paymentDate;
          if (!stop) rows.push(row);
        }
        if (rows.length > 0 && !(this.options.stopRowsOnError && this.errorCount > 0)) yield rows;
      }
      if (this.reader === null) {
        throw new FileRejectedError(
          seen.length === 0 ? 'The file is empty.' : 'No header row found.',
          seen.length === 0
            ? [{ row: null, column: null, value: null, message: 'The file has no lines.' }]
            : describeMissingHeader(seen),
        );
      }
      if (this.rowsRead === 0 && this.errorCount === 0) {
        throw new FileRejectedError('The file has a header but no payments.', [
          {
            row: this.headerLine,
            column: null,
            value: null,
            message: 'The file has a header row but no payment lines under it.',
          },
        ]);
      }
    } catch (error) {
      throw toRejection(error, this.headerFields);
    }
  }

  /** Looks for the header in this batch; returns the index of the first data record. */
  private findHeader(batch: CsvRecord[], seen: CsvRecord[]): number {
    for (let i = 0; i < batch.length && seen.length < HEADER_SEARCH_LINES; i++) {
      const record = batch[i]!;
      seen.push(record);
      let mapping: ColumnMapping<LedgerField> | null;
      try {
        mapping = mapLedgerHeader(record.fields, this.options.mapping);
      } catch (error) {
        if (error instanceof MappingError) {
          throw new FileRejectedError(
            error.message,
            error.problems.map((p) => ({ row: record.line, ...p })),
          );
        }
        throw error;
      }
      if (mapping) {
        this.mapping = mapping;
        this.headerFields = record.fields;
        this.headerLine = record.line;
        this.junkLines = seen.length - 1;
        this.reader = new LedgerRowReader(
          mapping,
          record.fields.length,
          (e) => this.recordError(e),
          {
            decimalComma: this.csv?.delimiter === ';',
          },
        );
        return i + 1;
      }
    }
    return batch.length;
  }

  private recordError(error: RowError): void {
    this.errorCount++;
    if (this.errors.length < MAX_LISTED_ERRORS) this.errors.push(error);
  }

  private async *hashing(
    bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  ): AsyncGenerator<Uint8Array> {
    for await (const chunk of bytes) {
      this.sha.update(chunk);
      yield chunk;
    }
    this.digest = this.sha.digest('hex');
  }

  /** What a person should know about how the file was read. */
  warnings(): Warning[] {
    const out: Warning[] = [];
    const decoding = this.csv?.decoding;
    if (decoding?.encoding === 'windows-1252') {
      out.push({
        code: 'encoding',
        message: decoding.mixed
          ? 'The file mixes UTF-8 and Windows-1252 text; the part that is not UTF-8 was read as Windows-1252. Check names with accents or £ signs.'
          : 'The file is Windows-1252 (not UTF-8); it was read as Windows-1252.',
      });
    }
    if (this.junkLines > 0) {
      out.push({
        code: 'lines-above-header',
        message: `${this.junkLines} line(s) above the header (line ${this.headerLine}) were not payments and were skipped.`,
      });
    }
    const headers = this.mapping?.headers;
    if (headers?.amount && /gross/i.test(headers.amount)) {
      out.push({
        code: 'gross-amount',
        message: `Amounts come from "${headers.amount}": the file has no net amount column.`,
      });
    }
    const stats = this.reader?.stats;
    if (stats) {
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
        out.push({
          code: 'skipped-lines',
          message: `${stats.skippedCount} line(s) had no payment date and no supplier (lines ${stats.skippedLines.join(', ')}${stats.skippedCount > stats.skippedLines.length ? ', ...' : ''}): read as totals or notes and skipped.`,
        });
      }
      if (stats.extraFields > 0) {
        out.push({
          code: 'extra-fields',
          message: `${stats.extraFields} line(s) have more fields than the header; the extra fields were ignored.`,
        });
      }
    }
    return out;
  }
}

function toRejection(error: unknown, header: readonly string[]): unknown {
  if (error instanceof CsvSyntaxError) {
    const column =
      error.field !== null ? (header[error.field - 1] ?? `column ${error.field}`) : null;
    return new FileRejectedError('The file is not valid CSV.', [
      { row: error.line, column, value: null, message: error.message },
    ]);
  }
  if (error instanceof BinaryFileError) {
    return new FileRejectedError('The file is not CSV text.', [
      { row: null, column: null, value: null, message: error.message },
    ]);
  }
  return error;
}
