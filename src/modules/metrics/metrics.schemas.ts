import { z } from 'zod';
import { yearSchema } from '../suppliers/suppliers.schemas.ts';

const money = z.string().describe('pounds with two decimals, e.g. "91000000.00"');
const shareOf = z
  .number()
  .nullable()
  .describe('spend over total spend, 0..1, unrounded; null when there is no spend');

export const spendFiguresSchema = z.object({
  totalSpend: money,
  paymentCount: z.number().int(),
  localSpend: money,
  localShare: shareOf,
  widerAreaSpend: money,
  widerAreaShare: shareOf,
  vcfseSpend: money,
  vcfseShare: shareOf,
  smeSpend: money,
  smeShare: shareOf,
  deprivedAreaSpend: money,
  deprivedAreaShare: shareOf,
  unknownLocationSpend: money.describe(
    'spend with suppliers whose location is unknown, redacted payments included',
  ),
  redactedSpend: money,
});

export const headlineSchema = spendFiguresSchema.extend({
  supplierCount: z
    .number()
    .int()
    .describe('distinct non-redacted suppliers with positive net spend in the period'),
  localSupplierCount: z.number().int(),
  vcfseSupplierCount: z.number().int(),
  smeSupplierCount: z.number().int(),
});

const periodSchema = z.object({ from: z.string(), to: z.string() });

export const groupSchema = spendFiguresSchema
  .extend({ key: z.string(), label: z.string() })
  .meta({ id: 'MetricGroup' });

export const tagFilterSchema = z
  .string()
  .regex(
    /^(local|widerArea|deprivedArea|vcfse|sme)(:(true|false|unknown))?$/,
    'must be a tag, optionally :true, :false or :unknown',
  )
  .describe(
    'only spend with suppliers whose tag is true (vcfse), false (local:false) or unknown (local:unknown)',
  );

export const metricsQuerySchema = z.object({
  year: yearSchema,
  by: z.enum(['quarter', 'month', 'expenseArea', 'expenseType', 'supplier']).optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(20)
    .describe('with by=supplier: the top N, then one Others group'),
  expenseArea: z.string().min(1).max(300).optional(),
  tag: tagFilterSchema.optional(),
});

export const metricsSchema = headlineSchema
  .extend({
    organisation: z.string(),
    year: z.number().int(),
    label: z.string().describe('2022/23 for a year starting in April 2022'),
    period: periodSchema,
    filters: z.object({ expenseArea: z.string().nullable(), tag: z.string().nullable() }),
    previousYear: headlineSchema.extend({
      year: z.number().int(),
      label: z.string(),
      period: periodSchema,
    }),
    change: z
      .record(z.string(), z.number().nullable())
      .describe(
        'spends and counts: relative change (0.03 = up 3%); shares: difference in points (0.004); null with no previous spend',
      ),
    groups: z
      .array(groupSchema)
      .optional()
      .describe('with by: they add up to the total, figure by figure'),
  })
  .meta({ id: 'Metrics' });

export const trendQuerySchema = z.object({ from: yearSchema, to: yearSchema });

export const trendSchema = z
  .object({
    organisation: z.string(),
    from: z.number().int(),
    to: z.number().int(),
    years: z.array(
      headlineSchema.extend({ year: z.number().int(), label: z.string(), period: periodSchema }),
    ),
  })
  .meta({ id: 'Trend' });

export const leakageSchema = z
  .object({
    organisation: z.string(),
    year: z.number().int(),
    label: z.string(),
    period: periodSchema,
    expenseTypes: z.array(
      z.object({
        expenseType: z.string(),
        totalSpend: money,
        nonLocalSpend: money.describe('spend with suppliers known to be outside the home areas'),
        nonLocalSupplierCount: z.number().int(),
        localSpend: money,
        localSupplierCount: z
          .number()
          .int()
          .describe('local suppliers already paid for this expense type'),
        localShare: shareOf,
        unknownLocationSpend: money,
        topNonLocalSuppliers: z.array(z.object({ name: z.string(), spend: money })),
      }),
    ),
  })
  .meta({ id: 'Leakage' });
