import type { LsoaVintage } from '../../db/schema.ts';
import { bad, type Layout, type ParsedRow, type ReferenceParser } from './reference-format.ts';

/*
 * The English Indices of Deprivation, as published on gov.uk: IoD2019 File 7 ("All ranks,
 * deciles and scores for the indices of deprivation, and population denominators") on 2011
 * LSOAs, and IoD2025 File 7 on 2021 LSOAs (File 1, the IMD alone, reads too). The headers are
 * long and change slightly between editions:
 *
 *   LSOA code (2011)                                                     LSOA code (2021)
 *   Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)
 *   Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)
 *   Local Authority District code (2019)                                 ... code (2024)
 *
 * so columns are found by their distinctive words, in any case and spacing. The LSOA vintage
 * decides which postcode column the codes match (lsoa11 or lsoa21).
 */

export interface DeprivationRecord {
  lsoa: string;
  imdRank: number;
  imdDecile: number;
  /** Of the file, on every row: tagging matches postcodes on the loaded vintage. */
  edition: string;
  lsoaVintage: LsoaVintage;
}

export interface DeprivationLayout extends Layout {
  format: 'iod';
  lsoaVintage: LsoaVintage;
  lsoa: number;
  rank: number;
  decile: number;
  lsoaColumn: string;
  rankColumn: string;
  decileColumn: string;
  /** 'IoD2019', 'IoD2025': from the file name, else the district code year, else the vintage. */
  edition: string;
}

/** A header's words: lower case, punctuation gone ('LSOA code (2011)' -> 'lsoa code 2011'). */
function words(cell: string): string {
  return ` ${cell
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/[^a-z0-9%]+/g, ' ')
    .trim()} `;
}

const isImd = (w: string) => w.includes(' imd ') || w.includes(' index of multiple deprivation ');

/** Editions by the year of the district codes they were published with. */
const EDITION_BY_DISTRICT_YEAR: Record<string, string> = {
  '2013': 'IoD2015',
  '2019': 'IoD2019',
  '2024': 'IoD2025',
};
const EDITION_BY_VINTAGE: Record<LsoaVintage, string> = { '2011': 'IoD2019', '2021': 'IoD2025' };

const INTEGER = /^\d+$/;

export const deprivationParser: ReferenceParser<DeprivationLayout, DeprivationRecord> = {
  dataset: 'deprivation',
  formats: [
    {
      name: 'iod',
      title: 'English Indices of Deprivation (IoD2019 or IoD2025, File 7 or File 1)',
      requiredColumns: [
        'LSOA code (2011) or LSOA code (2021)',
        'Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)',
        'Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)',
      ],
    },
  ],

  detectHeader(header, fileName) {
    const w = header.map(words);
    const lsoa = w.findIndex((c) => c.includes(' lsoa ') && c.includes(' code '));
    const rank = w.findIndex((c) => isImd(c) && c.includes(' rank ') && !c.includes(' score '));
    const decile = w.findIndex((c) => isImd(c) && c.includes(' decile ') && !c.includes(' score '));
    if (lsoa === -1 || rank === -1 || decile === -1) return null;
    const vintage = /\b(2011|2021)\b/.exec(w[lsoa]!)?.[1] as LsoaVintage | undefined;
    if (!vintage) return null;
    const district = w.find((c) => c.includes(' local authority district code '));
    const districtYear = district ? /\b(20\d{2})\b/.exec(district)?.[1] : undefined;
    const named = /iod[\s_-]?(20\d{2})/i.exec(fileName ?? '');
    return {
      format: 'iod',
      width: header.length,
      notes: [],
      lsoaVintage: vintage,
      lsoa,
      rank,
      decile,
      lsoaColumn: header[lsoa]!.trim(),
      rankColumn: header[rank]!.trim(),
      decileColumn: header[decile]!.trim(),
      edition: named
        ? `IoD${named[1]}`
        : ((districtYear ? EDITION_BY_DISTRICT_YEAR[districtYear] : undefined) ??
          EDITION_BY_VINTAGE[vintage]),
    };
  },

  parseRow(fields, layout): ParsedRow<DeprivationRecord> {
    const lsoa = fields[layout.lsoa]!.trim();
    if (!/^[A-Z]\d{8}$/.test(lsoa)) return bad(layout.lsoaColumn, lsoa, 'is not an LSOA code');
    // Ranks re-saved from the spreadsheet may carry thousands separators.
    const rankText = fields[layout.rank]!.trim().replaceAll(',', '');
    if (!INTEGER.test(rankText) || Number(rankText) < 1 || Number(rankText) > 1e9) {
      return bad(layout.rankColumn, fields[layout.rank]!, 'is not a rank (a whole number from 1)');
    }
    const decileText = fields[layout.decile]!.trim();
    const decile = Number(decileText);
    if (!INTEGER.test(decileText) || decile < 1 || decile > 10) {
      return bad(layout.decileColumn, decileText, 'is not a decile (1 to 10)');
    }
    return {
      kind: 'row',
      record: {
        lsoa,
        imdRank: Number(rankText),
        imdDecile: decile,
        edition: layout.edition,
        lsoaVintage: layout.lsoaVintage,
      },
    };
  },

  edition(layout) {
    return layout.edition;
  },
};
