import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { formatPence } from '../../money.ts';
import { findOrganisationSettings } from '../organisations/organisations.service.ts';
import { financialYear, MONTH_NAMES, monthsOf, quartersOf, type Period } from './periods.ts';
import * as repo from './metrics.repository.ts';

/*
 * The headline figures of DESIGN.md, exactly:
 * - totalSpend: amounts (credit notes included) with payment date in the period;
 * - xSpend: spend with suppliers whose tag x is true; xShare = xSpend / totalSpend (unrounded);
 * - unknownLocationSpend: spend with suppliers whose location is unknown, redacted spend included;
 * - supplierCount: distinct non-redacted suppliers with positive net spend in the period.
 * Year on year: a spend's change is relative (0.03 = up 3%), a share's the difference in
 * points; null where the previous year has no spend.
 */

export type GroupBy = 'quarter' | 'month' | 'expenseArea' | 'expenseType' | 'supplier';

export const TAG_COLUMNS = {
  local: 'local',
  widerArea: 'wider_area',
  deprivedArea: 'deprived_area',
  vcfse: 'vcfse',
  sme: 'sme',
} as const satisfies Record<string, repo.TagColumn>;

type Sums = Omit<repo.SpendSums, 'payments'> & { payments: bigint };
type Counts = { suppliers: bigint; local: bigint; vcfse: bigint; sme: bigint };

const ZERO: Sums = {
  total: 0n,
  payments: 0n,
  local: 0n,
  wider_area: 0n,
  deprived_area: 0n,
  vcfse: 0n,
  sme: 0n,
  unknown_location: 0n,
  redacted: 0n,
};
const NO_COUNTS: Counts = { suppliers: 0n, local: 0n, vcfse: 0n, sme: 0n };
const SUM_FIELDS = Object.keys(ZERO) as (keyof Sums)[];

function add(a: Sums, b: Sums): Sums {
  const out = { ...a };
  for (const f of SUM_FIELDS) out[f] = a[f] + BigInt(b[f]);
  return out;
}

function subtract(a: Sums, b: Sums): Sums {
  const out = { ...a };
  for (const f of SUM_FIELDS) out[f] = a[f] - b[f];
  return out;
}

function share(part: bigint, total: bigint): number | null {
  return total === 0n ? null : Number(part) / Number(total);
}

/** The spend figures of a slice (a year, a quarter, a group). */
function spendFigures(s: Sums) {
  return {
    totalSpend: formatPence(s.total),
    paymentCount: Number(s.payments),
    localSpend: formatPence(s.local),
    localShare: share(s.local, s.total),
    widerAreaSpend: formatPence(s.wider_area),
    widerAreaShare: share(s.wider_area, s.total),
    vcfseSpend: formatPence(s.vcfse),
    vcfseShare: share(s.vcfse, s.total),
    smeSpend: formatPence(s.sme),
    smeShare: share(s.sme, s.total),
    deprivedAreaSpend: formatPence(s.deprived_area),
    deprivedAreaShare: share(s.deprived_area, s.total),
    unknownLocationSpend: formatPence(s.unknown_location),
    redactedSpend: formatPence(s.redacted),
  };
}

function headlineFigures(s: Sums, c: Counts) {
  return {
    ...spendFigures(s),
    supplierCount: Number(c.suppliers),
    localSupplierCount: Number(c.local),
    vcfseSupplierCount: Number(c.vcfse),
    smeSupplierCount: Number(c.sme),
  };
}

export type Headline = ReturnType<typeof headlineFigures>;

const SPEND_CHANGES = {
  totalSpend: 'total',
  localSpend: 'local',
  widerAreaSpend: 'wider_area',
  vcfseSpend: 'vcfse',
  smeSpend: 'sme',
  deprivedAreaSpend: 'deprived_area',
  unknownLocationSpend: 'unknown_location',
  redactedSpend: 'redacted',
} as const;
const SHARE_CHANGES = {
  localShare: 'local',
  widerAreaShare: 'wider_area',
  vcfseShare: 'vcfse',
  smeShare: 'sme',
  deprivedAreaShare: 'deprived_area',
} as const;
const COUNT_CHANGES = {
  supplierCount: 'suppliers',
  localSupplierCount: 'local',
  vcfseSupplierCount: 'vcfse',
  smeSupplierCount: 'sme',
} as const;

