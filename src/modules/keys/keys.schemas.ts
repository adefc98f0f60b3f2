import { z } from 'zod';
import { orgIdSchema } from '../organisations/organisations.schemas.ts';

export const roleSchema = z
  .enum(['admin', 'finance', 'viewer', 'partner'])
  .describe(
    'admin: everything; finance: upload and read its organisation; viewer: read it; partner: charter figures only',
  );

export const createKeySchema = z.strictObject({
  role: roleSchema,
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('what the key is for, to tell keys apart'),
});

export const keyParamsSchema = z.object({ org: orgIdSchema, id: z.uuid() });

export const apiKeySchema = z
  .object({
    id: z.string(),
    organisation: z.string(),
    prefix: z
      .string()
      .describe('the first part of the key, to recognise it; the key itself is not stored'),
    role: roleSchema,
    name: z.string().nullable(),
    createdAt: z.string(),
    createdBy: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });

export const createdKeySchema = apiKeySchema
  .extend({ key: z.string().describe('the key: shown this once, never again') })
  .meta({ id: 'CreatedApiKey' });

export const apiKeyListSchema = z.object({ keys: z.array(apiKeySchema) });
