import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { principalOf } from '../../http/auth.ts';
import { problemSchema } from '../../http/problem.ts';
import { uploadedFile } from '../../http/upload-body.ts';
import { orgParamsSchema } from '../organisations/organisations.schemas.ts';
import {
  uploadDeletedSchema,
  uploadListSchema,
  uploadParamsSchema,
  uploadQuerySchema,
  uploadResultSchema,
  uploadSchema,
} from './ingest.schemas.ts';
import * as service from './ingest.service.ts';

const tags = ['uploads'];

export const ingestRoutes: FastifyPluginAsyncZod<{
  db: Kysely<DB>;
  uploadLimitBytes: number;
}> = async (app, { db, uploadLimitBytes }) => {
  app.post(
    '/v1/organisations/:org/uploads',
    {
      config: { access: 'org:write' },
      schema: {
        tags,
        summary:
          'Upload a spend file (text/csv body, or multipart field "file"): loads whole or not at all',
        description:
          'The Transparency Code "spend over £500" CSV in any of its real shapes, or a fuller ledger export. ' +
          'Columns are found by header; the response says which column fed which field. 201: loaded. ' +
          '200: this exact file was loaded before (the earlier upload). 422: invalid rows, every one counted, ' +
          'the first 1,000 listed with row and column; nothing stored.',
        params: orgParamsSchema,
        querystring: uploadQuerySchema,
        response: {
          200: uploadResultSchema,
          201: uploadResultSchema,
          404: problemSchema,
          413: problemSchema,
          422: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const file = await uploadedFile(request, uploadLimitBytes);
      const ingest =
        request.query.kind === 'suppliers' ? service.ingestSuppliers : service.ingestLedger;
      const result = await ingest(db, {
        orgId: request.params.org,
        actor: principalOf(request).actor,
        filename: request.query.filename ?? file.filename,
        bytes: file.bytes,
        mapping: request.query.mapping,
        dryRun: request.query.dryRun,
      });
      const status = result.created && !result.dryRun ? 201 : 200;
      if (status === 201)
        reply.header(
          'location',
          `/v1/organisations/${request.params.org}/uploads/${result.upload.id}`,
        );
      return reply.code(status).send({ ...result.upload, dryRun: result.dryRun });
    },
  );

  app.get(
    '/v1/organisations/:org/uploads',
    {
      config: { access: 'org:read' },
      schema: {
        tags,
        summary: "The organisation's uploads, newest first",
        params: orgParamsSchema,
        response: { 200: uploadListSchema },
      },
    },
    async (request) => ({ uploads: await service.listUploads(db, request.params.org) }),
  );

  app.get(
    '/v1/organisations/:org/uploads/:id',
    {
      config: { access: 'org:read' },
      schema: {
        tags,
        summary: 'One upload',
        params: uploadParamsSchema,
        response: { 200: uploadSchema, 404: problemSchema },
      },
    },
    async (request) => service.getUpload(db, request.params.org, request.params.id),
  );

  app.delete(
    '/v1/organisations/:org/uploads/:id',
    {
      config: { access: 'org:write' },
      schema: {
        tags,
        summary: 'Undo an upload: its payments are removed and every figure recomputed',
        params: uploadParamsSchema,
        response: { 200: uploadDeletedSchema, 404: problemSchema },
      },
    },
    async (request) => {
      const { payments } = await service.deleteUpload(
        db,
        principalOf(request).actor,
        request.params.org,
        request.params.id,
      );
      return { id: request.params.id, deleted: true as const, payments };
    },
  );
};
