import { normaliseName } from '../classify/normalise-name.ts';
import { normalisePostcode } from './postcode.ts';
import {
  bad,
  EXCLUDED,
  findColumn,
  headerKey,
  parseFlag,
  parseOfficialDate,
  text,
  type Layout,
  type ParsedRow,
  type ReferenceParser,
} from './reference-format.ts';
import { normaliseCharityNumber, normaliseCompanyNumber } from './register-numbers.ts';

/*
 * The Charity Commission for England and Wales register extract, `publicextract.charity.txt`
 * from the register's full data download: tab-separated, UTF-8 (sometimes with a BOM), one row
 * per charity, with linked charities (linked_charity_number > 0) under their main charity.
 * Only main charities are kept: a supplier is paid as the main charity.
 */

export interface CharityRecord {
  charityNumber: string;
  name: string;
  nameKey: string;
  charityType: string | null;
  isCio: boolean | null;
  status: string | null;
  registeredOn: string | null;
  removedOn: string | null;
  postcode: string | null;
  companyNumber: string | null;
}

export interface CharityLayout extends Layout {
  format: 'charity-register';
  number: number;
  linked: number;
  name: number;
  type: number;
  isCio: number;
  status: number;
  registered: number;
  removed: number;
  postcode: number;
  company: number;
  extractDate: number;
}

export const charityParser: ReferenceParser<CharityLayout, CharityRecord> = {
  dataset: 'charities',
  formats: [
    {
      name: 'charity-register',
      title: 'Charity Commission register extract (publicextract.charity.txt)',
      requiredColumns: ['registered_charity_number', 'linked_charity_number', 'charity_name'],
    },
  ],

  detectHeader(header) {
    const keys = header.map(headerKey);
    const layout: CharityLayout = {
      format: 'charity-register',
      width: header.length,
      notes: [],
      number: findColumn(keys, ['registered_charity_number']),
      linked: findColumn(keys, ['linked_charity_number']),
      name: findColumn(keys, ['charity_name']),
      type: findColumn(keys, ['charity_type']),
      isCio: findColumn(keys, ['charity_is_cio']),
      status: findColumn(keys, ['charity_registration_status']),
      registered: findColumn(keys, ['date_of_registration']),
      removed: findColumn(keys, ['date_of_removal']),
      postcode: findColumn(keys, ['charity_contact_postcode']),
      company: findColumn(keys, ['charity_company_registration_number']),
      extractDate: findColumn(keys, ['date_of_extract']),
    };
    if (layout.number === -1 || layout.linked === -1 || layout.name === -1) return null;
    return layout;
  },

  parseRow(fields, layout): ParsedRow<CharityRecord> {
    const rawNumber = fields[layout.number]!;
    const charityNumber = normaliseCharityNumber(rawNumber);
    if (charityNumber === null) {
      return bad('registered_charity_number', rawNumber, 'is not a charity number');
    }
    const linked = fields[layout.linked]!.trim();
    if (linked !== '' && linked !== '0') return EXCLUDED;
    const name = text(fields, layout.name);
    if (name === null) return bad('charity_name', null, 'is empty');
    const extract = parseOfficialDate(text(fields, layout.extractDate));
    return {
      kind: 'row',
      record: {
        charityNumber,
        name,
        nameKey: normaliseName(name),
        charityType: text(fields, layout.type),
        isCio: parseFlag(text(fields, layout.isCio)),
        status: text(fields, layout.status),
        registeredOn: parseOfficialDate(text(fields, layout.registered)),
        removedOn: parseOfficialDate(text(fields, layout.removed)),
        postcode: normalisePostcode(text(fields, layout.postcode)),
        companyNumber: normaliseCompanyNumber(text(fields, layout.company)),
      },
      ...(extract ? { editionHint: extract } : {}),
    };
  },

  /** The extract date the rows carry (date_of_extract). */
  edition(_layout, _fileName, latestHint) {
    return latestHint;
  },
};
