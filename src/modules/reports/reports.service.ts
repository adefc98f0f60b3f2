import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { notFound } from '../../http/problem.ts';
import { parsePounds } from '../../money.ts';
import { getClassification } from '../classify/classify.service.ts';
import { periodsEndingWithin } from '../compliance/compliance-periods.ts';
import { getPaymentCompliance } from '../compliance/compliance.service.ts';
import { getLeakage, getMetrics, getTopSuppliers, getTrend } from '../metrics/metrics.service.ts';
import { financialYear } from '../metrics/periods.ts';
import { findOrganisationSettings } from '../organisations/organisations.service.ts';
import type { AnnualReport } from './reports.schemas.ts';

/*
 * The annual report: every figure the board sees, gathered from the same services as the API
 * (so the page, the exports and the metrics calls can never disagree). Renderers turn it into
 * HTML, CSV and a workbook; none of them computes a figure.
 */

const TREND_YEARS = 5;
const TOP_LOCAL_SUPPLIERS = 20;
const LEAKAGE_ROWS = 15;

/** The definitions the report's footnote gives, in DESIGN.md's words. */
export const DEFINITIONS: readonly { term: string; definition: string }[] = [
  {
    term: 'Financial year',
    definition:
      "Starts on the organisation's year-start month: a council's 2022/23 runs from 1 April 2022 to 31 March 2023, a college's from 1 August.",
  },
  {
    term: 'Total spend',
    definition:
      'The sum of payments to suppliers (credit notes included) with a payment date in the year.',
  },
  {
    term: 'Local',
    definition:
      "A supplier whose postcode (from an override, the supplier file, or the register entry it matches) lies in the organisation's home local authority areas (ONS Postcode Directory). No known postcode: location unknown, never counted as local.",
  },
  {
    term: 'VCFSE',
    definition:
      'Voluntary, community, faith and social enterprise: a registered charity, community interest company, charitable incorporated organisation or registered society, from the Charity Commission, Companies House and FCA registers, or confirmed by an override.',
  },
  {
    term: 'SME',
    definition:
      "Fewer than 250 employees and turnover up to £44m or balance sheet up to £38m (supplier file), else Companies House's accounts category (micro, small, medium, total exemption, unaudited abridged).",
  },
  {
    term: 'Deprived areas',
    definition:
      "A supplier whose postcode's neighbourhood (LSOA) is among the 20% most deprived in England (Index of Multiple Deprivation deciles 1 and 2).",
  },
  {
    term: 'Share',
    definition: 'That spend divided by total spend. Year-on-year, a share changes in points.',
  },
  {
    term: 'Suppliers',
    definition:
      'Distinct suppliers with positive net spend in the year. Redacted payments (personal data) count in spend but never as suppliers.',
  },
  {
    term: 'Days to pay',
    definition:
      'From the day an invoice was received to the day it was paid, day 1 being the day after receipt (Procurement Act 2023 payment reporting, six months to 30 September and to 31 March). An invoice falls due 30 days after receipt. Invoices without a received date, credit notes and invoices marked out of scope are left out and counted.',
  },
  {
    term: 'Leakage',
    definition:
      'Spend with suppliers known to be outside the home areas, by expense type, beside the local suppliers already paid for the same thing: where local firms might win more.',
  },
];

/** The report of an organisation's financial year beginning in `year`. */
export async function getAnnualReport(
  db: Kysely<DB>,
  orgId: string,
  year: number,
  now: Date = new Date(),
): Promise<AnnualReport> {
  const org = await findOrganisationSettings(db, orgId);
  if (!org) throw notFound(`Organisation ${orgId}`);
  // Every part at once (on PostgreSQL each takes a connection of the pool), the compliance
  // periods ending within the year among them.
  const fiscal = financialYear(year, org.year_start_month);
  const compliance = Promise.all(
    periodsEndingWithin(fiscal.from, fiscal.to).map(async (period) => {
      // The report counts the invoices left out; it does not list them.
      const { leftOutInvoices: _, ...figures } = await getPaymentCompliance(db, orgId, period, 0);
      return figures;
    }),
  );
  const [headline, byQuarter, byService, trend, top, leakage, classification, paymentCompliance] =
    await Promise.all([
      getMetrics(db, orgId, { year }),
      getMetrics(db, orgId, { year, by: 'quarter' }),
      getMetrics(db, orgId, { year, by: 'expenseArea' }),
      getTrend(db, orgId, year - TREND_YEARS + 1, year),
      getTopSuppliers(db, orgId, year, { limit: TOP_LOCAL_SUPPLIERS, tag: 'local' }),
      getLeakage(db, orgId, year),
      getClassification(db, orgId, year, 0),
      compliance,
    ]);
  const firstWithSpend = trend.years.findIndex((y) => y.totalSpend !== '0.00');
  const { groups: _, filters: __, organisation: ___, ...figures } = headline;
  return {
    organisation: { id: org.id, name: org.name },
    year,
    label: headline.label,
    period: headline.period,
    generatedAt: now.toISOString(),
    headline: figures,
    trend: firstWithSpend === -1 ? trend.years.slice(-1) : trend.years.slice(firstWithSpend),
    quarters: byQuarter.groups ?? [],
    services: [...(byService.groups ?? [])].sort(
      (a, b) => comparePounds(b.totalSpend, a.totalSpend) || a.label.localeCompare(b.label),
    ),
    topLocalSuppliers: top.map((s, i) => ({
      rank: i + 1,
      ref: s.ref,
      name: s.name,
      spend: s.spend,
      payments: s.payments,
      vcfse: s.vcfse,
      sme: s.sme,
      deprivedArea: s.deprivedArea,
    })),
    leakage: leakage.expenseTypes.slice(0, LEAKAGE_ROWS).map((r) => ({
      expenseType: r.expenseType,
      totalSpend: r.totalSpend,
      nonLocalSpend: r.nonLocalSpend,
      nonLocalSupplierCount: r.nonLocalSupplierCount,
      localSpend: r.localSpend,
      localSupplierCount: r.localSupplierCount,
      localShare: r.localShare,
      topNonLocalSuppliers: r.topNonLocalSuppliers,
    })),
    classification: {
      location: pick(classification.location),
      vcfse: pick(classification.vcfse),
      sme: pick(classification.sme),
      suppliersPaid: classification.suppliers.paid,
      suppliersFullyClassified: classification.suppliers.fullyClassified,
    },
    paymentCompliance,
    definitions: [...DEFINITIONS],
  };
}

function comparePounds(a: string, b: string): number {
  const d = parsePounds(a)! - parsePounds(b)!;
  return d > 0n ? 1 : d < 0n ? -1 : 0;
}

function pick(part: { knownSpend: string; knownShare: number | null }) {
  return { knownSpend: part.knownSpend, knownShare: part.knownShare };
}
