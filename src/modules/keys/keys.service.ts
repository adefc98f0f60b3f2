import type { Kysely } from 'kysely';
import type { ApiKeyRole, DB } from '../../db/schema.ts';
import type { Principal } from '../../http/access.ts';
import { DbMemo } from '../../db/memo.ts';
import { notFound } from '../../http/problem.ts';
import { insertAuditEntry } from '../audit/audit.repository.ts';
import { findOrganisation } from '../organisations/organisations.repository.ts';
import { generateApiKey, hashApiKey, looksLikeApiKey, secretsEqual } from './api-key.ts';
import * as keys from './keys.repository.ts';

/** How stale `last_used_at` may get before a request refreshes it (one write a minute, not one a request). */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Keys seen in the last few seconds, by hash: most requests then need no key lookup. A key
 * revoked here is forgotten at once; revoked in another process, it is refused within the TTL.
 */
const KEY_MEMO_TTL_MS = 5_000;
const keyMemo = new DbMemo<keys.ApiKeyRow>(KEY_MEMO_TTL_MS);

/**
 * Resolves a bearer token to the principal it stands for: the admin token, or a stored key
 * that is not revoked. Returns null for anything else.
 */
export async function authenticate(
  db: Kysely<DB>,
  adminToken: string | undefined,
  token: string,
): Promise<Principal | null> {
  if (adminToken !== undefined && secretsEqual(token, adminToken)) {
    return { role: 'admin', orgId: null, actor: 'admin-token', keyId: null };
  }
  if (!looksLikeApiKey(token)) return null;
  const row = await keyMemo.get(db, hashApiKey(token), () =>
    keys.findApiKeyByHash(db, hashApiKey(token)),
  );
  if (!row || row.revoked_at !== null) return null;
  if (row.last_used_at === null || Date.now() - row.last_used_at.getTime() > TOUCH_INTERVAL_MS) {
    await keys.touchApiKey(db, row.org_id, row.id);
    row.last_used_at = new Date();
  }
  return { role: row.role, orgId: row.org_id, actor: row.prefix, keyId: row.id };
}

export interface CreatedKey {
  row: keys.ApiKeyRow;
  /** The key itself: returned once, never stored. */
  key: string;
}

/** Issues a new key for an organisation and records who issued it. */
export async function createApiKey(
  db: Kysely<DB>,
  actor: string,
  orgId: string,
  role: ApiKeyRole,
  name: string | null,
): Promise<CreatedKey> {
  return db.transaction().execute(async (trx) => {
    if (!(await findOrganisation(trx, orgId))) throw notFound(`Organisation ${orgId}`);
    const generated = generateApiKey();
    const row = await keys.insertApiKey(trx, {
      orgId,
      prefix: generated.prefix,
      keyHash: generated.hash,
      role,
      name,
      createdBy: actor,
    });
    await insertAuditEntry(trx, {
      actor,
      orgId,
      action: 'key.create',
      target: row.prefix,
      after: { id: row.id, prefix: row.prefix, role, name },
    });
    return { row, key: generated.key };
  });
}

/** The keys of an organisation (hashes never leave the repository layer's rows). */
export async function listApiKeys(db: Kysely<DB>, orgId: string): Promise<keys.ApiKeyRow[]> {
  if (!(await findOrganisation(db, orgId))) throw notFound(`Organisation ${orgId}`);
  return keys.listApiKeys(db, orgId);
}

/** Revokes a key; it is refused from the next request on. */
export async function revokeApiKey(
  db: Kysely<DB>,
  actor: string,
  orgId: string,
  id: string,
): Promise<keys.ApiKeyRow> {
  const revoked = await db.transaction().execute(async (trx) => {
    const before = await keys.findApiKey(trx, orgId, id);
    if (!before) throw notFound(`Key ${id}`);
    const row = await keys.revokeApiKey(trx, orgId, id);
    if (!row) throw notFound(`Key ${id}`);
    await insertAuditEntry(trx, {
      actor,
      orgId,
      action: 'key.revoke',
      target: row.prefix,
      before: { revokedAt: before.revoked_at },
      after: { revokedAt: row.revoked_at },
    });
    return row;
  });
  // Forgotten after the commit: forgetting earlier would let a request re-read the key unrevoked.
  keyMemo.forget(db, (_hash, key) => key.id === id);
  return revoked;
}
