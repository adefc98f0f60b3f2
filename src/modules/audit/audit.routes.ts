import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.ts';
import { orgIdSchema } from '../organisations/organisations.schemas.ts';
import { listAuditEntries } from './audit.repository.ts';

const entrySchema = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.string().describe('an API key prefix, admin-token, cli, demo'),
    organisation: z.string().nullable(),
    action: z.string(),
    target: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
  })
  .meta({ id: 'AuditEntry' });

/** The largest value of a PostgreSQL bigint. */
const MAX_BIGINT = 2n ** 63n - 1n;

const minBigint = (a: bigint, b: bigint) => (a < b ? a : b);

export const auditRoutes: FastifyPluginAsyncZod<{ db: Kysely<DB> }> = async (app, { db }) => {
  app.get(
    '/v1/audit',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['audit'],
        summary: 'Every write: which key, what, when, before and after (newest first)',
        querystring: z.object({
          organisation: orgIdSchema.optional(),
          action: z
            .string()
            .max(100)
            .optional()
            .describe('an action or its start: upload, supplier.override, charter'),
          before: z.string().regex(/^\d+$/).optional().describe('entries older than this id'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: z.object({ entries: z.array(entrySchema) }) },
      },
    },
    async (request) => {
      const { organisation, action, before, limit } = request.query;
      const rows = await listAuditEntries(db, {
        orgId: organisation,
        action,
        // Ids are bigint: a larger `before` means "older than any entry", not a failed query.
        before: before === undefined ? undefined : minBigint(BigInt(before), MAX_BIGINT),
        limit,
      });
      return {
        entries: rows.map((r) => ({
          id: String(r.id),
          at: r.at.toISOString(),
          actor: r.actor,
          organisation: r.org_id,
          action: r.action,
          target: r.target,
          before: r.before ?? null,
          after: r.after ?? null,
        })),
      };
    },
  );
};
