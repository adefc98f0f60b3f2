import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.ts';
import { principalOf } from '../../http/auth.ts';
import { problemSchema } from '../../http/problem.ts';
import {
  charterQuerySchema,
  charterSchema,
  createMeasureSchema,
  createPartnershipSchema,
  measureSchema,
  partnershipSchema,
  putValuesSchema,
  sharedQuerySchema,
  sharedSuppliersSchema,
  valuesParamsSchema,
  valuesSchema,
} from './charter.schemas.ts';
import * as service from './charter.service.ts';

const tags = ['charter'];

export const charterRoutes: FastifyPluginAsyncZod<{ db: Kysely<DB> }> = async (app, { db }) => {
  app.get(
    '/v1/charter',
    {
      config: { access: 'charter' },
      schema: {
        tags,
        summary:
          "Each partner's headline figures on its own financial year, and the partnership's together",
        querystring: charterQuerySchema,
        response: { 200: charterSchema, 403: problemSchema, 404: problemSchema },
      },
    },
    async (request) => {
      const partnership = await service.resolvePartnership(
        db,
        principalOf(request),
        request.query.partnership,
      );
      return service.getCharter(db, partnership, request.query.year);
    },
  );

  app.get(
    '/v1/charter/shared-suppliers',
    {
      config: { access: 'charter' },
      schema: {
        tags,
        summary:
          'Suppliers paid by two or more partners: how many partners, combined spend (registered organisations named)',
        querystring: sharedQuerySchema,
        response: { 200: sharedSuppliersSchema, 403: problemSchema, 404: problemSchema },
      },
    },
    async (request) => {
      const partnership = await service.resolvePartnership(
        db,
        principalOf(request),
        request.query.partnership,
      );
      return service.getSharedSuppliers(db, partnership, request.query.year, request.query.limit);
    },
  );

  app.get(
    '/v1/charter/measures',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'The measures partners report beside their spend',
        response: { 200: z.object({ measures: z.array(measureSchema) }) },
      },
    },
    async () => ({ measures: await service.listMeasures(db) }),
  );

  app.post(
    '/v1/charter/measures',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Define a measure',
        body: createMeasureSchema,
        response: { 201: measureSchema, 400: problemSchema, 409: problemSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await service.createMeasure(db, principalOf(request).actor, request.body)),
  );

  app.get(
    '/v1/organisations/:org/charter/:year',
    {
      config: { access: 'org:read' },
      schema: {
        tags,
        summary: "An organisation's submitted charter values for a year",
        params: valuesParamsSchema,
        response: { 200: valuesSchema, 404: problemSchema },
      },
    },
    async (request) => service.getValues(db, request.params.org, request.params.year),
  );

  app.put(
    '/v1/organisations/:org/charter/:year',
    {
      config: { access: 'org:write' },
      schema: {
        tags,
        summary: "Submit an organisation's charter values for a year (replaces what was there)",
        params: valuesParamsSchema,
        body: putValuesSchema,
        response: { 200: valuesSchema, 400: problemSchema, 404: problemSchema },
      },
    },
    async (request) =>
      service.putValues(
        db,
        principalOf(request).actor,
        request.params.org,
        request.params.year,
        request.body.values,
      ),
  );

  app.get(
    '/v1/partnerships',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Anchor partnerships and their members',
        response: { 200: z.object({ partnerships: z.array(partnershipSchema) }) },
      },
    },
    async () => ({ partnerships: await service.listPartnerships(db) }),
  );

  app.post(
    '/v1/partnerships',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Create a partnership',
        body: createPartnershipSchema,
        response: { 201: partnershipSchema, 400: problemSchema, 409: problemSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await service.createPartnership(db, principalOf(request).actor, request.body)),
  );
};
