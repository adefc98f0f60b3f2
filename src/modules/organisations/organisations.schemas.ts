import { z } from 'zod';

/** A local authority district code from the ONS: E06/E07/E08/E09 in England, W06, S12, N09. */
export const ladCodeSchema = z
  .string()
  .regex(/^[EWSN]\d{8}$/, 'must be a local authority district code such as E08000010');

export const orgIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be 2-63 lower-case letters, digits or hyphens');

export const orgParamsSchema = z.object({ org: orgIdSchema });

const fields = {
  name: z.string().trim().min(1).max(200),
  homeAreas: z.array(ladCodeSchema).min(1).max(50).describe('LAD codes counted as "local"'),
  widerAreas: z.array(ladCodeSchema).max(400).describe('LAD codes of the wider region'),
  yearStartMonth: z
    .number()
    .int()
    .min(1)
    .max(12)
    .describe(
      'first month of the financial year: 4 for councils and NHS, 8 for colleges and universities',
    ),
};

export const partnershipIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be 2-63 lower-case letters, digits or hyphens')
  .describe('the anchor partnership the organisation reports its charter with');

export const createOrganisationSchema = z.strictObject({
  id: orgIdSchema,
  name: fields.name,
  homeAreas: fields.homeAreas,
  widerAreas: fields.widerAreas.default([]),
  yearStartMonth: fields.yearStartMonth.default(4),
  partnership: partnershipIdSchema.default('default'),
});

export const updateOrganisationSchema = z
  .strictObject({
    name: fields.name.optional(),
    homeAreas: fields.homeAreas.optional(),
    widerAreas: fields.widerAreas.optional(),
    yearStartMonth: fields.yearStartMonth.optional(),
    partnership: partnershipIdSchema.optional(),
  })
  .refine((value) => Object.keys(value).length > 0, 'give at least one field to change');

export const organisationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    homeAreas: z.array(z.string()),
    widerAreas: z.array(z.string()),
    yearStartMonth: z.number().int(),
    partnership: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Organisation' });

export const organisationListSchema = z.object({ organisations: z.array(organisationSchema) });

export type CreateOrganisation = z.infer<typeof createOrganisationSchema>;
export type UpdateOrganisation = z.infer<typeof updateOrganisationSchema>;
export type Organisation = z.infer<typeof organisationSchema>;
