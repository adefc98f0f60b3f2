import { describe, expect, it } from 'vitest';
import { LedgerFile } from './ledger-file.ts';
import type { LedgerRow } from './ledger-csv.ts';
import { CellSums, emptyCell, LedgerSummary } from './ledger-summary.ts';

async function rowsOf(text: string): Promise<LedgerRow[]> {
  const file = new LedgerFile([new TextEncoder().encode(text)]);
  const rows: LedgerRow[] = [];
  for await (const batch of file.rows()) rows.push(...batch);
  expect(file.errors).toEqual([]);
  return rows;
}

function summarise(rows: LedgerRow[], cellLimit?: number): LedgerSummary {
  const summary = new LedgerSummary(cellLimit);
  for (const row of rows) summary.add(row);
  return summary;
}

/**
 * As a worker and the main thread do it (parse-worker.ts, parse-in-worker.ts): the reading side
 * sums elsewhere and hands its cells over every `every` rows, through structured clones, to a
 * CellSums of `cellLimit` cells.
 */
function summariseElsewhere(rows: LedgerRow[], cellLimit?: number, every = 2): LedgerSummary {
  const reading = new LedgerSummary();
  reading.sumElsewhere();
  const cells = new CellSums(cellLimit);
  const handOver = () => {
    const pairs = reading.takeSums();
    if (pairs) cells.add(structuredClone(pairs));
  };
  rows.forEach((row, i) => {
    reading.add(row);
    if ((i + 1) % every === 0) handOver();
  });
  handOver();
  const state = reading.toState();
  expect([state.size, state.entries.length]).toEqual([0, 0]);
  return cells.summaryOf(structuredClone(state));
}

/** The cells as sorted lines "month|supplier|redacted|area|type = pence / count". */
function cellLines(summary: LedgerSummary): string[] {
  const t = summary.cellTable();
  return Array.from({ length: t.size }, (_, i) => {
    const c = t.read(i, emptyCell());
    return (
      `${t.monthText(c.month)}|${t.supplierKeys[c.supplier]}|${c.redacted ? 1 : 0}|` +
      `${t.areas[c.area]}|${t.types[c.type]} = ${c.pence} / ${c.count}`
    );
  }).sort();
}

// A name shared by two suppliers (references S1 and S2), and a reference-less file's names.
const BY_REFERENCE =
  'Payment Date,Supplier ID,Supplier Name,Service Area,Expense Type,Net Amount\n' +
  '01/04/2022,S1,Acme Ltd,Adults,Care,100.00\n' +
  '02/04/2022,S2,Acme Ltd,Adults,Care,200.00\n' +
  '03/04/2022,S1,Acme Ltd,Adults,Care,0.01\n' +
  '04/05/2022,S2,Acme Ltd,Place,,-50.00\n' +
  '05/04/2022,S3,Redacted Personal Information,Adults,Care,7.00\n' +
  '06/04/2022,S2,Acme Limited,Adults,Care,1.00\n';

