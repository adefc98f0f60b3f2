/*
 * A table of figures for the exports (CSV and workbooks): one definition, two writers. A cell
 * says what kind of figure it is; the writers decide how it looks (a CSV keeps exact decimals,
 * a workbook adds number formats). Text cells are neutralised against formula injection by both.
 */

export type CellKind =
  'text' | 'money' | 'share' | 'count' | 'change' | 'points' | 'flag' | 'days' | 'date';

export interface Cell {
  kind: CellKind;
  /**
   * money: a pounds string; share, change, points: a fraction; count: an integer; days: a
   * number; date: an ISO date; flag: a boolean.
   */
  value: string | number | boolean | null;
}

export interface Table {
  key: string;
  /** A sheet's name (31 characters at most). */
  sheet: string;
  title: string;
  headers: string[];
  rows: Cell[][];
}

export const cells = {
  text: (value: string | null): Cell => ({ kind: 'text', value }),
  money: (value: string): Cell => ({ kind: 'money', value }),
  share: (value: number | null): Cell => ({ kind: 'share', value }),
  count: (value: number): Cell => ({ kind: 'count', value }),
  days: (value: number | null): Cell => ({ kind: 'days', value }),
  date: (value: string | null): Cell => ({ kind: 'date', value }),
  flag: (value: boolean | null): Cell => ({ kind: 'flag', value }),
  change: (value: number | null): Cell => ({ kind: 'change', value }),
  points: (value: number | null): Cell => ({ kind: 'points', value }),
};
