import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

export async function up(db: Kysely<unknown>): Promise<void> {
  // The largest suppliers of a year (`by=supplier`) are read in spend order from this index and
  // stop at the limit: a few pages, not every supplier of the year, so the call stays fast with
  // a small buffer cache (PGlite's).
  await sql`CREATE INDEX supplier_years_top ON supplier_years (org_id, year, amount_pence DESC)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX supplier_years_top`.execute(db);
}
