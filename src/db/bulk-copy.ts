import { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import { sql, type Kysely, type Transaction } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  BINARY_COPY_HEADER,
  BINARY_COPY_TRAILER,
  binaryCopyFiles,
  CopyFileBuffers,
  ResizableArrayBuffer,
  type BinaryCopyWriter,
} from './copy-binary.ts';

export type CopyValue = string | number | bigint | boolean | null | undefined;
export type CopyRow = readonly CopyValue[];

/** How the client under a pool copies: streaming COPY on PostgreSQL, in-memory files on PGlite. */
export type CopyTarget = { kind: 'postgres' } | { kind: 'pglite'; pglite: PGlite };

interface CopyJob {
  table: string;
  columns: readonly string[];
  /** Text format: whole lines per string. Binary: each piece a whole file (see copy-binary.ts). */
  pieces: AsyncIterable<string> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  format: 'text' | 'binary';
  /** Binary: handed each file once the database has read it (see bulkCopyBinary). */
  release?: (file: Uint8Array) => void;
}

/*
 * bulkCopy must run on the very connection a Kysely transaction holds, and Kysely does not
 * hand out raw clients. So bulkCopy sends a marker query through Kysely, with the job as its
 * one parameter; every pool client has its `query` wrapped (installBulkCopy) to recognise the
 * marker and run the COPY itself, on itself. Inside a transaction the COPY is part of it.
 */
const MARKER = '/* cwb:bulk-copy */';
const IDENTIFIER = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

/**
 * On PGlite a COPY reads one in-memory file; rows are sent in files of at most this many bytes.
 * Small: with 16 MB files, each copied before PGlite read it and collected late, an upload's
 * peak RSS was some 20 MB higher. Upload times at 1, 4 and 16 MB were within the benchmark's
 * noise (a COPY statement costs little beside a megabyte of rows).
 */
const PGLITE_CHUNK_BYTES = 1024 * 1024;
/** Rows joined into one string before it is handed to the stream. */
const ROWS_PER_PIECE = 512;

/**
 * Loads rows into `table` with COPY: FROM STDIN on PostgreSQL, from in-memory files on PGlite
 * (see pgliteCopyFile).
 * Rows are consumed as an (async) iterable and never held whole. Run it with a Transaction to
 * make the load part of that transaction. Returns the number of rows copied.
 */
export async function bulkCopy<DB>(
  db: Kysely<DB> | Transaction<DB>,
  table: string,
  columns: readonly string[],
  rows: Iterable<CopyRow> | AsyncIterable<CopyRow>,
): Promise<number> {
  return bulkCopyText(db, table, columns, encodeCopyPieces(rows));
}

/**
 * As bulkCopy, for callers that encode COPY text themselves (many rows to a string): `pieces`
 * are whole lines in COPY text format (see encodeCopyRow, escapeCopyText).
 */
export async function bulkCopyText<DB>(
  db: Kysely<DB> | Transaction<DB>,
  table: string,
  columns: readonly string[],
  pieces: AsyncIterable<string>,
): Promise<number> {
  return runCopyJob(db, { table, columns, pieces, format: 'text' });
}

/**
 * As bulkCopy, for rows already in binary COPY format (the hot ingest path): `files` are whole
 * binary COPY files written by BinaryCopyWriter, each at most about a megabyte, with their
 * fields in `columns` order. Each file is handed to `release` once the database has read it
 * (PGlite) or the socket has sent it (PostgreSQL), so its buffer can be written into again
 * (CopyFileBuffers).
 */
export async function bulkCopyBinary<DB>(
  db: Kysely<DB> | Transaction<DB>,
  table: string,
  columns: readonly string[],
  files: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: { release?: (file: Uint8Array) => void } = {},
): Promise<number> {
  return runCopyJob(db, { table, columns, pieces: files, format: 'binary', ...options });
}

/**
 * Loads items into `table` as binary COPY rows that `write` writes (see BinaryCopyWriter), in
 * files of about a megabyte. On PGlite each file's buffer is written into again once the
 * database has read it (CopyFileBuffers), so a large load leaves a few buffers, not hundreds.
 */
