import type { ReportFormat } from './reports.schemas.ts';
import { XLSX_CONTENT_TYPE } from './report-xlsx.ts';

/*
 * Which form of the report a request wants: `?format=` wins, else the Accept header (highest
 * q first, in the header's order on a tie), else JSON. A header naming only forms the report
 * does not come in answers undefined (the route says 406).
 */

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  json: 'application/json',
  html: 'text/html',
  csv: 'text/csv',
  xlsx: XLSX_CONTENT_TYPE,
};

const BY_TYPE = new Map<string, ReportFormat>([
  ['application/json', 'json'],
  ['text/html', 'html'],
  ['application/xhtml+xml', 'html'],
  ['text/csv', 'csv'],
  [XLSX_CONTENT_TYPE, 'xlsx'],
  ['application/*', 'json'],
  ['text/*', 'html'],
  ['*/*', 'json'],
]);

export function negotiateFormat(
  format: ReportFormat | undefined,
  accept: string | undefined,
): ReportFormat | undefined {
  if (format !== undefined) return format;
  if (accept === undefined || accept.trim() === '') return 'json';
  const wanted = accept
    .split(',')
    .map((part, index) => {
      const [type = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { type, q: q === undefined ? 1 : Number(q.slice(2)) || 0, index };
    })
    .filter((w) => w.q > 0 && BY_TYPE.has(w.type))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return wanted.length === 0 ? undefined : BY_TYPE.get(wanted[0]!.type);
}
