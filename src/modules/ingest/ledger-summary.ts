import { setImmediate as nextTurn } from 'node:timers/promises';
import { ownString } from '../../csv/own-string.ts';
import { monthIndex } from '../metrics/periods.ts';
import type { LedgerRow } from './ledger-csv.ts';

/*
 * What an upload adds, gathered while its rows stream past (no second pass over the table):
 * the suppliers it pays, and its spend by month, supplier, expense area and expense type.
 *
 * Compact, because a large file can have nearly as many such cells as rows: suppliers, areas
 * and types are numbered, a cell's key packs the numbers into one safe integer, and the sums
 * live in typed arrays. Pence sums are integers held exactly (checked to stay below 2^53).
 *
 * Bounded, because a file can be of any size: past CELL_LIMIT cells (or more areas, types,
 * months or suppliers than a key numbers) the summary stops summing (it is then not `complete`)
 * and keeps only the suppliers; the upload sums such a file's spend from its payments in the
 * database instead, so memory stays the same however large the file.
 */

export interface SupplierSeen {
  key: string;
  /** The name as the ledger last wrote it. */
  name: string;
  nameKey: string;
  ref: string | null;
  companyNumber: string | null;
  charityNumber: string | null;
  vatNumber: string | null;
}

/** One cell as numbers: of supplier supplierKeys[supplier] (0: redacted), and so on. */
export interface SummaryCell {
  supplier: number;
  month: number;
  area: number;
  type: number;
  redacted: boolean;
  pence: number;
  count: number;
}

/**
 * The cells (see LedgerSummary.cellTable), read one at a time into a cell the caller keeps:
 * cell i (0 to size - 1) is in month monthText(cell.month), of supplier
 * supplierKeys[cell.supplier], in area areas[cell.area] and of type types[cell.type].
 */
export interface SummaryCellTable {
  size: number;
  supplierKeys: (string | null)[];
  areas: (string | null)[];
  types: (string | null)[];
  /** A month number as the date of its first day (YYYY-MM-01). */
  monthText(month: number): string;
  /** Writes cell i into `cell` and returns it: nothing is made per cell. */
  read(i: number, cell: SummaryCell): SummaryCell;
}

/** A cell to read cells into (SummaryCellTable.read). */
export function emptyCell(): SummaryCell {
  return { supplier: 0, month: 0, area: 0, type: 0, redacted: false, pence: 0, count: 0 };
}

// Key layout (53 bits): supplier (20 bits, 0 = redacted) | month offset (8) | area (12) | type (12) | spare (1).
const TYPE_LIMIT = 4096;
const AREA_LIMIT = 4096;
const MONTH_LIMIT = 256;
const SUPPLIER_LIMIT = 1 << 20;

/**
 * Cells a summary holds at most (32 MB of tables at the limit). The benchmark's 1,000,000-row
 * ledger has 483,425 and its 5,000,000-row ledger 927,250; a month of Manchester City
 * Council's payments over £500 (some 3,000) has about 1,200.
 */
export const CELL_LIMIT = 1 << 20;

export class SummaryLimitError extends Error {}

/** Cells taggedDeltas sums between turns of the event loop (some 5 ms of work). */
const DELTA_SLICE = 1 << 15;

/** A supplier's tags as the metric summaries key them (null: unknown). */
export interface TagValues {
  local: boolean | null;
  wider_area: boolean | null;
  deprived_area: boolean | null;
  vcfse: boolean | null;
  sme: boolean | null;
}

type Sum = { pence: bigint; count: number };
type Flags = TagValues & { redacted: boolean };

export interface TaggedDeltas {
  months: (Flags & Sum & { month: string })[];
  cells: (Flags &
    Sum & { month: string; expenseArea: string | null; expenseType: string | null })[];
  supplierYears: (Sum & { year: number; supplierKey: string })[];
}

const TAG_NAMES = ['local', 'wider_area', 'deprived_area', 'vcfse', 'sme'] as const;
/** 3^5 tag combinations (each unknown, false or true), times two for redacted. */
const TAG_CODES = 243 * 2;

