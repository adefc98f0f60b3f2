import { z } from 'zod';
import { complianceSchema } from '../compliance/compliance.schemas.ts';
import { headlineSchema, spendFiguresSchema } from '../metrics/metrics.schemas.ts';
import { orgParamsSchema } from '../organisations/organisations.schemas.ts';
import { yearSchema } from '../suppliers/suppliers.schemas.ts';

const money = z.string().describe('pounds with two decimals');
const shareOf = z.number().nullable();
const periodSchema = z.object({ from: z.string(), to: z.string() });

export const REPORT_FORMATS = ['json', 'html', 'csv', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const REPORT_TABLES = [
  'headline',
  'quarters',
  'services',
  'suppliers',
  'leakage',
  'compliance',
] as const;
export type ReportTable = (typeof REPORT_TABLES)[number];

export const reportParamsSchema = orgParamsSchema;

export const reportQuerySchema = z.object({
  year: yearSchema,
  format: z
    .enum(REPORT_FORMATS)
    .optional()
    .describe('instead of the Accept header: json, html, csv or xlsx'),
  table: z
    .enum(REPORT_TABLES)
    .optional()
    .describe('CSV only: one table alone, without section titles (default: every table)'),
});

const yearFigures = headlineSchema.extend({
  year: z.number().int(),
  label: z.string(),
  period: periodSchema,
});

const group = spendFiguresSchema.extend({ key: z.string(), label: z.string() });

export const annualReportSchema = z
  .object({
    organisation: z.object({ id: z.string(), name: z.string() }),
    year: z.number().int(),
    label: z.string(),
    period: periodSchema,
    generatedAt: z.string(),
    headline: headlineSchema.extend({
      previousYear: yearFigures,
      change: z.record(z.string(), z.number().nullable()),
    }),
    trend: z
      .array(yearFigures)
      .describe('up to five years ending with this one, from the first with spend'),
    quarters: z.array(group),
    services: z
      .array(group)
      .describe('spend by service (expense area), largest first, each with its local share'),
    topLocalSuppliers: z.array(
      z.object({
        rank: z.number().int(),
        ref: z.string(),
        name: z.string(),
        spend: money,
        payments: z.number().int(),
        vcfse: z.boolean().nullable(),
        sme: z.boolean().nullable(),
        deprivedArea: z.boolean().nullable(),
      }),
    ),
    leakage: z.array(
      z.object({
        expenseType: z.string(),
        totalSpend: money,
        nonLocalSpend: money,
        nonLocalSupplierCount: z.number().int(),
        localSpend: money,
        localSupplierCount: z.number().int(),
        localShare: shareOf,
        topNonLocalSuppliers: z.array(z.object({ name: z.string(), spend: money })),
      }),
    ),
    classification: z.object({
      location: z.object({ knownSpend: money, knownShare: shareOf }),
      vcfse: z.object({ knownSpend: money, knownShare: shareOf }),
      sme: z.object({ knownSpend: money, knownShare: shareOf }),
      suppliersPaid: z.number().int(),
      suppliersFullyClassified: z.number().int(),
    }),
    paymentCompliance: z
      .array(complianceSchema.omit({ leftOutInvoices: true }))
      .describe(
        'the two Procurement Act payment reporting periods ending in the year (GET payment-compliance has the invoices left out)',
      ),
    definitions: z.array(z.object({ term: z.string(), definition: z.string() })),
  })
  .meta({ id: 'AnnualReport' });

export type AnnualReport = z.infer<typeof annualReportSchema>;
