import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

export async function up(db: Kysely<unknown>): Promise<void> {
  // A tag's provenance is written whole and read whole, never queried inside: `json` keeps the
  // text as given where `jsonb` parses it into its binary form on every write. An upload's
  // 20,000 new suppliers carry some 30 MB of it (a source and a sentence of evidence for each
  // tag): COPY of 20,000 such rows into PostgreSQL took 0.46 - 0.48 s as jsonb and
  // 0.31 - 0.34 s as json; into PGlite 0.52 - 0.72 s and 0.39 - 0.43 s. Re-tagging pays it too.
  await sql`ALTER TABLE supplier_tags ALTER COLUMN provenance TYPE json USING provenance::json`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE supplier_tags ALTER COLUMN provenance TYPE jsonb USING provenance::jsonb`.execute(
    db,
  );
}
