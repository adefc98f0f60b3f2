/*
 * The tag rules of DESIGN.md, as pure functions: facts about a supplier in, tags out, each tag
 * true, false or null (unknown) with the source it rests on and evidence a person can check.
 *
 * - location: override postcode, else the supplier file's, else the postcode of the register
 *   entry matched (company registered office, charity contact, society address).
 *   local = that postcode's LAD is one of the organisation's home areas; widerArea likewise.
 *   No known postcode, or one the directory does not know: unknown (null), never false.
 * - deprivedArea: the postcode's LSOA is in IMD deciles 1-2.
 * - vcfse: registered charity, CIC, charitable incorporated organisation, registered society
 *   (co-operative, community benefit society); false for another kind of registered body;
 *   unknown when no register knows the supplier.
 * - sme: fewer than 250 employees and (turnover <= £44m or balance sheet <= £38m) from the
 *   supplier file; else the Companies House accounts category (MICRO ENTITY, SMALL, MEDIUM,
 *   TOTAL EXEMPTION *, UNAUDITED ABRIDGED -> true; FULL, GROUP and the rest -> unknown).
 * - overrides win over every rule.
 */

export type TagName = 'local' | 'widerArea' | 'deprivedArea' | 'vcfse' | 'sme';

export type TagSource =
  | 'override'
  | 'supplier-file'
  | 'companies-house'
  | 'charity-commission'
  | 'fca-mutuals'
  | 'name-match'
  | 'none';

export interface Tag {
  value: boolean | null;
  source: TagSource;
  evidence: string;
}

export type SupplierTags = Record<TagName, Tag> & {
  /** The postcode the location tags rest on, and where it came from. */
  postcode: string | null;
  postcodeSource: TagSource;
};

/** How a register entry was found: by a number (from the supplier file or the ledger) or by exact name. */
export type MatchVia = 'number' | 'name';

export interface CompanyFacts {
  number: string;
  name: string;
  postcode: string | null;
  category: string | null;
  status: string | null;
  accountsCategory: string | null;
  via: MatchVia;
}

export interface CharityFacts {
  number: string;
  name: string;
  postcode: string | null;
  status: string | null;
  removedOn: string | null;
  isCio: boolean | null;
  via: MatchVia;
}

export interface MutualFacts {
  number: string;
  name: string;
  postcode: string | null;
  registeredAs: string | null;
  status: string | null;
  via: MatchVia;
}

export interface SupplierFileFacts {
  /** 'ref': the supplier's own row in the supplier file; 'name': a file row with exactly its name. */
  via: 'ref' | 'name';
  postcode: string | null;
  employees: number | null;
  turnoverPence: bigint | null;
  balanceSheetPence: bigint | null;
}

export interface Override {
  local?: boolean | null;
  vcfse?: boolean | null;
  sme?: boolean | null;
  postcode?: string | null;
  reason: string;
  by: string;
}

export interface SupplierFacts {
  file: SupplierFileFacts | null;
  company: CompanyFacts | null;
  charity: CharityFacts | null;
  mutual: MutualFacts | null;
  override: Override | null;
}

/** What the postcode directory and deprivation index say about a postcode. */
export interface PlaceFacts {
  lad: string | null;
  lsoa: string | null;
  terminated: string | null;
  imdDecile: number | null;
  /** Edition of the deprivation index the decile comes from, for the evidence. */
  imdEdition: string | null;
}

export interface AreaSettings {
  homeAreas: readonly string[];
  widerAreas: readonly string[];
}

const SME_TURNOVER_LIMIT_PENCE = 44_000_000_00n;
const SME_BALANCE_SHEET_LIMIT_PENCE = 38_000_000_00n;
const SME_EMPLOYEE_LIMIT = 250;
const DEPRIVED_DECILES = 2;

const SME_ACCOUNTS =
  /^(MICRO ENTITY|SMALL|MEDIUM|TOTAL EXEMPTION\b.*|UNAUDITED ABRIDGED|AUDITED ABRIDGED)$/i;
const VCFSE_COMPANY_CATEGORY =
  /community interest company|charitable incorporated organisation|registered society|industrial and provident society/i;
const VCFSE_SOCIETY = /co-?operative|community benefit|registered society|bencom|credit union/i;

