import { createHash } from 'node:crypto';
import { CsvSyntaxError, type CsvRecord, type Delimiter } from '../../csv/csv-reader.ts';
import { BinaryFileError } from '../../csv/decode-text.ts';
import { openCsv, type CsvSource } from '../../csv/open-csv.ts';
import {
  mapColumns,
  MappingError,
  normaliseHeader,
  type ColumnMapping,
  type ExplicitMapping,
  type FieldSpec,
} from './column-map.ts';

/*
 * A CSV file whose columns are found by header, read as a stream: bytes -> text -> records ->
 * header -> rows. Shared by every kind of upload (ledgers, supplier lists); what a row is and
 * which fields a header needs come from the kind. The file is never held whole; its sha256 is
 * computed on the way through. Row errors are collected (every one counted, the first
 * MAX_LISTED_ERRORS kept) so the file can be judged whole at the end. Problems that stop
 * reading altogether (no header, unterminated quote, binary) throw FileRejectedError.
 */

export const MAX_LISTED_ERRORS = 1000;

/** Lines looked at for a header row before giving up. */
export const HEADER_SEARCH_LINES = 30;

export interface RowError {
  /** Line of the file, 1-based; null for a problem with the file as a whole. */
  row: number | null;
  column: string | null;
  value: string | null;
  message: string;
}

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

/** Turns records into rows of one kind; made once the header is known. */
export interface RowReader<Row> {
  /** A row, or null for a blank or skipped line or one with errors (reported through onError). */
  read(record: CsvRecord): Row | null;
  /** Lines that are data (valid or not), not blank and not skipped. */
  readonly dataLines: number;
  /** What a person should know about how the rows were read. */
  warnings(): Warning[];
}

/** What a kind of file is: its fields, which of them make a header, and how rows are read. */
export interface FileKind<F extends string, Row> {
  /** "payment" or "supplier": for messages. */
  rowNoun: string;
  fields: readonly FieldSpec<F>[];
  /** Fields two columns must not both claim (ambiguity is an error for these). */
  required: readonly F[];
  /** True when a mapping has what a header of this kind needs. */
  isComplete(mapping: ColumnMapping<F>): boolean;
  /** Names what a header lacks, for the message when none is found. */
  describeMissing(mapping: ColumnMapping<F> | null): string[];
  createReader(
    mapping: ColumnMapping<F>,
    headerLength: number,
    onError: (error: RowError) => void,
    context: { delimiter: Delimiter },
  ): RowReader<Row>;
}

export interface MappedCsvOptions {
  mapping?: ExplicitMapping;
  stopRowsOnError?: boolean;
  /**
   * False: the caller hashes the bytes as it hands them over (the main thread, for a file read
   * on a worker: 0.1 s of a 1M-row file taken off the thread that bounds the reading).
   */
  hashBytes?: boolean;
}

export class MappedCsvFile<F extends string, Row> {
  mapping: ColumnMapping<F> | null = null;
  headerLine: number | null = null;
  readonly errors: RowError[] = [];
  errorCount = 0;
  /** Rows read without error. */
  rowsValid = 0;
  private headerFields: readonly string[] = [];
  private readonly sha = createHash('sha256');
  private digest: string | null = null;
  private csv: CsvSource | null = null;
  private reader: RowReader<Row> | null = null;

  /** The row reader, once the header has been found. */
  protected get rowReader(): RowReader<Row> | null {
    return this.reader;
  }
  private linesAboveHeader = 0;
  private consumed = false;

  constructor(
    private readonly kind: FileKind<F, Row>,
    private readonly bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    private readonly options: MappedCsvOptions = {},
  ) {}

  /** Data lines read (not counting the header, blank lines and skipped lines). */
  get rowsRead(): number {
    return this.reader?.dataLines ?? 0;
  }

  /** The encoding the file was read in. */
  get encoding(): string {
    return this.csv?.decoding.encoding ?? 'utf-8';
  }

  /**
   * sha256 of the file's bytes, hex; known once rows() has been read to the end. Empty when the
   * caller hashes the bytes itself (hashBytes: false).
   */
  get sha256(): string {
    if (this.digest === null)
      throw new Error('sha256 is known only after the whole file has been read');
    return this.digest;
  }

  /** Rows in batches, as the file streams in. Read it once, to the end. */
  async *rows(): AsyncGenerator<Row[]> {
    if (this.consumed) throw new Error('rows() can be read only once');
    this.consumed = true;
    try {
      this.csv = await openCsv(this.hashing(this.bytes));
      const seen: CsvRecord[] = [];
      for await (const batch of this.csv.records) {
        let start = 0;
        if (this.reader === null) {
          start = this.findHeader(batch, seen);
          if (this.reader === null) {
            if (seen.length >= HEADER_SEARCH_LINES) throw this.noHeader(seen);
            continue;
          }
        }
        const reader: RowReader<Row> = this.reader;
        const rows: Row[] = [];
        for (let i = start; i < batch.length; i++) {
          const row = reader.read(batch[i]!);
          if (row === null) continue;
          this.rowsValid++;
          rows.push(row);
        }
        if (rows.length > 0 && !(this.options.stopRowsOnError && this.errorCount > 0)) yield rows;
      }
      if (this.reader === null) {
        if (seen.length === 0) {
          throw new FileRejectedError('The file is empty.', [
            { row: null, column: null, value: null, message: 'The file has no lines.' },
          ]);
        }
        throw this.noHeader(seen);
      }
      if (this.rowsRead === 0 && this.errorCount === 0) {
        throw new FileRejectedError(`The file has a header but no ${this.kind.rowNoun}s.`, [
          {
            row: this.headerLine,
            column: null,
            value: null,
            message: `The file has a header row but no ${this.kind.rowNoun} lines under it.`,
          },
        ]);
      }
    } catch (error) {
      throw this.toRejection(error);
    }
  }

