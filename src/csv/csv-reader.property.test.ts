import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, readCsvRecords, type CsvRecord, type Delimiter } from './csv-reader.ts';
import { BinaryFileError, type DecodeReport } from './decode-text.ts';
import { openCsv } from './open-csv.ts';
import { chunking, cutInto, DECODER_HEAD_BYTES, WINDOWS_1252 } from './chunking.arbitraries.ts';

/*
 * The reader as ingest uses it: bytes in arbitrary chunks -> openCsv (encoding found while
 * streaming, delimiter given or sniffed) -> records. What the reader documents, and the expected
 * values below keep exactly: no trimming (spaces inside and around fields are data); empty lines
 * are skipped (so a row of one empty cell, written unquoted, is no record, while "" is one);
 * trailing empty fields are kept; a record's line is the line of the file it starts on, counting
 * LFs only; a U+FEFF at the very start of the bytes is a byte-order mark. Title lines above the
 * header are records like any other at this layer (finding the header is ingest's job).
 */

const DELIMITERS: Delimiter[] = [',', '\t', ';', '|'];

// ---- Writing a table as a finance system would ----

interface Style {
  delimiter: Delimiter;
  eol: '\n' | '\r\n';
  /** Quote every field (as some exports do), or only those that need it. */
  quoteAll: boolean;
  /** Whether the last row ends with a line break. */
  finalEol: boolean;
  /** Quote a field holding any of the separators the sniffer knows, not just this one. */
  quoteAnySeparator?: boolean;
}

const style: fc.Arbitrary<Style> = fc.record({
  delimiter: fc.constantFrom(...DELIMITERS),
  eol: fc.constantFrom('\n' as const, '\r\n' as const),
  quoteAll: fc.boolean(),
  finalEol: fc.boolean(),
});

/** RFC 4180 quoting: a field with the delimiter, a quote, CR or LF is quoted, quotes doubled. */
function writeField(cell: string, s: Style): string {
  const needsQuotes = s.quoteAnySeparator ? /[",;\t|\r\n]/ : /["\r\n]/;
  return s.quoteAll || needsQuotes.test(cell) || cell.includes(s.delimiter)
    ? `"${cell.replaceAll('"', '""')}"`
    : cell;
}

/** The CSV text of `table` and the records the reader must give back for it. */
function writeCsv(table: string[][], s: Style): { text: string; records: CsvRecord[] } {
  let text = '';
  const records: CsvRecord[] = [];
  table.forEach((row, i) => {
    const line = row.map((cell) => writeField(cell, s)).join(s.delimiter);
    // An empty line is skipped: a row of one empty cell comes back only when written "".
    if (line !== '') records.push({ line: countLf(text) + 1, fields: row });
    text += line + (i < table.length - 1 || s.finalEol ? s.eol : '');
  });
  return { text, records };
}

function countLf(text: string): number {
  return text.split('\n').length - 1;
}

// ---- Cells ----

/** Characters CSV makes special, and ones encodings make special, often; any code point sometimes. */
const unicodeChar = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('"', ',', ';', '\t', '|', '\r', '\n', ' ', '""') },
  { weight: 3, arbitrary: fc.constantFrom('a', 'Z', '0', '.', '-', '£', 'é', '€', '\u00a0') },
  { weight: 1, arbitrary: fc.constantFrom('😀', '\u{10FFFF}', '\u0301', '\u2028', '\uFFFD') },
  // Any code point but NUL (refused: see the NUL tests) and U+FEFF, which at the very start of
  // a file is a byte-order mark by definition and is dropped.
  {
    weight: 3,
    arbitrary: fc
      .string({ unit: 'binary', minLength: 1, maxLength: 1 })
      .filter((c) => c !== '\0' && c !== '\uFEFF'),
  },
);

/** A table of 1 to 12 ragged rows; cells may be empty, all spaces, or all special characters. */
function tableOf(char: fc.Arbitrary<string>, rows = 12, columns = 6): fc.Arbitrary<string[][]> {
  const cell = fc.oneof(
    fc.string({ unit: char, maxLength: 10 }),
    fc.constantFrom('', ' ', '  x  ', '"', '""', '\r', '\n', '\r\n', ',', '\t'),
  );
  return fc.array(fc.array(cell, { minLength: 1, maxLength: columns }), {
    minLength: 1,
    maxLength: rows,
  });
}

/**
 * Title lines above the table, as exports print them ("Payments over £500"); sometimes one long
 * enough that the table starts past the decoder's first 4 KiB, where chunk splits matter.
 */
