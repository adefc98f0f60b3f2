import { sql, type RawBuilder, type Transaction } from 'kysely';
import { bulkCopy, type CopyRow } from '../../db/bulk-copy.ts';
import type { DB } from '../../db/schema.ts';
import type { TaggedDeltas, TagValues } from '../ingest/ledger-summary.ts';

/*
 * Keeping the metric summaries equal to spend_summary joined to the current tags:
 *   metric_months  = sum by (month, tags, redacted)
 *   metric_cells   = sum by (month, expense area, expense type, tags, redacted)
 *   supplier_years = sum by (financial year, supplier)
 *   month_totals   = each month's headline sums (refreshed whole, from metric_months)
 *   supplier_counts = suppliers with positive net spend per year, by tag (refreshed whole)
 * Every change is applied as a signed delta (+1 to add, -1 to take away) in the caller's
 * transaction: an upload in or out, or a set of suppliers out (old tags) and back in (new
 * tags) around a re-tag. Rows that come to nothing are removed.
 */

type Sign = 1 | -1;
const FLAGS = sql`t.local, t.wider_area, t.deprived_area, t.vcfse, t.sme, s.redacted`;
const KEY_FLAGS = sql`local, wider_area, deprived_area, vcfse, sme, redacted`;

/** The spend_summary rows a delta covers: one upload's, or some suppliers'. */
export type Selection = { uploadId: string } | { supplierKeys: readonly string[] };

function where(orgId: string, selection: Selection): RawBuilder<unknown> {
  return 'uploadId' in selection
    ? sql`s.org_id = ${orgId} AND s.upload_id = ${selection.uploadId}::uuid`
    : sql`s.org_id = ${orgId} AND s.supplier_key = any(${[...selection.supplierKeys]}::text[])`;
}

/** Adds (sign 1) or takes away (sign -1) the selected spend in metric_months and metric_cells. */
export async function applyTaggedSpend(
  db: Transaction<DB>,
  orgId: string,
  selection: Selection,
  sign: Sign,
): Promise<void> {
  if ('supplierKeys' in selection && selection.supplierKeys.length === 0) return;
  const from = sql`spend_summary s LEFT JOIN supplier_tags t ON t.org_id = s.org_id AND t.supplier_key = s.supplier_key`;
  await sql`
    INSERT INTO metric_months AS m (org_id, month, ${KEY_FLAGS}, amount_pence, payment_count)
    SELECT s.org_id, s.month, ${FLAGS}, ${sign} * sum(s.amount_pence), ${sign} * sum(s.payment_count)
    FROM ${from} WHERE ${where(orgId, selection)}
    GROUP BY s.org_id, s.month, ${FLAGS}
    ON CONFLICT (org_id, month, ${KEY_FLAGS})
    DO UPDATE SET amount_pence = m.amount_pence + excluded.amount_pence, payment_count = m.payment_count + excluded.payment_count`.execute(
    db,
  );
  await sql`
    INSERT INTO metric_cells AS m (org_id, month, expense_area, expense_type, ${KEY_FLAGS}, amount_pence, payment_count)
    SELECT s.org_id, s.month, s.expense_area, s.expense_type, ${FLAGS}, ${sign} * sum(s.amount_pence), ${sign} * sum(s.payment_count)
    FROM ${from} WHERE ${where(orgId, selection)}
    GROUP BY s.org_id, s.month, s.expense_area, s.expense_type, ${FLAGS}
    ON CONFLICT (org_id, month, expense_area, expense_type, ${KEY_FLAGS})
    DO UPDATE SET amount_pence = m.amount_pence + excluded.amount_pence, payment_count = m.payment_count + excluded.payment_count`.execute(
    db,
  );
  if (sign < 0) {
    await sql`DELETE FROM metric_months WHERE org_id = ${orgId} AND payment_count = 0 AND amount_pence = 0`.execute(
      db,
    );
    await sql`DELETE FROM metric_cells WHERE org_id = ${orgId} AND payment_count = 0 AND amount_pence = 0`.execute(
      db,
    );
  }
}

/** The financial year of a month, for an organisation whose year starts in `startMonth`. */
function financialYearOf(month: RawBuilder<unknown>, startMonth: number): RawBuilder<number> {
  return sql<number>`(extract(year FROM ${month})::int - CASE WHEN extract(month FROM ${month}) < ${startMonth} THEN 1 ELSE 0 END)`;
}

