import { z } from 'zod';
import { orgIdSchema } from '../organisations/organisations.schemas.ts';

export const uploadKindSchema = z
  .enum(['ledger', 'suppliers'])
  .describe(
    'ledger: payments (the spend file); suppliers: the supplier list (reference, name, address, numbers, size)',
  );

const explicitMappingSchema = z.record(
  z.string(),
  z
    .union([z.string().min(1), z.number().int().min(1)])
    .describe('a header, or a 1-based column number'),
);

export const uploadQuerySchema = z.object({
  kind: uploadKindSchema,
  mapping: z
    .string()
    .optional()
    .describe(
      'JSON object naming columns for fields the header does not make clear, e.g. {"amount":"Net Amount"}',
    )
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      try {
        const parsed = explicitMappingSchema.safeParse(JSON.parse(text));
        if (parsed.success) return parsed.data;
        ctx.addIssue({
          code: 'custom',
          message: 'must map field names to column headers or numbers',
        });
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: 'must be a JSON object, e.g. {"amount":"Net Amount"}',
        });
      }
      return z.NEVER;
    }),
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: read and check the file, report what would load, store nothing')
    .transform((v) => v === 'true'),
  filename: z.string().max(255).optional().describe('the file name, when the body is sent raw'),
});

export const uploadParamsSchema = z.object({ org: orgIdSchema, id: z.uuid() });

const warningSchema = z.object({ code: z.string(), message: z.string() });

export const uploadSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['ledger', 'suppliers']),
    status: z.literal('loaded'),
    filename: z.string().nullable(),
    sha256: z.string(),
    rows: z.object({
      read: z.number().int().describe('data lines read'),
      loaded: z.number().int(),
      rejected: z
        .number()
        .int()
        .describe('always 0 for a stored upload: a file loads whole or not at all'),
      duplicates: z.number().int().describe('lines identical to payments already loaded, skipped'),
    }),
    total: z.string().describe('sum of the amounts loaded, pounds'),
    period: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
    mapping: z.record(z.string(), z.string()).describe('field -> the column that fed it'),
    encoding: z.string().nullable(),
    warnings: z.array(warningSchema),
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .meta({ id: 'Upload' });

export const uploadResultSchema = uploadSchema
  .extend({ dryRun: z.boolean().describe('true: nothing was stored') })
  .meta({ id: 'UploadResult' });

export const uploadListSchema = z.object({ uploads: z.array(uploadSchema) });

export const uploadDeletedSchema = z.object({
  id: z.string(),
  deleted: z.literal(true),
  payments: z.number().int(),
});
