import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE organisations (
      id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      home_areas text[] NOT NULL DEFAULT '{}',
      wider_areas text[] NOT NULL DEFAULT '{}',
      year_start_month smallint NOT NULL DEFAULT 4 CHECK (year_start_month BETWEEN 1 AND 12),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE api_keys (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      org_id text NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
      prefix text NOT NULL,
      key_hash text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'finance', 'viewer', 'partner')),
      name text,
      created_at timestamptz NOT NULL DEFAULT now(),
      created_by text NOT NULL,
      last_used_at timestamptz,
      revoked_at timestamptz,
      PRIMARY KEY (org_id, id)
    )`.execute(db);
  // Authentication looks a key up by its hash, across organisations.
  await sql`CREATE UNIQUE INDEX api_keys_key_hash ON api_keys (key_hash)`.execute(db);

  await sql`
    CREATE TABLE audit_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor text NOT NULL,
      org_id text,
      action text NOT NULL,
      target text,
      before jsonb,
      after jsonb
    )`.execute(db);
  await sql`CREATE INDEX audit_log_org_at ON audit_log (org_id, at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE audit_log`.execute(db);
  await sql`DROP TABLE api_keys`.execute(db);
  await sql`DROP TABLE organisations`.execute(db);
}
