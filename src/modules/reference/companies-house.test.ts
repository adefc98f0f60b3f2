import { describe, expect, it } from 'vitest';
import { companyParser, type CompanyLayout } from './companies-house.ts';

// BasicCompanyData, as published: note the leading spaces in some names.
const HEADER = [
  'CompanyName',
  ' CompanyNumber',
  'RegAddress.CareOf',
  'RegAddress.POBox',
  'RegAddress.AddressLine1',
  ' RegAddress.AddressLine2',
  'RegAddress.PostTown',
  'RegAddress.County',
  'RegAddress.Country',
  'RegAddress.PostCode',
  'CompanyCategory',
  'CompanyStatus',
  'CountryOfOrigin',
  'DissolutionDate',
  'IncorporationDate',
  'Accounts.AccountRefDay',
  'Accounts.AccountRefMonth',
  'Accounts.NextDueDate',
  'Accounts.LastMadeUpDate',
  'Accounts.AccountCategory',
  'Returns.NextDueDate',
  'Returns.LastMadeUpDate',
  'Mortgages.NumMortCharges',
  'Mortgages.NumMortOutstanding',
  'Mortgages.NumMortPartSatisfied',
  'Mortgages.NumMortSatisfied',
  'SICCode.SicText_1',
  'SICCode.SicText_2',
  'SICCode.SicText_3',
  'SICCode.SicText_4',
  'LimitedPartnerships.NumGenPartners',
  'LimitedPartnerships.NumLimPartners',
  'URI',
  ...Array.from({ length: 10 }, (_, i) => [
    `PreviousName_${i + 1}.CONDATE`,
    ` PreviousName_${i + 1}.CompanyName`,
  ]).flat(),
  'ConfStmtNextDueDate',
  ' ConfStmtLastMadeUpDate',
];

function detect(header: readonly string[]): CompanyLayout {
  const layout = companyParser.detectHeader(header, null);
  if (!layout) throw new Error('header not recognised');
  return layout;
}
const layout = detect(HEADER);
function row(values: Record<string, string>): string[] {
  return HEADER.map((column) => values[column.trim()] ?? '');
}
const builder = {
  CompanyName: 'PEMBERTON BUILDERS LIMITED',
  CompanyNumber: '09876543',
  'RegAddress.PostCode': 'WN5 9UN',
  CompanyCategory: 'Private Limited Company',
  CompanyStatus: 'Active',
  'Accounts.AccountCategory': 'MICRO ENTITY',
  'SICCode.SicText_1': '41202 - Construction of domestic buildings',
  'SICCode.SicText_2': '43390 - Other building completion and finishing',
};

describe('BasicCompanyData header', () => {
  it('has 55 columns and is found despite the leading spaces', () => {
    expect(HEADER).toHaveLength(55);
    expect(layout).toMatchObject({
      format: 'basic-company-data',
      width: 55,
      name: 0,
      number: 1,
      postcode: 9,
      category: 10,
      status: 11,
      accounts: 19,
      sic: [26, 27, 28, 29],
      notes: [],
    });
  });

  it('refuses a header that is not BasicCompanyData', () => {
    expect(companyParser.detectHeader(['Supplier', 'Company Number'], null)).toBeNull();
  });
});

describe('BasicCompanyData rows', () => {
  it('reads a company: number, name key, postcode, category, status, accounts, SIC codes', () => {
    expect(companyParser.parseRow(row(builder), layout)).toEqual({
      kind: 'row',
      record: {
        companyNumber: '09876543',
        name: 'PEMBERTON BUILDERS LIMITED',
        nameKey: 'PEMBERTON BUILDERS LTD',
        postcode: 'WN5 9UN',
        category: 'Private Limited Company',
        status: 'Active',
        accountsCategory: 'MICRO ENTITY',
        sicCodes: ['41202', '43390'],
      },
    });
  });

  it('drops "None Supplied" SIC text and a postcode that is not one', () => {
    const parsed = companyParser.parseRow(
      row({
        ...builder,
        'SICCode.SicText_1': 'None Supplied',
        'SICCode.SicText_2': '',
        'RegAddress.PostCode': 'UNKNOWN',
      }),
      layout,
    );
    expect(parsed).toMatchObject({ record: { sicCodes: [], postcode: null } });
  });

  it('pads a short company number', () => {
    expect(
      companyParser.parseRow(row({ ...builder, CompanyNumber: '123456' }), layout),
    ).toMatchObject({
      record: { companyNumber: '00123456' },
    });
  });

  it('reports a row without a usable number or name', () => {
    expect(companyParser.parseRow(row({ ...builder, CompanyNumber: 'N/A' }), layout)).toMatchObject(
      {
        kind: 'bad',
        problem: { column: 'CompanyNumber', value: 'N/A' },
      },
    );
    expect(companyParser.parseRow(row({ ...builder, CompanyName: '' }), layout)).toMatchObject({
      kind: 'bad',
      problem: { column: 'CompanyName' },
    });
  });

  it('takes the edition from the file name', () => {
    expect(companyParser.edition(layout, 'BasicCompanyDataAsOneFile-2026-11-01.csv', null)).toBe(
      '2026-11-01',
    );
    expect(companyParser.edition(layout, 'companies.csv', null)).toBeNull();
  });
});
