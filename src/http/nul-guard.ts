import type { FastifyInstance } from 'fastify';
import { AppError, type FieldError } from './problem.ts';

/*
 * PostgreSQL text cannot hold the NUL character (U+0000): a value with one fails in the
 * database ("invalid byte sequence for encoding UTF8: 0x00", or "unsupported Unicode escape
 * sequence" in jsonb), and the request ended in a 500. No name, reference, reason or filter has
 * one, so a request carrying one anywhere in its path, query or JSON body is refused before it
 * is validated, with a 400 naming each field. (Files are judged by their readers: a NUL in a
 * CSV is a damaged file, 422.)
 */

/** Refuses, with 400, any request with a NUL character in a parameter or a JSON body. */
export function registerNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const errors: FieldError[] = [];
    findNul(request.params, 'params', '', errors);
    findNul(request.query, 'querystring', '', errors);
    findNul(request.body, 'body', '', errors);
    if (errors.length > 0) {
      throw new AppError(
        400,
        'validation',
        `The request has ${errors.length} field(s) with a NUL character.`,
        { errors },
      );
    }
  });
}

function findNul(value: unknown, where: FieldError['in'], path: string, out: FieldError[]): void {
  const at = (key: string) => (path === '' ? key : `${path}.${key}`);
  if (typeof value === 'string') {
    if (value.includes('\u0000'))
      out.push({ in: where, field: path, message: 'must not contain a NUL character' });
    return;
  }
  // Only parsed JSON and parameters: an upload's body is a stream, read by its own route.
  if (Array.isArray(value)) {
    value.forEach((item, i) => findNul(item, where, at(String(i)), out));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (ArrayBuffer.isView(value) || Symbol.asyncIterator in value || 'pipe' in value) return;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000'))
      out.push({ in: where, field: at(key), message: 'must not contain a NUL character' });
    findNul(item, where, at(key), out);
  }
}