export async function bulkCopyRows<DB, T>(
  db: Kysely<DB> | Transaction<DB>,
  table: string,
  columns: readonly string[],
  batches: AsyncIterable<Iterable<T>> | Iterable<Iterable<T>>,
  write: (writer: BinaryCopyWriter, item: T) => void,
): Promise<number> {
  const buffers = new CopyFileBuffers();
  return bulkCopyBinary(db, table, columns, binaryCopyFiles(batches, write, buffers), {
    release: (file) => buffers.give(file.buffer),
  });
}

async function runCopyJob<DB>(db: Kysely<DB> | Transaction<DB>, job: CopyJob): Promise<number> {
  for (const name of [job.table, ...job.columns]) {
    if (!IDENTIFIER.test(name)) throw new Error(`bulkCopy: not a plain identifier: ${name}`);
  }
  if (job.columns.length === 0) throw new Error('bulkCopy: no columns');
  const result = await sql<{ count: number }>`${sql.raw(MARKER)} select ${job}`.execute(db);
  return result.rows[0]?.count ?? 0;
}

/**
 * Marks a query to run as a named prepared statement: planned once per connection, not on
 * every call. For the few queries every dashboard request makes. `name` must be unique to the
 * query text.
 */
export function preparedStatementMarker(name: string): string {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`not a statement name: ${name}`);
  return `${PREPARED}${name} */ `;
}
const PREPARED = '/* cwb:prepared:';

/**
 * Wraps a pool client's `query`: the bulkCopy marker runs a COPY on that client, and a query
 * marked with preparedStatementMarker() is sent as a named prepared statement.
 */
export function installBulkCopy(client: pg.PoolClient, target: CopyTarget): void {
  const original = client.query.bind(client) as (...args: unknown[]) => unknown;
  const wrapped = (...args: unknown[]): unknown => {
    const [text, values] = args;
    if (typeof text === 'string' && text.startsWith(MARKER) && Array.isArray(values)) {
      return runCopy(original, target, values[0] as CopyJob).then((count) => ({
        command: 'SELECT',
        rowCount: 1,
        rows: [{ count }],
        fields: [],
      }));
    }
    if (typeof text === 'string' && text.startsWith(PREPARED)) {
      const name = text.slice(PREPARED.length, text.indexOf(' */'));
      return original({ name, text, values });
    }
    return original(...args);
  };
  client.query = wrapped as typeof client.query;
}

async function runCopy(
  query: (...args: unknown[]) => unknown,
  target: CopyTarget,
  job: CopyJob,
): Promise<number> {
  const columnList = job.columns.join(', ');
  const binary = job.format === 'binary';
  const options = binary ? ' WITH (FORMAT binary)' : '';
  if (target.kind === 'postgres') {
    const stream = query(
      copyFrom(`COPY ${job.table} (${columnList}) FROM STDIN${options}`),
    ) as ReturnType<typeof copyFrom>;
    if (binary)
      await writeBinaryFiles(
        stream,
        job.pieces as AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
        job.release,
      );
    else await pipeline(Readable.from(job.pieces), stream);
    return Number(stream.rowCount);
  }
  // PGlite reads a COPY from one in-memory file, which it reads to its end.
  let copied = 0;
  /** One COPY of one in-memory file: these bytes. */
  const copyFile = async (bytes: Uint8Array) => {
    copied += await pgliteCopyFile(
      target.pglite,
      `COPY ${job.table} (${columnList})`,
      bytes,
      options,
    );
  };
  if (binary) {
    // Each binary file is a COPY of its own, as it is.
    for await (const piece of job.pieces as AsyncIterable<Uint8Array> | Iterable<Uint8Array>) {
      await copyFile(checkedBinaryFile(piece));
      // Read to its end and let go (PGlite keeps no reference once the COPY has finished).
      job.release?.(piece);
    }
    return copied;
  }
  // Text pieces are encoded straight into one resizable buffer, shrunk to the bytes written
  // while PGlite reads it and grown back after: no copy, and no garbage buffer per file.
  const file = new ResizableArrayBuffer(PGLITE_CHUNK_BYTES, { maxByteLength: PGLITE_CHUNK_BYTES });
  // A fixed-length view: out of bounds (empty) while the buffer is shrunk, whole again after.
  const buffer = Buffer.from(file);
  let used = 0;
  const flush = async () => {
    if (used === 0) return;
    file.resize(used);
    try {
      await copyFile(new Uint8Array(file));
    } finally {
      file.resize(PGLITE_CHUNK_BYTES);
      used = 0;
    }
  };
  for await (const piece of job.pieces as AsyncIterable<string>) {
    // A UTF-8 character is at most 3 bytes per UTF-16 unit.
    if (used + piece.length * 3 > PGLITE_CHUNK_BYTES) {
      await flush();
      if (piece.length * 3 > PGLITE_CHUNK_BYTES) {
        // A piece larger than the buffer goes on its own.
        await copyFile(Buffer.from(piece, 'utf8'));
        continue;
      }
    }
    used += buffer.write(piece, used, 'utf8');
  }
  await flush();
  return copied;
}

