import ExcelJS from 'exceljs';
import { reportTables, type Cell, type CellKind } from './report-tables.ts';
import type { AnnualReport } from './reports.schemas.ts';
import { neutraliseCell } from './safe-cell.ts';

/*
 * The report as an Excel workbook: a sheet per table (headline, by quarter, by service, top
 * suppliers, leakage) and one of definitions. Figures are numbers with number formats, so they
 * sum and chart in Excel; text cells are neutralised against formula injection.
 */

const SHEET_NAMES = {
  headline: 'Headline',
  quarters: 'By quarter',
  services: 'By service',
  suppliers: 'Top suppliers',
  leakage: 'Leakage',
} as const;

const FORMATS: Partial<Record<CellKind, string>> = {
  money: '£#,##0.00;-£#,##0.00',
  share: '0.0%',
  count: '#,##0',
  change: '+0.0%;-0.0%;0.0%',
  points: '+0.0" pts";-0.0" pts";0.0" pts"',
};

export const XLSX_CONTENT_TYPE =
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The value a workbook cell holds. */
export function xlsxValue(cell: Cell): string | number | null {
  const { kind, value } = cell;
  if (value === null) return null;
  switch (kind) {
    case 'text':
      return neutraliseCell(String(value));
    case 'flag':
      return value ? 'yes' : 'no';
    case 'money':
      return Number(value);
    case 'points':
      return Number(value) * 100;
    default:
      return Number(value);
  }
}

/** The report as an .xlsx file. */
export async function renderReportXlsx(report: AnnualReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'cwb-spend';
  workbook.created = new Date(report.generatedAt);
  workbook.modified = workbook.created;
  workbook.title = `${report.organisation.name} annual spend report ${report.label}`;

  for (const table of reportTables(report)) {
    const sheet = workbook.addWorksheet(SHEET_NAMES[table.key], {
      views: [{ state: 'frozen', ySplit: 3 }],
    });
    sheet.getCell('A1').value = neutraliseCell(`${report.organisation.name}: ${table.title}`);
    sheet.getCell('A1').font = { bold: true, size: 14 };
    const header = sheet.getRow(3);
    header.values = table.headers.map(neutraliseCell);
    header.font = { bold: true };
    header.border = { bottom: { style: 'thin' } };
    table.rows.forEach((row, i) => {
      const r = sheet.getRow(4 + i);
      row.forEach((cell, j) => {
        const c = r.getCell(j + 1);
        c.value = xlsxValue(cell);
        const format = FORMATS[cell.kind];
        if (format) c.numFmt = format;
      });
    });
    if (table.rows.length > 0) {
      sheet.autoFilter = {
        from: { row: 3, column: 1 },
        to: { row: 3 + table.rows.length, column: table.headers.length },
      };
    }
    table.headers.forEach((h, j) => {
      const longest = Math.max(
        h.length,
        ...table.rows.map((row) => {
          const v = row[j]!.value;
          return row[j]!.kind === 'text' ? String(v ?? '').length : 14;
        }),
      );
      sheet.getColumn(j + 1).width = Math.min(60, Math.max(10, longest + 2));
    });
  }

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

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
