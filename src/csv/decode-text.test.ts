import { describe, expect, it } from 'vitest';
import { BinaryFileError, decodeText, type DecodeReport } from './decode-text.ts';

async function decode(chunks: Uint8Array[]): Promise<{ text: string; report: DecodeReport }> {
  const report: DecodeReport = { encoding: 'utf-8', bom: false, mixed: false };
  let text = '';
  for await (const part of decodeText(chunks, report)) text += part;
  return { text, report };
}

const bytes = (...values: number[]) => Uint8Array.from(values);
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('decodeText', () => {
  it('reads UTF-8 with a BOM, dropping the BOM', async () => {
    const { text, report } = await decode([bytes(0xef, 0xbb, 0xbf), utf8('Amount\n£12.50\n')]);
    expect(text).toBe('Amount\n£12.50\n');
    expect(report).toEqual({ encoding: 'utf-8', bom: true, mixed: false });
  });

  it('detects Windows-1252 from a £ byte, however late it comes', async () => {
    const ascii = utf8('Supplier,Amount\n' + 'A,1.00\n'.repeat(2000));
    const { text, report } = await decode([ascii, bytes(0x42, 0x2c, 0xa3, 0x35, 0x0a, 0x80)]);
    expect(text.endsWith('B,£5\n€')).toBe(true);
    expect(report).toEqual({ encoding: 'windows-1252', bom: false, mixed: false });
  });

  it('keeps a £ whole when a UTF-8 sequence is cut between chunks', async () => {
    const pound = utf8('£'); // c2 a3
    const { text, report } = await decode([
      utf8('x'.repeat(5000)),
      pound.subarray(0, 1),
      pound.subarray(1),
    ]);
    expect(text.endsWith('x£')).toBe(true);
    expect(report.encoding).toBe('utf-8');
  });

  it('keeps a Windows-1252 é cut off at the end of a chunk, and does not call the file mixed', async () => {
    // Found by decode-text.property.test.ts: the UTF-8 decoder held E9 waiting for the rest of
    // a sequence; the switch to Windows-1252 dropped it ("Caf,1") and reported the file mixed.
    const { text, report } = await decode([
      utf8('x'.repeat(5000)),
      bytes(0x43, 0x61, 0x66, 0xe9), // Caf and é in Windows-1252
      bytes(0x2c, 0x31, 0x0a),
    ]);
    expect(text.slice(5000)).toBe('Café,1\n');
    expect(report).toEqual({ encoding: 'windows-1252', bom: false, mixed: false });
  });

  it('reads a file ending part way through a UTF-8 sequence as Windows-1252', async () => {
    // Found by the property tests: a file whose last byte was C2 (Â) threw a TypeError from the
    // decoder's final flush instead of being read.
    expect(await decode([bytes(0xc2)])).toEqual({
      text: 'Â',
      report: { encoding: 'windows-1252', bom: false, mixed: false },
    });
    const { text } = await decode([utf8('Supplier\nCaf'), bytes(0xe9)]);
    expect(text).toBe('Supplier\nCafé');
  });

  it('reads UTF-16LE with a BOM', async () => {
    const { text, report } = await decode([bytes(0xff, 0xfe, 0xa3, 0x00, 0x31, 0x00)]);
    expect(text).toBe('£1');
    expect(report.encoding).toBe('utf-16le');
  });

  it('refuses a binary file', async () => {
    const zip = bytes(0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00);
    await expect(decode([zip])).rejects.toBeInstanceOf(BinaryFileError);
  });

  it('reads an empty input as no text', async () => {
    expect((await decode([])).text).toBe('');
  });
});