function tagCode(tags: TagValues | null): number {
  let code = 0;
  for (let i = TAG_NAMES.length - 1; i >= 0; i--) {
    const v = tags ? tags[TAG_NAMES[i]!] : null;
    code = code * 3 + (v === null ? 0 : v ? 2 : 1);
  }
  return code;
}

function decodeTagCode(code: number): TagValues {
  const out = {} as TagValues;
  for (const name of TAG_NAMES) {
    const v = code % 3;
    out[name] = v === 0 ? null : v === 2;
    code = Math.floor(code / 3);
  }
  return out;
}

/** Values numbered 0, 1, ... in order of first appearance, up to a limit. */
class Dictionary {
  readonly values: (string | null)[] = [];
  private readonly index = new Map<string | null, number>();

  constructor(private readonly limit: number) {}

  /** The value's number; -1 when it is new and the limit is reached. */
  id(value: string | null): number {
    let id = this.index.get(value);
    if (id === undefined) {
      id = this.values.length;
      if (id >= this.limit) return -1;
      const own = value === null ? null : ownString(value);
      this.values.push(own);
      this.index.set(own, id);
    }
    return id;
  }
}

/**
 * Sums of pence and counts by numeric key, over typed arrays: a key (up to 2^53) finds its
 * entry through an open-addressing hash table, and the entry holds the key and both sums side
 * by side, so adding a row reads two places in memory, not four (a large file has hundreds of
 * thousands of keys, and each place read in tables that size is a cache miss). In a Map each
 * key would be a heap-allocated number and each sum an object; here nothing is allocated per
 * row. Sums stay exact: one past 2^53 pence throws SummaryLimitError.
 *
 * The entries are what is read afterwards, as they are (see SummaryEntries): not copied into
 * other arrays. Once they are read the hash table is let go; a key added after that builds it again.
 */
class KeyedSums {
  /** Entry i, in the order keys were first added: its key at 3i, its pence at 3i + 1, its count at 3i + 2. */
  private entries: Float64Array;
  size: number;
  /**
   * The hash table: each slot an entry's index (-1: empty); null while not built (entries
   * handed over) or once let go (see entriesRead). add builds it when it is null.
   */
  private slotEntries: Int32Array | null = null;
  private mask = (1 << 12) - 1;

  constructor(
    private readonly tooLarge: string,
    /** Keys held at most: the tables never grow past what this many need. */
    private readonly limit = Infinity,
    /** Entries to hold from the start (a worker's hand-over). */
    held?: SummaryEntries,
  ) {
    this.entries = held?.entries.length ? held.entries : new Float64Array(3 * 1024);
    this.size = held?.size ?? 0;
  }

  /** Adds to the key's sums; false (nothing added) when the key is new and `limit` keys are held. */
  add(key: number, pence: number, count: number): boolean {
    if (this.slotEntries === null) this.rehash(this.mask + 1);
    const slotEntries = this.slotEntries!;
    let slot = this.slot(key);
    let at: number;
    for (; ; slot = (slot + 1) & this.mask) {
      const entry = slotEntries[slot]!;
      if (entry === -1) {
        if (this.size === this.limit) return false;
        at = this.size++ * 3;
        if (at === this.entries.length) this.growEntries();
        this.entries[at] = key;
        slotEntries[slot] = at / 3;
        if (this.size * 2 > this.mask + 1) this.rehash((this.mask + 1) * 2);
        break;
      }
      at = entry * 3;
      if (this.entries[at] === key) break;
    }
    const entries = this.entries;
    const sum = entries[at + 1]! + pence;
    if (!Number.isSafeInteger(sum)) throw new SummaryLimitError(this.tooLarge);
    entries[at + 1] = sum;
    entries[at + 2] = entries[at + 2]! + count;
    return true;
  }

  /** Calls `see` with every key and its sums, in the order keys were first added. */
  forEach(see: (key: number, pence: number, count: number) => void): void {
    const entries = this.entries;
    for (let at = 0; at < this.size * 3; at += 3)
      see(entries[at]!, entries[at + 1]!, entries[at + 2]!);
  }