/** What pgliteCopyFile uses of PGlite's (Emscripten's) file system. */
interface InMemoryFiles {
  /** `canOwn`: the file's contents are these bytes, not a copy. */
  writeFile(path: string, data: Uint8Array, options: { canOwn: boolean }): void;
  unlink(path: string): void;
}

/** Names the in-memory files of pgliteCopyFile apart. */
let pgliteCopyFiles = 0;

/**
 * One COPY into PGlite of `bytes`, a whole COPY file: `copy` is the statement up to FROM
 * ("COPY t (a, b)"), `options` what follows the file's name. Returns the rows copied. The bytes
 * become a file of PGlite's in-memory file system (handed over, not copied) for the COPY to
 * read, and the file is gone when it returns. Not /dev/blob: PGlite's blob device copies what
 * COPY reads a byte at a time in JavaScript (2.4 s of a 1M-row upload, whose COPY files come to
 * some 200 MB), where an in-memory file is read with one typed-array copy a read.
 */
export async function pgliteCopyFile(
  pglite: PGlite,
  copy: string,
  bytes: Uint8Array,
  options = '',
  runner: Pick<PGlite, 'query'> = pglite,
): Promise<number> {
  // Typed here: PGlite types its file system with Emscripten's types, which are not installed.
  const fs = (pglite.Module as unknown as { FS: InMemoryFiles }).FS;
  const path = `/tmp/cwb-copy-${++pgliteCopyFiles}`;
  fs.writeFile(path, bytes, { canOwn: true });
  try {
    const result = await runner.query(`${copy} FROM '${path}'${options}`);
    return result.affectedRows ?? 0;
  } finally {
    fs.unlink(path);
  }
}

/** Binary COPY files as one stream for COPY FROM STDIN: one header, every file's rows, one trailer. */
export async function* binaryStream(
  files: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  yield BINARY_COPY_HEADER;
  for await (const file of files) yield rowsOf(file);
  yield BINARY_COPY_TRAILER;
}

/** A whole binary COPY file's rows: the file without its header and trailer. */
function rowsOf(file: Uint8Array): Uint8Array {
  checkedBinaryFile(file);
  return file.subarray(BINARY_COPY_HEADER.length, file.length - BINARY_COPY_TRAILER.length);
}

/** Files written to PostgreSQL's COPY stream before the oldest must have been taken. */
const FILES_AHEAD = 4;

/**
 * Writes binary COPY files into a COPY FROM STDIN stream as one (see binaryStream), and hands
 * each file to `release` once the socket has sent it, so its buffer can be written into again:
 * without that, every megabyte of an upload was a new buffer, and peak RSS rose by the tens of
 * megabytes of them waiting to be collected.
 *
 * When a file is sent: pg-copy-streams calls a write back once the socket has taken the bytes
 * whole (its write returned true, so less than its 16 KB high-water mark is left unsent, and a
 * file is near a megabyte) or, when not, once the socket has drained. Callbacks come in order;
 * a file is released at the callback of the file after it (belt and braces for a last file
 * smaller than the mark), and the last once the COPY has finished.
 *
 * Failures as pipeline() handles them: a failing file source stops the COPY (CopyFail) and its
 * error is thrown once PostgreSQL has answered; an error from PostgreSQL (it refused the rows)
 * stops the writing, and is thrown.
 */
