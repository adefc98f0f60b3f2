import { AppError } from '../http/problem.ts';
import { XLSX_CONTENT_TYPE } from './xlsx.ts';

/*
 * Which form of an answer a request wants: `?format=` wins, else the Accept header (highest q
 * first, in the header's order on a tie), else JSON. A header naming only forms the route does
 * not offer answers undefined (the route says 406).
 */

export const EXPORT_FORMATS = ['json', 'html', 'csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  json: 'application/json',
  html: 'text/html',
  csv: 'text/csv',
  xlsx: XLSX_CONTENT_TYPE,
};

const BY_TYPE = new Map<string, ExportFormat>([
  ['application/json', 'json'],
  ['text/html', 'html'],
  ['application/xhtml+xml', 'html'],
  ['text/csv', 'csv'],
  [XLSX_CONTENT_TYPE, 'xlsx'],
]);

export function negotiateFormat<F extends ExportFormat>(
  format: F | undefined,
  accept: string | undefined,
  offered: readonly F[],
): F | undefined {
  if (format !== undefined) return format;
  if (accept === undefined || accept.trim() === '') return 'json' as F;
  const wanted = accept
    .split(',')
    .map((part, index) => {
      const [type = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { type, q: q === undefined ? 1 : Number(q.slice(2)) || 0, index };
    })
    .filter((w) => w.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const w of wanted) {
    const exact = BY_TYPE.get(w.type) as F | undefined;
    if (exact !== undefined && offered.includes(exact)) return exact;
    if (w.type === '*/*' || w.type === 'application/*') return 'json' as F;
    if (w.type === 'text/*') {
      const text = offered.find((f) => f === 'html' || f === 'csv');
      if (text !== undefined) return text;
    }
  }
  return undefined;
}

/** The form to answer in, or a 406 listing what the route offers. */
export function chooseFormat<F extends ExportFormat>(
  format: F | undefined,
  accept: string | undefined,
  offered: readonly F[],
): F {
  const chosen = negotiateFormat(format, accept, offered);
  if (chosen === undefined) {
    throw new AppError(
      406,
      'not-acceptable',
      `This comes as ${offered.map((f) => CONTENT_TYPES[f]).join(', ')} (or ?format=${offered.join('|')}).`,
    );
  }
  return chosen;
}