  /** How the file itself was read (encoding, lines above the header), then the reader's notes. */
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
    if (this.linesAboveHeader > 0) {
      out.push({
        code: 'lines-above-header',
        message: `${this.linesAboveHeader} line(s) above the header (line ${this.headerLine}) were not ${this.kind.rowNoun}s and were skipped.`,
      });
    }
    return [...out, ...(this.reader?.warnings() ?? [])];
  }

  /** Looks for the header in this batch; returns the index of the first data record. */
  private findHeader(batch: CsvRecord[], seen: CsvRecord[]): number {
    for (let i = 0; i < batch.length && seen.length < HEADER_SEARCH_LINES; i++) {
      const record = batch[i]!;
      seen.push(record);
      const mapping = this.mapHeader(record);
      if (mapping) {
        this.mapping = mapping;
        this.headerFields = record.fields;
        this.headerLine = record.line;
        this.linesAboveHeader = seen.length - 1;
        this.reader = this.kind.createReader(
          mapping,
          record.fields.length,
          (e) => this.recordError(e),
          {
            delimiter: this.csv!.delimiter,
          },
        );
        return i + 1;
      }
    }
    return batch.length;
  }

  /** The mapping if this record is a header, else null. */
  private mapHeader(record: CsvRecord): ColumnMapping<F> | null {
    const explicit = this.options.mapping;
    const names = record.fields.map(normaliseHeader);
    if (names.filter((n) => n !== '').length < 2) return null;
    // With an explicit mapping, the header is the row that holds every column it names.
    if (explicit) {
      const named = Object.values(explicit)
        .filter((v): v is string => typeof v === 'string')
        .map(normaliseHeader);
      if (!named.every((n) => names.includes(n))) return null;
    }
    let mapping: ColumnMapping<F>;
    try {
      mapping = mapColumns(record.fields, this.kind.fields, {
        explicit,
        required: this.kind.required,
      });
    } catch (error) {
      if (error instanceof MappingError) {
        throw new FileRejectedError(
          error.message,
          error.problems.map((p) => ({ row: record.line, ...p })),
        );
      }
      throw error;
    }
    return this.kind.isComplete(mapping) ? mapping : null;
  }

  /** Explains why no header was found, naming what is missing. */
  private noHeader(seen: readonly CsvRecord[]): FileRejectedError {
    const nonEmpty = (r: CsvRecord) => r.fields.filter((f) => f.trim() !== '').length;
    const candidate = seen.reduce((best, r) => (nonEmpty(r) > nonEmpty(best) ? r : best), seen[0]!);
    let mapping: ColumnMapping<F> | null;
    try {
      mapping = mapColumns(candidate.fields, this.kind.fields, { required: this.kind.required });
    } catch {
      mapping = null;
    }
    const found = candidate.fields
      .filter((f) => f.trim() !== '')
      .map((f) => `"${f.trim()}"`)
      .join(', ');
    const missing = this.kind.describeMissing(mapping);
    return new FileRejectedError('No header row found.', [
      {
        row: candidate.line,
        column: null,
        value: null,
        message:
          `No header row with ${missing.length ? 'the columns needed' : 'recognisable columns'} in the first ${HEADER_SEARCH_LINES} lines. ` +
          `Line ${candidate.line} has ${found || 'nothing'}; no column looks like the ${missing.join(', ')}. ` +
          `Name the columns with a mapping, e.g. {"${this.kind.fields[1]?.field ?? 'field'}": "<column>"}.`,
      },
    ]);
  }

  private recordError(error: RowError): void {
    this.errorCount++;
    if (this.errors.length < MAX_LISTED_ERRORS) this.errors.push(error);
  }

  private async *hashing(
    bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  ): AsyncGenerator<Uint8Array> {
    if (this.options.hashBytes === false) {
      yield* bytes;
      this.digest = '';
      return;
    }
    for await (const chunk of bytes) {
      this.sha.update(chunk);
      yield chunk;
    }
    this.digest = this.sha.digest('hex');
  }

  private toRejection(error: unknown): unknown {
    if (error instanceof CsvSyntaxError) {
      const column =
        error.field !== null
          ? (this.headerFields[error.field - 1] ?? `column ${error.field}`)
          : null;
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
}
