import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE uploads (
      org_id text NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('ledger', 'suppliers')),
      filename text,
      -- Known once the whole file has been read; the upload commits with it.
      sha256 text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      status text NOT NULL CHECK (status IN ('loading', 'loaded')),
      mapping jsonb NOT NULL DEFAULT '{}',
      encoding text,
      rows_read integer NOT NULL DEFAULT 0,
      rows_loaded integer NOT NULL DEFAULT 0,
      rows_rejected integer NOT NULL DEFAULT 0,
      rows_duplicate integer NOT NULL DEFAULT 0,
      total_pence bigint NOT NULL DEFAULT 0,
      period_from date,
      period_to date,
      warnings jsonb NOT NULL DEFAULT '[]',
      created_at timestamptz NOT NULL DEFAULT now(),
      created_by text NOT NULL,
      PRIMARY KEY (org_id, id)
    )`.execute(db);
  // The same file twice is one upload.
  await sql`CREATE UNIQUE INDEX uploads_file ON uploads (org_id, kind, sha256)`.execute(db);
  await sql`CREATE INDEX uploads_org_created ON uploads (org_id, created_at)`.execute(db);

  // One row per ledger line. Built for COPY speed: no foreign key (a per-row check), and no
  // B-tree at all (any B-tree costs COPY about a third, measured: 432k rows/s with BRIN only,
  // 298k with the primary key). Lines are unique within an upload by construction; the service
  // removes an upload's payments with it, in one transaction. The figures come from summary
  // tables, so payments are only read by upload or by date range: BRIN serves both, because an
  // upload's rows are appended together and its dates fall close together.
  await sql`
    CREATE TABLE payments (
      org_id text NOT NULL,
      upload_id uuid NOT NULL,
      line integer NOT NULL,
      payment_date date NOT NULL,
      amount_pence bigint NOT NULL,
      supplier_name text,
      supplier_ref text,
      supplier_key text,
      redacted boolean NOT NULL DEFAULT false,
      transaction_number text,
      invoice_number text,
      expense_area text,
      expense_type text,
      irrecoverable_vat_pence bigint,
      company_number text,
      charity_number text,
      vat_number text,
      invoice_received_date date,
      purpose text,
      body text
    )`.execute(db);
  await sql`CREATE INDEX payments_brin ON payments USING brin (org_id, upload_id, payment_date)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE payments`.execute(db);
  await sql`DROP TABLE uploads`.execute(db);
}
