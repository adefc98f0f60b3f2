import { reportTables, type Cell, type Table } from './report-tables.ts';
import type { AnnualReport, ReportTable } from './reports.schemas.ts';
import { neutraliseCell } from './safe-cell.ts';

/*
 * The report as CSV for finance staff: RFC 4180, CRLF, UTF-8 with a byte-order mark (so Excel
 * reads £ and accents), exact decimals, every text cell neutralised against formula injection.
 * Every table one after another under its title, or one table alone (`table`).
 */

const BOM = '\uFEFF';

/** One CSV field. */
export function csvField(cell: Cell): string {
  const { kind, value } = cell;
  let text: string;
  if (value === null) text = '';
  else if (kind === 'flag') text = value ? 'yes' : 'no';
  else if (kind === 'text') text = neutraliseCell(String(value));
  else text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const textCell = (value: string): Cell => ({ kind: 'text', value });

function tableLines(table: Table): string[] {
  return [
    table.headers.map((h) => csvField(textCell(h))).join(','),
    ...table.rows.map((row) => row.map(csvField).join(',')),
  ];
}

/** The report as CSV: every table, or the one asked for. */
export function renderReportCsv(report: AnnualReport, only?: ReportTable): string {
  const tables = reportTables(report);
  if (only !== undefined) {
    return BOM + tableLines(tables.find((t) => t.key === only)!).join('\r\n') + '\r\n';
  }
  const lines = [
    [
      'Annual spend report',
      report.organisation.name,
      report.label,
      report.period.from,
      report.period.to,
    ]
      .map((v) => csvField(textCell(v)))
      .join(','),
  ];
  for (const table of tables) lines.push('', csvField(textCell(table.title)), ...tableLines(table));
  return BOM + lines.join('\r\n') + '\r\n';
}
