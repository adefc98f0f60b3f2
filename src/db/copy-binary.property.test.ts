import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryCopyWriter } from './copy-binary.ts';

/** The fields of one row as [length, bytes] pairs, read back from a whole file. */
function fieldsOf(file: Uint8Array): (Buffer | null)[] {
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const count = bytes.readInt16BE(19);
  const fields: (Buffer | null)[] = [];
  let at = 21;
  for (let i = 0; i < count; i++) {
    const length = bytes.readInt32BE(at);
    at += 4;
    fields.push(length === -1 ? null : bytes.subarray(at, at + length));
    if (length > 0) at += length;
  }
  expect(bytes.readInt16BE(at)).toBe(-1);
  expect(at + 2).toBe(bytes.length);
  return fields;
}

describe('BinaryCopyWriter (properties)', () => {
  it('writes any text as the UTF-8 that Buffer.from gives, lone surrogates included', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string({ unit: 'grapheme-ascii' }),
            fc.string({ unit: 'grapheme' }),
            fc.string({ unit: 'binary' }),
            fc.constantFrom('£', 'é', '🙂', '\ud800', 'a\udc00b', ''),
          ),
          { maxLength: 8 },
        ),
        (texts) => {
          const writer = new BinaryCopyWriter(64);
          writer.row(texts.length);
          for (const text of texts) writer.text(text);
          const fields = fieldsOf(writer.take()!);
          expect(fields.map((f) => f!.toString('hex'))).toEqual(
            texts.map((t) => Buffer.from(t, 'utf8').toString('hex')),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('writes any safe integer as a big-endian int8, and any date as days from 2000-01-01', () => {
    fc.assert(
      fc.property(
        fc.maxSafeInteger(),
        fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }),
        (value, date) => {
          const iso = date.toISOString().slice(0, 10);
          const writer = new BinaryCopyWriter();
          writer.row(2);
          writer.int8(value);
          writer.date(iso);
          const [int8, days] = fieldsOf(writer.take()!);
          expect(int8!.readBigInt64BE(0)).toBe(BigInt(value));
          expect(days!.readInt32BE(0)).toBe(
            (Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) -
              Date.UTC(2000, 0, 1)) /
              86_400_000,
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});
