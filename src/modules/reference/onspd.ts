import { normalisePostcode } from './postcode.ts';
import {
  bad,
  dateFromFileName,
  findColumn,
  headerKey,
  type Layout,
  type ParsedRow,
  type ReferenceParser,
} from './reference-format.ts';

/*
 * The ONS postcode products: the ONS Postcode Directory (ONSPD) and the National Statistics
 * Postcode Lookup (NSPL), as published on the ONS Open Geography Portal. Their column sets
 * change with the edition; what is read:
 *
 *                 ONSPD (to 2024)   NSPL (to 2024)   2025 on (both)
 *   postcode      pcds              pcds             pcds
 *   district      oslaua            laua             lad25cd, lad26cd, ...
 *   ward          osward            ward             wd25cd, ...
 *   LSOA 2011     lsoa11            lsoa11           lsoa11cd (ONSPD)
 *   LSOA 2021     lsoa21            lsoa21           lsoa21cd
 *   terminated    doterm            doterm           doterm
 *   user type     usertype          usertype         usrtypind
 *
 * Headers are matched in any case. Terminated postcodes are kept: an old invoice address still
 * locates a supplier, and look-ups say it is terminated.
 */

export interface PostcodeRecord {
  postcode: string;
  lad: string | null;
  ward: string | null;
  lsoa11: string | null;
  lsoa21: string | null;
  terminated: string | null;
  usertype: number | null;
}

export interface PostcodeLayout extends Layout {
  format: 'onspd' | 'nspl';
  postcode: number;
  postcodeColumn: string;
  lad: number;
  ward: number;
  lsoa11: number;
  lsoa21: number;
  doterm: number;
  dointr: number;
  usertype: number;
}

/** A postcode already in pcds form: most rows, checked with one test. */
const PCDS = /^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$/;
const YEAR_MONTH = /^\d{6}$/;

/** Pseudo codes ('E99999999', 'L99999999' for the Channel Islands): no area of that kind. */
function areaCode(value: string | undefined): string | null {
  if (value === undefined || value === '' || value.endsWith('99999999')) return null;
  return value;
}

export const postcodeParser: ReferenceParser<PostcodeLayout, PostcodeRecord> = {
  dataset: 'postcodes',
  formats: [
    {
      name: 'onspd',
      title: 'ONS Postcode Directory (ONSPD)',
      requiredColumns: ['pcds', 'doterm', 'oslaua (or lad25cd ...)'],
    },
    {
      name: 'nspl',
      title: 'National Statistics Postcode Lookup (NSPL)',
      requiredColumns: ['pcds', 'doterm', 'laua (or lad25cd ...)'],
    },
  ],

  detectHeader(header, fileName) {
    const keys = header.map(headerKey);
    const postcode = findColumn(keys, ['pcds', 'pcd', 'pcd2', 'pcd7', 'pcd8']);
    const doterm = findColumn(keys, ['doterm']);
    const lad = findColumn(keys, ['oslaua', 'laua', /^lad\d{2}cd$/]);
    if (postcode === -1 || doterm === -1 || lad === -1) return null;

    let format: PostcodeLayout['format'];
    if (keys[lad] === 'oslaua') format = 'onspd';
    else if (keys[lad] === 'laua') format = 'nspl';
    else format = newStyleFormat(keys, fileName);

    const layout: PostcodeLayout = {
      format,
      width: header.length,
      notes: [],
      postcode,
      postcodeColumn: header[postcode]!.trim(),
      lad,
      ward: findColumn(keys, ['osward', 'ward', /^wd\d{2}cd$/]),
      lsoa11: findColumn(keys, ['lsoa11', 'lsoa11cd']),
      lsoa21: findColumn(keys, ['lsoa21', 'lsoa21cd']),
      doterm,
      dointr: findColumn(keys, ['dointr']),
      usertype: findColumn(keys, ['usertype', 'usrtypind']),
    };
    if (layout.lsoa11 === -1 && layout.lsoa21 === -1) {
      layout.notes.push(
        'The file has no LSOA column (lsoa11 or lsoa21): no postcode can be matched to deprivation.',
      );
    } else if (layout.lsoa21 === -1) {
      layout.notes.push(
        'The file has 2011 LSOAs only (no lsoa21): deprivation editions on 2021 LSOAs (IoD2025) will not match.',
      );
    } else if (layout.lsoa11 === -1) {
      layout.notes.push(
        'The file has 2021 LSOAs only (no lsoa11): deprivation editions on 2011 LSOAs (IoD2019) will not match.',
      );
    }
    return layout;
  },

  parseRow(fields, layout): ParsedRow<PostcodeRecord> {
    const raw = fields[layout.postcode]!;
    const postcode = PCDS.test(raw) ? raw : normalisePostcode(raw);
    if (postcode === null) return bad(layout.postcodeColumn, raw, 'is not a postcode');
    const doterm = fields[layout.doterm]!;
    if (doterm !== '' && !YEAR_MONTH.test(doterm)) {
      return bad('doterm', doterm, 'is not a termination month (yyyymm)');
    }
    const usertype = layout.usertype === -1 ? undefined : fields[layout.usertype];
    const dointr = layout.dointr === -1 ? undefined : fields[layout.dointr];
    return {
      kind: 'row',
      record: {
        postcode,
        lad: areaCode(fields[layout.lad]),
        ward: layout.ward === -1 ? null : areaCode(fields[layout.ward]),
        lsoa11: layout.lsoa11 === -1 ? null : areaCode(fields[layout.lsoa11]),
        lsoa21: layout.lsoa21 === -1 ? null : areaCode(fields[layout.lsoa21]),
        terminated: doterm === '' ? null : doterm,
        usertype: usertype === '0' ? 0 : usertype === '1' ? 1 : null,
      },
      ...(dointr !== undefined && YEAR_MONTH.test(dointr) ? { editionHint: dointr } : {}),
    };
  },

  edition(_layout, fileName, latestHint) {
    const named = dateFromFileName(fileName);
    if (named) return named.slice(0, 7);
    // The newest introduction month: the edition is published the month after.
    return latestHint ? `${latestHint.slice(0, 4)}-${latestHint.slice(4, 6)}` : null;
  },
};

/**
 * ONSPD or NSPL, for the 2025-on headers (lad25cd...), which the two share: the file name says
 * (ONSPD_..., NSPL_...), else the 2011 Census columns only the directory carries.
 */
function newStyleFormat(keys: readonly string[], fileName: string | null): 'onspd' | 'nspl' {
  const base = (fileName ?? '').split(/[\\/]/).pop()!.toUpperCase();
  if (base.startsWith('NSPL')) return 'nspl';
  if (base.startsWith('ONSPD')) return 'onspd';
  return keys.includes('lsoa11cd') || keys.includes('oa11cd') ? 'onspd' : 'nspl';
}