/** Where the location tags' postcode comes from: override, supplier file, then the registers. */
export function choosePostcode(facts: SupplierFacts): {
  postcode: string | null;
  source: TagSource;
  evidence: string;
} {
  if (facts.override?.postcode) {
    return {
      postcode: facts.override.postcode,
      source: 'override',
      evidence: `postcode set by ${facts.override.by}: ${facts.override.reason}`,
    };
  }
  if (facts.file?.postcode) {
    return facts.file.via === 'name'
      ? {
          postcode: facts.file.postcode,
          source: 'name-match',
          evidence: 'postcode from the supplier file row with the same name',
        }
      : {
          postcode: facts.file.postcode,
          source: 'supplier-file',
          evidence: 'postcode from the supplier file',
        };
  }
  const registers: [CompanyFacts | CharityFacts | MutualFacts | null, TagSource, string][] = [
    [facts.company, 'companies-house', 'registered office of company'],
    [facts.charity, 'charity-commission', 'contact address of charity'],
    [facts.mutual, 'fca-mutuals', 'address of society'],
  ];
  for (const [entry, source, what] of registers) {
    if (entry?.postcode) {
      return {
        postcode: entry.postcode,
        source: entry.via === 'name' ? 'name-match' : source,
        evidence: `${what} ${entry.number} (${entry.name})${entry.via === 'name' ? ', matched by exact name' : ''}`,
      };
    }
  }
  return {
    postcode: null,
    source: 'none',
    evidence: 'no postcode in the supplier file or any register match',
  };
}

/** Applies every rule. `place` is what the directory knows of the chosen postcode (null if nothing). */
export function tagSupplier(
  facts: SupplierFacts,
  place: PlaceFacts | null,
  areas: AreaSettings,
): SupplierTags {
  const chosen = choosePostcode(facts);
  const location = locationTags(chosen, place, areas);
  const tags: SupplierTags = {
    postcode: chosen.postcode,
    postcodeSource: chosen.source,
    local: location.local,
    widerArea: location.widerArea,
    deprivedArea: deprivedTag(chosen, place),
    vcfse: vcfseTag(facts),
    sme: smeTag(facts),
  };
  const override = facts.override;
  if (override) {
    const because = `set by ${override.by}: ${override.reason}`;
    for (const name of ['local', 'vcfse', 'sme'] as const) {
      const value = override[name];
      if (value !== undefined && value !== null)
        tags[name] = { value, source: 'override', evidence: because };
    }
  }
  return tags;
}

function locationTags(
  chosen: ReturnType<typeof choosePostcode>,
  place: PlaceFacts | null,
  areas: AreaSettings,
): { local: Tag; widerArea: Tag } {
  if (chosen.postcode === null) {
    const unknown: Tag = { value: null, source: 'none', evidence: chosen.evidence };
    return { local: unknown, widerArea: unknown };
  }
  if (place === null || place.lad === null) {
    const unknown: Tag = {
      value: null,
      source: chosen.source,
      evidence: `${chosen.postcode} (${chosen.evidence}) is not in the postcode directory`,
    };
    return { local: unknown, widerArea: unknown };
  }
  const terminated = place.terminated
    ? `; postcode terminated ${place.terminated.slice(0, 4)}-${place.terminated.slice(4)}`
    : '';
  const where = `${chosen.postcode} is in ${place.lad} (${chosen.evidence}${terminated})`;
  return {
    local: { value: areas.homeAreas.includes(place.lad), source: chosen.source, evidence: where },
    widerArea: {
      value: areas.widerAreas.includes(place.lad),
      source: chosen.source,
      evidence: where,
    },
  };
}

function deprivedTag(chosen: ReturnType<typeof choosePostcode>, place: PlaceFacts | null): Tag {
  if (chosen.postcode === null) return { value: null, source: 'none', evidence: chosen.evidence };
  if (place === null || place.lsoa === null) {
    return { value: null, source: chosen.source, evidence: `no LSOA known for ${chosen.postcode}` };
  }
  if (place.imdDecile === null) {
    return {
      value: null,
      source: chosen.source,
      evidence: `LSOA ${place.lsoa} is not in the loaded deprivation index`,
    };
  }
  return {
    value: place.imdDecile <= DEPRIVED_DECILES,
    source: chosen.source,
    evidence: `${chosen.postcode} is in LSOA ${place.lsoa}, IMD decile ${place.imdDecile}${place.imdEdition ? ` (IoD ${place.imdEdition})` : ''}`,
  };
}

