import { describe, expect, it } from 'vitest';
import {
  dateFromFileName,
  findColumn,
  headerKey,
  parseFlag,
  parseOfficialDate,
  text,
} from './reference-format.ts';

describe('headerKey', () => {
  it('ignores a BOM, surrounding spaces, case and repeated inner spaces', () => {
    expect(headerKey('\uFEFFpcds')).toBe('pcds');
    expect(headerKey(' CompanyNumber')).toBe('companynumber');
    expect(headerKey('Full  Registation\tNumber ')).toBe('full registation number');
    expect(headerKey('OSLAUA')).toBe('oslaua');
  });
});

describe('findColumn', () => {
  const keys = ['pcd', 'pcds', 'lad25cd', 'wd25cd'];
  it('takes the first name given that is present, strings or patterns', () => {
    expect(findColumn(keys, ['pcds', 'pcd'])).toBe(1);
    expect(findColumn(keys, ['oslaua', 'laua', /^lad\d{2}cd$/])).toBe(2);
    expect(findColumn(keys, ['osward'])).toBe(-1);
  });
});

describe('text', () => {
  it('trims, and gives null for empty, missing or absent columns', () => {
    expect(text([' a ', '', '  '], 0)).toBe('a');
    expect(text([' a ', '', '  '], 1)).toBeNull();
    expect(text([' a ', '', '  '], 2)).toBeNull();
    expect(text(['a'], 5)).toBeNull();
    expect(text(['a'], -1)).toBeNull();
  });
});

describe('parseOfficialDate', () => {
  it('reads ISO dates, with or without a time, and UK day/month/year', () => {
    expect(parseOfficialDate('2019-05-01')).toBe('2019-05-01');
    expect(parseOfficialDate('2019-05-01 00:00:00')).toBe('2019-05-01');
    expect(parseOfficialDate('2019-05-01T00:00:00.000')).toBe('2019-05-01');
    expect(parseOfficialDate('01/05/2019')).toBe('2019-05-01');
    expect(parseOfficialDate('1/5/2019')).toBe('2019-05-01');
    expect(parseOfficialDate(' 29/02/2024 ')).toBe('2024-02-29');
  });

  it('gives null for what is not a real date, so COPY never sees one', () => {
    for (const value of [
      '',
      '31/02/2023',
      '2023-13-01',
      '2023-00-10',
      '29/02/2023',
      'n/a',
      '0000-00-00',
      '12/2023',
      null,
      undefined,
    ]) {
      expect(parseOfficialDate(value)).toBeNull();
    }
  });
});

describe('parseFlag', () => {
  it('reads the ways registers write yes and no', () => {
    expect(parseFlag('True')).toBe(true);
    expect(parseFlag('FALSE')).toBe(false);
    expect(parseFlag('1')).toBe(true);
    expect(parseFlag('no')).toBe(false);
    expect(parseFlag('')).toBeNull();
    expect(parseFlag('maybe')).toBeNull();
  });
});

describe('dateFromFileName', () => {
  it('reads month-name editions and numeric dates', () => {
    expect(dateFromFileName('ONSPD_FEB_2024_UK.csv')).toBe('2024-02');
    expect(dateFromFileName('/data/NSPL_AUG_2026_UK.csv')).toBe('2026-08');
    expect(dateFromFileName('ONSPD_November_2025.csv')).toBe('2025-11');
    expect(dateFromFileName('BasicCompanyDataAsOneFile-2026-11-01.csv')).toBe('2026-11-01');
    expect(dateFromFileName('BasicCompanyData-2026-09-01-part7_7.csv')).toBe('2026-09-01');
    expect(dateFromFileName('SocietyList-2026-07.csv')).toBe('2026-07');
  });

  it('gives null when the name carries no date', () => {
    expect(dateFromFileName('publicextract.charity.txt')).toBeNull();
    expect(dateFromFileName('postcodes.csv')).toBeNull();
    expect(dateFromFileName(null)).toBeNull();
    expect(dateFromFileName('export-2026-13.csv')).toBeNull();
  });
});
