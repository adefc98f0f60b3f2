import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

export async function up(db: Kysely<unknown>): Promise<void> {
  // Every supplier an organisation has paid or listed, keyed as payments key them: by the
  // supplier reference where the ledger has one, else by the normalised name.
  await sql`
    CREATE TABLE suppliers (
      org_id text NOT NULL,
      supplier_key text NOT NULL,
      name text NOT NULL,
      name_key text NOT NULL,
      ref text,
      -- what ledgers said about it
      ledger_company_number text,
      ledger_charity_number text,
      ledger_vat_number text,
      -- what the supplier file said (null when it has never been in one)
      file_upload_id uuid,
      address text,
      postcode text,
      company_number text,
      charity_number text,
      society_number text,
      vat_number text,
      employees integer,
      turnover_pence bigint,
      balance_sheet_pence bigint,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, supplier_key)
    )`.execute(db);
  await sql`CREATE INDEX suppliers_name_key ON suppliers (org_id, name_key)`.execute(db);
  await sql`CREATE INDEX suppliers_name_trgm ON suppliers USING gin (name_key gin_trgm_ops)`.execute(
    db,
  );

  // A person's word on a supplier: wins over every rule and survives every reload.
  await sql`
    CREATE TABLE supplier_overrides (
      org_id text NOT NULL,
      supplier_key text NOT NULL,
      local boolean,
      vcfse boolean,
      sme boolean,
      postcode text,
      reason text NOT NULL CHECK (length(reason) BETWEEN 3 AND 1000),
      set_by text NOT NULL,
      set_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, supplier_key)
    )`.execute(db);

  // The tags as last computed, each with its source and evidence (provenance). Replaced for a
  // supplier whenever anything it rests on changes.
  await sql`
    CREATE TABLE supplier_tags (
      org_id text NOT NULL,
      supplier_key text NOT NULL,
      postcode text,
      postcode_source text NOT NULL,
      lad text,
      lsoa text,
      imd_decile smallint,
      local boolean,
      wider_area boolean,
      deprived_area boolean,
      vcfse boolean,
      sme boolean,
      company_number text,
      charity_number text,
      society_number text,
      provenance jsonb NOT NULL,
      tagged_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, supplier_key)
    )`.execute(db);

  // Spend by upload, month, supplier, expense area and expense type: what every figure is
  // summed from. Written with the upload (aggregated while the file is read) and removed with
  // it. supplier_key is null for redacted payments.
  await sql`
    CREATE TABLE spend_summary (
      org_id text NOT NULL,
      upload_id uuid NOT NULL,
      month date NOT NULL,
      supplier_key text,
      redacted boolean NOT NULL,
      expense_area text,
      expense_type text,
      amount_pence bigint NOT NULL,
      payment_count integer NOT NULL
    )`.execute(db);
  // An upload's rows are appended together: BRIN finds them by upload and by month at little
  // cost to the COPY that writes them. No B-tree: one on (org_id, supplier_key) cost a 1M-row
  // upload 3 s. Re-tagging known suppliers (an override, a supplier list) scans the
  // organisation's rows instead; new suppliers have no rows to move and are never scanned for.
  await sql`CREATE INDEX spend_summary_brin ON spend_summary USING brin (org_id, upload_id, month)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE spend_summary`.execute(db);
  await sql`DROP TABLE supplier_tags`.execute(db);
  await sql`DROP TABLE supplier_overrides`.execute(db);
  await sql`DROP TABLE suppliers`.execute(db);
}
