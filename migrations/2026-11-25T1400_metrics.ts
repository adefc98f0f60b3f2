import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

/*
 * Summaries the figures are read from, so no request scans payments. Each is spend_summary
 * joined to the suppliers' current tags and summed; each is kept so when an upload loads or is
 * undone and when a supplier's tags change (subtract the old contribution, add the new), in
 * the same transaction. A null tag (unknown) is a value of its own: NULLS NOT DISTINCT.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Spend by month and tag combination: headline figures, quarters, months, trend.
  await sql`
    CREATE TABLE metric_months (
      org_id text NOT NULL,
      month date NOT NULL,
      local boolean,
      wider_area boolean,
      deprived_area boolean,
      vcfse boolean,
      sme boolean,
      redacted boolean NOT NULL,
      amount_pence bigint NOT NULL,
      payment_count bigint NOT NULL
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX metric_months_key ON metric_months
    (org_id, month, local, wider_area, deprived_area, vcfse, sme, redacted) NULLS NOT DISTINCT`.execute(
    db,
  );

  // The same by expense area and expense type: groups and filters by service and category.
  await sql`
    CREATE TABLE metric_cells (
      org_id text NOT NULL,
      month date NOT NULL,
      expense_area text,
      expense_type text,
      local boolean,
      wider_area boolean,
      deprived_area boolean,
      vcfse boolean,
      sme boolean,
      redacted boolean NOT NULL,
      amount_pence bigint NOT NULL,
      payment_count bigint NOT NULL
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX metric_cells_key ON metric_cells
    (org_id, month, expense_area, expense_type, local, wider_area, deprived_area, vcfse, sme, redacted) NULLS NOT DISTINCT`.execute(
    db,
  );

  // Net spend per supplier per financial year (by the organisation's year start): supplier
  // counts (positive net spend) and top suppliers. Tags are joined when read.
  await sql`
    CREATE TABLE supplier_years (
      org_id text NOT NULL,
      year integer NOT NULL,
      supplier_key text NOT NULL,
      amount_pence bigint NOT NULL,
      payment_count bigint NOT NULL,
      PRIMARY KEY (org_id, year, supplier_key)
    )`.execute(db);

  // Each month's headline sums, whatever the tags: what the unfiltered headline and trend read.
  // Refreshed for the organisation from metric_months whenever that changes.
  await sql`
    CREATE TABLE month_totals (
      org_id text NOT NULL,
      month date NOT NULL,
      total bigint NOT NULL,
      payments bigint NOT NULL,
      local bigint NOT NULL,
      wider_area bigint NOT NULL,
      deprived_area bigint NOT NULL,
      vcfse bigint NOT NULL,
      sme bigint NOT NULL,
      unknown_location bigint NOT NULL,
      redacted bigint NOT NULL,
      PRIMARY KEY (org_id, month)
    )`.execute(db);

  // The supplier counts of each financial year (positive net spend, by tag): read by every
  // headline call, recomputed for the organisation whenever its spend or its tags change.
  await sql`
    CREATE TABLE supplier_counts (
      org_id text NOT NULL,
      year integer NOT NULL,
      suppliers integer NOT NULL,
      local integer NOT NULL,
      vcfse integer NOT NULL,
      sme integer NOT NULL,
      PRIMARY KEY (org_id, year)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE supplier_counts`.execute(db);
  await sql`DROP TABLE month_totals`.execute(db);
  await sql`DROP TABLE supplier_years`.execute(db);
  await sql`DROP TABLE metric_cells`.execute(db);
  await sql`DROP TABLE metric_months`.execute(db);
}
