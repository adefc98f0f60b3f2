import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

export async function up(db: Kysely<unknown>): Promise<void> {
  // Links that open one organisation's annual report without a key (for a board's papers).
  // Only the token's sha256 is kept, as for API keys; a link expires, and can be revoked.
  await sql`
    CREATE TABLE report_links (
      id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
      org_id text NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
      year integer NOT NULL CHECK (year BETWEEN 1990 AND 2100),
      prefix text NOT NULL,
      token_hash text NOT NULL UNIQUE,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      CHECK (expires_at > created_at)
    )`.execute(db);
  await sql`CREATE INDEX report_links_org ON report_links (org_id, created_at DESC)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE report_links`.execute(db);
}