const titles: fc.Arbitrary<string[][]> = fc.oneof(
  fc.constantFrom<string[][]>(
    [],
    [['Payments over 500 pounds']],
    [['Council spend'], ['Quarter 1'], ['']],
  ),
  fc
    .integer({ min: DECODER_HEAD_BYTES - 300, max: DECODER_HEAD_BYTES + 100 })
    .map((length) => [['Spend over 500 pounds '.padEnd(length, '.')], ['']]),
);

// ---- Bytes ----

type Encoding = 'utf-8' | 'utf-8 with BOM' | 'utf-16le' | 'utf-16be';

function encode(text: string, encoding: Encoding | 'windows-1252'): Uint8Array {
  switch (encoding) {
    case 'utf-8':
      return new TextEncoder().encode(text);
    case 'utf-8 with BOM':
      return new TextEncoder().encode('\uFEFF' + text);
    case 'utf-16le':
      return Buffer.from('\uFEFF' + text, 'utf16le');
    case 'utf-16be':
      return Buffer.from('\uFEFF' + text, 'utf16le').swap16();
    case 'windows-1252':
      return Uint8Array.from(text, (c) => WINDOWS_1252.get(c)!);
  }
}

// ---- Reading ----

interface Outcome {
  records: CsvRecord[];
  /** The reader's own error, as a plain object so outcomes compare; null when read to the end. */
  error: { name: string; message: string; line?: number; field?: number | null } | null;
  delimiter: Delimiter | null;
  decoding: DecodeReport | null;
}

/** Reads bytes through openCsv, as ingest does; only the reader's own errors are caught. */
async function readBytes(
  chunks: Uint8Array[],
  options: { delimiter?: Delimiter; maxFieldLength?: number } = {},
): Promise<Outcome> {
  const outcome: Outcome = { records: [], error: null, delimiter: null, decoding: null };
  try {
    const csv = await openCsv(chunks, options);
    outcome.delimiter = csv.delimiter;
    outcome.decoding = csv.decoding;
    for await (const batch of csv.records) outcome.records.push(...batch);
  } catch (error) {
    outcome.error = readerError(error);
  }
  return outcome;
}

/** Reads text chunks straight through readCsvRecords. */
async function readText(
  chunks: string[],
  options: { delimiter: Delimiter; maxFieldLength?: number },
): Promise<Outcome> {
  const outcome: Outcome = { records: [], error: null, delimiter: null, decoding: null };
  try {
    for await (const batch of readCsvRecords(chunks, options)) outcome.records.push(...batch);
  } catch (error) {
    outcome.error = readerError(error);
  }
  return outcome;
}

/** The reader's errors as data; anything else (a TypeError, a RangeError) fails the property. */
function readerError(error: unknown): NonNullable<Outcome['error']> {
  if (error instanceof CsvSyntaxError) {
    const { name, message, line, field } = error;
    return { name, message, line, field };
  }
  if (error instanceof BinaryFileError) return { name: error.name, message: error.message };
  throw error;
}

/** A run that takes longer than this is a hang (or close enough to one) on inputs this small. */
const RUN_MS = 2000;

// ---- Properties ----

