import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

export async function up(db: Kysely<unknown>): Promise<void> {
  // Payment compliance reads the invoices that fell due in a period however late they were
  // paid: found by received date, which follows load order closely enough for a BRIN index
  // (tiny, and nothing to maintain row by row while a file is copied in).
  await sql`CREATE INDEX payments_received_brin ON payments USING brin (org_id, invoice_received_date)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX payments_received_brin`.execute(db);
}
