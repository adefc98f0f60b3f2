import { readCsvRecords, sniffDelimiter, type CsvRecord, type Delimiter } from './csv-reader.ts';
import { decodeText, type DecodeReport } from './decode-text.ts';

export interface CsvSource {
  /** Records in batches, as the bytes arrive. */
  records: AsyncGenerator<CsvRecord[]>;
  /** Filled in while reading: the encoding may switch part way (see decode-text.ts). */
  decoding: DecodeReport;
  delimiter: Delimiter;
}

/** Characters of text looked at to choose the delimiter. */
const SNIFF_CHARS = 16 * 1024;

/**
 * Opens a CSV byte stream: detects the encoding as it goes, guesses the delimiter from the
 * start of the text (unless given), and reads records lazily. Nothing is held beyond a chunk.
 */
export async function openCsv(
  bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: { delimiter?: Delimiter; maxFieldLength?: number } = {},
): Promise<CsvSource> {
  const decoding: DecodeReport = { encoding: 'utf-8', bom: false, mixed: false };
  const text = decodeText(bytes, decoding);
  const head: string[] = [];
  let headLength = 0;
  while (headLength < SNIFF_CHARS) {
    const next = await text.next();
    if (next.done) break;
    head.push(next.value);
    headLength += next.value.length;
  }
  const delimiter = options.delimiter ?? sniffDelimiter(head.join('').slice(0, SNIFF_CHARS));
  async function* all(): AsyncGenerator<string> {
    yield* head;
    yield* text;
  }
  return {
    records: readCsvRecords(all(), { delimiter, maxFieldLength: options.maxFieldLength }),
    decoding,
    delimiter,
  };
}
