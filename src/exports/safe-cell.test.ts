import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { looksLikeFormula, neutraliseCell } from './safe-cell.ts';

describe('neutraliseCell', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","click")', `'=HYPERLINK("http://evil.example","click")`],
    ['+44 Services', "'+44 Services"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', "'\r=1+1"],
  ])('makes %j text', (input, output) => {
    expect(neutraliseCell(input)).toBe(output);
  });

  it.each(['Pemberton Builders Ltd', '-150.00', '-12', '1000.00', '', 'A=B', "O'Brien & Sons"])(
    'leaves %j alone',
    (input) => expect(neutraliseCell(input)).toBe(input),
  );

  it('never leaves a text that could start a formula', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(looksLikeFormula(neutraliseCell(text))).toBe(false);
        // Only ever adds one apostrophe, in front.
        const out = neutraliseCell(text);
        expect(out === text || out === `'${text}`).toBe(true);
      }),
    );
  });
});
