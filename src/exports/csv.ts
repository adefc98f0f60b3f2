import { neutraliseCell } from './safe-cell.ts';
import { cells, type Cell, type Table } from './table.ts';

/*
 * Tables as CSV for finance staff: RFC 4180, CRLF, UTF-8 with a byte-order mark (so Excel reads
 * £ and accents), exact decimals, every text cell neutralised against formula injection.
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

/** A table's header and rows as CSV lines. */
export function tableLines(table: Table): string[] {
  return [
    table.headers.map((h) => csvField(cells.text(h))).join(','),
    ...table.rows.map((row) => row.map(csvField).join(',')),
  ];
}

/** One table alone: a header line and its rows. */
export function tableCsv(table: Table): string {
  return BOM + tableLines(table).join('\r\n') + '\r\n';
}

/** Several tables one after another, each under its title, after a first line of `heading`. */
export function tablesCsv(heading: readonly string[], tables: readonly Table[]): string {
  const lines = [heading.map((h) => csvField(cells.text(h))).join(',')];
  for (const table of tables)
    lines.push('', csvField(cells.text(table.title)), ...tableLines(table));
  return BOM + lines.join('\r\n') + '\r\n';
}
