import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.ts';
import { problemSchema } from '../../http/problem.ts';
import { orgParamsSchema } from '../organisations/organisations.schemas.ts';
import { yearSchema } from '../suppliers/suppliers.schemas.ts';
import { getClassification } from './classify.service.ts';

const knownSchema = z.object({
  knownSpend: z.string(),
  unknownSpend: z.string(),
  knownShare: z
    .number()
    .nullable()
    .describe('known spend over total spend, 0..1; null with no spend'),
});

const classificationSchema = z
  .object({
    organisation: z.string(),
    year: z.number().int(),
    label: z.string(),
    period: z.object({ from: z.string(), to: z.string() }),
    totalSpend: z.string(),
    redactedSpend: z.string().describe('never classifiable: counted as unknown in every share'),
    location: knownSchema,
    vcfse: knownSchema,
    sme: knownSchema,
    suppliers: z.object({ paid: z.number().int(), fullyClassified: z.number().int() }),
    topUnclassified: z.array(
      z.object({
        ref: z.string(),
        name: z.string(),
        spend: z.string(),
        unknown: z.array(z.enum(['location', 'vcfse', 'sme'])),
      }),
    ),
  })
  .meta({ id: 'Classification' });

export const classifyRoutes: FastifyPluginAsyncZod<{ db: Kysely<DB> }> = async (app, { db }) => {
  app.get(
    '/v1/organisations/:org/classification',
    {
      config: { access: 'org:read' },
      schema: {
        tags: ['suppliers'],
        summary:
          'How much of the year\u2019s spend is classified, and the unclassified suppliers to work through first',
        params: orgParamsSchema,
        querystring: z.object({
          year: yearSchema,
          limit: z.coerce.number().int().min(1).max(200).default(20),
        }),
        response: { 200: classificationSchema, 404: problemSchema },
      },
    },
    async (request) =>
      getClassification(db, request.params.org, request.query.year, request.query.limit),
  );
};
