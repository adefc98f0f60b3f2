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
