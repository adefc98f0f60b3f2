import { isAscii } from 'node:buffer';
import { TextDecoder } from 'node:util';

/*
 * Bytes to text for CSV files as finance systems write them: UTF-8 (with or without a BOM),
 * Windows-1252 (Excel's "CSV" on a UK Windows machine), or UTF-16 with a BOM (Excel's
 * "Unicode text"). The encoding is found while streaming, so the file is never held whole:
 * the text is read as UTF-8 until a byte sequence that cannot be UTF-8 appears; from then on
 * it is read as Windows-1252. Everything before that point was plain ASCII (the same in both),
 * unless the file mixes encodings, which is reported.
 */

export type DetectedEncoding = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

export interface DecodeReport {
  /** The encoding the text was read in (the final one, for a file that switched). */
  encoding: DetectedEncoding;
  /** True when the file began with a byte-order mark. */
  bom: boolean;
  /** True when valid UTF-8 text was followed by bytes that are not UTF-8. */
  mixed: boolean;
}

/** Bytes looked at to tell a binary file (spreadsheet, zip, image) from text. */
const SNIFF_BYTES = 4096;

export class BinaryFileError extends Error {
  constructor(readonly offset: number) {
    super(
      `The file is binary (a NUL byte at offset ${offset}), not CSV text: is it a spreadsheet or a zip?`,
    );
    this.name = 'BinaryFileError';
  }
}

/** Decodes a byte stream to text chunks; `report` is filled in as the stream is read. */
export async function* decodeText(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  report: DecodeReport = { encoding: 'utf-8', bom: false, mixed: false },
): AsyncGenerator<string> {
  let decoder: TextDecoder | null = null;
  let sawNonAscii = false;
  let head: Uint8Array = new Uint8Array(0);

  const decodeChunk = (active: TextDecoder, chunk: Uint8Array): string => {
    if (report.encoding === 'utf-8') {
      try {
        const text = active.decode(chunk, { stream: true });
        if (!sawNonAscii && hasNonAscii(chunk)) sawNonAscii = true;
        return text;
      } catch {
        // Not UTF-8: Windows-1252 from here on.
        report.encoding = 'windows-1252';
        report.mixed = sawNonAscii;
        decoder = new TextDecoder('windows-1252');
        return decoder.decode(chunk, { stream: true });
      }
    }
    return active.decode(chunk, { stream: true });
  };

  const start = (bytes: Uint8Array): string => {
    const chosen = chooseDecoder(bytes, report);
    if (report.encoding === 'utf-8') checkBinary(bytes);
    decoder = chosen.decoder;
    return decodeChunk(decoder, bytes.subarray(chosen.skip));
  };

  for await (const chunk of source) {
    if (decoder === null) {
      // Collect enough bytes to see a byte-order mark and tell binary from text.
      head = concat(head, chunk);
      if (head.length < SNIFF_BYTES) continue;
      yield start(head);
      continue;
    }
    yield decodeChunk(decoder, chunk);
  }
  if (decoder === null) {
    if (head.length === 0) return;
    yield start(head);
  }
  const tail = (decoder as TextDecoder | null)?.decode() ?? '';
  if (tail) yield tail;
}

function chooseDecoder(
  head: Uint8Array,
  report: DecodeReport,
): { decoder: TextDecoder; skip: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
    report.bom = true;
    return { decoder: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }), skip: 3 };
  }
  if (head[0] === 0xff && head[1] === 0xfe) {
    report.bom = true;
    report.encoding = 'utf-16le';
    return { decoder: new TextDecoder('utf-16le', { ignoreBOM: true }), skip: 2 };
  }
  if (head[0] === 0xfe && head[1] === 0xff) {
    report.bom = true;
    report.encoding = 'utf-16be';
    return { decoder: new TextDecoder('utf-16be', { ignoreBOM: true }), skip: 2 };
  }
  return { decoder: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }), skip: 0 };
}

/** Starts of binary files people upload by mistake: zip/xlsx, OLE2 (.xls), PDF, PNG, GIF, JPEG, gzip. */
const BINARY_SIGNATURES = [
  [0x50, 0x4b, 0x03, 0x04],
  [0xd0, 0xcf, 0x11, 0xe0],
  [0x25, 0x50, 0x44, 0x46],
  [0x89, 0x50, 0x4e, 0x47],
  [0x47, 0x49, 0x46, 0x38],
  [0xff, 0xd8, 0xff],
  [0x1f, 0x8b],
];
/** NUL bytes in the first SNIFF_BYTES that make a file binary; fewer are the CSV reader's to report, by line. */
const BINARY_NUL_COUNT = 8;

function checkBinary(head: Uint8Array): void {
  if (BINARY_SIGNATURES.some((signature) => signature.every((byte, i) => head[i] === byte)))
    throw new BinaryFileError(0);
  const end = Math.min(head.length, SNIFF_BYTES);
  let nuls = 0;
  for (let i = 0; i < end; i++)
    if (head[i] === 0 && ++nuls >= BINARY_NUL_COUNT) throw new BinaryFileError(i);
}

function hasNonAscii(chunk: Uint8Array): boolean {
  // Native: a JS loop over every byte of an all-ASCII file costs seconds on a 2 GB register.
  return !isAscii(chunk);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
