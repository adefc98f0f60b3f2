import { describe, expect, it } from 'vitest';
import {
  normaliseCharityNumber,
  normaliseCompanyNumber,
  normaliseSocietyNumber,
} from './register-numbers.ts';

describe('normaliseCompanyNumber', () => {
  it('zero-pads numeric numbers to 8 digits', () => {
    expect(normaliseCompanyNumber('123456')).toBe('00123456');
    expect(normaliseCompanyNumber('01234567')).toBe('01234567');
    expect(normaliseCompanyNumber(' 1234 567 ')).toBe('01234567');
  });

  it('keeps prefixed numbers, upper case, padding the digits to 6', () => {
    expect(normaliseCompanyNumber('sc012345')).toBe('SC012345');
    expect(normaliseCompanyNumber('SC12345')).toBe('SC012345');
    expect(normaliseCompanyNumber('NI 012345')).toBe('NI012345');
    expect(normaliseCompanyNumber('OC300001')).toBe('OC300001');
    expect(normaliseCompanyNumber('IP28456R')).toBe('IP28456R');
    expect(normaliseCompanyNumber('CE012345')).toBe('CE012345');
  });

  it('gives null for what cannot be a company number', () => {
    for (const value of ['', '0', '00000000', 'N/A', 'none', '123456789', 'ABC12345X', null]) {
      expect(normaliseCompanyNumber(value)).toBeNull();
    }
  });
});

describe('normaliseCharityNumber', () => {
  it('keeps digits without leading zeros', () => {
    expect(normaliseCharityNumber('1123456')).toBe('1123456');
    expect(normaliseCharityNumber('0220949')).toBe('220949');
    expect(normaliseCharityNumber(' 1 123 456 ')).toBe('1123456');
  });

  it('reads a linked charity number as its main charity', () => {
    expect(normaliseCharityNumber('1123456-1')).toBe('1123456');
  });

  it('gives null for anything else', () => {
    for (const value of ['', '0', 'SC012345', 'abc', '123456789', null]) {
      expect(normaliseCharityNumber(value)).toBeNull();
    }
  });
});

describe('normaliseSocietyNumber', () => {
  it('keeps the number and suffix, upper case', () => {
    expect(normaliseSocietyNumber('31117R')).toBe('31117R');
    expect(normaliseSocietyNumber('31117r')).toBe('31117R');
    expect(normaliseSocietyNumber(' 4566 C ')).toBe('4566C');
    expect(normaliseSocietyNumber('007659')).toBe('7659');
  });

  it('meets the Companies House form of the same society', () => {
    expect(normaliseSocietyNumber('IP31117R')).toBe('31117R');
    expect(normaliseSocietyNumber('IP031117R')).toBe('31117R');
    expect(normaliseSocietyNumber('RS007659')).toBe('RS007659');
  });

  it('gives null for empty or impossible values', () => {
    expect(normaliseSocietyNumber('')).toBeNull();
    expect(normaliseSocietyNumber('not a number')).toBeNull();
    expect(normaliseSocietyNumber('not a number 0')).toBeNull();
  });
});