  /**
   * The entries as they are, to read: what is written and what a worker hands back (see
   * LedgerSummaryState). Lets the hash table go (the benchmark's 5,000,000-row ledger's is 8 MB).
   */
  entriesRead(): SummaryEntries {
    this.slotEntries = null;
    return { size: this.size, entries: this.entries };
  }

  private slot(key: number): number {
    const low = key >>> 0;
    const high = (key / 4294967296) >>> 0;
    let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return (h ^ (h >>> 16)) & this.mask;
  }

  /** A hash table of `slots` slots (a power of two) for the entries held. */
  private rehash(slots: number): void {
    while (this.size * 2 > slots) slots *= 2;
    const slotEntries = new Int32Array(slots).fill(-1);
    this.slotEntries = slotEntries;
    this.mask = slots - 1;
    for (let entry = 0; entry < this.size; entry++) {
      let slot = this.slot(this.entries[entry * 3]!);
      while (slotEntries[slot] !== -1) slot = (slot + 1) & this.mask;
      slotEntries[slot] = entry;
    }
  }

  private growEntries(): void {
    const grown = new Float64Array(this.entries.length * 2);
    grown.set(this.entries);
    this.entries = grown;
  }
}

/** Sums as KeyedSums holds them: entry i's key, pence and count at 3i, 3i + 1 and 3i + 2, for i below size. */
interface SummaryEntries {
  size: number;
  /** At least 3 * size long. */
  entries: Float64Array;
}

/** No cells, in an array of its own (a worker hands its array over, detaching it). */
function noCells(): SummaryEntries {
  return { size: 0, entries: new Float64Array(0) };
}

/**
 * A summary as plain data (structured-clone safe, its arrays transferable): what a worker
 * thread that read the file hands back. Enough to write and apply it, or to add more rows to.
 */
export interface LedgerSummaryState {
  supplierList: SupplierSeen[];
  areas: (string | null)[];
  types: (string | null)[];
  baseMonth: number | null;
  /** False when the summary stopped (see LedgerSummary.complete): no cells, only the suppliers. */
  complete: boolean;
  size: number;
  /**
   * The cells as KeyedSums holds them (see SummaryEntries): to transfer, not copy. None from a
   * summary that sums elsewhere (sumElsewhere): CellSums.summaryOf adds its own.
   */
  entries: Float64Array;
}

function newCellSums(limit?: number, held?: SummaryEntries): KeyedSums {
  return new KeyedSums(
    'A month of one supplier sums to more than this service can hold exactly.',
    limit,
    held,
  );
}

export class LedgerSummary {
  /** Suppliers paid, in order of first appearance; their number is their index + 1. */
  readonly supplierList: SupplierSeen[] = [];
  private readonly areas = new Dictionary(AREA_LIMIT);
  private readonly types = new Dictionary(TYPE_LIMIT);
  /** Month numbers (year * 12 + month - 1) are stored as offsets from the first month seen. */
  private baseMonth: number | null = null;
  private readonly monthTexts: string[] = [];
  private cellSums: CellSums;
  private overflowed = false;
  /**
   * Set by sumElsewhere: each row's cell key and pence, in pairs, waiting for takeSums; the
   * first `pendingLength` numbers are set.
   */
  private pending: Float64Array | null = null;
  private pendingLength = 0;

  constructor(cellLimit = CELL_LIMIT) {
    this.cellSums = new CellSums(cellLimit);
  }

  /**
   * Whether every row's spend is in the cells: false once the file had more cells than the limit,
   * or more areas, types, months or suppliers than a key numbers; then only the suppliers are
   * kept, and the caller sums the spend from the stored payments.
   */
  get complete(): boolean {
    return !this.overflowed;
  }

  /** This summary as plain data (see LedgerSummaryState). */
  toState(): LedgerSummaryState {
    return {
      supplierList: this.supplierList,
      areas: this.areas.values,
      types: this.types.values,
      baseMonth: this.baseMonth,
      complete: this.complete,
      ...(this.overflowed || this.pending !== null ? noCells() : this.cells()),
    };
  }