describe('reading a table written as CSV gives back exactly its cells', () => {
  it('in UTF-8 (with or without a BOM) and UTF-16, any separator, LF or CRLF, any chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        titles,
        tableOf(unicodeChar),
        style,
        fc.constantFrom<Encoding>('utf-8', 'utf-8 with BOM', 'utf-16le', 'utf-16be'),
        chunking(7),
        async (above, table, s, encoding, how) => {
          const { text, records } = writeCsv([...above, ...table], s);
          const outcome = await readBytes(cutInto(encode(text, encoding), how), {
            delimiter: s.delimiter,
          });
          expect(outcome.error).toBeNull();
          expect(outcome.records).toEqual(records);
          expect(outcome.decoding).toEqual({
            encoding: encoding.startsWith('utf-8') ? 'utf-8' : encoding,
            bom: encoding !== 'utf-8',
            mixed: false,
          });
        },
      ),
      { numRuns: 300, plugins: [fc.timeout(RUN_MS)] },
    );
  });

  it('in Windows-1252, unless its bytes read as UTF-8 (and then they are UTF-8)', async () => {
    const char = fc.oneof(
      unicodeChar.filter((c) => [...c].every((one) => WINDOWS_1252.has(one) && one !== '\0')),
      fc.constantFrom(...[...WINDOWS_1252.keys()].filter((c) => c > '\u007f')),
    );
    await fc.assert(
      fc.asyncProperty(titles, tableOf(char), style, chunking(7), async (above, table, s, how) => {
        const { text, records } = writeCsv([...above, ...table], s);
        // Text starting with what would be a byte-order mark in bytes ("ÿþ" is FF FE) is read
        // as that encoding: no reader can tell them apart.
        fc.pre(!/^(ÿþ|þÿ|ï»¿)/.test(text));
        const bytes = encode(text, 'windows-1252');
        const outcome = await readBytes(cutInto(bytes, how), { delimiter: s.delimiter });
        expect(outcome.error).toBeNull();

        if (isUtf8(bytes)) {
          // "Ã©" is é in UTF-8: such a file is UTF-8 (ASCII delimiters never split a sequence).
          const asUtf8 = (cell: string) => Buffer.from(encode(cell, 'windows-1252')).toString();
          expect(outcome.records).toEqual(
            records.map((r) => ({ line: r.line, fields: r.fields.map(asUtf8) })),
          );
          expect(outcome.decoding).toEqual({ encoding: 'utf-8', bom: false, mixed: false });
        } else if (!utf8SequenceAt(bytes, firstNonAscii(bytes))) {
          // Not UTF-8 from its first non-ASCII byte: plainly Windows-1252, however it arrives.
          expect(outcome.records).toEqual(records);
          expect(outcome.decoding).toEqual({
            encoding: 'windows-1252',
            bom: false,
            mixed: false,
          });
        } else {
          // UTF-8 at first sight, Windows-1252 later: read right, or reported as mixed.
          expect(outcome.decoding?.encoding).toBe('windows-1252');
          if (!outcome.decoding?.mixed) expect(outcome.records).toEqual(records);
        }
      }),
      { numRuns: 300, plugins: [fc.timeout(RUN_MS)] },
    );
  });

  it('with the separator sniffed, as ingest reads files, under a header of names', async () => {
    // The sniffer reads line by line, so cells here have no line breaks; a cell holding any
    // separator is quoted (as Excel does), so only the real one shows between quotes. Lines of
    // nothing but blanks count for nothing (a tab file of empty cells alone is not told from
    // text), so the table has a header, as every file ingest reads must.
    const char = unicodeChar.filter((c) => !/[\r\n]/.test(c));
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ]{0,11}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<string[][]>([], [['Payments over 500 pounds'], ['']]),
        fc.integer({ min: 2, max: 6 }).chain((columns) => {
          const row = (cell: fc.Arbitrary<string>) =>
            fc.array(cell, { minLength: columns, maxLength: columns });
          return fc
            .tuple(
              row(name),
              fc.array(row(fc.string({ unit: char, maxLength: 8 })), { maxLength: 10 }),
            )
            .map(([header, rows]) => [header, ...rows]);
        }),
        style,
        chunking(7),
        async (above, table, s, how) => {
          const { text, records } = writeCsv([...above, ...table], {
            ...s,
            quoteAnySeparator: true,
          });
          const outcome = await readBytes(cutInto(encode(text, 'utf-8'), how));
          expect(outcome.delimiter).toBe(s.delimiter);
          expect(outcome.error).toBeNull();
          expect(outcome.records).toEqual(records);
        },
      ),
      { numRuns: 200, plugins: [fc.timeout(RUN_MS)] },
    );
  });
});

/** Offset of the first byte above 0x7F, or the length when there is none. */
function firstNonAscii(bytes: Uint8Array): number {
  const at = bytes.findIndex((b) => b > 0x7f);
  return at === -1 ? bytes.length : at;
}

/** True when a whole, valid UTF-8 sequence of more than one byte starts at `at`. */
function utf8SequenceAt(bytes: Uint8Array, at: number): boolean {
  const lead = bytes[at] ?? 0;
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0;
  return length > 0 && at + length <= bytes.length && isUtf8(bytes.subarray(at, at + length));
}

// ---- Any input at all ----

const encoder = new TextEncoder();

/** Byte runs that steer the reader and the decoder into their corners. */
const SPECIAL_BYTES: Uint8Array[] = [
  ...['"', '""', ',', ';', '\t', '|', '\r', '\n', '\r\n', ' ', 'a', '1', '\0'].map((s) =>
    encoder.encode(s),
  ),
  ...[
    [0xff],
    [0xef, 0xbb, 0xbf], // UTF-8 BOM
    [0xef, 0xbb],
    [0xff, 0xfe], // UTF-16 BOMs
    [0xfe, 0xff],
    [0xc3], // a UTF-8 lead byte (Ã in Windows-1252)
    [0xc3, 0xa9], // é in UTF-8
    [0xe2, 0x82], // the start of €
    [0xe2, 0x82, 0xac],
    [0xf0, 0x9f, 0x98],
    [0xa3], // £ in Windows-1252
    [0xe9], // é in Windows-1252
  ].map((bytes) => Uint8Array.from(bytes)),
];