/** Adds or takes away an upload's spend in supplier_years. */
export async function applySupplierYears(
  db: Transaction<DB>,
  orgId: string,
  uploadId: string,
  startMonth: number,
  sign: Sign,
): Promise<void> {
  await sql`
    INSERT INTO supplier_years AS y (org_id, year, supplier_key, amount_pence, payment_count)
    SELECT s.org_id, ${financialYearOf(sql`s.month`, startMonth)}, s.supplier_key, ${sign} * sum(s.amount_pence), ${sign} * sum(s.payment_count)
    FROM spend_summary s
    WHERE s.org_id = ${orgId} AND s.upload_id = ${uploadId}::uuid AND s.supplier_key IS NOT NULL
    GROUP BY 1, 2, 3
    ON CONFLICT (org_id, year, supplier_key)
    DO UPDATE SET amount_pence = y.amount_pence + excluded.amount_pence, payment_count = y.payment_count + excluded.payment_count`.execute(
    db,
  );
  if (sign < 0)
    await sql`DELETE FROM supplier_years WHERE org_id = ${orgId} AND payment_count = 0 AND amount_pence = 0`.execute(
      db,
    );
}

/**
 * Rebuilds an organisation's summaries from spend_summary and the tags: after every supplier
 * was re-tagged, or its financial year moved. Cheaper than deltas when everything changed.
 */
export async function rebuildSummaries(
  db: Transaction<DB>,
  orgId: string,
  startMonth: number,
): Promise<void> {
  for (const table of [
    'metric_months',
    'metric_cells',
    'supplier_years',
    'supplier_counts',
  ] as const) {
    await db.deleteFrom(table).where('org_id', '=', orgId).execute();
  }
  const from = sql`spend_summary s LEFT JOIN supplier_tags t ON t.org_id = s.org_id AND t.supplier_key = s.supplier_key`;
  await sql`
    INSERT INTO metric_months (org_id, month, ${KEY_FLAGS}, amount_pence, payment_count)
    SELECT s.org_id, s.month, ${FLAGS}, sum(s.amount_pence), sum(s.payment_count)
    FROM ${from} WHERE s.org_id = ${orgId} GROUP BY s.org_id, s.month, ${FLAGS}`.execute(db);
  await sql`
    INSERT INTO metric_cells (org_id, month, expense_area, expense_type, ${KEY_FLAGS}, amount_pence, payment_count)
    SELECT s.org_id, s.month, s.expense_area, s.expense_type, ${FLAGS}, sum(s.amount_pence), sum(s.payment_count)
    FROM ${from} WHERE s.org_id = ${orgId} GROUP BY s.org_id, s.month, s.expense_area, s.expense_type, ${FLAGS}`.execute(
    db,
  );
  await sql`
    INSERT INTO supplier_years (org_id, year, supplier_key, amount_pence, payment_count)
    SELECT s.org_id, ${financialYearOf(sql`s.month`, startMonth)}, s.supplier_key, sum(s.amount_pence), sum(s.payment_count)
    FROM spend_summary s WHERE s.org_id = ${orgId} AND s.supplier_key IS NOT NULL GROUP BY 1, 2, 3`.execute(
    db,
  );
  await refreshTotals(db, orgId);
}

/**
 * Recomputes an organisation's month totals and its supplier counts (positive net spend per
 * financial year, by tag). Called after anything that moves spend or changes tags.
 */
