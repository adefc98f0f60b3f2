/*
 * The Procurement Act 2023 payment reporting periods (s.69; Procurement Regulations 2024
 * reg. 38): six months ending 31 March and 30 September. `2025H1` is 1 April to 30 September
 * 2025; `2025H2` is 1 October 2025 to 31 March 2026. And the day counting: day 1 is the day
 * after the invoice was received, so an invoice paid the day after it arrived took 1 day.
 */

export interface CompliancePeriod {
  key: string;
  from: string;
  to: string;
  label: string;
}

const PERIOD = /^(\d{4})H([12])$/;

/** "2025H2" -> 2025-10-01..2026-03-31; undefined when it is not a period. */
export function parseCompliancePeriod(key: string): CompliancePeriod | undefined {
  const m = PERIOD.exec(key);
  if (!m) return undefined;
  const year = Number(m[1]);
  return m[2] === '1'
    ? { key, from: `${year}-04-01`, to: `${year}-09-30`, label: `April to September ${year}` }
    : {
        key,
        from: `${year}-10-01`,
        to: `${year + 1}-03-31`,
        label: `October ${year} to March ${year + 1}`,
      };
}

/** The periods that end within [from, to] (a financial year holds two, whatever month it starts). */
export function periodsEndingWithin(from: string, to: string): CompliancePeriod[] {
  const out: CompliancePeriod[] = [];
  for (let year = Number(from.slice(0, 4)) - 1; year <= Number(to.slice(0, 4)); year++) {
    for (const half of ['H1', 'H2']) {
      const period = parseCompliancePeriod(`${year}${half}`)!;
      if (period.to >= from && period.to <= to) out.push(period);
    }
  }
  return out;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Days from receipt to payment, day 1 the day after receipt (same day: 0; negative: paid before received). */
export function daysToPay(received: string, paid: string): number {
  return Math.round(
    (Date.parse(`${paid}T00:00:00Z`) - Date.parse(`${received}T00:00:00Z`)) / DAY_MS,
  );
}

/** An invoice received on `received` falls due 30 days later (the day it must be paid by). */
export function dueDate(received: string): string {
  return new Date(Date.parse(`${received}T00:00:00Z`) + 30 * DAY_MS).toISOString().slice(0, 10);
}

export type PaymentBand = 'within30' | 'days31to60' | 'days61plus';

/** 0-30 days (paid the day it arrived counts as within 30), 31-60, 61 or more. */
export function paymentBand(days: number): PaymentBand {
  return days <= 30 ? 'within30' : days <= 60 ? 'days31to60' : 'days61plus';
}
