import { describe, expect, it } from 'vitest';
import { mutualParser, type MutualLayout } from './fca-mutuals.ts';

// SocietyList.csv from the FCA Mutuals Public Register, with its header typo.
const HEADER = [
  'Society Number',
  'Society Suffix',
  'Full Registation Number',
  'Society Name',
  'Registered As',
  'Society Address',
  'Registration Date',
  'Deregistration Date',
  'Registration Act',
  'Standard Industrial Classification Code (SIC)',
  'Reporting Classification',
  'Society Status',
];

function detect(header: readonly string[]): MutualLayout {
  const layout = mutualParser.detectHeader(header, null);
  if (!layout) throw new Error('header not recognised');
  return layout;
}
const layout = detect(HEADER);
function row(values: Record<string, string>, header = HEADER): string[] {
  return header.map((column) => values[column] ?? '');
}
const energy = {
  'Society Number': '31117',
  'Society Suffix': 'R',
  'Full Registation Number': '31117R',
  'Society Name': 'Wigan Community Energy Co-operative Limited',
  'Registered As': 'Co-operative Society',
  'Society Address': 'Unit 4, Makerfield Way, Ince, Wigan, Lancashire, WN2 2AB',
  'Registration Date': '14/03/2016',
  'Society Status': 'Registered',
};

describe('FCA society list header', () => {
  it('reads the misspelt number column', () => {
    expect(layout).toMatchObject({ format: 'fca-mutuals', fullNumber: 2, name: 3, address: 5 });
  });

  it('reads the correct spelling too', () => {
    const corrected = HEADER.map((h) => h.replace('Registation', 'Registration'));
    expect(detect(corrected)).toMatchObject({
      fullNumber: 2,
      numberColumn: 'Full Registration Number',
    });
  });

  it('falls back to Society Number and Suffix', () => {
    const header = HEADER.filter((h) => h !== 'Full Registation Number');
    const fallback = detect(header);
    expect(fallback.fullNumber).toBe(-1);
    expect(mutualParser.parseRow(row(energy, header), fallback)).toMatchObject({
      record: { societyNumber: '31117R' },
    });
  });

  it('refuses a header without a name or number', () => {
    expect(mutualParser.detectHeader(['Society Name', 'Society Address'], null)).toBeNull();
  });
});

describe('FCA society list rows', () => {
  it('reads a society: number, name key, postcode from the address, type and status', () => {
    expect(mutualParser.parseRow(row(energy), layout)).toEqual({
      kind: 'row',
      record: {
        societyNumber: '31117R',
        name: 'Wigan Community Energy Co-operative Limited',
        nameKey: 'WIGAN COMMUNITY ENERGY CO OPERATIVE LTD',
        postcode: 'WN2 2AB',
        registeredAs: 'Co-operative Society',
        status: 'Registered',
      },
    });
  });

  it('keeps a society whose address has no postcode', () => {
    expect(
      mutualParser.parseRow(row({ ...energy, 'Society Address': 'Market Place, Wigan' }), layout),
    ).toMatchObject({ kind: 'row', record: { postcode: null } });
  });

  it('reports a row without a number or name', () => {
    expect(
      mutualParser.parseRow(row({ ...energy, 'Full Registation Number': '' }), layout),
    ).toMatchObject({
      kind: 'bad',
      problem: { column: 'Full Registation Number' },
    });
    expect(mutualParser.parseRow(row({ ...energy, 'Society Name': '' }), layout)).toMatchObject({
      kind: 'bad',
    });
  });
});
