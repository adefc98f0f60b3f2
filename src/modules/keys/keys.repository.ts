import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ApiKeyRole, ApiKeysTable, DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type ApiKeyRow = Selectable<ApiKeysTable>;

/** Finds a key by the sha256 of its text, revoked or not. */
export async function findApiKeyByHash(db: Db, keyHash: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
}

/** Stores a new key (its hash and prefix only). */
export async function insertApiKey(
  db: Db,
  key: {
    orgId: string;
    prefix: string;
    keyHash: string;
    role: ApiKeyRole;
    name: string | null;
    createdBy: string;
  },
): Promise<ApiKeyRow> {
  return db
    .insertInto('api_keys')
    .values({
      org_id: key.orgId,
      prefix: key.prefix,
      key_hash: key.keyHash,
      role: key.role,
      name: key.name,
      created_by: key.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The keys of one organisation, newest first. */
export async function listApiKeys(db: Db, orgId: string): Promise<ApiKeyRow[]> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('created_at', 'desc')
    .orderBy('prefix')
    .execute();
}

/** One key of one organisation. */
export async function findApiKey(
  db: Db,
  orgId: string,
  id: string,
): Promise<ApiKeyRow | undefined> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Marks a key revoked (once; a second revoke keeps the first time). */
export async function revokeApiKey(
  db: Db,
  orgId: string,
  id: string,
): Promise<ApiKeyRow | undefined> {
  return db
    .updateTable('api_keys')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.fn<Date>('now', [])) }))
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Records that a key was used now. */
export async function touchApiKey(db: Db, orgId: string, id: string): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: new Date() })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
}
