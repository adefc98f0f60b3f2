import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { preparedStatementMarker } from '../../db/bulk-copy.ts';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/*
 * The figures, read from the metric summaries (never from payments). Sums are bigint pence.
 * Tag columns are named as in the tables: local, wider_area, deprived_area, vcfse, sme.
 */

export type TagColumn = 'local' | 'wider_area' | 'deprived_area' | 'vcfse' | 'sme';

export interface MetricFilter {
  expenseArea?: string;
  /** Only spend with suppliers whose tag has this value (null: unknown). */
  tag?: { column: TagColumn; value: boolean | null };
}

/** Spend sums of one slice of spend: every headline spend figure. */
export interface SpendSums {
  total: bigint;
  payments: bigint;
  local: bigint;
  wider_area: bigint;
  deprived_area: bigint;
  vcfse: bigint;
  sme: bigint;
  unknown_location: bigint;
  redacted: bigint;
}

const SUMS = sql`
  coalesce(sum(amount_pence), 0)::bigint AS total,
  coalesce(sum(payment_count), 0)::bigint AS payments,
  coalesce(sum(amount_pence) FILTER (WHERE local), 0)::bigint AS local,
  coalesce(sum(amount_pence) FILTER (WHERE wider_area), 0)::bigint AS wider_area,
  coalesce(sum(amount_pence) FILTER (WHERE deprived_area), 0)::bigint AS deprived_area,
  coalesce(sum(amount_pence) FILTER (WHERE vcfse), 0)::bigint AS vcfse,
  coalesce(sum(amount_pence) FILTER (WHERE sme), 0)::bigint AS sme,
  coalesce(sum(amount_pence) FILTER (WHERE local IS NULL), 0)::bigint AS unknown_location,
  coalesce(sum(amount_pence) FILTER (WHERE redacted), 0)::bigint AS redacted`;

function tagCondition(tag: MetricFilter['tag'], prefix = ''): RawBuilder<unknown> {
  if (!tag) return sql`true`;
  const column = sql.ref(`${prefix}${tag.column}`);
  return tag.value === null ? sql`${column} IS NULL` : sql`${column} = ${tag.value}`;
}

/** Spend sums by month within [from, to] (months as 'YYYY-MM-01'). */
export async function sumByMonth(
  db: Db,
  orgId: string,
  from: string,
  to: string,
  filter: MetricFilter = {},
): Promise<(SpendSums & { month: string })[]> {
  const table = filter.expenseArea === undefined ? sql`metric_months` : sql`metric_cells`;
  const area =
    filter.expenseArea === undefined ? sql`true` : sql`expense_area = ${filter.expenseArea}`;
  const { rows } = await sql<SpendSums & { month: string }>`
    SELECT month, ${SUMS} FROM ${table}
    WHERE org_id = ${orgId} AND month BETWEEN ${from}::date AND ${to}::date AND ${area} AND ${tagCondition(filter.tag)}
    GROUP BY month ORDER BY month`.execute(db);
  return rows;
}

/** Spend sums by expense area or expense type within [from, to]. */
export async function sumByCell(
  db: Db,
  orgId: string,
  from: string,
  to: string,
  by: 'expense_area' | 'expense_type',
  filter: MetricFilter = {},
): Promise<(SpendSums & { key: string | null })[]> {
  const area =
    filter.expenseArea === undefined ? sql`true` : sql`expense_area = ${filter.expenseArea}`;
  const { rows } = await sql<SpendSums & { key: string | null }>`
    SELECT ${sql.ref(by)} AS key, ${SUMS} FROM metric_cells
    WHERE org_id = ${orgId} AND month BETWEEN ${from}::date AND ${to}::date AND ${area} AND ${tagCondition(filter.tag)}
    GROUP BY 1 ORDER BY total DESC, key`.execute(db);
  return rows;
}

export interface SupplierCounts {
  year: number;
  suppliers: bigint;
  local: bigint;
  vcfse: bigint;
  sme: bigint;
}

const COUNTS = sql`
  count(*) AS suppliers,
  count(*) FILTER (WHERE t.local) AS local,
  count(*) FILTER (WHERE t.vcfse) AS vcfse,
  count(*) FILTER (WHERE t.sme) AS sme`;

