import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.ts';
import { principalOf } from '../../http/auth.ts';
import { problemSchema } from '../../http/problem.ts';
import { orgParamsSchema } from '../organisations/organisations.schemas.ts';
import {
  matchesSchema,
  overrideBodySchema,
  supplierDetailSchema,
  supplierListQuerySchema,
  supplierListSchema,
  supplierParamsSchema,
  yearSchema,
} from './suppliers.schemas.ts';
import * as service from './suppliers.service.ts';

const tags = ['suppliers'];

export const supplierRoutes: FastifyPluginAsyncZod<{ db: Kysely<DB> }> = async (app, { db }) => {
  app.get(
    '/v1/organisations/:org/suppliers',
    {
      config: { access: 'org:read' },
      schema: {
        tags,
        summary: 'Suppliers with their tags, where each tag came from, and their spend',
        params: orgParamsSchema,
        querystring: supplierListQuerySchema,
        response: { 200: supplierListSchema, 404: problemSchema },
      },
    },
    async (request) => service.listSuppliers(db, request.params.org, request.query),
  );

  app.get(
    '/v1/organisations/:org/suppliers/:ref',
    {
      config: { access: 'org:read' },
      schema: {
        tags,
        summary:
          'One supplier: tags with evidence, the register entries they rest on, its override',
        params: supplierParamsSchema,
        querystring: z.object({ year: yearSchema.optional() }),
        response: { 200: supplierDetailSchema, 404: problemSchema },
      },
    },
    async (request) =>
      service.getSupplier(db, request.params.org, request.params.ref, request.query.year),
  );

  app.put(
    '/v1/organisations/:org/suppliers/:ref/overrides',
    {
      config: { access: 'org:write' },
      schema: {
        tags,
        summary:
          "Override a supplier's tags (with a reason): wins over every rule and survives reloads",
        params: supplierParamsSchema,
        body: overrideBodySchema,
        response: { 200: supplierDetailSchema, 400: problemSchema, 404: problemSchema },
      },
    },
    async (request) =>
      service.setOverride(
        db,
        principalOf(request).actor,
        request.params.org,
        request.params.ref,
        request.body,
      ),
  );

  app.delete(
    '/v1/organisations/:org/suppliers/:ref/overrides',
    {
      config: { access: 'org:write' },
      schema: {
        tags,
        summary: "Remove a supplier's override: the rules decide again",
        params: supplierParamsSchema,
        response: { 200: supplierDetailSchema, 404: problemSchema },
      },
    },
    async (request) =>
      service.clearOverride(db, principalOf(request).actor, request.params.org, request.params.ref),
  );

  app.get(
    '/v1/organisations/:org/suppliers/:ref/matches',
    {
      config: { access: 'org:read' },
      schema: {
        tags,
        summary: "Register entries with names near this supplier's (suggestions, never applied)",
        params: supplierParamsSchema,
        response: { 200: matchesSchema, 404: problemSchema },
      },
    },
    async (request) => service.findMatches(db, request.params.org, request.params.ref),
  );
};
