/*
 * PostgreSQL's binary COPY format, written by hand for the hot ingest path.
 *
 * Text COPY makes JavaScript escape every field and the server parse every one back: for a
 * 1M-row ledger the encoding alone took 2.2 s of the reading thread, and the server's COPY
 * was a fifth slower than with binary rows. Here each field is its length and its bytes:
 * no escaping, and numbers and dates go over as the server stores them.
 *
 * The format (PostgreSQL docs, "COPY: Binary Format"): a 19-byte header (signature, flags,
 * header extension length), then per row a 16-bit field count and per field a 32-bit length
 * (-1 for null) and the bytes, all big-endian; a 16-bit -1 ends the data. A "file" here is
 * that whole: header, rows and trailer. PGlite reads each as one COPY; on PostgreSQL
 * bulkCopyBinary streams the rows of every file under one header (see bulk-copy.ts).
 */

/** The header: signature, 32-bit flags (0: no OIDs), 32-bit header extension length (0). */
export const BINARY_COPY_HEADER: Uint8Array = Uint8Array.from([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
]);
/** The trailer: a field count of -1. */
export const BINARY_COPY_TRAILER: Uint8Array = Uint8Array.from([0xff, 0xff]);

/** Files are cut after the row that takes them to this many bytes (rows are never split). */
const FILE_BYTES = 1024 * 1024;
/** What a writer's buffer holds before it must grow: a file, and the row that took it past its size. */
const WRITER_BYTES = FILE_BYTES + 64 * 1024;
/** PostgreSQL's dates count days from 2000-01-01. */
const POSTGRES_EPOCH_DAYS = daysFromCivil(2000, 1, 1);
const TWO_32 = 2 ** 32;

/**
 * Writes rows in binary COPY format into files of about a megabyte. Begin each row with
 * row(fieldCount), then write its fields in column order; take() a file when `full`, and
 * once more at the end.
 */
export class BinaryCopyWriter {
  private buf: Buffer;
  private at = BINARY_COPY_HEADER.length;
  private rows = 0;

  constructor(private readonly fileBytes = FILE_BYTES) {
    this.buf = Buffer.allocUnsafe(fileBytes + Math.min(fileBytes, WRITER_BYTES - FILE_BYTES));
    this.buf.set(BINARY_COPY_HEADER, 0);
  }

  /**
   * Field bytes written once and copied into many rows (writer.bytes): a constant prefix of
   * every row, or each distinct value of a column.
   */
  static fields(write: (writer: BinaryCopyWriter) => void): Uint8Array {
    // One scratch writer for every call (a summary encodes each of 20,000 supplier keys so).
    const writer = (BinaryCopyWriter.scratch ??= new BinaryCopyWriter(4096));
    writer.at = BINARY_COPY_HEADER.length;
    writer.rows = 0;
    write(writer);
    // A copy of just these bytes (a Buffer's slice would share the writer's memory).
    return new Uint8Array(writer.buf.subarray(BINARY_COPY_HEADER.length, writer.at));
  }

  private static scratch: BinaryCopyWriter | undefined;

  /** The file has reached its size: take() it before the next row. */
  get full(): boolean {
    return this.at >= this.fileBytes;
  }

  /** Starts a row of `fields` fields. */
  row(fields: number): void {
    this.room(2);
    this.buf[this.at++] = fields >>> 8;
    this.buf[this.at++] = fields;
    this.rows++;
  }

  /** A text field, as UTF-8 (a lone surrogate becomes U+FFFD, as Buffer.from writes it). */
  text(value: string | null): void {
    if (value === null) return this.nullField();
    const length = value.length;
    // UTF-8 takes at most 3 bytes for each UTF-16 unit.
    this.room(4 + 3 * length);
    const buf = this.buf;
    const start = this.at + 4;
    let i = 0;
    for (; i < length; i++) {
      const code = value.charCodeAt(i);
      if (code >= 0x80) break;
      buf[start + i] = code;
    }
    const bytes = i === length ? length : buf.write(value, start, 'utf8');
    this.int32(bytes);
    this.at += bytes;
  }

  /** A smallint field. */
  int2(value: number | null): void {
    if (value === null) return this.nullField();
    if (!Number.isInteger(value) || value < -(2 ** 15) || value >= 2 ** 15)
      throw new RangeError(`not a 16-bit integer: ${value}`);
    this.room(6);
    this.int32(2);
    this.buf[this.at++] = value >>> 8;
    this.buf[this.at++] = value;
  }