/** Suppliers with positive net spend, by financial year, in years [fromYear, toYear]. */
export async function countSuppliersByYear(
  db: Db,
  orgId: string,
  fromYear: number,
  toYear: number,
  filter: MetricFilter = {},
): Promise<SupplierCounts[]> {
  const { rows } = await sql<SupplierCounts>`
    SELECT y.year, ${COUNTS}
    FROM supplier_years y LEFT JOIN supplier_tags t ON t.org_id = y.org_id AND t.supplier_key = y.supplier_key
    WHERE y.org_id = ${orgId} AND y.year BETWEEN ${fromYear} AND ${toYear} AND y.amount_pence > 0 AND ${tagCondition(filter.tag, 't.')}
    GROUP BY y.year ORDER BY y.year`.execute(db);
  return rows;
}

/** Suppliers with positive net spend in [from, to] in one expense area (the fine summary: slower, rarer). */
export async function countSuppliersInArea(
  db: Db,
  orgId: string,
  from: string,
  to: string,
  filter: MetricFilter & { expenseArea: string },
): Promise<Omit<SupplierCounts, 'year'>> {
  const { rows } = await sql<Omit<SupplierCounts, 'year'>>`
    SELECT ${COUNTS}
    FROM (
      SELECT supplier_key FROM spend_summary
      WHERE org_id = ${orgId} AND month BETWEEN ${from}::date AND ${to}::date AND expense_area = ${filter.expenseArea} AND supplier_key IS NOT NULL
      GROUP BY supplier_key HAVING sum(amount_pence) > 0
    ) s LEFT JOIN supplier_tags t ON t.org_id = ${orgId} AND t.supplier_key = s.supplier_key
    WHERE ${tagCondition(filter.tag, 't.')}`.execute(db);
  return rows[0]!;
}

export interface SupplierSpendRow {
  supplier_key: string;
  name: string;
  pence: bigint;
  payments: bigint;
  local: boolean | null;
  wider_area: boolean | null;
  deprived_area: boolean | null;
  vcfse: boolean | null;
  sme: boolean | null;
}

/** The suppliers with the largest net spend in a financial year (or, filtered by area, in [from, to]). */
export async function findTopSuppliers(
  db: Db,
  orgId: string,
  period: { year: number; from: string; to: string },
  limit: number,
  filter: MetricFilter = {},
): Promise<SupplierSpendRow[]> {
  const spend =
    filter.expenseArea === undefined
      ? sql`SELECT supplier_key, amount_pence AS pence, payment_count AS payments FROM supplier_years WHERE org_id = ${orgId} AND year = ${period.year}`
      : sql`SELECT supplier_key, sum(amount_pence) AS pence, sum(payment_count) AS payments FROM spend_summary
            WHERE org_id = ${orgId} AND month BETWEEN ${period.from}::date AND ${period.to}::date AND expense_area = ${filter.expenseArea}
              AND supplier_key IS NOT NULL GROUP BY supplier_key`;
  const { rows } = await sql<SupplierSpendRow>`
    SELECT s.supplier_key, sup.name, s.pence::bigint AS pence, s.payments::bigint AS payments,
           t.local, t.wider_area, t.deprived_area, t.vcfse, t.sme
    FROM (${spend}) s
    JOIN suppliers sup ON sup.org_id = ${orgId} AND sup.supplier_key = s.supplier_key
    LEFT JOIN supplier_tags t ON t.org_id = ${orgId} AND t.supplier_key = s.supplier_key
    WHERE ${tagCondition(filter.tag, 't.')}
    ORDER BY s.pence DESC, sup.name, s.supplier_key
    LIMIT ${limit}`.execute(db);
  return rows;
}

export interface LeakageRow {
  expense_type: string | null;
  total: bigint;
  non_local: bigint;
  non_local_suppliers: bigint;
  local: bigint;
  local_suppliers: bigint;
  unknown_location: bigint;
  top_non_local: { name: string; pence: string }[] | null;
}

/**
 * Spend by expense type with suppliers known to be outside the home areas, beside the local
 * suppliers already paid for the same type: where spend leaves the place although local firms
 * supply it. Largest leak first. Redacted spend is left out (its supplier is unknown).
 */
