import { z } from 'zod';
import { orgIdSchema } from '../organisations/organisations.schemas.ts';

export const TAG_NAMES = ['local', 'widerArea', 'deprivedArea', 'vcfse', 'sme'] as const;

export const supplierParamsSchema = z.object({
  org: orgIdSchema,
  ref: z
    .string()
    .min(1)
    .max(300)
    .describe(
      "the supplier's key: its reference, or its normalised name where the ledger has no references",
    ),
});

export const yearSchema = z.coerce
  .number()
  .int()
  .min(1990)
  .max(2100)
  .describe('financial year by its first calendar year: 2022 = 2022/23');

export const supplierListQuerySchema = z.object({
  tag: z
    .string()
    .regex(
      /^(local|widerArea|deprivedArea|vcfse|sme)(:(true|false|unknown))?$/,
      'must be a tag, optionally :true, :false or :unknown, e.g. local or vcfse:unknown',
    )
    .optional()
    .describe(
      'only suppliers with this tag true (local), false (local:false) or unknown (local:unknown)',
    ),
  q: z.string().max(200).optional().describe('only suppliers whose name contains this'),
  year: yearSchema.optional().describe('spend in this financial year; only suppliers paid in it'),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const tagSchema = z.object({
  value: z.boolean().nullable().describe('true, false, or null when unknown'),
  source: z
    .string()
    .describe(
      'override, supplier-file, companies-house, charity-commission, fca-mutuals, name-match, or none',
    ),
  evidence: z.string(),
});

const tagsSchema = z.object(
  Object.fromEntries(TAG_NAMES.map((t) => [t, tagSchema])) as Record<
    (typeof TAG_NAMES)[number],
    typeof tagSchema
  >,
);

export const supplierSummarySchema = z
  .object({
    ref: z.string(),
    name: z.string(),
    reference: z
      .string()
      .nullable()
      .describe('the supplier reference in the finance system, when known'),
    inSupplierFile: z.boolean(),
    postcode: z.string().nullable(),
    lad: z.string().nullable(),
    spend: z.string().describe('pounds, in the year asked for (or all time)'),
    payments: z.number().int(),
    tags: tagsSchema,
    overridden: z.boolean(),
  })
  .meta({ id: 'SupplierSummary' });

export const supplierListSchema = z.object({
  year: z.number().int().nullable(),
  label: z.string().nullable(),
  total: z.number().int().describe('suppliers matching, before limit and offset'),
  limit: z.number().int(),
  offset: z.number().int(),
  suppliers: z.array(supplierSummarySchema),
});

const overrideSchema = z.object({
  local: z.boolean().nullable(),
  vcfse: z.boolean().nullable(),
  sme: z.boolean().nullable(),
  postcode: z.string().nullable(),
  reason: z.string(),
  setBy: z.string(),
  setAt: z.string(),
});

export const supplierDetailSchema = supplierSummarySchema
  .extend({
    address: z.string().nullable(),
    postcodeSource: z.string().nullable(),
    lsoa: z.string().nullable(),
    imdDecile: z.number().int().nullable(),
    numbers: z.object({
      company: z.string().nullable(),
      charity: z.string().nullable(),
      society: z.string().nullable(),
      vat: z.string().nullable(),
    }),
    size: z.object({
      employees: z.number().int().nullable(),
      turnover: z.string().nullable(),
      balanceSheet: z.string().nullable(),
    }),
    matched: z
      .object({
        company: z.string().nullable(),
        charity: z.string().nullable(),
        society: z.string().nullable(),
      })
      .describe('the register entries the tags rest on'),
    postcodeEvidence: z.string().nullable(),
    override: overrideSchema.nullable(),
    taggedAt: z.string().nullable(),
  })
  .meta({ id: 'Supplier' });

export const overrideBodySchema = z
  .strictObject({
    local: z.boolean().nullable().optional(),
    vcfse: z.boolean().nullable().optional(),
    sme: z.boolean().nullable().optional(),
    postcode: z
      .string()
      .max(10)
      .nullable()
      .optional()
      .describe('where the supplier really is; local, wider area and deprived area follow it'),
    reason: z
      .string()
      .trim()
      .min(3)
      .max(1000)
      .describe('why: kept with the override and in the audit log'),
  })
  .refine((b) => [b.local, b.vcfse, b.sme, b.postcode].some((v) => v !== undefined && v !== null), {
    message: 'set at least one of local, vcfse, sme or postcode',
  });

export const matchesSchema = z.object({
  ref: z.string(),
  name: z.string(),
  suggestions: z.array(
    z.object({
      register: z.enum(['charities', 'companies', 'mutuals']),
      number: z.string(),
      name: z.string(),
      postcode: z.string().nullable(),
      similarity: z.number().describe('0..1: how alike the names are'),
    }),
  ),
});
