import { describe, expect, it } from 'vitest';
import { postcodeParser, type PostcodeLayout } from './onspd.ts';

// Headers as published: ONSPD (February 2023 on), NSPL (2022), and the 2025-on NSPL.
const ONSPD =
  'pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m,osgrdind,oshlthau,nhser,ctry,rgn,streg,pcon,eer,teclec,ttwa,pct,itl,statsward,oa01,casward,park,lsoa01,msoa01,ur01ind,oac01,oa11,lsoa11,msoa11,wz11,sicbl,bua11,buasd11,ru11ind,oac11,lat,long,lep1,lep2,pfa,imd,calncv,icb,oa21,lsoa21,msoa21'.split(
    ',',
  );
const NSPL =
  'pcd,pcd2,pcds,dointr,doterm,usertype,oseast1m,osnrth1m,osgrdind,oa11,cty,ced,laua,ward,hlthau,nhser,ctry,rgn,pcon,eer,teclec,ttwa,pct,itl,park,lsoa11,msoa11,wz11,ccg,bua11,buasd11,ru11ind,oac11,lat,long,lep1,lep2,pfa,imd,calncv,stp'.split(
    ',',
  );
const NSPL_2026 =
  'pcd7,pcd8,pcds,dointr,doterm,usrtypind,east1m,north1m,gridind,oa21cd,cty26cd,ced25cd,lad26cd,wd26cd,nhser24cd,ctry26cd,rgn26cd,pcon24cd,ttwa15cd,itl25cd,npark16cd,lsoa21cd,msoa21cd,wz11cd,sicbl26cd,bua24cd,ruc21ind,oac21ind,lat,long,lep21cd1,lep21cd2,pfa23cd,imd25ind,icb26cd'.split(
    ',',
  );

/** A row for `header` with the given columns set and the rest empty. */
function row(header: readonly string[], values: Record<string, string>): string[] {
  return header.map((column) => values[column.toLowerCase()] ?? '');
}

function detect(header: readonly string[], fileName: string | null = null): PostcodeLayout {
  const layout = postcodeParser.detectHeader(header, fileName);
  if (!layout) throw new Error('header not recognised');
  return layout;
}

describe('postcode directory headers', () => {
  it('tells the ONSPD by oslaua and reads its columns', () => {
    const layout = detect(ONSPD);
    expect(layout).toMatchObject({
      format: 'onspd',
      width: 53,
      postcode: 2,
      lad: 7,
      ward: 8,
      lsoa11: 34,
      lsoa21: 51,
      doterm: 4,
      usertype: 10,
      notes: [],
    });
  });

  it('tells the NSPL by laua, and notes a file without 2021 LSOAs', () => {
    const layout = detect(NSPL);
    expect(layout).toMatchObject({ format: 'nspl', lad: 12, ward: 13, lsoa11: 25, lsoa21: -1 });
    expect(layout.notes[0]).toMatch(/2011 LSOAs only/);
  });

  it('reads upper-case headers', () => {
    expect(detect(ONSPD.map((h) => h.toUpperCase()))).toMatchObject({ format: 'onspd', lad: 7 });
  });

  it('reads the 2025-on headers, telling ONSPD from NSPL by file name or 2011 columns', () => {
    expect(detect(NSPL_2026)).toMatchObject({
      format: 'nspl',
      lad: 12,
      ward: 13,
      lsoa21: 21,
      lsoa11: -1,
      usertype: 5,
    });
    expect(detect(NSPL_2026, 'ONSPD_AUG_2026_UK.csv').format).toBe('onspd');
    expect(detect([...NSPL_2026, 'lsoa11cd']).format).toBe('onspd');
  });

  it('refuses headers of other files', () => {
    expect(postcodeParser.detectHeader(['postcode', 'district'], null)).toBeNull();
    expect(postcodeParser.detectHeader(['pcds', 'oslaua'], null)).toBeNull(); // no doterm
    expect(
      postcodeParser.detectHeader(['CompanyName', ' CompanyNumber', 'RegAddress.PostCode'], null),
    ).toBeNull();
  });
});