export async function findLeakage(
  db: Db,
  orgId: string,
  from: string,
  to: string,
): Promise<LeakageRow[]> {
  const { rows } = await sql<LeakageRow>`
    WITH per_supplier AS (
      SELECT s.expense_type, s.supplier_key, sum(s.amount_pence) AS pence
      FROM spend_summary s
      WHERE s.org_id = ${orgId} AND s.month BETWEEN ${from}::date AND ${to}::date AND NOT s.redacted
      GROUP BY s.expense_type, s.supplier_key
    ),
    tagged AS (
      SELECT p.*, t.local, sup.name,
             row_number() OVER (PARTITION BY p.expense_type, (t.local IS FALSE) ORDER BY p.pence DESC, sup.name) AS rank
      FROM per_supplier p
      JOIN suppliers sup ON sup.org_id = ${orgId} AND sup.supplier_key = p.supplier_key
      LEFT JOIN supplier_tags t ON t.org_id = ${orgId} AND t.supplier_key = p.supplier_key
    )
    SELECT expense_type,
           sum(pence)::bigint AS total,
           coalesce(sum(pence) FILTER (WHERE local IS FALSE), 0)::bigint AS non_local,
           count(*) FILTER (WHERE local IS FALSE AND pence > 0) AS non_local_suppliers,
           coalesce(sum(pence) FILTER (WHERE local), 0)::bigint AS local,
           count(*) FILTER (WHERE local AND pence > 0) AS local_suppliers,
           coalesce(sum(pence) FILTER (WHERE local IS NULL), 0)::bigint AS unknown_location,
           json_agg(json_build_object('name', name, 'pence', pence::text) ORDER BY rank)
             FILTER (WHERE local IS FALSE AND rank <= 3 AND pence > 0) AS top_non_local
    FROM tagged
    GROUP BY expense_type
    ORDER BY non_local DESC, expense_type`.execute(db);
  return rows;
}

/** The kept supplier counts of years [fromYear, toYear] (no filters): one row per year with spend. */
export async function findSupplierCounts(
  db: Db,
  orgId: string,
  fromYear: number,
  toYear: number,
): Promise<SupplierCounts[]> {
  const rows = await db
    .selectFrom('supplier_counts')
    .select(['year', 'suppliers', 'local', 'vcfse', 'sme'])
    .where('org_id', '=', orgId)
    .where('year', '>=', fromYear)
    .where('year', '<=', toYear)
    .orderBy('year')
    .execute();
  return rows.map((r) => ({
    year: r.year,
    suppliers: BigInt(r.suppliers),
    local: BigInt(r.local),
    vcfse: BigInt(r.vcfse),
    sme: BigInt(r.sme),
  }));
}

/**
 * The unfiltered headline data of a span of years in one round trip: the kept month totals of
 * [from, to] and the kept supplier counts of [fromYear, toYear].
 */
export async function sumMonthsAndCounts(
  db: Db,
  orgId: string,
  span: { from: string; to: string; fromYear: number; toYear: number },
): Promise<{ months: (SpendSums & { month: string })[]; counts: SupplierCounts[] }> {
  // One statement, prepared: every dashboard request makes it. Counts rows carry their figures
  // in the first columns.
  const { rows } = await sql<
    { kind: 'month' | 'count'; month: string | null; year: number | null } & Record<
      'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h' | 'i',
      bigint
    >
  >`${sql.raw(preparedStatementMarker('headline_data'))}
    SELECT 'month' AS kind, month::text AS month, NULL::int AS year, total AS a, payments AS b, local AS c, wider_area AS d,
           deprived_area AS e, vcfse AS f, sme AS g, unknown_location AS h, redacted AS i
    FROM month_totals WHERE org_id = ${orgId} AND month BETWEEN ${span.from}::date AND ${span.to}::date
    UNION ALL
    SELECT 'count', NULL, year, suppliers::bigint, local::bigint, vcfse::bigint, sme::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint
    FROM supplier_counts WHERE org_id = ${orgId} AND year BETWEEN ${span.fromYear}::int AND ${span.toYear}::int`.execute(
    db,
  );
  const months: (SpendSums & { month: string })[] = [];
  const counts: SupplierCounts[] = [];
  for (const r of rows) {
    if (r.kind === 'month') {
      months.push({
        month: r.month!,
        total: r.a,
        payments: r.b,
        local: r.c,
        wider_area: r.d,
        deprived_area: r.e,
        vcfse: r.f,
        sme: r.g,
        unknown_location: r.h,
        redacted: r.i,
      });
    } else {
      counts.push({ year: r.year!, suppliers: r.a, local: r.b, vcfse: r.c, sme: r.d });
    }
  }
  months.sort((x, y) => x.month.localeCompare(y.month));
  counts.sort((x, y) => x.year - y.year);
  return { months, counts };
}