export async function refreshTotals(db: Transaction<DB>, orgId: string): Promise<void> {
  await db.deleteFrom('month_totals').where('org_id', '=', orgId).execute();
  await sql`
    INSERT INTO month_totals (org_id, month, total, payments, local, wider_area, deprived_area, vcfse, sme, unknown_location, redacted)
    SELECT org_id, month, sum(amount_pence), sum(payment_count),
           coalesce(sum(amount_pence) FILTER (WHERE local), 0), coalesce(sum(amount_pence) FILTER (WHERE wider_area), 0),
           coalesce(sum(amount_pence) FILTER (WHERE deprived_area), 0), coalesce(sum(amount_pence) FILTER (WHERE vcfse), 0),
           coalesce(sum(amount_pence) FILTER (WHERE sme), 0), coalesce(sum(amount_pence) FILTER (WHERE local IS NULL), 0),
           coalesce(sum(amount_pence) FILTER (WHERE redacted), 0)
    FROM metric_months WHERE org_id = ${orgId} GROUP BY org_id, month`.execute(db);
  await db.deleteFrom('supplier_counts').where('org_id', '=', orgId).execute();
  await sql`
    INSERT INTO supplier_counts (org_id, year, suppliers, local, vcfse, sme)
    SELECT y.org_id, y.year, count(*), count(*) FILTER (WHERE t.local), count(*) FILTER (WHERE t.vcfse), count(*) FILTER (WHERE t.sme)
    FROM supplier_years y LEFT JOIN supplier_tags t ON t.org_id = y.org_id AND t.supplier_key = y.supplier_key
    WHERE y.org_id = ${orgId} AND y.amount_pence > 0
    GROUP BY y.org_id, y.year`.execute(db);
}

/**
 * Adds an upload's contribution, summed in advance (see LedgerSummary.taggedDeltas), to
 * metric_months, metric_cells and supplier_years: three small COPYs and three upserts, where
 * applyTaggedSpend would aggregate every row of the upload again.
 */
export async function addUploadDeltas(
  db: Transaction<DB>,
  orgId: string,
  deltas: TaggedDeltas,
): Promise<void> {
  const flags = (d: TaggedDeltas['months'][number]) => [
    d.local,
    d.wider_area,
    d.deprived_area,
    d.vcfse,
    d.sme,
    d.redacted,
  ];
  const tags = ['local', 'wider_area', 'deprived_area', 'vcfse', 'sme', 'redacted'];
  await upsertThrough(
    db,
    'metric_months',
    ['org_id', 'month', ...tags],
    deltas.months.map((d) => [orgId, d.month, ...flags(d), d.pence, d.count]),
  );
  await upsertThrough(
    db,
    'metric_cells',
    ['org_id', 'month', 'expense_area', 'expense_type', ...tags],
    deltas.cells.map((d) => [
      orgId,
      d.month,
      d.expenseArea,
      d.expenseType,
      ...flags(d),
      d.pence,
      d.count,
    ]),
  );
  await upsertThrough(
    db,
    'supplier_years',
    ['org_id', 'year', 'supplier_key'],
    deltas.supplierYears.map((d) => [orgId, d.year, d.supplierKey, d.pence, d.count]),
  );
}

/**
 * COPY rows (the `key` columns, then amount_pence and payment_count) into a scratch copy of
 * `table`, then add them in: amounts and counts summed on conflict.
 */
async function upsertThrough(
  db: Transaction<DB>,
  table: 'metric_months' | 'metric_cells' | 'supplier_years',
  key: readonly string[],
  rows: CopyRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = [...key, 'amount_pence', 'payment_count'];
  const scratch = `${table}_delta`;
  await sql`CREATE TEMP TABLE ${sql.raw(scratch)} (LIKE ${sql.table(table)}) ON COMMIT DROP`.execute(
    db,
  );
  await bulkCopy(db, scratch, columns, rows);
  const list = sql.join(columns.map((c) => sql.ref(c)));
  await sql`
    INSERT INTO ${sql.table(table)} AS t (${list}) SELECT ${list} FROM ${sql.raw(scratch)}
    ON CONFLICT (${sql.join(key.map((c) => sql.ref(c)))})
    DO UPDATE SET amount_pence = t.amount_pence + excluded.amount_pence, payment_count = t.payment_count + excluded.payment_count`.execute(
    db,
  );
  await sql`DROP TABLE ${sql.raw(scratch)}`.execute(db);
}

/** The tags of some suppliers, as the metric summaries key them. */
export async function findTagValues(
  db: Transaction<DB>,
  orgId: string,
  supplierKeys: readonly string[],
): Promise<Map<string, TagValues>> {
  if (supplierKeys.length === 0) return new Map();
  const rows = await db
    .selectFrom('supplier_tags')
    .select(['supplier_key', 'local', 'wider_area', 'deprived_area', 'vcfse', 'sme'])
    .where('org_id', '=', orgId)
    .where(sql<boolean>`supplier_key = any(${[...supplierKeys]}::text[])`)
    .execute();
  return new Map(rows.map(({ supplier_key, ...tags }) => [supplier_key, tags]));
}
