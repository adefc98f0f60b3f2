import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { formatPence } from '../../money.ts';
import { findOrganisationSettings } from '../organisations/organisations.service.ts';
import { parseCompliancePeriod, type CompliancePeriod } from './compliance-periods.ts';
import * as repo from './compliance.repository.ts';

/*
 * Payment compliance (Procurement Act 2023 s.69, Procurement Regulations 2024 reg. 38), from the
 * ledgers already loaded, for one six-month period:
 * - invoices paid in the period: the mean days to pay (day 1 the day after receipt) and the
 *   shares paid within 30 days, in 31-60 and in 61 or more, by number and by value; invoices
 *   without a received date (or received after they were paid) are left out and counted;
 *   credit notes and invoices marked out of scope are left out; unmarked ones count as in scope;
 * - sums that fell due in the period (received 30 days before it, or later) but were not paid
 *   in it: paid after its end, or not paid at all (an AP export's unpaid invoices);
 * and the same figures for local and non-local, SME and non-SME suppliers, and small local firms.
 */

const LEFT_OUT_LISTED = 100;

const GROUPS = [
  { key: 'all', label: 'All suppliers', test: () => true },
  { key: 'local', label: 'Local suppliers', test: (r: repo.CategoryRow) => r.local === true },
  {
    key: 'not-local',
    label: 'Suppliers outside the area',
    test: (r: repo.CategoryRow) => r.local === false,
  },
  {
    key: 'location-unknown',
    label: 'Location unknown',
    test: (r: repo.CategoryRow) => r.local === null,
  },
  { key: 'sme', label: 'Small and medium firms', test: (r: repo.CategoryRow) => r.sme === true },
  { key: 'not-sme', label: 'Large firms', test: (r: repo.CategoryRow) => r.sme === false },
  { key: 'size-unknown', label: 'Size unknown', test: (r: repo.CategoryRow) => r.sme === null },
  {
    key: 'small-local',
    label: 'Small local firms',
    test: (r: repo.CategoryRow) => r.local === true && r.sme === true,
  },
] as const;

const BANDS = ['within30', 'days31to60', 'days61plus'] as const;

function share(part: bigint, whole: bigint): number | null {
  return whole === 0n ? null : Number(part) / Number(whole);
}

/** Counts and value of the rows of some categories. */
function tally(rows: readonly repo.CategoryRow[], categories: readonly repo.Category[]) {
  let invoices = 0n;
  let pence = 0n;
  let days = 0n;
  for (const r of rows) {
    if (!categories.includes(r.category)) continue;
    invoices += BigInt(r.invoices);
    pence += BigInt(r.pence);
    days += BigInt(r.days ?? 0);
  }
  return { invoices, pence, days };
}

/** The figures of one group of suppliers. */
export function groupFigures(rows: readonly repo.CategoryRow[]) {
  const counted = tally(rows, BANDS);
  const band = (category: (typeof BANDS)[number]) => {
    const t = tally(rows, [category]);
    return {
      invoices: Number(t.invoices),
      invoiceShare: share(t.invoices, counted.invoices),
      value: formatPence(t.pence),
      valueShare: share(t.pence, counted.pence),
    };
  };
  const leftOut = (category: repo.Category) => {
    const t = tally(rows, [category]);
    return { invoices: Number(t.invoices), value: formatPence(t.pence) };
  };
  const due = tally(rows, ['due-paid', 'due-not-paid', 'due-unpaid']);
  const late = tally(rows, ['due-not-paid']);
  const unpaid = tally(rows, ['due-unpaid']);
  const notPaid = { invoices: late.invoices + unpaid.invoices, pence: late.pence + unpaid.pence };
  return {
    paid: {
      invoices: Number(counted.invoices),
      value: formatPence(counted.pence),
      meanDays: counted.invoices === 0n ? null : Number(counted.days) / Number(counted.invoices),
      within30: band('within30'),
      days31to60: band('days31to60'),
      days61plus: band('days61plus'),
    },
    dueNotPaid: {
      dueInvoices: Number(due.invoices),
      dueValue: formatPence(due.pence),
      invoices: Number(notPaid.invoices),
      value: formatPence(notPaid.pence),
      invoiceShare: share(notPaid.invoices, due.invoices),
      valueShare: share(notPaid.pence, due.pence),
      paidAfterPeriod: Number(late.invoices),
      notPaid: Number(unpaid.invoices),
    },
    leftOut: {
      missingReceivedDate: leftOut('missing-received-date'),
      receivedAfterPayment: leftOut('received-after-payment'),
      creditNotes: leftOut('credit-note'),
      outOfScope: leftOut('out-of-scope'),
    },
  };
}

