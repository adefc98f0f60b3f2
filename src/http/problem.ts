import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
} from 'fastify-type-provider-zod';
import { z } from 'zod';

/*
 * RFC 9457 problem details. Every error the API returns is application/problem+json with
 * `type`, `title`, `status`, `detail`; request validation adds `errors` naming every bad
 * field, file problems add `errors` with row and column.
 */

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const fieldErrorSchema = z.object({
  in: z.enum(['body', 'querystring', 'params', 'headers']),
  field: z.string().describe('dotted path of the field, empty for the whole value'),
  message: z.string(),
});

export const fileErrorSchema = z.object({
  row: z.number().int().nullable().describe('line number in the file, 1 = first line'),
  column: z.string().nullable(),
  value: z.string().nullable(),
  message: z.string(),
});

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.union([fieldErrorSchema, fileErrorSchema])).optional(),
    errorCount: z.number().int().optional(),
  })
  .meta({ id: 'Problem' });

export type Problem = z.infer<typeof problemSchema>;
export type FieldError = z.infer<typeof fieldErrorSchema>;
export type FileError = z.infer<typeof fileErrorSchema>;

/** The one application error: an HTTP status, a short code, and a detail a person can act on. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly extra: {
      errors?: Problem['errors'];
      errorCount?: number;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(detail);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError(404, 'not-found', `${what} was not found.`);
export const forbidden = (detail = 'This key is not allowed to do that.') =>
  new AppError(403, 'forbidden', detail);
export const conflict = (detail: string) => new AppError(409, 'conflict', detail);

/** Builds a problem document. */
export function problem(
  status: number,
  code: string,
  detail: string,
  extra: Partial<Problem> = {},
): Problem {
  return { type: `/problems/${code}`, title: TITLES[status] ?? 'Error', status, detail, ...extra };
}

function sendProblem(reply: FastifyReply, body: Problem, headers: Record<string, string> = {}) {
  return reply.code(body.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(body);
}

/** Installs the error and not-found handlers: every failure leaves as problem+json. */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      problem(404, 'not-found', `No route for ${request.method} ${request.url.split('?')[0]}.`),
    ),
  );

  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const instance = request.url.split('?')[0];
    if (error instanceof AppError) {
      if (error.status >= 500) request.log.error({ err: error }, 'request failed');
      return sendProblem(
        reply,
        problem(error.status, error.code, error.message, {
          instance,
          ...(error.extra.errors ? { errors: error.extra.errors } : {}),
          ...(error.extra.errorCount !== undefined ? { errorCount: error.extra.errorCount } : {}),
        }),
        error.extra.headers,
      );
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where: FieldError['in'] = error.validationContext ?? 'body';
      const errors: FieldError[] = error.validation.map((issue) => ({
        in: where,
        field: formatPath(issue.instancePath),
        message: issue.message ?? 'is invalid',
      }));
      return sendProblem(
        reply,
        problem(400, 'validation', `The request ${where} has ${errors.length} invalid field(s).`, {
          instance,
          errors,
        }),
      );
    }
    if (isResponseSerializationError(error)) {
      request.log.error(
        { err: error, issues: error.cause.issues },
        'response did not match its schema',
      );
      return sendProblem(
        reply,
        problem(500, 'internal', 'An unexpected error occurred.', { instance }),
      );
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      // Internals stay in the log; the client learns only that it failed.
      request.log.error({ err: error }, 'request failed');
      return sendProblem(
        reply,
        problem(500, 'internal', 'An unexpected error occurred.', { instance }),
      );
    }
    return sendProblem(
      reply,
      problem(status, codeForFastifyError(error), fastifyDetail(error, status), { instance }),
    );
  });
}

function formatPath(instancePath: string): string {
  return instancePath.replace(/^\//, '').replaceAll('/', '.');
}

function codeForFastifyError(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'too-large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported-media-type';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'invalid-json';
    default:
      return 'bad-request';
  }
}

function fastifyDetail(error: FastifyError, status: number): string {
  if (status === 413) return 'The request body is larger than this server accepts.';
  if (status === 415) return error.message;
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return 'The request body is not valid JSON.';
  }
  return error.message;
}
