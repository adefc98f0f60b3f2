import { describe, expect, it } from 'vitest';
import {
  choosePostcode,
  tagSupplier,
  type PlaceFacts,
  type SupplierFacts,
} from './supplier-tags.ts';

const WIGAN = 'E08000010';
const BOLTON = 'E08000001';
const LEEDS = 'E08000035';
const areas = { homeAreas: [WIGAN], widerAreas: [BOLTON, WIGAN] };

const none: SupplierFacts = {
  file: null,
  company: null,
  charity: null,
  mutual: null,
  override: null,
};
const place = (
  lad: string | null,
  decile: number | null = 5,
  terminated: string | null = null,
): PlaceFacts => ({
  lad,
  lsoa: lad ? 'E01006234' : null,
  terminated,
  imdDecile: decile,
  imdEdition: '2019',
});
const company = (
  over: Partial<NonNullable<SupplierFacts['company']>> = {},
): NonNullable<SupplierFacts['company']> => ({
  number: '01234567',
  name: 'ACME LTD',
  postcode: 'WN3 6XP',
  category: 'Private Limited Company',
  status: 'Active',
  accountsCategory: 'SMALL',
  via: 'number',
  ...over,
});
const file = (
  over: Partial<NonNullable<SupplierFacts['file']>> = {},
): NonNullable<SupplierFacts['file']> => ({
  via: 'ref',
  postcode: null,
  employees: null,
  turnoverPence: null,
  balanceSheetPence: null,
  ...over,
});

describe('choosePostcode', () => {
  it('takes the override, then the supplier file, then the registers in order', () => {
    const facts: SupplierFacts = {
      ...none,
      file: file({ postcode: 'WN1 1AA' }),
      company: company({ postcode: 'M1 1AE' }),
      charity: {
        number: '1000001',
        name: 'C',
        postcode: 'BL1 1AA',
        status: 'Registered',
        removedOn: null,
        isCio: false,
        via: 'number',
      },
      override: { postcode: 'LS1 1UR', reason: 'moved to Leeds', by: 'cwb_ab12cd34' },
    };
    expect(choosePostcode(facts)).toMatchObject({ postcode: 'LS1 1UR', source: 'override' });
    expect(choosePostcode({ ...facts, override: null })).toMatchObject({
      postcode: 'WN1 1AA',
      source: 'supplier-file',
    });
    expect(choosePostcode({ ...facts, override: null, file: null })).toMatchObject({
      postcode: 'M1 1AE',
      source: 'companies-house',
    });
    expect(choosePostcode({ ...facts, override: null, file: null, company: null })).toMatchObject({
      postcode: 'BL1 1AA',
      source: 'charity-commission',
    });
  });

  it('says when the supplier file row was found by name', () => {
    expect(
      choosePostcode({ ...none, file: file({ postcode: 'WN1 1AA', via: 'name' }) }),
    ).toMatchObject({ postcode: 'WN1 1AA', source: 'name-match' });
  });

  it('says when the register entry was found by name', () => {
    expect(choosePostcode({ ...none, company: company({ via: 'name' }) })).toMatchObject({
      postcode: 'WN3 6XP',
      source: 'name-match',
      evidence: 'registered office of company 01234567 (ACME LTD), matched by exact name',
    });
  });
});