  /** A summary from toState()'s data, to write and apply, or to add more rows to. */
  static fromState(state: LedgerSummaryState): LedgerSummary {
    const summary = new LedgerSummary();
    // Loops, not push(...list): a file can pay more suppliers than a call takes arguments.
    for (const supplier of state.supplierList) summary.supplierList.push(supplier);
    // Numbered again in the same order: the same numbers, for rows added after (see add).
    for (const area of state.areas) summary.areas.id(area);
    for (const type of state.types) summary.types.id(type);
    summary.baseMonth = state.baseMonth;
    summary.overflowed = !state.complete;
    summary.cellSums = new CellSums(undefined, state);
    return summary;
  }

  /** Adds one valid row. */
  add(row: LedgerRow): void {
    const supplier = row.supplierId;
    if (supplier !== 0 && row.supplierChanged) this.see(supplier, row);
    if (this.overflowed) return;
    const monthNumber = monthIndex(row.paymentDate);
    this.baseMonth ??= monthNumber - MONTH_LIMIT / 2;
    const month = monthNumber - this.baseMonth;
    const area = this.areas.id(row.expenseArea);
    const type = this.types.id(row.expenseType);
    // Past what a cell's key can number (more than ten years of dates, 4,095 areas or types,
    // a million suppliers), as past the cell limit: the database sums the spend.
    if (month < 0 || month >= MONTH_LIMIT || area < 0 || type < 0 || supplier >= SUPPLIER_LIMIT)
      return this.overflow();
    const key =
      (((supplier * MONTH_LIMIT + month) * AREA_LIMIT + area) * TYPE_LIMIT + type) * 2 +
      (row.redacted ? 1 : 0);
    if (this.pending === null) {
      if (!this.cellSums.addRow(key, row.amountPence)) this.overflow();
      return;
    }
    if (this.pendingLength === this.pending.length) this.growPending();
    const pending = this.pending;
    pending[this.pendingLength++] = key;
    pending[this.pendingLength++] = row.amountPence;
  }

  /**
   * From now on a row's cell is not summed here: its key and pence wait for takeSums, to be
   * summed by a CellSums on another thread. Suppliers, areas and types are still kept here.
   */
  sumElsewhere(): void {
    this.pending ??= new Float64Array(2 * 8192);
  }

  /**
   * The cells of the rows added since the last call (see sumElsewhere), as (key, pence) pairs
   * in an array of their own, to transfer; null when there are none, or the summary stopped.
   */
  takeSums(): Float64Array | null {
    if (this.pending === null || this.pendingLength === 0 || this.overflowed) return null;
    const taken = this.pending.slice(0, this.pendingLength);
    this.pendingLength = 0;
    return taken;
  }

  private growPending(): void {
    const grown = new Float64Array(this.pending!.length * 2);
    grown.set(this.pending!);
    this.pending = grown;
  }

  /** Stops summing (see complete), and lets the cells go. */
  private overflow(): void {
    this.overflowed = true;
    this.cellSums.stop();
    if (this.pending !== null) this.pending = new Float64Array(2);
    this.pendingLength = 0;
  }

  /** The suppliers paid (key -> what the ledger says). */
  get suppliers(): Map<string, SupplierSeen> {
    return new Map(this.supplierList.map((s) => [s.key, s]));
  }

  get cellCount(): number {
    return this.cells().size;
  }

  /** The cells' sums as they are held (see SummaryEntries; cell i's key decodes by decode). */
  private cells(): SummaryEntries {
    if (this.overflowed)
      throw new Error('the summary is not complete: the file has more cells than it holds');
    return this.cellSums.entriesRead();
  }

