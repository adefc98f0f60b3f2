import { addTableSheet, newWorkbook, workbookBytes } from '../../exports/xlsx.ts';
import { reportTables } from './report-tables.ts';
import type { AnnualReport } from './reports.schemas.ts';

/*
 * The report as an Excel workbook: a sheet per table (headline, by quarter, by service, top
 * suppliers, leakage) and one of definitions.
 */

/** The report as an .xlsx file. */
export async function renderReportXlsx(report: AnnualReport): Promise<Buffer> {
  const workbook = newWorkbook(
    `${report.organisation.name} annual spend report ${report.label}`,
    new Date(report.generatedAt),
  );
  for (const table of reportTables(report))
    addTableSheet(workbook, report.organisation.name, table);

  const definitions = workbook.addWorksheet('Definitions');
  definitions.getCell('A1').value = 'Definitions';
  definitions.getCell('A1').font = { bold: true, size: 14 };
  definitions.getColumn(1).width = 18;
  definitions.getColumn(2).width = 110;
  report.definitions.forEach((d, i) => {
    const row = definitions.getRow(3 + i);
    row.getCell(1).value = d.term;
    row.getCell(1).font = { bold: true };
    row.getCell(2).value = d.definition;
    row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
  });
  return workbookBytes(workbook);
}
