import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB, ReportLinksTable } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type ReportLinkRow = Selectable<ReportLinksTable>;

/** Stores a new report link (its token only as a hash). */
export async function insertReportLink(
  db: Db,
  link: {
    orgId: string;
    year: number;
    prefix: string;
    tokenHash: string;
    createdBy: string;
    createdAt: Date;
    expiresAt: Date;
  },
): Promise<ReportLinkRow> {
  return db
    .insertInto('report_links')
    .values({
      org_id: link.orgId,
      year: link.year,
      prefix: link.prefix,
      token_hash: link.tokenHash,
      created_by: link.createdBy,
      created_at: link.createdAt,
      expires_at: link.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The link with this token hash, if it is neither revoked nor expired at `now`. */
export async function findLiveReportLink(
  db: Db,
  tokenHash: string,
  now: Date,
): Promise<ReportLinkRow | undefined> {
  return db
    .selectFrom('report_links')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** An organisation's links, newest first. */
export async function listReportLinks(db: Db, orgId: string): Promise<ReportLinkRow[]> {
  return db
    .selectFrom('report_links')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('created_at', 'desc')
    .execute();
}

/** Revokes a link of an organisation; undefined when it has none with this id. */
export async function revokeReportLink(
  db: Db,
  orgId: string,
  id: string,
  now: Date,
): Promise<ReportLinkRow | undefined> {
  return db
    .updateTable('report_links')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(now)) }))
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