  /** An integer field (PostgreSQL integer). */
  int4(value: number | null): void {
    if (value === null) return this.nullField();
    if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31)
      throw new RangeError(`not a 32-bit integer: ${value}`);
    this.room(8);
    this.int32(4);
    this.int32(value);
  }

  /** A bigint field, from a number that holds an exact integer. */
  int8(value: number | null): void {
    if (value === null) return this.nullField();
    if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
    this.room(12);
    this.int32(8);
    const high = Math.floor(value / TWO_32);
    this.int32(high);
    this.int32(value - high * TWO_32);
  }

  /** A boolean field. */
  bool(value: boolean | null): void {
    if (value === null) return this.nullField();
    this.room(5);
    this.int32(1);
    this.buf[this.at++] = value ? 1 : 0;
  }

  /** A date field, from an ISO date (YYYY-MM-DD). */
  date(value: string | null): void {
    if (value === null) return this.nullField();
    this.room(8);
    this.int32(4);
    this.int32(daysFromIsoDate(value) - POSTGRES_EPOCH_DAYS);
  }

  /** A uuid field, from its text form (32 hex digits, dashes anywhere between). */
  uuid(value: string): void {
    const hex = value.replaceAll('-', '');
    if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError(`not a uuid: ${value}`);
    this.room(20);
    this.int32(16);
    this.buf.write(hex, this.at, 'hex');
    this.at += 16;
  }

  /** Fields already encoded (see BinaryCopyWriter.fields). */
  bytes(fields: Uint8Array): void {
    const length = fields.length;
    this.room(length);
    const buf = this.buf;
    let at = this.at;
    // A short copy by hand costs less than a call into set().
    if (length <= 32) for (let i = 0; i < length; i++) buf[at++] = fields[i]!;
    else {
      buf.set(fields, at);
      at += length;
    }
    this.at = at;
  }

  /**
   * The rows written since the last take(), as one whole file in a buffer of its own (so it
   * can be transferred to another thread), one of `buffers`' when given; null when there are
   * none.
   */
  take(buffers?: CopyFileBuffers): Uint8Array | null {
    if (this.rows === 0) return null;
    this.room(2);
    this.buf.set(BINARY_COPY_TRAILER, this.at);
    const length = this.at + 2;
    const file = buffers?.file(length) ?? new Uint8Array(Buffer.allocUnsafeSlow(length).buffer);
    file.set(this.buf.subarray(0, length));
    this.at = BINARY_COPY_HEADER.length;
    this.rows = 0;
    return file;
  }

  private nullField(): void {
    this.room(4);
    this.int32(-1);
  }

  private int32(value: number): void {
    const buf = this.buf;
    let at = this.at;
    buf[at++] = value >>> 24;
    buf[at++] = value >>> 16;
    buf[at++] = value >>> 8;
    buf[at++] = value;
    this.at = at;
  }

  /** Makes room for `bytes` more (a long field can outgrow the file size). */
  private room(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + bytes + 1024));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }
}

/** ES2024's resizable ArrayBuffer: Node 20 has it, the ES2023 library this code compiles with does not. */
export interface ResizableArrayBuffer extends ArrayBuffer {
  readonly resizable: boolean;
  readonly maxByteLength: number;
  resize(byteLength: number): void;
}
export const ResizableArrayBuffer = ArrayBuffer as unknown as new (
  byteLength: number,
  options: { maxByteLength: number },
) => ResizableArrayBuffer;

/** Spare buffers kept, at most: a reader has a few files in flight, not more. */
const SPARE_BUFFERS = 8;

/**
 * Buffers for COPY files, given back once the database has read them (see bulkCopyBinary's
 * `release`) and written into again. A 1M-row upload writes some 200 files of a megabyte:
 * each in a new buffer, those already read waited for the garbage collector, 50 - 90 MB of
 * them at once, and a worker thread's allocator kept much of what they freed. Each buffer is
 * resizable (up to a file and a row) and resized to its file, so a file is always its whole
 * buffer, as a transfer to another thread and PGlite's COPY (which reads a buffer to its end)
 * need. A file larger than that gets a buffer of its own, not kept.
 */
export class CopyFileBuffers {
  private readonly spare: ResizableArrayBuffer[] = [];

  /** A file of `length` bytes to write into: a spare buffer, a new one, or null when too large for one. */
  file(length: number): Uint8Array | null {
    if (length > WRITER_BYTES) return null;
    const buffer =
      this.spare.pop() ?? new ResizableArrayBuffer(length, { maxByteLength: WRITER_BYTES });
    buffer.resize(length);
    return new Uint8Array(buffer);
  }

  /** A file's buffer, read and no longer needed; kept if it is one of these buffers. */
  give(buffer: ArrayBufferLike): void {
    const resizable = buffer as ResizableArrayBuffer;
    if (
      resizable.resizable === true &&
      resizable.maxByteLength === WRITER_BYTES &&
      this.spare.length < SPARE_BUFFERS
    )
      this.spare.push(resizable);
  }

  /** Spare buffers held (for tests). */
  get spareCount(): number {
    return this.spare.length;
  }
}

/**
 * Rows written by `write`, one an item, as whole files of about a megabyte; the items come in
 * batches (a ledger's rows as the file is read, or one array), cut into files regardless.
 * With `buffers`, files are written into its buffers (given back as the database reads them).
 */
export async function* binaryCopyFiles<T>(
  batches: AsyncIterable<Iterable<T>> | Iterable<Iterable<T>>,
  write: (writer: BinaryCopyWriter, item: T) => void,
  buffers?: CopyFileBuffers,
): AsyncGenerator<Uint8Array> {
  const writer = new BinaryCopyWriter();
  for await (const batch of batches) {
    for (const item of batch) {
      write(writer, item);
      if (writer.full) yield writer.take(buffers)!;
    }
  }
  const last = writer.take(buffers);
  if (last) yield last;
}

/** Days from 1970-01-01 to an ISO date (YYYY-MM-DD, a real date: the parsers checked it). */
function daysFromIsoDate(value: string): number {
  if (value.length !== 10 || value.charCodeAt(4) !== 0x2d || value.charCodeAt(7) !== 0x2d)
    throw new RangeError(`not an ISO date: ${value}`);
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 7);
  const day = digits(value, 8, 10);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31)
    throw new RangeError(`not an ISO date: ${value}`);
  return daysFromCivil(year, month, day);
}

function digits(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = value.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
 * days_from_civil): exact for any year, with no Date object and no time zone.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}