function vcfseTag(facts: SupplierFacts): Tag {
  const { charity, company, mutual } = facts;
  if (charity) {
    const source = charity.via === 'name' ? 'name-match' : 'charity-commission';
    const removed = charity.removedOn !== null || /removed/i.test(charity.status ?? '');
    return removed
      ? {
          value: false,
          source,
          evidence: `charity ${charity.number} (${charity.name}) was removed from the register${charity.removedOn ? ` on ${charity.removedOn}` : ''}`,
        }
      : {
          value: true,
          source,
          evidence: `registered charity ${charity.number} (${charity.name})${charity.isCio ? ', a CIO' : ''}`,
        };
  }
  if (mutual) {
    const source = mutual.via === 'name' ? 'name-match' : 'fca-mutuals';
    const live = !/deregistered|cancelled|dissolved/i.test(mutual.status ?? '');
    const kind = mutual.registeredAs ?? 'society';
    return {
      value: live && VCFSE_SOCIETY.test(kind),
      source,
      evidence: `${kind} ${mutual.number} (${mutual.name}), ${mutual.status ?? 'status unknown'}`,
    };
  }
  if (company) {
    const source = company.via === 'name' ? 'name-match' : 'companies-house';
    return {
      value: VCFSE_COMPANY_CATEGORY.test(company.category ?? ''),
      source,
      evidence: `company ${company.number} (${company.name}) is a ${company.category ?? 'company of unknown category'}`,
    };
  }
  return {
    value: null,
    source: 'none',
    evidence: 'no charity, society or company register entry matched',
  };
}

function smeTag(facts: SupplierFacts): Tag {
  const file = facts.file;
  if (file) {
    const source: TagSource = file.via === 'name' ? 'name-match' : 'supplier-file';
    const { employees, turnoverPence: turnover, balanceSheetPence: balance } = file;
    const figures = describeSize(file);
    if (employees !== null && employees >= SME_EMPLOYEE_LIMIT) {
      return {
        value: false,
        source,
        evidence: `${figures}: 250 or more employees`,
      };
    }
    if (
      turnover !== null &&
      balance !== null &&
      turnover > SME_TURNOVER_LIMIT_PENCE &&
      balance > SME_BALANCE_SHEET_LIMIT_PENCE
    ) {
      return {
        value: false,
        source,
        evidence: `${figures}: turnover over £44m and balance sheet over £38m`,
      };
    }
    const financialsSmall =
      (turnover !== null && turnover <= SME_TURNOVER_LIMIT_PENCE) ||
      (balance !== null && balance <= SME_BALANCE_SHEET_LIMIT_PENCE);
    if (employees !== null && financialsSmall) {
      return {
        value: true,
        source,
        evidence: `${figures}: under 250 employees and within the turnover or balance sheet limit`,
      };
    }
  }
  const company = facts.company;
  if (company?.accountsCategory) {
    const source = company.via === 'name' ? 'name-match' : 'companies-house';
    const evidence = `company ${company.number} files ${company.accountsCategory} accounts`;
    return SME_ACCOUNTS.test(company.accountsCategory.trim())
      ? { value: true, source, evidence }
      : { value: null, source, evidence: `${evidence}, which does not show its size` };
  }
  return {
    value: null,
    source: 'none',
    evidence: 'no size figures in the supplier file and no Companies House accounts category',
  };
}

function describeSize(file: SupplierFileFacts): string {
  const parts = [
    file.employees !== null ? `${file.employees} employees` : null,
    file.turnoverPence !== null
      ? `turnover £${(file.turnoverPence / 100n).toLocaleString('en-GB')}`
      : null,
    file.balanceSheetPence !== null
      ? `balance sheet £${(file.balanceSheetPence / 100n).toLocaleString('en-GB')}`
      : null,
  ].filter(Boolean);
  return `supplier file: ${parts.length ? parts.join(', ') : 'no size figures'}`;
}