  /**
   * Every cell, as numbers into small tables of values: what writing 500,000 cells needs, with
   * each distinct value (a supplier key, an area) at hand to encode once, not once a cell (a
   * cell object each took half a second of the upload). Read from the sums as they are: no
   * copy of them (at the benchmark's 927,250 cells, copies into columns took 34 MB).
   */
  cellTable(): SummaryCellTable {
    const { size, entries } = this.cells();
    return {
      size,
      supplierKeys: [null, ...this.supplierList.map((s) => s.key)],
      areas: this.areas.values,
      types: this.types.values,
      monthText: (month) => this.monthText(month),
      read: (i, cell) => this.readCell(entries, i, cell),
    };
  }

  /**
   * This upload's contribution to the metric summaries, once its suppliers' tags are known:
   * spend by (month, tags), by (month, area, type, tags) and by (financial year, supplier).
   * One pass over the cells; `tagsOf` gives a supplier's tags (null: not tagged). The pass
   * lets the event loop turn every DELTA_SLICE cells, so that it can be made while this thread
   * feeds a COPY (the summary's 500,000 cells take some 0.1 s).
   */
  async taggedDeltas(
    tagsOf: (supplierKey: string) => TagValues | null,
    yearStartMonth: number,
  ): Promise<TaggedDeltas> {
    const codes = Int32Array.from(this.supplierList, (s) => tagCode(tagsOf(s.key)));
    const tooLarge = "The file's spend sums to more than this service can hold exactly.";
    const months = new KeyedSums(tooLarge);
    const cells = new KeyedSums(tooLarge);
    const years = new KeyedSums(tooLarge);
    const { size, entries: held } = this.cells();
    const c = emptyCell();
    for (let i = 0; i < size; i++) {
      if (i % DELTA_SLICE === DELTA_SLICE - 1) await nextTurn();
      this.readCell(held, i, c);
      const code = (c.supplier === 0 ? 0 : codes[c.supplier - 1]!) * 2 + (c.redacted ? 1 : 0);
      const p = c.pence;
      const n = c.count;
      months.add(c.month * TAG_CODES + code, p, n);
      cells.add(((c.month * AREA_LIMIT + c.area) * TYPE_LIMIT + c.type) * TAG_CODES + code, p, n);
      if (c.supplier !== 0) {
        const monthNumber = this.baseMonth! + c.month;
        const year =
          Math.floor(monthNumber / 12) - ((monthNumber % 12) + 1 < yearStartMonth ? 1 : 0);
        years.add(c.supplier * 4096 + (year - 1900), p, n);
      }
    }
    const flags = (code: number) => {
      const tags = decodeTagCode(Math.floor(code / 2));
      return { ...tags, redacted: code % 2 === 1 };
    };
    const entries = <T>(sums: KeyedSums, row: (key: number, sum: Sum) => T): T[] => {
      const out: T[] = [];
      sums.forEach((key, pence, count) => out.push(row(key, { pence: BigInt(pence), count })));
      return out;
    };
    return {
      months: entries(months, (key, sum) => ({
        month: this.monthText(Math.floor(key / TAG_CODES)),
        ...flags(key % TAG_CODES),
        ...sum,
      })),
      cells: entries(cells, (key, sum) => {
        const code = key % TAG_CODES;
        let rest = Math.floor(key / TAG_CODES);
        const type = rest % TYPE_LIMIT;
        rest = Math.floor(rest / TYPE_LIMIT);
        const area = rest % AREA_LIMIT;
        const month = Math.floor(rest / AREA_LIMIT);
        return {
          month: this.monthText(month),
          expenseArea: this.areas.values[area]!,
          expenseType: this.types.values[type]!,
          ...flags(code),
          ...sum,
        };
      }),
      supplierYears: entries(years, (key, sum) => ({
        year: (key % 4096) + 1900,
        supplierKey: this.supplierList[Math.floor(key / 4096) - 1]!.key,
        ...sum,
      })),
    };
  }

