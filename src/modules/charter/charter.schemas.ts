import { z } from 'zod';
import { orgIdSchema, partnershipIdSchema } from '../organisations/organisations.schemas.ts';
import { yearSchema } from '../suppliers/suppliers.schemas.ts';

const money = z.string().describe('pounds with two decimals');
const shareOf = z.number().nullable();
const measureValue = z
  .union([z.number(), z.string(), z.boolean()])
  .describe('a number; money as a pounds string; yes-no as true or false');

export const measureKindSchema = z.enum(['count', 'money', 'hours', 'percentage', 'yes-no']);

export const measureSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    unit: z.string(),
    kind: measureKindSchema,
    description: z.string().nullable(),
  })
  .meta({ id: 'CharterMeasure' });

export const createMeasureSchema = z.strictObject({
  code: z
    .string()
    .regex(
      /^[a-z][a-z0-9_]{1,62}$/,
      'must be lower-case letters, digits and underscores, starting with a letter',
    ),
  name: z.string().trim().min(1).max(200),
  unit: z.string().trim().min(1).max(50),
  kind: measureKindSchema,
  description: z.string().trim().max(1000).optional(),
});

export const charterQuerySchema = z.object({
  year: yearSchema,
  partnership: partnershipIdSchema
    .optional()
    .describe('admins only: which partnership (default: "default")'),
});

export const sharedQuerySchema = charterQuerySchema.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

const figures = {
  totalSpend: money,
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
};

export const charterSchema = z
  .object({
    partnership: z.object({ id: z.string(), name: z.string() }),
    year: z.number().int(),
    partners: z.array(
      z.object({
        organisation: z.string(),
        name: z.string(),
        year: z.number().int(),
        label: z
          .string()
          .describe("on the partner's own financial year: a college's 2022/23 runs August to July"),
        period: z.object({ from: z.string(), to: z.string() }),
        ...figures,
        supplierCount: z.number().int(),
        localSupplierCount: z.number().int(),
        vcfseSupplierCount: z.number().int(),
        smeSupplierCount: z.number().int(),
        measures: z.array(
          z.object({ code: z.string(), value: measureValue, note: z.string().nullable() }),
        ),
      }),
    ),
    combined: z.object({
      partners: z.number().int(),
      ...figures,
      supplierCount: z
        .number()
        .int()
        .describe('distinct suppliers across partners: the same business counted once'),
      localSupplierCount: z.number().int().describe('distinct local suppliers across partners'),
      measures: z.array(
        z.object({
          code: z.string(),
          name: z.string(),
          unit: z.string(),
          kind: measureKindSchema,
          total: measureValue
            .nullable()
            .describe(
              'counts, money and hours added; yes-no: partners saying yes; percentages: null',
            ),
          reportedBy: z.number().int(),
        }),
      ),
    }),
  })
  .meta({ id: 'Charter' });

export const sharedSuppliersSchema = z
  .object({
    partnership: z.object({ id: z.string(), name: z.string() }),
    year: z.number().int(),
    total: z.number().int(),
    suppliers: z.array(
      z.object({
        name: z
          .string()
          .nullable()
          .describe('only for registered organisations; never an individual'),
        register: z.enum(['company', 'charity', 'society']).nullable(),
        number: z.string().nullable(),
        partners: z.number().int(),
        combinedSpend: money,
        local: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'SharedSuppliers' });

export const valuesParamsSchema = z.object({ org: orgIdSchema, year: yearSchema });

export const putValuesSchema = z.strictObject({
  values: z.record(
    z.string(),
    z.union([
      measureValue,
      z.strictObject({ value: measureValue, note: z.string().trim().max(1000).optional() }),
    ]),
  ),
});

export const valuesSchema = z
  .object({
    organisation: z.string(),
    year: z.number().int(),
    values: z.array(
      z.object({
        code: z.string(),
        value: measureValue,
        note: z.string().nullable(),
        updatedAt: z.string(),
        updatedBy: z.string(),
      }),
    ),
  })
  .meta({ id: 'CharterValues' });

export const partnershipSchema = z
  .object({ id: z.string(), name: z.string(), members: z.array(z.string()) })
  .meta({ id: 'Partnership' });

export const createPartnershipSchema = z.strictObject({
  id: partnershipIdSchema,
  name: z.string().trim().min(1).max(200),
});
