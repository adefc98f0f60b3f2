import { cells, type Table } from '../../exports/table.ts';
import type { ComplianceFigures } from './compliance.schemas.ts';

const { text, money, share, count, days } = cells;

/** The compliance figures as one table, a row per group of suppliers. */
export function complianceTable(c: Omit<ComplianceFigures, 'leftOutInvoices'>): Table {
  return {
    key: 'compliance',
    sheet: `Payment ${c.period.key}`,
    title: `Payment compliance, ${c.period.label}`,
    headers: [
      'Suppliers',
      'Invoices paid',
      'Value paid',
      'Mean days to pay',
      'Within 30 days (invoices)',
      'Within 30 days (share)',
      'Within 30 days (share of value)',
      '31 to 60 days (invoices)',
      '31 to 60 days (share)',
      '31 to 60 days (share of value)',
      '61 days or more (invoices)',
      '61 days or more (share)',
      '61 days or more (share of value)',
      'Invoices due',
      'Value due',
      'Due, not paid in period (invoices)',
      'Due, not paid in period (value)',
      'Due, not paid (share)',
      'Due, not paid (share of value)',
      'Left out: no received date',
      'Left out: received after payment',
    ],
    rows: c.groups.map((g) => [
      text(g.label),
      count(g.paid.invoices),
      money(g.paid.value),
      days(g.paid.meanDays),
      count(g.paid.within30.invoices),
      share(g.paid.within30.invoiceShare),
      share(g.paid.within30.valueShare),
      count(g.paid.days31to60.invoices),
      share(g.paid.days31to60.invoiceShare),
      share(g.paid.days31to60.valueShare),
      count(g.paid.days61plus.invoices),
      share(g.paid.days61plus.invoiceShare),
      share(g.paid.days61plus.valueShare),
      count(g.dueNotPaid.dueInvoices),
      money(g.dueNotPaid.dueValue),
      count(g.dueNotPaid.invoices),
      money(g.dueNotPaid.value),
      share(g.dueNotPaid.invoiceShare),
      share(g.dueNotPaid.valueShare),
      count(g.leftOut.missingReceivedDate.invoices),
      count(g.leftOut.receivedAfterPayment.invoices),
    ]),
  };
}

/** The invoices left out of the day counts, for a finance team to put right. */
export function leftOutTable(c: ComplianceFigures): Table {
  return {
    key: 'left-out',
    sheet: `Left out ${c.period.key}`,
    title: `Invoices left out for their dates, ${c.period.label}`,
    headers: [
      'Supplier reference',
      'Supplier',
      'Invoice number',
      'Received',
      'Paid',
      'Value',
      'Why',
    ],
    rows: c.leftOutInvoices.invoices.map((i) => [
      text(i.supplierRef),
      text(i.supplierName),
      text(i.invoiceNumber),
      cells.date(i.received),
      cells.date(i.paid),
      money(i.value),
      text(i.reason),
    ]),
  };
}
