import { describe, expect, it } from 'vitest';
import { normaliseVatNumber } from './register-numbers.ts';

describe('normaliseVatNumber', () => {
  it.each([
    ['GB 123 4567 89', '123456789'],
    ['123456789', '123456789'],
    ['GB123456789001', '123456789001'],
    ['12345', null],
    ['000000000', null],
    ['', null],
  ])('%s -> %s', (raw, expected) => expect(normaliseVatNumber(raw)).toBe(expected));
});