describe('postcode directory rows', () => {
  const layout = detect(ONSPD);
  const wigan = {
    pcd: 'WN1 1AA',
    pcd2: 'WN1  1AA',
    pcds: 'WN1 1AA',
    dointr: '198001',
    oslaua: 'E08000010',
    osward: 'E05000849',
    lsoa11: 'E01006262',
    lsoa21: 'E01006262',
    usertype: '0',
  };

  it('reads a live postcode', () => {
    expect(postcodeParser.parseRow(row(ONSPD, wigan), layout)).toEqual({
      kind: 'row',
      record: {
        postcode: 'WN1 1AA',
        lad: 'E08000010',
        ward: 'E05000849',
        lsoa11: 'E01006262',
        lsoa21: 'E01006262',
        terminated: null,
        usertype: 0,
      },
      editionHint: '198001',
    });
  });

  it('keeps a terminated postcode with its termination month', () => {
    const parsed = postcodeParser.parseRow(
      row(ONSPD, { ...wigan, pcds: 'WN1 9ZZ', doterm: '201905', usertype: '1' }),
      layout,
    );
    expect(parsed).toMatchObject({
      kind: 'row',
      record: { postcode: 'WN1 9ZZ', terminated: '201905', usertype: 1 },
    });
  });

  it('normalises a postcode not in pcds form', () => {
    const parsed = postcodeParser.parseRow(row(ONSPD, { ...wigan, pcds: 'wn11aa' }), layout);
    expect(parsed).toMatchObject({ kind: 'row', record: { postcode: 'WN1 1AA' } });
  });

  it('turns pseudo codes (no district, ward or LSOA) into null', () => {
    const parsed = postcodeParser.parseRow(
      row(ONSPD, {
        ...wigan,
        pcds: 'GY1 1AA',
        oslaua: 'L99999999',
        osward: 'L99999999',
        lsoa11: 'L99999999',
        lsoa21: '',
      }),
      layout,
    );
    expect(parsed).toMatchObject({
      kind: 'row',
      record: { lad: null, ward: null, lsoa11: null, lsoa21: null },
    });
  });

  it('reports a row that has no postcode or a bad termination month', () => {
    expect(postcodeParser.parseRow(row(ONSPD, { ...wigan, pcds: 'NOT A PC' }), layout)).toEqual({
      kind: 'bad',
      problem: { column: 'pcds', value: 'NOT A PC', message: 'is not a postcode' },
    });
    expect(
      postcodeParser.parseRow(row(ONSPD, { ...wigan, doterm: '2019-05' }), layout),
    ).toMatchObject({ kind: 'bad', problem: { column: 'doterm' } });
  });

  it('reads the 2025-on columns', () => {
    const newLayout = detect(NSPL_2026);
    const parsed = postcodeParser.parseRow(
      row(NSPL_2026, {
        pcds: 'M46 0AA',
        lad26cd: 'E08000010',
        wd26cd: 'E05014000',
        lsoa21cd: 'E01006300',
        usrtypind: '0',
      }),
      newLayout,
    );
    expect(parsed).toMatchObject({
      kind: 'row',
      record: { postcode: 'M46 0AA', lad: 'E08000010', lsoa11: null, lsoa21: 'E01006300' },
    });
  });
});

describe('postcode directory edition', () => {
  const layout = detect(ONSPD);
  it('comes from the file name, else the newest introduction month', () => {
    expect(postcodeParser.edition(layout, 'ONSPD_FEB_2024_UK.csv', '202312')).toBe('2024-02');
    expect(postcodeParser.edition(layout, 'postcodes.csv', '202312')).toBe('2023-12');
    expect(postcodeParser.edition(layout, null, null)).toBeNull();
  });
});
