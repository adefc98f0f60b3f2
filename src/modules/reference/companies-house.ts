import { normaliseName } from '../classify/normalise-name.ts';
import { normalisePostcode } from './postcode.ts';
import {
  bad,
  dateFromFileName,
  findColumn,
  headerKey,
  text,
  type Layout,
  type ParsedRow,
  type ReferenceParser,
} from './reference-format.ts';
import { normaliseCompanyNumber } from './register-numbers.ts';

/*
 * Companies House "Free Company Data Product": BasicCompanyDataAsOneFile-YYYY-MM-DD.csv (or
 * its parts, BasicCompanyData-YYYY-MM-DD-partN_M.csv), about 5 million live companies, 55
 * columns, every value quoted. Some header names start with a space (' CompanyNumber'), so
 * headers are matched trimmed and in any case.
 */

export interface CompanyRecord {
  companyNumber: string;
  name: string;
  nameKey: string;
  postcode: string | null;
  category: string | null;
  status: string | null;
  accountsCategory: string | null;
  sicCodes: string[];
}

export interface CompanyLayout extends Layout {
  format: 'basic-company-data';
  number: number;
  name: number;
  postcode: number;
  category: number;
  status: number;
  accounts: number;
  sic: number[];
}

/** 'SICCode.SicText_1' values: '62020 - Information technology consultancy activities'. */
const SIC_CODE = /^(\d{4,5})(?!\d)/;

export const companyParser: ReferenceParser<CompanyLayout, CompanyRecord> = {
  dataset: 'companies',
  formats: [
    {
      name: 'basic-company-data',
      title: 'Companies House BasicCompanyData',
      requiredColumns: [
        'CompanyName',
        'CompanyNumber',
        'RegAddress.PostCode',
        'CompanyCategory',
        'CompanyStatus',
      ],
    },
  ],

  detectHeader(header) {
    const keys = header.map(headerKey);
    const layout: CompanyLayout = {
      format: 'basic-company-data',
      width: header.length,
      notes: [],
      number: findColumn(keys, ['companynumber']),
      name: findColumn(keys, ['companyname']),
      postcode: findColumn(keys, ['regaddress.postcode']),
      category: findColumn(keys, ['companycategory']),
      status: findColumn(keys, ['companystatus']),
      accounts: findColumn(keys, ['accounts.accountcategory']),
      sic: [1, 2, 3, 4]
        .map((n) => findColumn(keys, [`siccode.sictext_${n}`]))
        .filter((index) => index !== -1),
    };
    if (
      [layout.number, layout.name, layout.postcode, layout.category, layout.status].includes(-1)
    ) {
      return null;
    }
    if (layout.accounts === -1) {
      layout.notes.push(
        'The file has no Accounts.AccountCategory column: no SME evidence from it.',
      );
    }
    return layout;
  },

  parseRow(fields, layout): ParsedRow<CompanyRecord> {
    const rawNumber = fields[layout.number]!;
    const companyNumber = normaliseCompanyNumber(rawNumber);
    if (companyNumber === null) return bad('CompanyNumber', rawNumber, 'is not a company number');
    const name = text(fields, layout.name);
    if (name === null) return bad('CompanyName', null, 'is empty');
    const sicCodes: string[] = [];
    for (const index of layout.sic) {
      const code = SIC_CODE.exec(fields[index]!)?.[1];
      if (code !== undefined) sicCodes.push(code);
    }
    return {
      kind: 'row',
      record: {
        companyNumber,
        name,
        nameKey: normaliseName(name),
        postcode: normalisePostcode(fields[layout.postcode]),
        category: text(fields, layout.category),
        status: text(fields, layout.status),
        accountsCategory: text(fields, layout.accounts),
        sicCodes,
      },
    };
  },

  /** The snapshot date in the file name; the rows do not carry it. */
  edition(_layout, fileName) {
    return dateFromFileName(fileName);
  },
};