/** Any bytes, or bytes built mostly from the special runs; sometimes after 4 KiB of plain lines. */
const anyBytes: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.option(fc.integer({ min: DECODER_HEAD_BYTES - 200, max: DECODER_HEAD_BYTES + 50 })),
    fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      fc
        .array(fc.oneof(fc.constantFrom(...SPECIAL_BYTES), fc.uint8Array({ maxLength: 3 })), {
          maxLength: 150,
        })
        .map((runs) => Buffer.concat(runs)),
    ),
  )
  .map(([padding, bytes]) =>
    padding === null
      ? bytes
      : Buffer.concat([
          encoder.encode('Date,Amount,Supplier\n'.repeat(250).slice(0, padding)),
          bytes,
        ]),
  );

/** Text of any code points, mostly the ones CSV makes special (NUL among them). */
const anyText = fc.string({
  unit: fc.oneof(
    fc.constantFrom('"', '""', ',', ';', '\t', '|', '\r', '\n', '\r\n', ' ', 'a', '\0'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 200,
});

const readOptions = fc.record({
  delimiter: fc.option(fc.constantFrom(...DELIMITERS), { nil: undefined }),
  // Small limits sometimes, so the oversized-field errors are reached too.
  maxFieldLength: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
});

/**
 * What any read must look like: records in order of line, each on a line the input has, none
 * empty, no field over the limit; or the reader's own error naming a line the input has.
 */
function expectSound(outcome: Outcome, lineFeeds: number, maxFieldLength?: number): void {
  // One expect for all the records: an expect per field costs seconds over a few hundred runs.
  let previous = 0;
  const misread = outcome.records.filter((record) => {
    const bad =
      record.line <= previous ||
      record.line > lineFeeds + 1 ||
      record.fields.length === 0 ||
      record.fields.some((field) => field.length > (maxFieldLength ?? Infinity));
    previous = record.line;
    return bad;
  });
  expect(misread).toEqual([]);
  const error = outcome.error;
  if (error?.name === 'CsvSyntaxError') {
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(error.line).toBeLessThanOrEqual(lineFeeds + 1);
    expect(error.message).toMatch(new RegExp(`\\b[Ll]ine ${error.line}\\b`));
    if (error.field !== null) expect(error.field).toBeGreaterThanOrEqual(1);
  } else if (error !== null) {
    expect(error.message).toMatch(/binary/);
  }
}

describe('reading any input', () => {
  it('never throws anything but its own errors, which name the line', async () => {
    await fc.assert(
      fc.asyncProperty(anyBytes, readOptions, chunking(7), async (bytes, options, how) => {
        const outcome = await readBytes(cutInto(bytes, how), options);
        // Line feeds in the bytes bound the lines of the text in every encoding read.
        expectSound(outcome, bytes.filter((b) => b === 0x0a).length, options.maxFieldLength);
      }),
      { numRuns: 400, plugins: [fc.timeout(RUN_MS)] },
    );
  });

  it('gives the same records (and error) however the bytes are cut into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(anyBytes, readOptions, chunking(7), async (bytes, options, how) => {
        const whole = await readBytes([bytes], options);
        const chunked = await readBytes(cutInto(bytes, how), options);
        // A file that is UTF-8 and then not is read as UTF-8 up to the chunk that is not,
        // so its text depends on the chunks; that is reported, and ingest warns of it.
        if (!chunked.decoding?.mixed) expect(chunked).toEqual(whole);
      }),
      { numRuns: 400, plugins: [fc.timeout(RUN_MS)] },
    );
  });

  it('gives the same records (and error) however the text is cut into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        anyText,
        fc.constantFrom(...DELIMITERS),
        readOptions,
        chunking(7),
        async (text, delimiter, { maxFieldLength }, how) => {
          const whole = await readText([text], { delimiter, maxFieldLength });
          expectSound(whole, countLf(text), maxFieldLength);
          expect(await readText(cutInto(text, how), { delimiter, maxFieldLength })).toEqual(whole);
        },
      ),
      { numRuns: 400, plugins: [fc.timeout(RUN_MS)] },
    );
  });
});
