import { describe, expect, it } from 'vitest';
import { encodeCopyPieces, encodeCopyRow } from './bulk-copy.ts';

describe('encodeCopyRow', () => {
  it('writes COPY text format: tabs between, \\N for null, escapes for the specials', () => {
    expect(
      encodeCopyRow([1, 'a\tb', null, undefined, true, false, 12345678901234567890n, 'x\\y\nz\r']),
    ).toBe('1\ta\\tb\t\\N\t\\N\tt\tf\t12345678901234567890\tx\\\\y\\nz\\r\n');
  });

  it('keeps £ and other text as it is', () => {
    expect(encodeCopyRow(['£1,234.56 café'])).toBe('£1,234.56 café\n');
  });
});

describe('encodeCopyPieces', () => {
  it('groups rows into pieces without losing or reordering any', async () => {
    const rows = Array.from({ length: 1300 }, (_, i) => [i]);
    const pieces: string[] = [];
    for await (const piece of encodeCopyPieces(rows)) pieces.push(piece);
    expect(pieces).toHaveLength(3);
    expect(pieces.join('')).toBe(rows.map((r) => `${r[0]}\n`).join(''));
  });
});