export type GroupFigures = ReturnType<typeof groupFigures>;

/** The period asked for, or a 400 naming the parameter. */
export function compliancePeriodOf(key: string): CompliancePeriod {
  const period = parseCompliancePeriod(key);
  if (!period) {
    throw new AppError(400, 'validation', 'The request querystring has 1 invalid field(s).', {
      errors: [
        {
          in: 'querystring',
          field: 'period',
          message: `"${key}" is not a period: the year and H1 (April to September) or H2 (October to March), e.g. 2025H2`,
        },
      ],
    });
  }
  return period;
}

/**
 * An organisation's payment compliance figures for a period, with up to `listLeftOut` of the
 * invoices left out for their dates listed (0: counted only, as the annual report shows them).
 */
export async function getPaymentCompliance(
  db: Kysely<DB>,
  orgId: string,
  period: CompliancePeriod,
  listLeftOut = LEFT_OUT_LISTED,
) {
  if (!(await findOrganisationSettings(db, orgId))) throw notFound(`Organisation ${orgId}`);
  const [rows, leftOut, scope, latestMonth] = await Promise.all([
    repo.countInvoices(db, orgId, period),
    listLeftOut > 0 ? repo.findLeftOutInvoices(db, orgId, period, listLeftOut) : [],
    repo.countScopeMarks(db, orgId, period),
    repo.findLatestPaymentMonth(db, orgId),
  ]);
  const all = groupFigures(rows);
  const notes: string[] = [];
  if (all.paid.invoices === 0 && all.leftOut.missingReceivedDate.invoices > 0)
    notes.push(
      'The ledgers loaded for this period have no invoice received dates, so days to pay cannot be counted: load an AP export with them.',
    );
  const laterPaymentsLoaded = latestMonth !== null && latestMonth > period.to;
  if (!laterPaymentsLoaded)
    notes.push(
      `No payments after ${period.to} are loaded yet: invoices that fell due in the period and were paid after it are not known, so the share not paid in the period may be understated.`,
    );
  return {
    organisation: orgId,
    period: { key: period.key, from: period.from, to: period.to, label: period.label },
    scope: {
      markedLines: Number(scope.marked),
      unmarkedLines: Number(scope.unmarked),
      note:
        scope.marked === 0n
          ? 'The ledgers do not say which payments are under contracts in scope: every payment is counted.'
          : scope.unmarked === 0n
            ? 'Every payment line says whether it is in scope; those out of scope are left out.'
            : 'Some payment lines do not say whether they are in scope: those are counted; those marked out of scope are left out.',
    },
    notes,
    laterPaymentsLoaded,
    ...all,
    leftOutInvoices: {
      listed: leftOut.length,
      total: all.leftOut.missingReceivedDate.invoices + all.leftOut.receivedAfterPayment.invoices,
      invoices: leftOut.map((r) => ({
        supplierRef: r.supplier_ref,
        supplierName: r.supplier_name,
        invoiceNumber: r.invoice_number,
        received: r.received,
        paid: r.paid,
        value: formatPence(r.pence),
        reason: r.received === null ? 'no invoice received date' : 'received after it was paid',
      })),
    },
    groups: GROUPS.map((g) => ({
      key: g.key,
      label: g.label,
      ...groupFigures(rows.filter((r) => g.test(r))),
    })),
  };
}

export type PaymentCompliance = Awaited<ReturnType<typeof getPaymentCompliance>>;
