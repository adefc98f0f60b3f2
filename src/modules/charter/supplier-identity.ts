/*
 * The same business paid by two partners, told apart from two businesses: by its company
 * number, else its charity number, else its society number (the registers' keys), else by its
 * normalised name and postcode together. Redacted payments have no identity.
 */

export interface SupplierFacts {
  companyNumber: string | null;
  charityNumber: string | null;
  societyNumber: string | null;
  nameKey: string;
  postcode: string | null;
}

export interface SupplierIdentity {
  /** Equal for the same business, whichever partner pays it. */
  key: string;
  /** The register that knows it, if any: only registered organisations are ever named to partners. */
  register: 'company' | 'charity' | 'society' | null;
  number: string | null;
}

export function supplierIdentity(s: SupplierFacts): SupplierIdentity {
  if (s.companyNumber)
    return { key: `company:${s.companyNumber}`, register: 'company', number: s.companyNumber };
  if (s.charityNumber)
    return { key: `charity:${s.charityNumber}`, register: 'charity', number: s.charityNumber };
  if (s.societyNumber)
    return { key: `society:${s.societyNumber}`, register: 'society', number: s.societyNumber };
  return { key: `name:${s.nameKey}|${s.postcode ?? ''}`, register: null, number: null };
}
