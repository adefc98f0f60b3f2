import type { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './problem.ts';

/*
 * File uploads arrive as the raw body (text/csv and friends) or as the `file` part of a
 * multipart form. Either way the route handler gets a byte stream, never a buffered file,
 * and the size limit is enforced while streaming (413).
 */

/** Body types handed to the handler as a stream. application/vnd.ms-excel is what browsers send for .csv on Windows. */
export const STREAMED_CONTENT_TYPES = [
  'text/csv',
  'text/plain',
  'text/tab-separated-values',
  'application/csv',
  'application/octet-stream',
  'application/vnd.ms-excel',
];

/** Lets routes receive uploads as streams. Called once by buildApp. */
export async function registerStreamingBodies(app: FastifyInstance): Promise<void> {
  app.addContentTypeParser(STREAMED_CONTENT_TYPES, (_request, payload, done) =>
    done(null, payload),
  );
  await app.register(multipart, { limits: { files: 1, fields: 10, fieldSize: 1024 } });
}

export interface UploadedFile {
  /** The file name the client gave, if any. */
  filename: string | null;
  /** The file's bytes, counted against the limit as they pass. */
  bytes: AsyncIterable<Uint8Array>;
}

/** The uploaded file of a request, streamed, or a 400/415 problem when there is none. */
export async function uploadedFile(
  request: FastifyRequest,
  limitBytes: number,
): Promise<UploadedFile> {
  if (request.isMultipart()) {
    const part = await request.file({ limits: { fileSize: limitBytes, files: 1 } });
    if (!part)
      throw new AppError(
        400,
        'no-file',
        'The multipart form has no file part: send the file as `file`.',
      );
    if (part.fieldname !== 'file') {
      throw new AppError(
        400,
        'no-file',
        `The multipart form's file part is called "${part.fieldname}": call it "file".`,
      );
    }
    return { filename: part.filename || null, bytes: limited(part.file, limitBytes) };
  }
  const body = request.body as Readable | undefined;
  if (!body || typeof (body as Partial<Readable>).pipe !== 'function') {
    throw new AppError(
      415,
      'unsupported-media-type',
      `Send the file as the body with Content-Type: text/csv, or as the "file" part of multipart/form-data.`,
    );
  }
  return { filename: filenameFromHeaders(request), bytes: limited(body, limitBytes) };
}

async function* limited(
  stream: Readable & { truncated?: boolean },
  limitBytes: number,
): AsyncGenerator<Uint8Array> {
  let total = 0;
  try {
    for await (const chunk of stream) {
      const bytes = chunk as Buffer;
      total += bytes.length;
      if (total > limitBytes) throw tooLarge(limitBytes);
      yield bytes;
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(limitBytes);
    throw error;
  }
  if (stream.truncated) throw tooLarge(limitBytes);
}

function tooLarge(limitBytes: number): AppError {
  return new AppError(
    413,
    'too-large',
    `The file is larger than this server accepts (${Math.round(limitBytes / 1024 / 1024)} MB).`,
  );
}

function filenameFromHeaders(request: FastifyRequest): string | null {
  const query = (request.query as { filename?: unknown } | undefined)?.filename;
  if (typeof query === 'string' && query !== '') return query.slice(0, 255);
  const disposition = request.headers['content-disposition'];
  const match = typeof disposition === 'string' ? /filename="?([^";]+)"?/i.exec(disposition) : null;
  return match?.[1]?.slice(0, 255) ?? null;
}