/** The year-on-year change: spends and counts relative, shares in points; null without a previous year. */
function change(current: Sums, previous: Sums, currentCounts: Counts, previousCounts: Counts) {
  const out: Record<string, number | null> = {};
  const none = previous.total === 0n;
  const relative = (now: bigint, before: bigint) =>
    none || before === 0n ? null : Number(now - before) / Number(before);
  for (const [name, f] of Object.entries(SPEND_CHANGES))
    out[name] = relative(current[f], previous[f]);
  for (const [name, f] of Object.entries(SHARE_CHANGES)) {
    const now = share(current[f], current.total);
    const before = share(previous[f], previous.total);
    out[name] = none || now === null || before === null ? null : now - before;
  }
  out.paymentCount = relative(current.payments, previous.payments);
  for (const [name, f] of Object.entries(COUNT_CHANGES))
    out[name] = relative(currentCounts[f], previousCounts[f]);
  return out;
}

async function organisationPeriod(
  db: Kysely<DB>,
  orgId: string,
  year: number,
): Promise<{ period: Period; startMonth: number }> {
  const org = await findOrganisationSettings(db, orgId);
  if (!org) throw notFound(`Organisation ${orgId}`);
  return { period: financialYear(year, org.year_start_month), startMonth: org.year_start_month };
}

/**
 * Sums and supplier counts of years [first, last]: one round trip without filters (the call
 * every dashboard makes), separate queries with them.
 */
async function yearData(
  db: Kysely<DB>,
  orgId: string,
  first: Period,
  last: Period,
  filter: repo.MetricFilter,
) {
  if (filter.expenseArea === undefined && filter.tag === undefined) {
    const { months, counts } = await repo.sumMonthsAndCounts(db, orgId, {
      from: first.from,
      to: last.to,
      fromYear: first.year,
      toYear: last.year,
    });
    const byYear = new Map(counts.map((c) => [c.year, c]));
    return [
      yearsOf(months),
      (period: Period): Counts => byYear.get(period.year) ?? NO_COUNTS,
    ] as const;
  }
  return Promise.all([
    sumsByYear(db, orgId, first, last, filter),
    countsByYear(db, orgId, first, last, filter),
  ]);
}

function yearsOf(months: (repo.SpendSums & { month: string })[]) {
  return (period: Period) => {
    const inYear = months.filter((m) => m.month >= period.from && m.month <= period.to);
    return { total: inYear.reduce<Sums>((sum, m) => add(sum, m), ZERO), months: inYear };
  };
}

/** Sums of each year's months (years [first, last], one query), and the months themselves. */
async function sumsByYear(
  db: Kysely<DB>,
  orgId: string,
  first: Period,
  last: Period,
  filter: repo.MetricFilter,
) {
  return yearsOf(await repo.sumByMonth(db, orgId, first.from, last.to, filter));
}

/** Supplier counts of years [fromYear, toYear]: kept counts, or counted afresh under a filter. */
async function countsByYear(
  db: Kysely<DB>,
  orgId: string,
  first: Period,
  last: Period,
  filter: repo.MetricFilter,
) {
  if (filter.expenseArea !== undefined) {
    const area = { ...filter, expenseArea: filter.expenseArea };
    const [a, b] = await Promise.all([
      repo.countSuppliersInArea(db, orgId, first.from, first.to, area),
      repo.countSuppliersInArea(db, orgId, last.from, last.to, area),
    ]);
    return (period: Period): Counts => (period.year === first.year ? a : b);
  }
  const rows = filter.tag
    ? await repo.countSuppliersByYear(db, orgId, first.year, last.year, filter)
    : await repo.findSupplierCounts(db, orgId, first.year, last.year);
  const byYear = new Map(rows.map((r) => [r.year, r]));
  return (period: Period): Counts => byYear.get(period.year) ?? NO_COUNTS;
}

