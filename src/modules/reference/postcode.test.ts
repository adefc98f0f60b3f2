import { describe, expect, it } from 'vitest';
import { findPostcodeInAddress, normalisePostcode } from './postcode.ts';

describe('normalisePostcode', () => {
  it.each([
    ['WN1 1AA', 'WN1 1AA'],
    ['wn11aa', 'WN1 1AA'],
    ['  M1   1ae ', 'M1 1AE'],
    ['WN1 OAA', 'WN1 0AA'],
    ['EC1A1BB', 'EC1A 1BB'],
    ['B33 8TH', 'B33 8TH'],
    ['SW1A 2AA', 'SW1A 2AA'],
    ['wn7-1ab', 'WN7 1AB'],
  ])('%s -> %s', (raw, expected) => {
    expect(normalisePostcode(raw)).toBe(expected);
  });

  it.each(['', 'WIGAN', '12345', 'WN1 1A', 'WN1 1AAA1', 'WA 1AA', null, undefined])(
    '%s is not a postcode',
    (raw) => {
      expect(normalisePostcode(raw)).toBeNull();
    },
  );
});

describe('findPostcodeInAddress', () => {
  it('takes the postcode at the end of an address', () => {
    expect(findPostcodeInAddress('Unit 4, Wheatlea Ind Est, Wigan, Lancashire WN3 6XP')).toBe(
      'WN3 6XP',
    );
    expect(findPostcodeInAddress('12 Market Street, Manchester, M1 1WR, United Kingdom')).toBe(
      'M1 1WR',
    );
    expect(findPostcodeInAddress('The Old Mill, Leigh WN7 OAB')).toBe('WN7 0AB');
    expect(findPostcodeInAddress('no postcode here')).toBeNull();
  });
});
