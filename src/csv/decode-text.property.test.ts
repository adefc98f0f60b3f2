import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryFileError, decodeText, type DecodeReport } from './decode-text.ts';
import { chunking, cutInto, DECODER_HEAD_BYTES, WINDOWS_1252 } from './chunking.arbitraries.ts';

/*
 * The decoder's promise, whatever chunks the bytes arrive in: UTF-8 is read as UTF-8; a file
 * that is not UTF-8 from its first non-ASCII byte is Windows-1252 throughout, and not "mixed";
 * a file that is UTF-8 and then not is read as UTF-8 up to the chunk that is not and reported
 * as mixed; nothing else is ever thrown but BinaryFileError.
 */

const encoder = new TextEncoder();

const windows1252 = (text: string) => Uint8Array.from(text, (c) => WINDOWS_1252.get(c)!);
const charsWhere = (test: (byte: number) => boolean) =>
  fc.constantFrom(...[...WINDOWS_1252].filter(([, byte]) => test(byte)).map(([c]) => c));

/** ASCII text but NUL (a few NULs make a file binary). */
const asciiText = fc
  .string({ unit: 'binary-ascii', maxLength: 40 })
  .map((s) => s.replace(/[\0\u0080-\u00ff]/g, ''));
/** Windows-1252 text, non-ASCII often. */
const windows1252Text = fc.string({
  unit: fc.oneof(
    charsWhere((byte) => byte > 0x7f),
    charsWhere((byte) => byte > 0),
  ),
  maxLength: 40,
});
/** A character whose Windows-1252 byte begins a UTF-8 sequence (C2-F4: Â to ô). */
const utf8Lead = charsWhere((byte) => byte >= 0xc2 && byte <= 0xf4);
/** A character whose Windows-1252 byte cannot begin one (80-C1, F5-FF: €, £, é...). */
const notUtf8Lead = charsWhere((byte) => byte >= 0x80 && (byte < 0xc2 || byte > 0xf4));

/** Text that any of the four encodings can hold, surrogate pairs and U+FEFF included. */
const anyText = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom('£', 'é', '€', '😀'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    ),
    maxLength: 60,
  })
  .map((s) => s.replaceAll('\0', ''));

/** Plain lines enough to fill the decoder's head, so what follows arrives in chunks. */
const padding = fc
  .option(fc.integer({ min: DECODER_HEAD_BYTES - 100, max: DECODER_HEAD_BYTES + 50 }))
  .map((length) => (length === null ? '' : 'Date,Amount,Supplier\n'.repeat(250).slice(0, length)));

interface Decoded {
  text: string;
  report: DecodeReport;
  error: string | null;
}

/** Decodes; a BinaryFileError is an answer, anything else thrown fails the property. */
async function decode(chunks: Uint8Array[]): Promise<Decoded> {
  const report: DecodeReport = { encoding: 'utf-8', bom: false, mixed: false };
  let text = '';
  try {
    for await (const part of decodeText(chunks, report)) text += part;
  } catch (error) {
    if (!(error instanceof BinaryFileError)) throw error;
    return { text, report, error: error.message };
  }
  return { text, report, error: null };
}

const RUN = { numRuns: 300, plugins: [fc.timeout(2000)] };

describe('decodeText, however the bytes are cut into chunks', () => {
  it('reads UTF-8, with or without a BOM, as UTF-8', async () => {
    await fc.assert(
      fc.asyncProperty(padding, anyText, fc.boolean(), chunking(5), async (pad, text, bom, how) => {
        // A U+FEFF first is a BOM by definition: without one written, it is taken as one.
        fc.pre(bom || !(pad + text).startsWith('\uFEFF'));
        const bytes = encoder.encode((bom ? '\uFEFF' : '') + pad + text);
        expect(await decode(cutInto(bytes, how))).toEqual({
          text: pad + text,
          report: { encoding: 'utf-8', bom, mixed: false },
          error: null,
        });
      }),
      RUN,
    );
  });

  it('reads UTF-16 with a BOM as UTF-16', async () => {
    await fc.assert(
      fc.asyncProperty(
        padding,
        anyText,
        fc.constantFrom('utf-16le' as const, 'utf-16be' as const),
        chunking(5),
        async (pad, text, encoding, how) => {
          const bytes = Buffer.from('\uFEFF' + pad + text, 'utf16le');
          if (encoding === 'utf-16be') bytes.swap16();
          expect(await decode(cutInto(bytes, how))).toEqual({
            text: pad + text,
            report: { encoding, bom: true, mixed: false },
            error: null,
          });
        },
      ),
      RUN,
    );
  });

  it('reads Windows-1252 text that is not UTF-8 from its first non-ASCII byte as Windows-1252', async () => {
    // Where the first non-ASCII character falls (across a cut, at the very end) is the point.
    const first = fc.oneof(
      notUtf8Lead,
      fc
        .tuple(
          utf8Lead,
          asciiText.filter((s) => s !== ''),
        )
        .map(([lead, s]) => lead + s),
      utf8Lead.map((lead) => ({ atEnd: lead })),
    );
    await fc.assert(
      fc.asyncProperty(
        padding,
        asciiText,
        first,
        windows1252Text,
        chunking(5),
        async (pad, ascii, start, rest, how) => {
          const text = pad + ascii + (typeof start === 'string' ? start + rest : start.atEnd);
          expect(await decode(cutInto(windows1252(text), how))).toEqual({
            text,
            report: { encoding: 'windows-1252', bom: false, mixed: false },
            error: null,
          });
        },
      ),
      RUN,
    );
  });

  it('reads UTF-8 then Windows-1252 each as itself from a chunk boundary, and reports it mixed', async () => {
    await fc.assert(
      fc.asyncProperty(
        anyText,
        notUtf8Lead,
        windows1252Text,
        chunking(5),
        chunking(5),
        async (utf8, start, rest, how, howLater) => {
          const head = 'x'.repeat(DECODER_HEAD_BYTES);
          const chunks = [
            encoder.encode(head),
            ...cutInto(encoder.encode(utf8), how),
            ...cutInto(windows1252(start + rest), howLater),
          ];
          expect(await decode(chunks)).toEqual({
            text: head + utf8 + start + rest,
            report: { encoding: 'windows-1252', bom: false, mixed: /[^\0-\x7f]/.test(utf8) },
            error: null,
          });
        },
      ),
      RUN,
    );
  });

  it('never throws but BinaryFileError on any bytes; gives the same text unless it reports mixed', async () => {
    const special = [
      [0xef, 0xbb, 0xbf],
      [0xff, 0xfe],
      [0xfe, 0xff],
      [0xc3],
      [0xc3, 0xa9],
      [0xe2, 0x82],
      [0xf0, 0x9f, 0x98],
      [0xa3],
      [0x00],
      [0x0a],
    ].map((bytes) => Uint8Array.from(bytes));
    const bytes = fc
      .tuple(
        padding,
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc
            .array(fc.oneof(fc.constantFrom(...special), fc.uint8Array({ maxLength: 3 })), {
              maxLength: 100,
            })
            .map((runs) => Buffer.concat(runs)),
        ),
      )
      .map(([pad, tail]) => Buffer.concat([encoder.encode(pad), tail]));
    await fc.assert(
      fc.asyncProperty(bytes, chunking(5), async (input, how) => {
        const whole = await decode([input]);
        const chunked = await decode(cutInto(input, how));
        if (!chunked.report.mixed) expect(chunked).toEqual(whole);
      }),
      RUN,
    );
  });
});
