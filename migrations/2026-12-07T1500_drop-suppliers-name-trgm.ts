import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

export async function up(db: Kysely<unknown>): Promise<void> {
  // Every new supplier paid for its trigrams: of the 0.56 - 0.66 s PostgreSQL took to add an
  // upload's 20,000 new suppliers, 0.4 s was this index (PGlite: 1.25 s in all). What it served
  // is small beside that: the supplier list's name search (name_key LIKE '%...%') scans 20,000
  // names in about 3 ms without it (0.5 ms with), and the whole list call, each supplier's year
  // spend joined, takes some 13 ms on PostgreSQL with 20,000 suppliers.
  await sql`DROP INDEX suppliers_name_trgm`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX suppliers_name_trgm ON suppliers USING gin (name_key gin_trgm_ops)`.execute(
    db,
  );
}
