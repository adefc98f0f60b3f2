import { describe, expect, it } from 'vitest';
import { isRedactedName } from './redaction.ts';

describe('isRedactedName', () => {
  it.each([
    'Redacted Personal Information',
    'REDACTED - PERSONAL DATA',
    'REDACTED PERSONAL DATA',
    'Redacted Data',
    'Personal Information Redacted',
    'Name Withheld',
    'Private Individual',
    'Personal Data',
    'Individual',
    'Data Protection Act',
    'Not Disclosed',
    'REDACTED COMMERCIAL CONFIDENTIALITY',
  ])('%s is redacted', (name) => expect(isRedactedName(name)).toBe(true));

  it.each([
    'Kenyon Block Consultants Ltd',
    'Individual Care Services Ltd',
    'Personalised Gifts Co',
    'Red Acted Theatre',
    'Wigan Youth Zone',
    'Redactive Publishing Limited',
    'Redactive Events Ltd',
  ])('%s is a supplier', (name) => expect(isRedactedName(name)).toBe(false));
});
