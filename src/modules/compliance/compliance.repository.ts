import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** What an invoice counts as in a period. */
export type Category =
  | 'within30'
  | 'days31to60'
  | 'days61plus'
  | 'missing-received-date'
  | 'received-after-payment'
  | 'credit-note'
  | 'out-of-scope'
  | 'due-paid'
  | 'due-not-paid'
  | 'due-unpaid';

export interface CategoryRow {
  local: boolean | null;
  sme: boolean | null;
  category: Category;
  invoices: bigint;
  pence: bigint;
  /** Sum of days to pay (banded categories only). */
  days: bigint | null;
}

/*
 * An invoice is the payment lines with the same supplier, invoice number, received date and
 * payment date (a line without an invoice number is an invoice of its own), summed. Payments
 * are read from 30 days before the period to its end: whatever was paid in it; and, paid later
 * however late, whatever fell due in it (received from 30 days before its first day to 30 days
 * before its last). Nothing else: a period of years ago does not read every year since.
 */
const INVOICES = (orgId: string, from: string, to: string) => sql`
  lines AS (
    SELECT p.supplier_key, coalesce(p.supplier_key, p.supplier_name, '') AS who,
           coalesce(p.invoice_number, p.upload_id::text || ':' || p.line) AS invoice,
           p.invoice_number, p.invoice_received_date AS received, p.payment_date AS paid,
           p.amount_pence, p.in_scope
    FROM payments p
    WHERE p.org_id = ${orgId} AND p.payment_date >= ${from}::date - 30
      AND (p.payment_date <= ${to}::date
           OR p.invoice_received_date BETWEEN ${from}::date - 30 AND ${to}::date - 30)
  ),
  invoices AS (
    SELECT supplier_key, who, invoice, min(invoice_number) AS invoice_number, received, paid,
           sum(amount_pence)::bigint AS pence,
           CASE WHEN bool_or(in_scope = false) THEN false WHEN bool_or(in_scope) THEN true END AS in_scope
    FROM lines GROUP BY supplier_key, who, invoice, received, paid
  )`;

/**
 * Invoices of a period by supplier tags (local, SME) and what they count as: paid in the
 * period (by days to pay, or why they were left out), and fell due in it (paid by its end, paid
 * after it, or not paid at all: an unpaid invoice that no payment loaded matches).
 */
export async function countInvoices(
  db: Db,
  orgId: string,
  period: { from: string; to: string },
): Promise<CategoryRow[]> {
  const { from, to } = period;
  const { rows } = await sql<CategoryRow>`
    WITH ${INVOICES(orgId, from, to)},
    tagged AS (
      SELECT i.*, t.local, t.sme FROM invoices i
      LEFT JOIN supplier_tags t ON t.org_id = ${orgId} AND t.supplier_key = i.supplier_key
    ),
    paid_in_period AS (
      SELECT local, sme,
             CASE WHEN in_scope = false THEN 'out-of-scope'
                  WHEN pence <= 0 THEN 'credit-note'
                  WHEN received IS NULL THEN 'missing-received-date'
                  WHEN received > paid THEN 'received-after-payment'
                  WHEN paid - received <= 30 THEN 'within30'
                  WHEN paid - received <= 60 THEN 'days31to60'
                  ELSE 'days61plus' END AS category,
             pence, CASE WHEN received <= paid THEN paid - received END AS days
      FROM tagged WHERE paid BETWEEN ${from}::date AND ${to}::date
    ),
    unpaid AS (
      SELECT DISTINCT ON (who, coalesce(invoice_number, upload_id::text || ':' || line), received, pence)
             supplier_key, who, invoice_number, received, pence, in_scope
      FROM (
        SELECT u.*, coalesce(u.supplier_key, u.supplier_name, '') AS who,
               u.invoice_received_date AS received, u.amount_pence AS pence
        FROM unpaid_invoices u
        WHERE u.org_id = ${orgId}
          AND u.invoice_received_date BETWEEN ${from}::date - 30 AND ${to}::date - 30
      ) u
    ),
    due AS (
      SELECT local, sme, CASE WHEN paid > ${to}::date THEN 'due-not-paid' ELSE 'due-paid' END AS category, pence
      FROM tagged
      WHERE received BETWEEN ${from}::date - 30 AND ${to}::date - 30 AND received <= paid
        AND in_scope IS DISTINCT FROM false AND pence > 0
      UNION ALL
      SELECT t.local, t.sme, 'due-unpaid', u.pence
      FROM unpaid u LEFT JOIN supplier_tags t ON t.org_id = ${orgId} AND t.supplier_key = u.supplier_key
      WHERE u.in_scope IS DISTINCT FROM false AND u.pence > 0
        AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.who = u.who AND i.invoice_number = u.invoice_number)
    )
    SELECT local, sme, category, count(*)::bigint AS invoices, sum(pence)::bigint AS pence,
           sum(days)::bigint AS days
    FROM paid_in_period GROUP BY 1, 2, 3
    UNION ALL
    SELECT local, sme, category, count(*)::bigint, sum(pence)::bigint, NULL::bigint
    FROM due GROUP BY 1, 2, 3`.execute(db);
  return rows;
}

export interface LeftOutRow {
  supplier_ref: string | null;
  supplier_name: string | null;
  invoice_number: string | null;
  received: string | null;
  paid: string;
  pence: bigint;
}

/** Invoices paid in the period left out of the day counts for their dates (missing, or received after payment). */
export async function findLeftOutInvoices(
  db: Db,
  orgId: string,
  period: { from: string; to: string },
  limit: number,
): Promise<LeftOutRow[]> {
  const { rows } = await sql<LeftOutRow>`
    SELECT min(supplier_ref) AS supplier_ref, min(supplier_name) AS supplier_name, invoice_number,
           invoice_received_date AS received, payment_date AS paid, sum(amount_pence)::bigint AS pence
    FROM payments
    WHERE org_id = ${orgId} AND payment_date BETWEEN ${period.from}::date AND ${period.to}::date
      AND (invoice_received_date IS NULL OR invoice_received_date > payment_date)
      AND in_scope IS DISTINCT FROM false
    GROUP BY coalesce(supplier_key, supplier_name, ''),
             coalesce(invoice_number, upload_id::text || ':' || line), invoice_number,
             invoice_received_date, payment_date
    HAVING sum(amount_pence) > 0
    ORDER BY payment_date, min(supplier_name), invoice_number
    LIMIT ${limit}`.execute(db);
  return rows;
}

/** Whether the organisation's payments in the period say anything of scope (a mapped column). */
export async function countScopeMarks(
  db: Db,
  orgId: string,
  period: { from: string; to: string },
): Promise<{ marked: bigint; unmarked: bigint }> {
  const { rows } = await sql<{ marked: bigint; unmarked: bigint }>`
    SELECT count(*) FILTER (WHERE in_scope IS NOT NULL)::bigint AS marked,
           count(*) FILTER (WHERE in_scope IS NULL)::bigint AS unmarked
    FROM payments
    WHERE org_id = ${orgId} AND payment_date BETWEEN ${period.from}::date AND ${period.to}::date`.execute(
    db,
  );
  return rows[0]!;
}

/** The first day of the latest month with payments loaded (from the kept month totals), or null. */
export async function findLatestPaymentMonth(db: Db, orgId: string): Promise<string | null> {
  const row = await db
    .selectFrom('month_totals')
    .select((eb) => eb.fn.max('month').as('month'))
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return (row?.month as string | null | undefined) ?? null;
}
