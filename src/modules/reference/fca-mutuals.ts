import { normaliseName } from '../classify/normalise-name.ts';
import { findPostcodeInAddress } from './postcode.ts';
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
import { normaliseSocietyNumber } from './register-numbers.ts';

/*
 * The FCA Mutuals Public Register society list (SocietyList.csv, "Download the register" on
 * mutuals.fca.org.uk): co-operative and community benefit societies, credit unions, friendly
 * and building societies. Its header spells one column 'Full Registation Number' [sic]; the
 * corrected spelling is read too, and failing both, 'Society Number' with 'Society Suffix'.
 * The postcode is the last postcode in 'Society Address'.
 */

export interface MutualRecord {
  societyNumber: string;
  name: string;
  nameKey: string;
  postcode: string | null;
  registeredAs: string | null;
  status: string | null;
}

export interface MutualLayout extends Layout {
  format: 'fca-mutuals';
  /** 'Full Registation Number' (or its correct spelling), else -1. */
  fullNumber: number;
  numberColumn: string;
  societyNumber: number;
  suffix: number;
  name: number;
  address: number;
  registeredAs: number;
  status: number;
}

export const mutualParser: ReferenceParser<MutualLayout, MutualRecord> = {
  dataset: 'mutuals',
  formats: [
    {
      name: 'fca-mutuals',
      title: 'FCA Mutuals Public Register society list',
      requiredColumns: ['Society Name', 'Full Registation Number', 'Society Address'],
    },
  ],

  detectHeader(header) {
    const keys = header.map(headerKey);
    const fullNumber = findColumn(keys, ['full registation number', 'full registration number']);
    const societyNumber = findColumn(keys, ['society number']);
    const layout: MutualLayout = {
      format: 'fca-mutuals',
      width: header.length,
      notes: [],
      fullNumber,
      numberColumn: header[fullNumber !== -1 ? fullNumber : societyNumber]?.trim() ?? '',
      societyNumber,
      suffix: findColumn(keys, ['society suffix']),
      name: findColumn(keys, ['society name']),
      address: findColumn(keys, ['society address']),
      registeredAs: findColumn(keys, ['registered as']),
      status: findColumn(keys, ['society status']),
    };
    if (layout.name === -1 || layout.address === -1) return null;
    if (fullNumber === -1 && societyNumber === -1) return null;
    return layout;
  },

  parseRow(fields, layout): ParsedRow<MutualRecord> {
    const rawNumber =
      layout.fullNumber !== -1
        ? fields[layout.fullNumber]!
        : `${fields[layout.societyNumber]!.trim()}${text(fields, layout.suffix) ?? ''}`;
    const societyNumber = normaliseSocietyNumber(rawNumber);
    if (societyNumber === null) {
      return bad(layout.numberColumn, rawNumber, 'is not a society registration number');
    }
    const name = text(fields, layout.name);
    if (name === null) return bad('Society Name', null, 'is empty');
    return {
      kind: 'row',
      record: {
        societyNumber,
        name,
        nameKey: normaliseName(name),
        postcode: findPostcodeInAddress(fields[layout.address]),
        registeredAs: text(fields, layout.registeredAs),
        status: text(fields, layout.status),
      },
    };
  },

  /** The download date in the file name (SocietyList-2026-11.csv), if it was named so. */
  edition(_layout, fileName) {
    return dateFromFileName(fileName);
  },
};
