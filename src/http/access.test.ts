import { describe, expect, it } from 'vitest';
import type { ApiKeyRole } from '../db/schema.ts';
import { isAllowed, type Access, type Principal } from './access.ts';

const key = (role: ApiKeyRole, orgId: string | null = 'wigan'): Principal => ({
  role,
  orgId,
  actor: 'cwb_00000000',
  keyId: 'k',
});

describe('isAllowed', () => {
  const cases: [ApiKeyRole, Access, string | undefined, boolean][] = [
    ['admin', 'admin', undefined, true],
    ['admin', 'org:write', 'bolton', true],
    ['finance', 'admin', undefined, false],
    ['finance', 'org:read', 'wigan', true],
    ['finance', 'org:write', 'wigan', true],
    ['finance', 'org:read', 'bolton', false],
    ['finance', 'org:write', 'bolton', false],
    ['viewer', 'org:read', 'wigan', true],
    ['viewer', 'org:write', 'wigan', false],
    ['viewer', 'org:read', 'bolton', false],
    ['viewer', 'charter', undefined, false],
    ['partner', 'org:read', 'wigan', false],
    ['partner', 'charter', undefined, true],
    ['partner', 'authenticated', undefined, true],
    ['viewer', 'org:read', undefined, false],
  ];
  it.each(cases)('%s key on a %s route for org %s -> %s', (role, access, org, expected) => {
    expect(isAllowed(key(role), access, org)).toBe(expected);
  });

  it('treats the admin token (no organisation) as admin everywhere', () => {
    expect(isAllowed(key('admin', null), 'org:write', 'wigan')).toBe(true);
  });
});
