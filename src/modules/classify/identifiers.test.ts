import { describe, expect, it } from 'vitest';
import {
  normaliseCharityNumber,
  normaliseCompanyNumber,
  normaliseVatNumber,
} from './identifiers.ts';

describe('normaliseCompanyNumber', () => {
  it.each([
    ['12191751', '12191751'],
    ['1234567', '01234567'],
    [' 0123 4567 ', '01234567'],
    ['sc123456', 'SC123456'],
    ['SC12345', 'SC012345'],
    ['NI012345', 'NI012345'],
    ['N/A', null],
    ['0', null],
    ['', null],
    ['not a number!', null],
  ])('%s -> %s', (raw, expected) => expect(normaliseCompanyNumber(raw)).toBe(expected));
});

describe('normaliseCharityNumber', () => {
  it.each([
    ['1012345', '1012345'],
    ['1012345-1', '1012345'],
    ['SC012345', 'SC12345'],
    ['N/A', null],
    ['abc', null],
  ])('%s -> %s', (raw, expected) => expect(normaliseCharityNumber(raw)).toBe(expected));
});

describe('normaliseVatNumber', () => {
  it.each([
    ['GB 123 4567 89', '123456789'],
    ['123456789', '123456789'],
    ['GB123456789001', '123456789001'],
    ['12345', null],
    ['', null],
  ])('%s -> %s', (raw, expected) => expect(normaliseVatNumber(raw)).toBe(expected));
});