describe('location tags', () => {
  it('is local when the postcode is in a home area, wider when in the wider area', () => {
    const tags = tagSupplier({ ...none, file: file({ postcode: 'WN1 1AA' }) }, place(WIGAN), areas);
    expect(tags.local).toEqual({
      value: true,
      source: 'supplier-file',
      evidence: 'WN1 1AA is in E08000010 (postcode from the supplier file)',
    });
    expect(tags.widerArea.value).toBe(true);
    const bolton = tagSupplier(
      { ...none, file: file({ postcode: 'BL1 1AA' }) },
      place(BOLTON),
      areas,
    );
    expect([bolton.local.value, bolton.widerArea.value]).toEqual([false, true]);
    const leeds = tagSupplier(
      { ...none, file: file({ postcode: 'LS1 1UR' }) },
      place(LEEDS),
      areas,
    );
    expect([leeds.local.value, leeds.widerArea.value]).toEqual([false, false]);
  });

  it('is unknown, not false, with no postcode anywhere', () => {
    const tags = tagSupplier(none, null, areas);
    expect(tags.postcode).toBeNull();
    for (const name of ['local', 'widerArea', 'deprivedArea'] as const) {
      expect(tags[name]).toEqual({
        value: null,
        source: 'none',
        evidence: 'no postcode in the supplier file or any register match',
      });
    }
  });

  it('is unknown when the directory does not know the postcode', () => {
    const tags = tagSupplier({ ...none, file: file({ postcode: 'ZZ9 9ZZ' }) }, null, areas);
    expect(tags.local).toMatchObject({
      value: null,
      evidence: 'ZZ9 9ZZ (postcode from the supplier file) is not in the postcode directory',
    });
  });

  it('still places a terminated postcode, and says it is terminated', () => {
    const tags = tagSupplier(
      { ...none, file: file({ postcode: 'WN1 9ZZ' }) },
      place(WIGAN, 5, '201906'),
      areas,
    );
    expect(tags.local.value).toBe(true);
    expect(tags.local.evidence).toContain('postcode terminated 2019-06');
  });
});

describe('deprivedArea', () => {
  it('is true in IMD deciles 1 and 2 only', () => {
    const at = (decile: number) =>
      tagSupplier({ ...none, file: file({ postcode: 'WN1 1AA' }) }, place(WIGAN, decile), areas)
        .deprivedArea;
    expect([1, 2, 3, 10].map((d) => at(d).value)).toEqual([true, true, false, false]);
    expect(at(1).evidence).toBe('WN1 1AA is in LSOA E01006234, IMD decile 1 (IoD 2019)');
  });

  it('is unknown when the LSOA has no decile', () => {
    const tags = tagSupplier(
      { ...none, file: file({ postcode: 'WN1 1AA' }) },
      place(WIGAN, null),
      areas,
    );
    expect(tags.deprivedArea).toMatchObject({
      value: null,
      evidence: 'LSOA E01006234 is not in the loaded deprivation index',
    });
  });
});

describe('vcfse', () => {
  const charity = {
    number: '1012345',
    name: 'WIGAN HOSPICE',
    postcode: null,
    status: 'Registered',
    removedOn: null,
    isCio: false,
    via: 'number' as const,
  };
  it('is true for a registered charity, a CIO, a CIC and a registered society', () => {
    expect(tagSupplier({ ...none, charity }, null, areas).vcfse).toEqual({
      value: true,
      source: 'charity-commission',
      evidence: 'registered charity 1012345 (WIGAN HOSPICE)',
    });
    expect(
      tagSupplier({ ...none, charity: { ...charity, isCio: true } }, null, areas).vcfse.evidence,
    ).toContain('a CIO');
    expect(
      tagSupplier(
        { ...none, company: company({ category: 'Community Interest Company' }) },
        null,
        areas,
      ).vcfse.value,
    ).toBe(true);
    const society = {
      number: '31234R',
      name: 'WIGAN CO-OP',
      postcode: null,
      registeredAs: 'Co-operative Society',
      status: 'Registered',
      via: 'number' as const,
    };
    expect(tagSupplier({ ...none, mutual: society }, null, areas).vcfse).toMatchObject({
      value: true,
      source: 'fca-mutuals',
    });
    expect(
      tagSupplier(
        { ...none, mutual: { ...society, registeredAs: 'Community Benefit Society' } },
        null,
        areas,
      ).vcfse.value,
    ).toBe(true);
  });

  it('is false for an ordinary company, a removed charity and a deregistered society', () => {
    expect(tagSupplier({ ...none, company: company() }, null, areas).vcfse).toMatchObject({
      value: false,
      source: 'companies-house',
    });
    expect(
      tagSupplier(
        { ...none, charity: { ...charity, status: 'Removed', removedOn: '2019-05-01' } },
        null,
        areas,
      ).vcfse,
    ).toMatchObject({
      value: false,
      evidence: 'charity 1012345 (WIGAN HOSPICE) was removed from the register on 2019-05-01',
    });
    const gone = {
      number: '1R',
      name: 'X',
      postcode: null,
      registeredAs: 'Co-operative Society',
      status: 'Deregistered',
      via: 'number' as const,
    };
    expect(tagSupplier({ ...none, mutual: gone }, null, areas).vcfse.value).toBe(false);
  });

  it('prefers the charity register to the company register for a charitable company', () => {
    const tags = tagSupplier(
      {
        ...none,
        company: company({
          category:
            'PRI/LBG/NSC (Private, Limited by guarantee, no share capital, use of Limited exemption)',
        }),
        charity,
      },
      null,
      areas,
    );
    expect(tags.vcfse).toMatchObject({ value: true, source: 'charity-commission' });
  });

  it('is unknown when no register knows the supplier, and marks name matches', () => {
    expect(tagSupplier(none, null, areas).vcfse.value).toBeNull();
    expect(
      tagSupplier({ ...none, charity: { ...charity, via: 'name' } }, null, areas).vcfse.source,
    ).toBe('name-match');
  });
});

