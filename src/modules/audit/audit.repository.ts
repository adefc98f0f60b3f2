import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

export interface AuditEntry {
  actor: string;
  orgId: string | null;
  action: string;
  target: string | null;
  before?: unknown;
  after?: unknown;
}

/** Appends one entry to the audit log (inside the caller's transaction when given one). */
export async function insertAuditEntry(
  db: Kysely<DB> | Transaction<DB>,
  entry: AuditEntry,
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor: entry.actor,
      org_id: entry.orgId,
      action: entry.action,
      target: entry.target,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
    })
    .execute();
}

export interface AuditQuery {
  orgId?: string;
  action?: string;
  /** Entries with an id below this (for paging back). */
  before?: bigint;
  limit: number;
}

/** The newest audit entries matching the query. */
export async function listAuditEntries(db: Kysely<DB> | Transaction<DB>, query: AuditQuery) {
  let q = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(query.limit);
  if (query.orgId !== undefined) q = q.where('org_id', '=', query.orgId);
  if (query.action !== undefined)
    q = q.where('action', 'like', `${query.action.replace(/[%_\\]/g, '')}%`);
  if (query.before !== undefined) q = q.where('id', '<', query.before);
  return q.execute();
}
