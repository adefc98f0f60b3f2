import type { ApiKeyRole } from '../db/schema.ts';

/*
 * Who may call what. Every /v1 route declares one of these rules in its `config.access`;
 * a route without one stops the app from starting.
 * - admin:         admin only.
 * - authenticated: any valid key; the handler shows only what the key may see.
 * - org:read:      admin, or a finance or viewer key of the organisation in the path.
 * - org:write:     admin, or a finance key of the organisation in the path.
 * - charter:       admin, or a partner key.
 */
export type Access = 'admin' | 'authenticated' | 'org:read' | 'org:write' | 'charter';

export const ACCESS_RULES: readonly Access[] = [
  'admin',
  'authenticated',
  'org:read',
  'org:write',
  'charter',
];

/** Who is calling: the role and organisation of the key used. */
export interface Principal {
  role: ApiKeyRole;
  /** The key's organisation; null for the CWB_ADMIN_TOKEN. */
  orgId: string | null;
  /** Written to the audit log: a key prefix, or `admin-token`. */
  actor: string;
  keyId: string | null;
}

/** Decides whether `principal` may use a route with rule `access` on organisation `org`. */
export function isAllowed(principal: Principal, access: Access, org: string | undefined): boolean {
  if (principal.role === 'admin') return true;
  switch (access) {
    case 'admin':
      return false;
    case 'authenticated':
      return true;
    case 'org:read':
      return (
        (principal.role === 'finance' || principal.role === 'viewer') &&
        org !== undefined &&
        org === principal.orgId
      );
    case 'org:write':
      return principal.role === 'finance' && org !== undefined && org === principal.orgId;
    case 'charter':
      return principal.role === 'partner';
  }
}