  /** Keeps what the row says of its supplier (number `id`, see LedgerRow.supplierId). */
  private see(id: number, row: LedgerRow): void {
    const seen = this.supplierList[id - 1];
    if (seen === undefined) {
      if (id !== this.supplierList.length + 1)
        throw new Error(`supplier ${id} came before supplier ${this.supplierList.length + 1}`);
      const own = ownString(row.supplierKey!);
      this.supplierList.push({
        key: own,
        // The reader's own copy of the name (not a slice of the file), shared by every row that
        // names the supplier: the comparison below is then one of identity, not of text.
        name: row.supplierName ?? (row.supplierRef === null ? own : ownString(row.supplierRef)),
        nameKey: row.supplierNameKey ?? '',
        ref: row.supplierRef === null ? null : ownString(row.supplierRef),
        companyNumber: row.companyNumber,
        charityNumber: row.charityNumber,
        vatNumber: row.vatNumber,
      });
      return;
    }
    if (row.supplierName && row.supplierName !== seen.name) seen.name = row.supplierName;
    if (row.companyNumber) seen.companyNumber = row.companyNumber;
    if (row.charityNumber) seen.charityNumber = row.charityNumber;
    if (row.vatNumber) seen.vatNumber = row.vatNumber;
  }

  /** Entry i of the sums (see SummaryEntries) into `cell`, which it returns. */
  private readCell(entries: Float64Array, i: number, cell: SummaryCell): SummaryCell {
    this.decode(entries[i * 3]!, cell);
    cell.pence = entries[i * 3 + 1]!;
    cell.count = entries[i * 3 + 2]!;
    return cell;
  }

  /** A cell's key (see add) into the cell's numbers. */
  private decode(key: number, cell: SummaryCell): void {
    cell.redacted = key % 2 === 1;
    key = Math.floor(key / 2);
    cell.type = key % TYPE_LIMIT;
    key = Math.floor(key / TYPE_LIMIT);
    cell.area = key % AREA_LIMIT;
    key = Math.floor(key / AREA_LIMIT);
    cell.month = key % MONTH_LIMIT;
    cell.supplier = Math.floor(key / MONTH_LIMIT);
  }

  private monthText(offset: number): string {
    let text = this.monthTexts[offset];
    if (text === undefined) {
      const n = this.baseMonth! + offset;
      text = `${Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}-01`;
      this.monthTexts[offset] = text;
    }
    return text;
  }
}

/**
 * A summary's cells, summed up to a limit: past it the cells are let go and no more are kept
 * (the summary is then not complete, see LedgerSummary.complete). A LedgerSummary holds one; a
 * summary whose rows are read on another thread (LedgerSummary.sumElsewhere) is summed in one
 * here from the pairs that thread hands over: adding a row to a table of hundreds of thousands
 * of cells is a cache miss or two, some 0.5 s of a 1M-row file, done here while the reading
 * thread goes on to the next rows.
 */
export class CellSums {
  private sums: KeyedSums;
  private stopped = false;

  constructor(limit = CELL_LIMIT, held?: SummaryEntries) {
    this.sums = newCellSums(limit, held);
  }

  /** Adds one row's pence to its cell; false (and nothing kept from then on) once past the limit. */
  addRow(key: number, pence: number): boolean {
    if (this.stopped) return false;
    if (this.sums.add(key, pence, 1)) return true;
    this.stop();
    return false;
  }

  /** Adds (key, pence) pairs as takeSums gives them, one row each. */
  add(pairs: Float64Array): void {
    for (let i = 0; i < pairs.length; i += 2) if (!this.addRow(pairs[i]!, pairs[i + 1]!)) return;
  }

  /** Keeps no cells from now on, and lets those held go. */
  stop(): void {
    this.stopped = true;
    this.sums = newCellSums();
  }

  /** The cells as they are held (see KeyedSums.entriesRead). */
  entriesRead(): SummaryEntries {
    return this.sums.entriesRead();
  }

  /** The summary the reading thread handed over (its suppliers, areas, types), with these cells. */
  summaryOf(state: LedgerSummaryState): LedgerSummary {
    const complete = state.complete && !this.stopped;
    return LedgerSummary.fromState({
      ...state,
      complete,
      ...(complete ? this.sums.entriesRead() : noCells()),
    });
  }
}