export interface MetricsQuery {
  year: number;
  by?: GroupBy;
  limit?: number;
  expenseArea?: string;
  tag?: { name: keyof typeof TAG_COLUMNS; value: boolean | null };
}

/** The headline figures of a year, the previous year's, the change, and groups when asked. */
export async function getMetrics(db: Kysely<DB>, orgId: string, query: MetricsQuery) {
  const { period } = await organisationPeriod(db, orgId, query.year);
  const previous = financialYear(query.year - 1, Number(period.from.slice(5, 7)));
  const filter: repo.MetricFilter = {
    ...(query.expenseArea !== undefined ? { expenseArea: query.expenseArea } : {}),
    ...(query.tag ? { tag: { column: TAG_COLUMNS[query.tag.name], value: query.tag.value } } : {}),
  };
  const [sums, counted] = await yearData(db, orgId, previous, period, filter);
  const current = sums(period);
  const before = sums(previous);
  const counts = counted(period);
  const beforeCounts = counted(previous);
  return {
    organisation: orgId,
    year: query.year,
    label: period.label,
    period: { from: period.from, to: period.to },
    filters: {
      expenseArea: query.expenseArea ?? null,
      tag: query.tag ? `${query.tag.name}:${query.tag.value ?? 'unknown'}` : null,
    },
    ...headlineFigures(current.total, counts),
    previousYear: {
      year: previous.year,
      label: previous.label,
      period: { from: previous.from, to: previous.to },
      ...headlineFigures(before.total, beforeCounts),
    },
    change: change(current.total, before.total, counts, beforeCounts),
    ...(query.by
      ? { groups: await groups(db, orgId, period, query.by, query.limit ?? 20, filter, current) }
      : {}),
  };
}

/** Groups that add up to the total: every spend figure of the groups sums to the year's. */
async function groups(
  db: Kysely<DB>,
  orgId: string,
  period: Period,
  by: GroupBy,
  limit: number,
  filter: repo.MetricFilter,
  year: { total: Sums; months: (repo.SpendSums & { month: string })[] },
) {
  const monthSums = new Map(year.months.map((m) => [m.month.slice(0, 7), m]));
  const sumOf = (from: string, to: string) =>
    year.months
      .filter((m) => m.month >= from && m.month <= to)
      .reduce<Sums>((sum, m) => add(sum, m), ZERO);
  switch (by) {
    case 'quarter':
      return quartersOf(period).map((q) => ({
        key: q.key,
        label: `${q.key} ${monthName(q.from)} to ${monthName(q.to)}`,
        ...spendFigures(sumOf(q.from, q.to)),
      }));
    case 'month':
      return monthsOf(period).map((m) => ({
        key: m.key,
        label: monthName(m.from),
        ...spendFigures(add(ZERO, monthSums.get(m.key) ?? ZERO)),
      }));
    case 'expenseArea':
    case 'expenseType': {
      const rows = await repo.sumByCell(
        db,
        orgId,
        period.from,
        period.to,
        by === 'expenseArea' ? 'expense_area' : 'expense_type',
        filter,
      );
      return rows.map((r) => ({
        key: r.key ?? '',
        label: r.key ?? '(not given)',
        ...spendFigures(add(ZERO, r)),
      }));
    }
    case 'supplier': {
      const top = await repo.findTopSuppliers(db, orgId, period, limit, filter);
      let listed = ZERO;
      const out = top.map((s) => {
        const sums = supplierSums(s);
        listed = add(listed, sums);
        return { key: s.supplier_key, label: s.name, ...spendFigures(sums) };
      });
      const others = subtract(year.total, listed);
      out.push({
        key: 'others',
        label: top.length === 0 ? 'All suppliers' : 'Others (and redacted payments)',
        ...spendFigures(others),
      });
      return out;
    }
  }
}

function supplierSums(s: repo.SupplierSpendRow): Sums {
  const when = (flag: boolean | null) => (flag ? s.pence : 0n);
  return {
    total: s.pence,
    payments: s.payments,
    local: when(s.local),
    wider_area: when(s.wider_area),
    deprived_area: when(s.deprived_area),
    vcfse: when(s.vcfse),
    sme: when(s.sme),
    unknown_location: s.local === null ? s.pence : 0n,
    redacted: 0n,
  };
}

