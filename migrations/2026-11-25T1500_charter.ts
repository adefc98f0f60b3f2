import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

export async function up(db: Kysely<unknown>): Promise<void> {
  // Anchor partnerships: organisations that report against one Social Value Charter together.
  await sql`
    CREATE TABLE partnerships (
      id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`INSERT INTO partnerships (id, name) VALUES ('default', 'Anchor partnership')`.execute(
    db,
  );
  await sql`ALTER TABLE organisations ADD COLUMN partnership_id text NOT NULL DEFAULT 'default' REFERENCES partnerships (id)`.execute(
    db,
  );

  // What partners report that spend data cannot show.
  await sql`
    CREATE TABLE charter_measures (
      code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,62}$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      unit text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('count', 'money', 'hours', 'percentage', 'yes-no')),
      description text,
      created_at timestamptz NOT NULL DEFAULT now(),
      created_by text NOT NULL
    )`.execute(db);
  await sql`
    INSERT INTO charter_measures (code, name, unit, kind, description, created_by) VALUES
      ('local_jobs_created', 'Local jobs created', 'jobs', 'count', 'New jobs filled by residents of the home areas in the year', 'migration'),
      ('apprenticeships', 'Apprenticeships started', 'apprenticeships', 'count', 'Apprenticeships started in the year', 'migration'),
      ('real_living_wage_employer', 'Real Living Wage employer', 'yes/no', 'yes-no', 'Accredited by the Living Wage Foundation at the end of the year', 'migration'),
      ('volunteering_hours', 'Staff volunteering', 'hours', 'hours', 'Hours staff volunteered in the community in the year', 'migration'),
      ('local_recruitment_share', 'Local recruitment', 'per cent', 'percentage', 'Share of new hires living in the home areas', 'migration')`.execute(
    db,
  );

  // Each organisation's values, per financial year (numbers in `amount`, money in pence, yes/no in `flag`).
  await sql`
    CREATE TABLE charter_values (
      org_id text NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
      year integer NOT NULL CHECK (year BETWEEN 1990 AND 2100),
      measure_code text NOT NULL REFERENCES charter_measures (code),
      amount numeric,
      flag boolean,
      note text,
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by text NOT NULL,
      PRIMARY KEY (org_id, year, measure_code),
      CHECK ((amount IS NULL) <> (flag IS NULL))
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE charter_values`.execute(db);
  await sql`DROP TABLE charter_measures`.execute(db);
  await sql`ALTER TABLE organisations DROP COLUMN partnership_id`.execute(db);
  await sql`DROP TABLE partnerships`.execute(db);
}
