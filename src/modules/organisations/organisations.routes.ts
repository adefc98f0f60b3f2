import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { principalOf } from '../../http/auth.ts';
import { problemSchema } from '../../http/problem.ts';
import {
  createOrganisationSchema,
  orgParamsSchema,
  organisationListSchema,
  organisationSchema,
  updateOrganisationSchema,
} from './organisations.schemas.ts';
import * as service from './organisations.service.ts';

const tags = ['organisations'];

export const organisationRoutes: FastifyPluginAsyncZod<{ db: Kysely<DB> }> = async (
  app,
  { db },
) => {
  app.post(
    '/v1/organisations',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Create an organisation',
        body: createOrganisationSchema,
        response: { 201: organisationSchema, 400: problemSchema, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const organisation = await service.createOrganisation(
        db,
        principalOf(request).actor,
        request.body,
      );
      return reply
        .code(201)
        .header('location', `/v1/organisations/${organisation.id}`)
        .send(organisation);
    },
  );

  app.get(
    '/v1/organisations',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'List the organisations this key may see',
        response: { 200: organisationListSchema },
      },
    },
    async (request) => ({
      organisations: await service.listVisibleOrganisations(db, principalOf(request)),
    }),
  );

  app.get(
    '/v1/organisations/:org',
    {
      config: { access: 'org:read' },
      schema: {
        tags,
        summary: 'One organisation',
        params: orgParamsSchema,
        response: { 200: organisationSchema, 404: problemSchema },
      },
    },
    async (request) => service.getOrganisation(db, request.params.org),
  );

  app.patch(
    '/v1/organisations/:org',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: "Change an organisation's name, areas or financial year",
        params: orgParamsSchema,
        body: updateOrganisationSchema,
        response: { 200: organisationSchema, 400: problemSchema, 404: problemSchema },
      },
    },
    async (request) =>
      service.updateOrganisation(db, principalOf(request).actor, request.params.org, request.body),
  );
};