describe('sme', () => {
  const million = (n: number) => BigInt(n) * 1_000_000_00n;
  it('reads the supplier file first', () => {
    expect(
      tagSupplier(
        { ...none, file: file({ employees: 249, turnoverPence: million(44) }) },
        null,
        areas,
      ).sme,
    ).toMatchObject({ value: true, source: 'supplier-file' });
    expect(
      tagSupplier(
        {
          ...none,
          file: file({ employees: 10, turnoverPence: million(60), balanceSheetPence: million(38) }),
        },
        null,
        areas,
      ).sme.value,
    ).toBe(true);
    expect(
      tagSupplier(
        { ...none, file: file({ employees: 250, turnoverPence: million(1) }) },
        null,
        areas,
      ).sme,
    ).toMatchObject({
      value: false,
      evidence: 'supplier file: 250 employees, turnover £1,000,000: 250 or more employees',
    });
    expect(
      tagSupplier(
        {
          ...none,
          file: file({ employees: 10, turnoverPence: million(45), balanceSheetPence: million(39) }),
        },
        null,
        areas,
      ).sme.value,
    ).toBe(false);
  });

  it('falls back to the Companies House accounts category when the file cannot decide', () => {
    const facts = {
      ...none,
      file: file({ employees: 10 }),
      company: company({ accountsCategory: 'TOTAL EXEMPTION FULL' }),
    };
    expect(tagSupplier(facts, null, areas).sme).toMatchObject({
      value: true,
      source: 'companies-house',
    });
    for (const category of [
      'MICRO ENTITY',
      'SMALL',
      'MEDIUM',
      'UNAUDITED ABRIDGED',
      'TOTAL EXEMPTION SMALL',
    ]) {
      expect(
        tagSupplier({ ...none, company: company({ accountsCategory: category }) }, null, areas).sme
          .value,
      ).toBe(true);
    }
    for (const category of ['FULL', 'GROUP', 'DORMANT', 'NO ACCOUNTS FILED']) {
      expect(
        tagSupplier({ ...none, company: company({ accountsCategory: category }) }, null, areas).sme
          .value,
      ).toBeNull();
    }
  });
});

describe('overrides', () => {
  it('win over every rule and say who and why', () => {
    const facts: SupplierFacts = {
      ...none,
      company: company({ category: 'Private Limited Company', accountsCategory: 'FULL' }),
      override: {
        vcfse: true,
        sme: false,
        local: true,
        reason: 'social enterprise confirmed by the CWB team',
        by: 'cwb_ab12cd34',
      },
    };
    const tags = tagSupplier(facts, place(LEEDS), areas);
    expect(tags.vcfse).toEqual({
      value: true,
      source: 'override',
      evidence: 'set by cwb_ab12cd34: social enterprise confirmed by the CWB team',
    });
    expect(tags.sme).toMatchObject({ value: false, source: 'override' });
    expect(tags.local).toMatchObject({ value: true, source: 'override' });
    // The wider-area tag still follows the place: only the tags named are overridden.
    expect(tags.widerArea.value).toBe(false);
  });

  it('moves the supplier when the postcode is overridden', () => {
    const tags = tagSupplier(
      {
        ...none,
        file: file({ postcode: 'LS1 1UR' }),
        override: { postcode: 'WN1 1AA', reason: 'trades from its Wigan depot', by: 'admin-token' },
      },
      place(WIGAN),
      areas,
    );
    expect(tags).toMatchObject({
      postcode: 'WN1 1AA',
      postcodeSource: 'override',
      local: { value: true, source: 'override' },
    });
  });
});
