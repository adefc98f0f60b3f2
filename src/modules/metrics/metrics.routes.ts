import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.ts';
import { problemSchema } from '../../http/problem.ts';
import { orgParamsSchema } from '../organisations/organisations.schemas.ts';
import { yearSchema } from '../suppliers/suppliers.schemas.ts';
import {
  leakageSchema,
  metricsQuerySchema,
  metricsSchema,
  trendQuerySchema,
  trendSchema,
} from './metrics.schemas.ts';
import type { TAG_COLUMNS } from './metrics.service.ts';
import { getLeakage, getMetrics, getTrend, type MetricsQuery } from './metrics.service.ts';

const tags = ['metrics'];

/** 'vcfse', 'local:false', 'sme:unknown' -> the tag and the value wanted. */
function parseTag(text: string | undefined): MetricsQuery['tag'] {
  if (!text) return undefined;
  const [name, value] = text.split(':') as [keyof typeof TAG_COLUMNS, string | undefined];
  return { name, value: value === 'false' ? false : value === 'unknown' ? null : true };
}

export const metricsRoutes: FastifyPluginAsyncZod<{ db: Kysely<DB> }> = async (app, { db }) => {
  app.get(
    '/v1/organisations/:org/metrics',
    {
      config: { access: 'org:read' },
      schema: {
        tags,
        summary:
          'The headline figures of a financial year, the year before, the change, and groups',
        params: orgParamsSchema,
        querystring: metricsQuerySchema,
        response: { 200: metricsSchema, 404: problemSchema },
      },
    },
    async (request) => {
      const { year, by, limit, expenseArea, tag } = request.query;
      return getMetrics(db, request.params.org, {
        year,
        by,
        limit,
        expenseArea,
        tag: parseTag(tag),
      });
    },
  );

  app.get(
    '/v1/organisations/:org/metrics/trend',
    {
      config: { access: 'org:read' },
      schema: {
        tags,
        summary: 'Headline figures year by year',
        params: orgParamsSchema,
        querystring: trendQuerySchema,
        response: { 200: trendSchema, 400: problemSchema, 404: problemSchema },
      },
    },
    async (request) => getTrend(db, request.params.org, request.query.from, request.query.to),
  );

  app.get(
    '/v1/organisations/:org/metrics/leakage',
    {
      config: { access: 'org:read' },
      schema: {
        tags,
        summary:
          'Gaps in the local market: non-local spend by expense type, beside the local suppliers already paid for it',
        params: orgParamsSchema,
        querystring: z.object({ year: yearSchema }),
        response: { 200: leakageSchema, 404: problemSchema },
      },
    },
    async (request) => getLeakage(db, request.params.org, request.query.year),
  );
};