describe('LedgerSummary', () => {
  it('sums each month, supplier, area and type to the penny, with the count of payments', async () => {
    const summary = summarise(await rowsOf(BY_REFERENCE));
    expect(summary.complete).toBe(true);
    expect(cellLines(summary)).toEqual([
      '2022-04-01|S1|0|Adults|Care = 10001 / 2',
      '2022-04-01|S2|0|Adults|Care = 20100 / 2',
      '2022-04-01|null|1|Adults|Care = 700 / 1',
      '2022-05-01|S2|0|Place|null = -5000 / 1',
    ]);
    // The supplier's name as the ledger last wrote it.
    expect(summary.supplierList.map((s) => [s.key, s.name])).toEqual([
      ['S1', 'Acme Ltd'],
      ['S2', 'Acme Limited'],
    ]);
  });

  it('numbers suppliers by key whether the key is a reference or a name', async () => {
    const byName = await rowsOf(
      'Payment Date,Supplier Name,Net Amount\n' +
        '01/04/2022,Acme Ltd,1.00\n' +
        '01/04/2022,Bolt & Co,2.00\n' +
        '01/04/2022,ACME LIMITED,4.00\n' +
        '01/04/2022,Redacted Data,8.00\n' +
        '01/04/2022,Bolt and Co,16.00\n',
    );
    expect(byName.map((r) => [r.supplierKey, r.supplierId])).toEqual([
      ['ACME LTD', 1],
      ['BOLT AND CO', 2],
      ['ACME LTD', 1],
      [null, 0],
      ['BOLT AND CO', 2],
    ]);
    const byRef = await rowsOf(BY_REFERENCE);
    expect(byRef.map((r) => [r.supplierKey, r.supplierId])).toEqual([
      ['S1', 1],
      ['S2', 2],
      ['S1', 1],
      ['S2', 2],
      [null, 0],
      ['S2', 2],
    ]);
    // A redacted line's reference numbers no supplier: the next new supplier is still 2.
    const afterRedacted = await rowsOf(
      'Payment Date,Supplier ID,Supplier Name,Net Amount\n' +
        '01/04/2022,S1,Acme Ltd,1.00\n' +
        '01/04/2022,X0,Redacted Personal Information,2.00\n' +
        '01/04/2022,S2,Bolt Ltd,4.00\n' +
        '01/04/2022,X0,Redacted Personal Information,8.00\n',
    );
    expect(afterRedacted.map((r) => [r.supplierKey, r.supplierId])).toEqual([
      ['S1', 1],
      [null, 0],
      ['S2', 2],
      [null, 0],
    ]);
    expect(summarise(afterRedacted).supplierList.map((s) => s.key)).toEqual(['S1', 'S2']);
    expect(cellLines(summarise(byName))).toEqual([
      '2022-04-01|ACME LTD|0|null|null = 500 / 2',
      '2022-04-01|BOLT AND CO|0|null|null = 1800 / 2',
      '2022-04-01|null|1|null|null = 800 / 1',
    ]);
  });

  it('keeps each supplier as its last line wrote it, reading a line of its only when it says something new', async () => {
    const rows = await rowsOf(
      'Payment Date,Supplier ID,Supplier Name,Company Number,Net Amount\n' +
        '01/04/2022,S1,Acme Ltd,,1.00\n' +
        '02/04/2022,S1,Acme Ltd,,1.00\n' +
        '03/04/2022,S1,Acme Limited,,1.00\n' +
        '04/04/2022,S1,Acme Ltd,,1.00\n' +
        '05/04/2022,S1,Acme Ltd,01234567,1.00\n' +
        '06/04/2022,S1,Acme Ltd,,1.00\n' +
        '07/04/2022,,Bolt & Co,,1.00\n' +
        '08/04/2022,,BOLT AND CO,,1.00\n' +
        '09/04/2022,,BOLT AND CO,,1.00\n' +
        '10/04/2022,S1,,,1.00\n',
    );
    expect(rows.map((r) => r.supplierChanged)).toEqual([
      true, // first line
      false,
      true, // another name
      true, // the name before again
      true, // a company number
      false,
      true, // first line of a supplier known by name
      true, // another way of writing it
      false,
      true, // no name after one
    ]);
    const summary = summarise(rows);
    expect(summary.supplierList).toEqual([
      {
        key: 'S1',
        name: 'Acme Ltd',
        nameKey: 'ACME LTD',
        ref: 'S1',
        companyNumber: '01234567',
        charityNumber: null,
        vatNumber: null,
      },
      {
        key: 'BOLT AND CO',
        name: 'BOLT AND CO',
        nameKey: 'BOLT AND CO',
        ref: null,
        companyNumber: null,
        charityNumber: null,
        vatNumber: null,
      },
    ]);
  });

  it('holds thousands of cells exactly, through its tables growing', async () => {
    let text = 'Payment Date,Supplier ID,Supplier Name,Net Amount\n';
    const expected = new Map<string, number>();
    for (let i = 0; i < 30_000; i++) {
      const ref = `S${i % 7_001}`;
      const month = (i % 12) + 1;
      const pence = ((i * 7919) % 1_000_000) - 20_000;
      text += `01/${String(month).padStart(2, '0')}/2022,${ref},Supplier ${ref},${(pence / 100).toFixed(2)}\n`;
      const key = `2022-${String(month).padStart(2, '0')}-01|${ref}`;
      expected.set(key, (expected.get(key) ?? 0) + pence);
    }
    const summary = summarise(await rowsOf(text));
    const t = summary.cellTable();
    const got = new Map<string, number>();
    for (let i = 0, c = emptyCell(); i < t.size; i++) {
      t.read(i, c);
      got.set(`${t.monthText(c.month)}|${t.supplierKeys[c.supplier]}`, c.pence);
    }
    expect(t.size).toBe(expected.size);
    expect(got).toEqual(expected);
  });

  it("sums the figures' deltas in slices, letting the event loop turn between them", async () => {
    // 70,000 cells (two slices and more): each line its own supplier and month.
    let text = 'Payment Date,Supplier ID,Supplier Name,Net Amount\n';
    let total = 0;
    const byYear = new Map<number, number>();
    for (let i = 0; i < 70_000; i++) {
      const month = (i % 12) + 1;
      const pence = (i % 997) + 1;
      text += `15/${String(month).padStart(2, '0')}/2022,S${i},Supplier ${i},${(pence / 100).toFixed(2)}\n`;
      total += pence;
      // Financial years from April: January to March 2022 are in 2021/22.
      const year = month < 4 ? 2021 : 2022;
      byYear.set(year, (byYear.get(year) ?? 0) + pence);
    }
    const summary = summarise(await rowsOf(text));
    let turns = 0;
    let turning = true;
    const turn = () => {
      turns++;
      if (turning) setImmediate(turn);
    };
    setImmediate(turn);
    const deltas = await summary.taggedDeltas(() => null, 4);
    turning = false;
    // The event loop turned while the cells were summed (it does not between awaits alone).
    expect(turns).toBeGreaterThanOrEqual(2);
    expect(deltas.supplierYears).toHaveLength(70_000);
    const years = new Map<number, number>();
    for (const d of deltas.supplierYears)
      years.set(d.year, (years.get(d.year) ?? 0) + Number(d.pence));
    expect(years).toEqual(byYear);
    expect(deltas.months.reduce((sum, d) => sum + Number(d.pence), 0)).toBe(total);
    expect(deltas.months.map((d) => d.month).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `2022-${String(i + 1).padStart(2, '0')}-01`),
    );
  });

  it('sums rows added after its cells were read, and after a worker hand-over', async () => {
    // Reading the cells lets the hash table go; a row added after that must find its cell again.
    const rows = await rowsOf(BY_REFERENCE);
    const whole = cellLines(summarise(rows));
    const summary = summarise(rows.slice(0, 3));
    expect(cellLines(summary)).toEqual([
      '2022-04-01|S1|0|Adults|Care = 10001 / 2',
      '2022-04-01|S2|0|Adults|Care = 20000 / 1',
    ]);
    for (const row of rows.slice(3)) summary.add(row);
    expect(cellLines(summary)).toEqual(whole);

    const there = LedgerSummary.fromState(structuredClone(summarise(rows.slice(0, 3)).toState()));
    for (const row of rows.slice(3)) there.add(row);
    expect(cellLines(there)).toEqual(whole);
  });

  it('sums on another thread what it sums here, the cells handed over in parts', async () => {
    const rows = await rowsOf(BY_REFERENCE);
    for (const every of [1, 2, 4, 100]) {
      const there = summariseElsewhere(rows, undefined, every);
      expect(there.complete).toBe(true);
      expect(cellLines(there)).toEqual(cellLines(summarise(rows)));
      expect(there.supplierList).toEqual(summarise(rows).supplierList);
    }
    // Many rows between hand-overs (the reading side's array grows), as in one.
    let text = 'Payment Date,Supplier ID,Supplier Name,Net Amount\n';
    for (let i = 0; i < 20_000; i++)
      text += `01/${String((i % 12) + 1).padStart(2, '0')}/2022,S${i % 3_001},Supplier,${i}.01\n`;
    const many = await rowsOf(text);
    for (const every of [20_000, 9_000]) {
      const there = summariseElsewhere(many, undefined, every);
      expect(cellLines(there)).toEqual(cellLines(summarise(many)));
    }

    // Nothing added since the last hand-over: nothing to hand over.
    const reading = new LedgerSummary();
    reading.sumElsewhere();
    expect(reading.takeSums()).toBeNull();
    reading.add(rows[0]!);
    expect(Array.from(reading.takeSums()!)).toHaveLength(2);
    expect(reading.takeSums()).toBeNull();
  });

  it('stops summing elsewhere past the cell limit, or past the areas a key numbers', async () => {
    const rows = await rowsOf(BY_REFERENCE);
    const limited = summariseElsewhere(rows, 3);
    expect(limited.complete).toBe(false);
    expect(() => limited.cellTable()).toThrow(/not complete/);
    expect(limited.supplierList.map((s) => s.name)).toEqual(['Acme Ltd', 'Acme Limited']);
    const full = summariseElsewhere(rows, 4);
    expect(full.complete).toBe(true);
    expect(cellLines(full)).toEqual(cellLines(summarise(rows)));

    let text = 'Payment Date,Supplier Name,Expense Area,Amount\n';
    for (let i = 0; i < 4100; i++) text += `01/04/2022,A Ltd,Area ${i},1.00\n`;
    const areas = await rowsOf(text);
    const reading = new LedgerSummary();
    reading.sumElsewhere();
    for (const row of areas.slice(0, 4096)) reading.add(row);
    expect(reading.takeSums()!.length).toBe(2 * 4096);
    for (const row of areas.slice(4096)) reading.add(row);
    // The 4,097th area stopped the reading side: nothing more to hand over, and not complete.
    expect(reading.takeSums()).toBeNull();
    expect(summariseElsewhere(areas, undefined, 1000).complete).toBe(false);
  });

  it('stops summing past its cell limit and keeps the suppliers, through a worker hand-over', async () => {
    const rows = await rowsOf(BY_REFERENCE);
    const summary = summarise(rows, 3);
    expect(summary.complete).toBe(false);
    expect(() => summary.cellTable()).toThrow(/not complete/);
    expect(summary.supplierList.map((s) => s.key)).toEqual(['S1', 'S2']);
    const state = summary.toState();
    expect([state.complete, state.size, state.entries.length]).toEqual([false, 0, 0]);
    const there = LedgerSummary.fromState(structuredClone(state));
    expect(there.complete).toBe(false);
    expect(there.supplierList.map((s) => s.name)).toEqual(['Acme Ltd', 'Acme Limited']);

    // At the limit exactly it still holds every cell.
    const full = LedgerSummary.fromState(structuredClone(summarise(rows, 4).toState()));
    expect(full.complete).toBe(true);
    expect(cellLines(full)).toEqual(cellLines(summarise(rows)));
  });
});
