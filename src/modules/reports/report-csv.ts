import { tableCsv, tablesCsv } from '../../exports/csv.ts';
import { reportTables } from './report-tables.ts';
import type { AnnualReport, ReportTable } from './reports.schemas.ts';

/** The report as CSV: every table one after another under its title, or the one asked for. */
export function renderReportCsv(report: AnnualReport, only?: ReportTable): string {
  const tables = reportTables(report);
  if (only !== undefined) return tableCsv(tables.find((t) => t.key === only)!);
  return tablesCsv(
    [
      'Annual spend report',
      report.organisation.name,
      report.label,
      report.period.from,
      report.period.to,
    ],
    tables,
  );
}