function monthName(date: string): string {
  return `${MONTH_NAMES[Number(date.slice(5, 7)) - 1]} ${date.slice(0, 4)}`;
}

const MAX_TREND_YEARS = 30;

/** One row of headline figures per financial year, from..to. */
export async function getTrend(db: Kysely<DB>, orgId: string, fromYear: number, toYear: number) {
  if (toYear < fromYear) {
    throw new AppError(400, 'validation', 'The request querystring has 1 invalid field(s).', {
      errors: [{ in: 'querystring', field: 'to', message: 'must not be before from' }],
    });
  }
  if (toYear - fromYear >= MAX_TREND_YEARS) {
    throw new AppError(400, 'validation', 'The request querystring has 1 invalid field(s).', {
      errors: [
        { in: 'querystring', field: 'to', message: `at most ${MAX_TREND_YEARS} years at a time` },
      ],
    });
  }
  const { startMonth } = await organisationPeriod(db, orgId, fromYear);
  const first = financialYear(fromYear, startMonth);
  const last = financialYear(toYear, startMonth);
  const { months, counts } = await repo.sumMonthsAndCounts(db, orgId, {
    from: first.from,
    to: last.to,
    fromYear,
    toYear,
  });
  const countsByYear = new Map(counts.map((c) => [c.year, c]));
  const years = [];
  for (let year = fromYear; year <= toYear; year++) {
    const period = financialYear(year, startMonth);
    const sums = months
      .filter((m) => m.month >= period.from && m.month <= period.to)
      .reduce<Sums>((sum, m) => add(sum, m), ZERO);
    years.push({
      year,
      label: period.label,
      period: { from: period.from, to: period.to },
      ...headlineFigures(sums, countsByYear.get(year) ?? NO_COUNTS),
    });
  }
  return { organisation: orgId, from: fromYear, to: toYear, years };
}

/** Where spend leaves the place: non-local spend by expense type beside the local suppliers already paid for it. */
export async function getLeakage(db: Kysely<DB>, orgId: string, year: number) {
  const { period } = await organisationPeriod(db, orgId, year);
  const rows = await repo.findLeakage(db, orgId, period.from, period.to);
  return {
    organisation: orgId,
    year,
    label: period.label,
    period: { from: period.from, to: period.to },
    expenseTypes: rows.map((r) => ({
      expenseType: r.expense_type ?? '(not given)',
      totalSpend: formatPence(r.total),
      nonLocalSpend: formatPence(r.non_local),
      nonLocalSupplierCount: Number(r.non_local_suppliers),
      localSpend: formatPence(r.local),
      localSupplierCount: Number(r.local_suppliers),
      localShare: share(r.local, r.total),
      unknownLocationSpend: formatPence(r.unknown_location),
      topNonLocalSuppliers: (r.top_non_local ?? []).map((s) => ({
        name: s.name,
        spend: formatPence(BigInt(s.pence)),
      })),
    })),
  };
}

/** The suppliers with the most net spend in a year (optionally only those with a tag true), with their tags. */
export async function getTopSuppliers(
  db: Kysely<DB>,
  orgId: string,
  year: number,
  options: { limit: number; tag?: keyof typeof TAG_COLUMNS },
) {
  const { period } = await organisationPeriod(db, orgId, year);
  const rows = await repo.findTopSuppliers(
    db,
    orgId,
    { year, from: period.from, to: period.to },
    options.limit,
    options.tag ? { tag: { column: TAG_COLUMNS[options.tag], value: true } } : {},
  );
  return rows
    .filter((r) => r.pence > 0n)
    .map((r) => ({
      ref: r.supplier_key,
      name: r.name,
      spend: formatPence(r.pence),
      payments: Number(r.payments),
      local: r.local,
      widerArea: r.wider_area,
      deprivedArea: r.deprived_area,
      vcfse: r.vcfse,
      sme: r.sme,
    }));
}
