import { describe, expect, it } from 'vitest';
import { deprivationParser, type DeprivationLayout } from './imd.ts';

const IOD2019 = [
  'LSOA code (2011)',
  'LSOA name (2011)',
  'Local Authority District code (2019)',
  'Local Authority District name (2019)',
  'Index of Multiple Deprivation (IMD) Score',
  'Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)',
  'Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)',
  'Income Score (rate)',
  'Income Rank (where 1 is most deprived)',
  'Income Decile (where 1 is most deprived 10% of LSOAs)',
];
const IOD2025 = [
  'LSOA code (2021)',
  'LSOA name (2021)',
  'Local Authority District code (2024)',
  'Local Authority District name (2024)',
  'Index of Multiple Deprivation (IMD) Score',
  'Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)',
  'Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)',
  'Income Score (rate)',
];

function detect(header: readonly string[], fileName: string | null = null): DeprivationLayout {
  const layout = deprivationParser.detectHeader(header, fileName);
  if (!layout) throw new Error('header not recognised');
  return layout;
}

describe('deprivation headers', () => {
  it('reads IoD2019 File 7: 2011 LSOAs, the IMD rank and decile (not the domains)', () => {
    expect(detect(IOD2019)).toMatchObject({
      format: 'iod',
      lsoaVintage: '2011',
      lsoa: 0,
      rank: 5,
      decile: 6,
      edition: 'IoD2019',
    });
  });

  it('reads IoD2025: 2021 LSOAs', () => {
    expect(detect(IOD2025)).toMatchObject({ lsoaVintage: '2021', rank: 5, decile: 6 });
  });

  it('matches whatever the case, spacing, BOM or trimmed wording', () => {
    const variant = [
      '\uFEFFlsoa  CODE (2011) ',
      'IMD Rank',
      'Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOA',
    ];
    expect(detect(variant)).toMatchObject({ lsoaVintage: '2011', lsoa: 0, rank: 1, decile: 2 });
  });

  it('refuses a header without the IMD, or without an LSOA vintage', () => {
    expect(deprivationParser.detectHeader(['LSOA code (2011)', 'Income Rank'], null)).toBeNull();
    expect(
      deprivationParser.detectHeader(['LSOA code', 'IMD Rank', 'IMD Decile'], null),
    ).toBeNull();
  });
});

describe('deprivation rows', () => {
  const layout = detect(IOD2019);
  const fields = (lsoa: string, rank: string, decile: string) => [
    lsoa,
    'Wigan 001A',
    'E08000010',
    'Wigan',
    '45.2',
    rank,
    decile,
    '0.3',
    '100',
    '1',
  ];

  it('reads the LSOA, rank and decile', () => {
    expect(deprivationParser.parseRow(fields('E01006262', '1234', '1'), layout)).toEqual({
      kind: 'row',
      record: {
        lsoa: 'E01006262',
        imdRank: 1234,
        imdDecile: 1,
        edition: 'IoD2019',
        lsoaVintage: '2011',
      },
    });
    expect(deprivationParser.parseRow(fields('E01006262', '12,345', '4'), layout)).toMatchObject({
      record: { imdRank: 12345 },
    });
  });

  it('reports bad codes, ranks and deciles', () => {
    expect(deprivationParser.parseRow(fields('Wigan', '1', '1'), layout)).toMatchObject({
      kind: 'bad',
      problem: { column: 'LSOA code (2011)' },
    });
    expect(deprivationParser.parseRow(fields('E01006262', '0', '1'), layout)).toMatchObject({
      kind: 'bad',
    });
    expect(deprivationParser.parseRow(fields('E01006262', '12.5', '1'), layout)).toMatchObject({
      kind: 'bad',
    });
    expect(deprivationParser.parseRow(fields('E01006262', '5', '11'), layout)).toMatchObject({
      kind: 'bad',
      problem: { message: 'is not a decile (1 to 10)' },
    });
  });
});

describe('deprivation edition', () => {
  it('comes from the file name, else the district code year, else the LSOA vintage', () => {
    const edition = (header: readonly string[], fileName: string | null = null) =>
      deprivationParser.edition(detect(header, fileName), fileName, null);
    expect(edition(IOD2019, 'File_7_-_All_IoD2019_Scores__Ranks__Deciles.csv')).toBe('IoD2019');
    expect(edition(IOD2025, 'File_7_IoD2025_All_Ranks.csv')).toBe('IoD2025');
    expect(edition(IOD2019, 'deprivation.csv')).toBe('IoD2019');
    expect(edition(IOD2025)).toBe('IoD2025');
    expect(edition(['LSOA code (2021)', 'IMD Rank', 'IMD Decile'])).toBe('IoD2025');
    expect(
      edition([
        'LSOA code (2011)',
        'Local Authority District code (2013)',
        'IMD Rank',
        'IMD Decile',
      ]),
    ).toBe('IoD2015');
  });
});