async function writeBinaryFiles(
  stream: ReturnType<typeof copyFrom>,
  files: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  release: (file: Uint8Array) => void = () => undefined,
): Promise<void> {
  const failed: { error: Error | null } = { error: null };
  // Settles on 'finish' or on the first error, as pipeline() waits: listening from the start, so
  // an error emitted before it is awaited is not missed (the stream may then never close).
  const done = finished(stream);
  done.catch(() => undefined);
  /** Writes not yet called back: failed at once on an error (a COPY PostgreSQL refused before it began takes none). */
  const waiting = new Set<(error: Error) => void>();
  // pg-copy-streams emits PostgreSQL's error without destroying the stream; destroying it (as
  // pipeline() does) drops what it still holds.
  stream.on('error', (error: Error) => {
    failed.error ??= error;
    for (const fail of waiting) fail(error);
    waiting.clear();
    stream.destroy(error);
  });
  let previous: Uint8Array | null = null;
  const write = (bytes: Uint8Array, file: Uint8Array | null) => {
    const written = new Promise<void>((resolve, reject) => {
      waiting.add(reject);
      stream.write(bytes, (error) => {
        waiting.delete(reject);
        if (error) return reject(error);
        if (file !== null) {
          if (previous !== null) release(previous);
          previous = file;
        }
        resolve();
      });
    });
    // Each is awaited in turn below; a failure behind the one awaited is the same failure.
    written.catch(() => undefined);
    return written;
  };
  const ahead: Promise<void>[] = [write(BINARY_COPY_HEADER, null)];
  try {
    for await (const file of files) {
      if (failed.error !== null) throw failed.error;
      ahead.push(write(rowsOf(file), file));
      if (ahead.length > FILES_AHEAD) await ahead.shift();
    }
    ahead.push(write(BINARY_COPY_TRAILER, null));
    for (const written of ahead) await written;
    stream.end();
    await done;
  } catch (error) {
    // The first failure is the one thrown: PostgreSQL's refusal, or the source's error (not the
    // "COPY from stdin failed" with which PostgreSQL then answers the CopyFail).
    failed.error ??= error as Error;
    stream.destroy(failed.error);
    // Till PostgreSQL has answered the CopyFail (or had already refused): pg queues any later
    // query on the connection behind the COPY in any case.
    await done.catch(() => undefined);
    throw failed.error;
  }
  if (previous !== null) release(previous);
}

/** A whole binary COPY file as BinaryCopyWriter writes it, or an error (a bug, not bad input). */
function checkedBinaryFile(file: Uint8Array): Uint8Array {
  const header = BINARY_COPY_HEADER.length;
  const ok =
    file.length >= header + BINARY_COPY_TRAILER.length &&
    BINARY_COPY_HEADER.every((byte, i) => file[i] === byte) &&
    file[file.length - 2] === 0xff &&
    file[file.length - 1] === 0xff;
  if (!ok) throw new Error('bulkCopyBinary: a piece is not a whole binary COPY file');
  return file;
}

/** Encodes rows as COPY text format, a few hundred rows to a string. */
export async function* encodeCopyPieces(
  rows: Iterable<CopyRow> | AsyncIterable<CopyRow>,
): AsyncGenerator<string> {
  let piece = '';
  let count = 0;
  for await (const row of rows) {
    piece += encodeCopyRow(row);
    if (++count === ROWS_PER_PIECE) {
      yield piece;
      piece = '';
      count = 0;
    }
  }
  if (piece !== '') yield piece;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** A text value for COPY text format: backslash, tab, newline and carriage return escaped. */
export function escapeCopyText(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value
    .replaceAll('\\', '\\\\')
    .replaceAll('\t', '\\t')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r');
}

/** One row in COPY text format: tab-separated, `\N` for null, backslash escapes, newline-ended. */
export function encodeCopyRow(row: CopyRow): string {
  let line = '';
  for (let i = 0; i < row.length; i++) {
    if (i > 0) line += '\t';
    line += encodeCopyValue(row[i]);
  }
  return line + '\n';
}

function encodeCopyValue(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return escapeCopyText(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  return String(value);
}
