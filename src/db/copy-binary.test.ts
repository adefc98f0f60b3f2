import { describe, expect, it } from 'vitest';
import {
  BINARY_COPY_HEADER,
  BINARY_COPY_TRAILER,
  binaryCopyFiles,
  BinaryCopyWriter,
  CopyFileBuffers,
  daysFromCivil,
} from './copy-binary.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const fields = (write: (w: BinaryCopyWriter) => void) => hex(BinaryCopyWriter.fields(write));

describe('daysFromCivil', () => {
  it('counts days from 1970-01-01 as Date.UTC does, across leap years and centuries', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 1, 1)).toBe(10_957);
    expect(daysFromCivil(1969, 12, 31)).toBe(-1);
    for (const [y, m, d] of [
      [1900, 2, 28],
      [1900, 3, 1],
      [2000, 2, 29],
      [2024, 2, 29],
      [2100, 12, 31],
    ] as const) {
      expect(daysFromCivil(y, m, d)).toBe(Date.UTC(y, m - 1, d) / 86_400_000);
    }
    for (let day = Date.UTC(1900, 0, 1); day <= Date.UTC(2100, 11, 31); day += 86_400_000 * 37) {
      const date = new Date(day);
      expect(daysFromCivil(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate())).toBe(
        day / 86_400_000,
      );
    }
  });
});

describe('BinaryCopyWriter', () => {
  it('writes each kind of field as PostgreSQL reads it: length, then big-endian bytes', () => {
    expect(fields((w) => w.text('abc'))).toBe('00000003' + '616263');
    // £ is two bytes of UTF-8, the emoji four (a surrogate pair in JavaScript).
    expect(fields((w) => w.text('£1 🙂'))).toBe('00000008' + 'c2a331' + '20' + 'f09f9982');
    expect(fields((w) => w.text(''))).toBe('00000000');
    // Nothing is escaped: tabs, newlines and backslashes are bytes like any other.
    expect(fields((w) => w.text('a\tb\\\n'))).toBe('00000005' + '6109625c0a');
    expect(fields((w) => w.text(null))).toBe('ffffffff');
    expect(fields((w) => w.int2(10))).toBe('00000002' + '000a');
    expect(fields((w) => w.int2(-2))).toBe('00000002' + 'fffe');
    expect(fields((w) => w.int2(null))).toBe('ffffffff');
    expect(fields((w) => w.int4(-2))).toBe('00000004' + 'fffffffe');
    expect(fields((w) => w.int8(-1))).toBe('00000008' + 'ffffffffffffffff');
    expect(fields((w) => w.int8(2 ** 32 + 5))).toBe('00000008' + '0000000100000005');
    expect(fields((w) => w.int8(-(2 ** 53 - 1)))).toBe('00000008' + 'ffe0000000000001');
    expect(fields((w) => w.int8(null))).toBe('ffffffff');
    expect(fields((w) => w.bool(true))).toBe('00000001' + '01');
    expect(fields((w) => w.bool(false))).toBe('00000001' + '00');
    // Dates count days from 2000-01-01.
    expect(fields((w) => w.date('2000-01-02'))).toBe('00000004' + '00000001');
    expect(fields((w) => w.date('1999-12-31'))).toBe('00000004' + 'ffffffff');
    expect(fields((w) => w.uuid('00000000-0000-4000-8000-00000000000a'))).toBe(
      '00000010' + '000000000000400080000000' + '0000000a',
    );
  });

  it('refuses values its column types cannot hold, rather than writing them wrong', () => {
    expect(() => fields((w) => w.int8(2 ** 53))).toThrow(/not a safe integer/);
    expect(() => fields((w) => w.int8(1.5))).toThrow(/not a safe integer/);
    expect(() => fields((w) => w.int4(2 ** 31))).toThrow(/not a 32-bit integer/);
    expect(() => fields((w) => w.int2(2 ** 15))).toThrow(/not a 16-bit integer/);
    expect(() => fields((w) => w.date('31/03/2023'))).toThrow(/not an ISO date/);
    expect(() => fields((w) => w.date('2023-13-01'))).toThrow(/not an ISO date/);
    expect(() => fields((w) => w.uuid('not-a-uuid'))).toThrow(/not a uuid/);
  });

  it('makes whole files: header, rows, trailer, cut between rows once a file is full', () => {
    const writer = new BinaryCopyWriter(100);
    expect(writer.take()).toBeNull();
    const prefix = BinaryCopyWriter.fields((w) => w.text('wigan'));
    const files: Uint8Array[] = [];
    for (let i = 0; i < 11; i++) {
      writer.row(2);
      writer.bytes(prefix);
      writer.int4(i);
      if (writer.full) files.push(writer.take()!);
    }
    files.push(writer.take()!);
    // A row is 2 + 9 + 8 = 19 bytes: the header and five rows pass 100 bytes.
    expect(files.map((f) => f.length)).toEqual([19 + 5 * 19 + 2, 19 + 5 * 19 + 2, 19 + 19 + 2]);
    for (const file of files) {
      expect(hex(file.subarray(0, 19))).toBe(hex(BINARY_COPY_HEADER));
      expect(hex(file.subarray(-2))).toBe(hex(BINARY_COPY_TRAILER));
      // A buffer of its own, so that it can be handed to another thread.
      expect(file.byteOffset).toBe(0);
      expect(file.buffer.byteLength).toBe(file.length);
    }
    expect(hex(files[1]!.subarray(19, 38))).toBe(
      '0002' + '00000005' + hex(Buffer.from('wigan')) + '00000004' + '00000005',
    );
    expect(writer.take()).toBeNull();
  });

  it('grows for a field larger than its file, and keeps what came before', () => {
    const writer = new BinaryCopyWriter(64);
    const long = 'é'.repeat(100_000);
    writer.row(2);
    writer.int4(7);
    writer.text(long);
    const file = writer.take()!;
    expect(file.length).toBe(19 + 2 + 8 + 4 + 200_000 + 2);
    expect(hex(file.subarray(19, 29))).toBe('0002' + '00000004' + '00000007');
    expect(Buffer.from(file.subarray(33, 33 + 200_000)).toString('utf8')).toBe(long);
  });
});

