import { describe, expect, it } from 'vitest';
import { normaliseName } from './normalise-name.ts';

describe('normaliseName', () => {
  it.each([
    ['Kenyon Block Consultants Ltd', 'KENYON BLOCK CONSULTANTS LTD'],
    ['KENYON BLOCK CONSULTANTS LIMITED', 'KENYON BLOCK CONSULTANTS LTD'],
    ['The Brick Project', 'BRICK PROJECT'],
    ['Smith & Sons (Wigan) Ltd.', 'SMITH AND SONS WIGAN LTD'],
    ['SMITH AND SONS WIGAN LIMITED', 'SMITH AND SONS WIGAN LTD'],
    ["St Mary's Hospice", 'ST MARYS HOSPICE'],
    ['St Mary’s Hospice', 'ST MARYS HOSPICE'],
    ['Café Nero Group Public Limited Company', 'CAFE NERO GROUP PLC'],
    ['Wigan Youth Zone Community Interest Company', 'WIGAN YOUTH ZONE CIC'],
    ['  A.B.C.  Builders  ', 'ABC BUILDERS'],
    ['ABC Builders', 'ABC BUILDERS'],
    ['Scholes Community Cafe C.I.C.', 'SCHOLES COMMUNITY CAFE CIC'],
    ['J. Smith & Son', 'J SMITH AND SON'],
    ['THEATRE ROYAL', 'THEATRE ROYAL'],
  ])('%s -> %s', (name, key) => {
    expect(normaliseName(name)).toBe(key);
  });

  it('gives the same key to the spellings a ledger and a register use', () => {
    expect(normaliseName('the wigan & leigh housing co. limited')).toBe(
      normaliseName('WIGAN AND LEIGH HOUSING COMPANY LTD'),
    );
  });

  it('gives an empty key to an empty name', () => {
    expect(normaliseName('')).toBe('');
    expect(normaliseName(' - ')).toBe('');
    expect(normaliseName(null)).toBe('');
  });
});
