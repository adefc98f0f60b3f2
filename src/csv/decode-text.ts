import { isAscii } from 'node:buffer';
import { TextDecoder } from 'node:util';

/*
 * Bytes to text for CSV files as finance systems write them: UTF-8 (with or without a BOM),
 * Windows-1252 (Excel's "CSV" on a UK Windows machine), or UTF-16 with a BOM (Excel's
 * "Unicode text"). The encoding is found while streaming, so the file is never held whole:
 * the text is read as UTF-8 until a byte sequence that cannot be UTF-8 appears; from then on
 * (from the start of the chunk it is in) it is read as Windows-1252. Everything before that
 * point was plain ASCII (the same in both), unless the file mixes encodings, which is reported.
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
  // The start of a UTF-8 sequence at the end of the bytes so far, which the UTF-8 decoder holds
  // until the next chunk finishes it. If the file turns out not to be UTF-8 these bytes are
  // Windows-1252 text too: they must be read again, or a character is lost (an "é" cut at a
  // chunk's end vanished, and the file was called mixed), and at the end of the file they are
  // not an error (a TypeError escaped for a file ending in "é").
  let held: Uint8Array = NO_BYTES;

  const toWindows1252 = (chunk: Uint8Array): string => {
    // Not UTF-8: Windows-1252 from here on.
    report.encoding = 'windows-1252';
    report.mixed = sawNonAscii;
    decoder = new TextDecoder('windows-1252');
    // Always streaming: a one-shot decode in Node 20.18.3+ and 22.13.0+ reads 0x80-0x9F as
    // Latin-1 (0x80 as U+0080, not €: nodejs/node#60888); the streaming decoder reads them right.
    const text = decoder.decode(held.length > 0 ? concat(held, chunk) : chunk, { stream: true });
    held = NO_BYTES;
    return text;
  };

  const decodeChunk = (active: TextDecoder, chunk: Uint8Array): string => {
    if (report.encoding === 'utf-8') {
      let text: string;
      try {
        text = active.decode(chunk, { stream: true });
      } catch {
        return toWindows1252(chunk);
      }
      held = unfinishedUtf8(chunk.length >= 3 ? chunk : concat(held, chunk));
      // Bytes held are not text yet: only non-ASCII that became text makes a file mixed.
      const read = chunk.length - Math.min(held.length, chunk.length);
      if (!sawNonAscii && hasNonAscii(chunk.subarray(0, read))) sawNonAscii = true;
      return text;
    }
    return active.decode(chunk, { stream: true });
  };

  const start = (bytes: Uint8Array): string => {
    const chosen = chooseDecoder(bytes, report);
    if (report.encoding === 'utf-8') checkBinary(bytes);
    decoder = chosen.decoder;
    return decodeChunk(decoder, bytes.subarray(chosen.skip));
  };

  const finish = (): string => {
    if (decoder === null) return '';
    try {
      return decoder.decode();
    } catch {
      // The file ends part way through a UTF-8 sequence: it is not UTF-8 either.
      return toWindows1252(NO_BYTES);
    }
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
  const tail = finish();
  if (tail) yield tail;
}

const NO_BYTES = new Uint8Array(0);

/**
 * The unfinished UTF-8 sequence that `bytes` end with (a copy: the source may reuse its
 * buffers), or none. Such a sequence is at most three bytes long.
 */
function unfinishedUtf8(bytes: Uint8Array): Uint8Array {
  for (let i = bytes.length - 1; i >= 0 && i >= bytes.length - 3; i--) {
    const byte = bytes[i]!;
    if (byte < 0x80) break;
    if (byte >= 0xc0) {
      const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return bytes.length - i < length ? bytes.slice(i) : NO_BYTES;
    }
  }
  return NO_BYTES;
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