describe('CopyFileBuffers', () => {
  /** `count` rows of one int8 each, as files of about a megabyte (in `buffers` when given). */
  const ints = (count: number, buffers?: CopyFileBuffers) =>
    binaryCopyFiles(
      [Array.from({ length: count }, (_, i) => i)],
      (writer, i) => {
        writer.row(1);
        writer.int8(i);
      },
      buffers,
    );

  it('writes each file into a buffer of exactly its size, given back and written into again', async () => {
    const buffers = new CopyFileBuffers();
    const seen = new Set<ArrayBufferLike>();
    const lengths: number[] = [];
    for await (const file of ints(250_000, buffers)) {
      // The whole buffer, as a transfer to another thread and PGlite's COPY need.
      expect(file.byteOffset).toBe(0);
      expect(file.buffer.byteLength).toBe(file.byteLength);
      seen.add(file.buffer);
      lengths.push(file.byteLength);
      buffers.give(file.buffer);
    }
    // 250,000 rows of 14 bytes: four files, all in the one buffer, each resized to its file.
    expect(lengths.length).toBe(4);
    expect(lengths.slice(0, 3).every((n) => n > 1024 * 1024)).toBe(true);
    expect(lengths.reduce((a, b) => a + b)).toBe(250_000 * 14 + 4 * (19 + 2));
    expect(seen.size).toBe(1);
    expect(buffers.spareCount).toBe(1);
  });

  it('gives the same bytes as files of their own', async () => {
    const buffers = new CopyFileBuffers();
    const reused: string[] = [];
    for await (const file of ints(200_000, buffers)) {
      reused.push(hex(file));
      buffers.give(file.buffer);
    }
    const own: string[] = [];
    for await (const file of ints(200_000)) own.push(hex(file));
    expect(reused.length).toBe(3);
    expect(reused).toEqual(own);
  });

  it('gives a file larger than its buffers one of its own, and keeps only its own kind', () => {
    const buffers = new CopyFileBuffers();
    const writer = new BinaryCopyWriter(64);
    writer.row(1);
    writer.text('x'.repeat(2 * 1024 * 1024));
    const large = writer.take(buffers)!;
    expect(large.byteLength).toBe(19 + 2 + 4 + 2 * 1024 * 1024 + 2);
    buffers.give(large.buffer);
    buffers.give(new ArrayBuffer(1024));
    expect(buffers.spareCount).toBe(0);
    // At most a few spare: a reader has only a few files in flight.
    const files = Array.from({ length: 12 }, () => buffers.file(100)!);
    for (const file of files) buffers.give(file.buffer);
    expect(buffers.spareCount).toBe(8);
  });
});
