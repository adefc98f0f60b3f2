import { z } from 'zod';

const money = z.string().describe('pounds with two decimals');
const shareOf = z.number().nullable();

const band = z.object({
  invoices: z.number().int(),
  invoiceShare: shareOf.describe('of the invoices counted, by number'),
  value: money,
  valueShare: shareOf.describe('of the invoices counted, by value'),
});
const leftOutPart = z.object({ invoices: z.number().int(), value: money });

const figures = {
  paid: z
    .object({
      invoices: z.number().int().describe('invoices paid in the period that the figures rest on'),
      value: money,
      meanDays: z
        .number()
        .nullable()
        .describe('mean days from receipt to payment; day 1 is the day after receipt'),
      within30: band.describe('paid within 30 days of receipt (a same-day payment counts here)'),
      days31to60: band,
      days61plus: band,
    })
    .describe('invoices paid in the period'),
  dueNotPaid: z
    .object({
      dueInvoices: z
        .number()
        .int()
        .describe('invoices that fell due in the period (30 days after receipt)'),
      dueValue: money,
      invoices: z.number().int().describe('of those, not paid by the end of the period'),
      value: money,
      invoiceShare: shareOf,
      valueShare: shareOf,
      paidAfterPeriod: z.number().int(),
      notPaid: z.number().int().describe('unpaid invoices from AP exports, with no payment loaded'),
    })
    .describe('sums that fell due in the period but were not paid in it'),
  leftOut: z
    .object({
      missingReceivedDate: leftOutPart,
      receivedAfterPayment: leftOutPart,
      creditNotes: leftOutPart,
      outOfScope: leftOutPart,
    })
    .describe('invoices paid in the period that the day counts leave out, and why'),
};

export const complianceQuerySchema = z.object({
  period: z
    .string()
    .describe(
      'the year and half: 2025H1 = April to September 2025, 2025H2 = October 2025 to March 2026',
    ),
  format: z.enum(['json', 'csv', 'xlsx']).optional().describe('instead of the Accept header'),
});

export const complianceSchema = z
  .object({
    organisation: z.string(),
    period: z.object({ key: z.string(), from: z.string(), to: z.string(), label: z.string() }),
    scope: z.object({
      markedLines: z.number().int(),
      unmarkedLines: z.number().int(),
      note: z.string(),
    }),
    notes: z.array(z.string()).describe('what the figures cannot show yet, and why'),
    laterPaymentsLoaded: z
      .boolean()
      .describe(
        'payments after the period are loaded, so what fell due and was paid late is known',
      ),
    ...figures,
    leftOutInvoices: z.object({
      listed: z.number().int(),
      total: z.number().int(),
      invoices: z.array(
        z.object({
          supplierRef: z.string().nullable(),
          supplierName: z.string().nullable(),
          invoiceNumber: z.string().nullable(),
          received: z.string().nullable(),
          paid: z.string(),
          value: money,
          reason: z.string(),
        }),
      ),
    }),
    groups: z
      .array(z.object({ key: z.string(), label: z.string(), ...figures }))
      .describe(
        'the same figures for local, non-local, SME, non-SME suppliers and small local firms',
      ),
  })
  .meta({ id: 'PaymentCompliance' });

export type ComplianceFigures = z.infer<typeof complianceSchema>;
