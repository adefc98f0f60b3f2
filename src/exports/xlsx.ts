import ExcelJS from 'exceljs';
import { neutraliseCell } from './safe-cell.ts';
import type { Cell, CellKind, Table } from './table.ts';

/*
 * Tables as Excel workbooks: a sheet per table, figures as numbers with number formats (so they
 * sum and chart in Excel), text cells neutralised against formula injection, no formulas.
 */

export const XLSX_CONTENT_TYPE =
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const FORMATS: Partial<Record<CellKind, string>> = {
  money: '£#,##0.00;-£#,##0.00',
  share: '0.0%',
  count: '#,##0',
  days: '0.0',
  change: '+0.0%;-0.0%;0.0%',
  points: '+0.0" pts";-0.0" pts";0.0" pts"',
};

/** The value a workbook cell holds. */
export function xlsxValue(cell: Cell): string | number | null {
  const { kind, value } = cell;
  if (value === null) return null;
  switch (kind) {
    case 'text':
      return neutraliseCell(String(value));
    case 'date':
      return String(value);
    case 'flag':
      return value ? 'yes' : 'no';
    case 'points':
      return Number(value) * 100;
    default:
      return Number(value);
  }
}

/** A new workbook, dated (so the same figures make the same file). */
export function newWorkbook(title: string, created: Date): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'cwb-spend';
  workbook.created = created;
  workbook.modified = created;
  workbook.title = title;
  return workbook;
}

/** Adds a table as a sheet: its title in A1, headers on row 3 (frozen, filtered), rows below. */
export function addTableSheet(workbook: ExcelJS.Workbook, heading: string, table: Table): void {
  const sheet = workbook.addWorksheet(table.sheet, { views: [{ state: 'frozen', ySplit: 3 }] });
  sheet.getCell('A1').value = neutraliseCell(`${heading}: ${table.title}`);
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
      ...table.rows.map((row) =>
        row[j]!.kind === 'text' ? String(row[j]!.value ?? '').length : 14,
      ),
    );
    sheet.getColumn(j + 1).width = Math.min(60, Math.max(10, longest + 2));
  });
}

/** The workbook as the bytes of an .xlsx file. */
export async function workbookBytes(workbook: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
