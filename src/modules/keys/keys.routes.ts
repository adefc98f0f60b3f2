import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { principalOf } from '../../http/auth.ts';
import { problemSchema } from '../../http/problem.ts';
import { orgParamsSchema } from '../organisations/organisations.schemas.ts';
import type { ApiKeyRow } from './keys.repository.ts';
import {
  apiKeyListSchema,
  apiKeySchema,
  createKeySchema,
  createdKeySchema,
  keyParamsSchema,
} from './keys.schemas.ts';
import * as service from './keys.service.ts';

const tags = ['keys'];

/** Row to API object. The hash is deliberately not part of it. */
function toApiKey(row: ApiKeyRow) {
  return {
    id: row.id,
    organisation: row.org_id,
    prefix: row.prefix,
    role: row.role,
    name: row.name,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

export const keyRoutes: FastifyPluginAsyncZod<{ db: Kysely<DB> }> = async (app, { db }) => {
  app.post(
    '/v1/organisations/:org/keys',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Issue an API key for an organisation (the key is shown once)',
        params: orgParamsSchema,
        body: createKeySchema,
        response: { 201: createdKeySchema, 400: problemSchema, 404: problemSchema },
      },
    },
    async (request, reply) => {
      const { row, key } = await service.createApiKey(
        db,
        principalOf(request).actor,
        request.params.org,
        request.body.role,
        request.body.name ?? null,
      );
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ ...toApiKey(row), key });
    },
  );

  app.get(
    '/v1/organisations/:org/keys',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: "An organisation's keys (prefixes, never the keys)",
        params: orgParamsSchema,
        response: { 200: apiKeyListSchema, 404: problemSchema },
      },
    },
    async (request) => ({
      keys: (await service.listApiKeys(db, request.params.org)).map(toApiKey),
    }),
  );

  app.delete(
    '/v1/organisations/:org/keys/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Revoke a key: it is refused from the next request on',
        params: keyParamsSchema,
        response: { 200: apiKeySchema, 404: problemSchema },
      },
    },
    async (request) =>
      toApiKey(
        await service.revokeApiKey(
          db,
          principalOf(request).actor,
          request.params.org,
          request.params.id,
        ),
      ),
  );
};
