import { describe, expect, it } from 'vitest';
import { supplierIdentity } from './supplier-identity.ts';

const base = {
  companyNumber: null,
  charityNumber: null,
  societyNumber: null,
  nameKey: 'ACME LTD',
  postcode: 'WN1 1AA',
};

describe('supplierIdentity', () => {
  it('prefers the company number, then charity, then society', () => {
    expect(
      supplierIdentity({ ...base, companyNumber: '01234567', charityNumber: '1150001' }),
    ).toEqual({ key: 'company:01234567', register: 'company', number: '01234567' });
    expect(
      supplierIdentity({ ...base, charityNumber: '1150001', societyNumber: '31117R' }).key,
    ).toBe('charity:1150001');
    expect(supplierIdentity({ ...base, societyNumber: '31117R' }).key).toBe('society:31117R');
  });

  it('falls back to name and postcode together, unnamed to partners', () => {
    expect(supplierIdentity(base)).toEqual({
      key: 'name:ACME LTD|WN1 1AA',
      register: null,
      number: null,
    });
    expect(supplierIdentity({ ...base, postcode: 'WN2 2AB' }).key).not.toBe(
      supplierIdentity(base).key,
    );
  });
});
