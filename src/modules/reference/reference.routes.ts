import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { principalOf } from '../../http/auth.ts';
import { problemSchema } from '../../http/problem.ts';
import { uploadedFile } from '../../http/upload-body.ts';
import {
  referenceListSchema,
  referenceLoadSchema,
  referenceParamsSchema,
  referenceUploadQuerySchema,
} from './reference.schemas.ts';
import * as service from './reference.service.ts';

const tags = ['reference'];

export const referenceRoutes: FastifyPluginAsyncZod<{
  db: Kysely<DB>;
  /** Largest file accepted (CWB_REFERENCE_UPLOAD_LIMIT_MB). */
  uploadLimitBytes: number;
}> = async (app, { db, uploadLimitBytes }) => {
  app.post(
    '/v1/reference/:dataset',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Load an official reference file, replacing the previous load of the dataset',
        description:
          'The body is the file as published (not zipped): `Content-Type: text/csv` (or ' +
          'text/plain, text/tab-separated-values, application/octet-stream) or the `file` part of ' +
          'multipart/form-data. The format is told by the header; a header matching no known ' +
          'format is refused (422) with the columns expected and found. Bad rows are skipped and ' +
          'reported as warnings; a file of mostly bad rows is refused. The swap is atomic: until ' +
          'the load commits, and if it fails, the previous data stays in place.',
        params: referenceParamsSchema,
        querystring: referenceUploadQuerySchema,
        response: {
          201: referenceLoadSchema,
          400: problemSchema,
          409: problemSchema,
          413: problemSchema,
          415: problemSchema,
          422: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const file = await uploadedFile(request, uploadLimitBytes);
      const load = await service.loadReferenceData(db, {
        dataset: request.params.dataset,
        sources: [{ fileName: file.filename, bytes: file.bytes }],
        actor: principalOf(request).actor,
      });
      request.log.info(
        {
          dataset: load.dataset,
          format: load.format,
          edition: load.edition,
          rows: load.rows,
          warnings: load.warningCount,
          seconds: load.seconds,
        },
        'reference data loaded',
      );
      return reply.code(201).send(load);
    },
  );

  app.get(
    '/v1/reference',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Which edition of each reference dataset is loaded (the tags rest on these)',
        response: { 200: referenceListSchema },
      },
    },
    async () => ({ datasets: await service.listReferenceData(db) }),
  );
};
