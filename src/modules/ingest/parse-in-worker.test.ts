import { describe, expect, it } from 'vitest';
import { encodePayments, uploadRowPrefix } from './payment-copy.ts';
import { LedgerFile } from './ledger-file.ts';
import { emptyCell, LedgerSummary, SummaryLimitError } from './ledger-summary.ts';
import { FileRejectedError } from './mapped-csv-file.ts';
import { bundleWorker, prepareLedgerReader, readLedgerInWorker } from './parse-in-worker.ts';

const PREFIX = uploadRowPrefix('wigan', '00000000-0000-4000-8000-000000000001');

/** A Windows-1252 ledger of `rows` lines, in chunks of `chunk` bytes (a £ in every amount). */
function ledgerBytes(rows: number, chunk = 4096): Uint8Array[] {
  let text =
    'Council payments over £500\r\n\r\nPayment Date,Supplier Name,Supplier ID,Service,Net Amount\r\n';
  for (let i = 1; i <= rows; i++) {
    const day = String((i % 28) + 1).padStart(2, '0');
    const month = String((i % 12) + 1).padStart(2, '0');
    const name = i % 5 === 0 ? `"Smith, ${i % 97} & Sons"` : `Supplier ${i % 89} Ltd`;
    const amount =
      i % 7 === 0 ? `"(£${(i % 999) + 1},${String(i % 1000).padStart(3, '0')}.25)"` : `${i}.5`;
    text += `${day}/${month}/2022,${name},S${i % 89},"Adults, Health",${amount}\r\n`;
  }
  const bytes = Buffer.from(text, 'latin1');
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += chunk) chunks.push(bytes.subarray(at, at + chunk));
  return chunks;
}

/** The same file read in this thread: COPY files, facts and summary cells. */
async function readHere(chunks: Iterable<Uint8Array>) {
  const file = new LedgerFile(chunks, { stopRowsOnError: true });
  const summary = new LedgerSummary();
  async function* summed() {
    for await (const batch of file.rows()) {
      for (const row of batch) summary.add(row);
      yield batch;
    }
  }
  const files: Uint8Array[] = [];
  for await (const piece of encodePayments(PREFIX, summed())) files.push(piece);
  return { files, file: file.toState(), cells: decodedCells(summary), summary };
}

/** Rows in binary COPY files, counted by walking their fields. */
function rowsIn(files: Uint8Array[]): number {
  let rows = 0;
  for (const bytes of files) {
    const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = 19; ;) {
      const fields = file.readInt16BE(at);
      at += 2;
      if (fields === -1) break;
      rows++;
      for (let f = 0; f < fields; f++) at += 4 + Math.max(0, file.readInt32BE(at));
    }
  }
  return rows;
}

/** The summary's cells, decoded: month, supplier, redacted, area, type, pence, count. */
function decodedCells(summary: LedgerSummary) {
  const t = summary.cellTable();
  return Array.from({ length: t.size }, (_, i) => {
    const c = t.read(i, emptyCell());
    return [
      t.monthText(c.month),
      t.supplierKeys[c.supplier],
      c.redacted,
      t.areas[c.area],
      t.types[c.type],
      c.pence,
      c.count,
    ];
  });
}

async function readThere(chunks: Iterable<Uint8Array>, onProgress?: (rows: number) => void) {
  const read = readLedgerInWorker(chunks, { prefix: PREFIX, onProgress });
  const files: Uint8Array[] = [];
  for await (const piece of read.pieces) files.push(piece);
  const { file, summary } = read.reading();
  return {
    files,
    file,
    cells: decodedCells(summary),
    summary,
  };
}

describe('readLedgerInWorker', () => {
  it('starts its workers from one module, built ahead by prepareLedgerReader', async () => {
    const first = prepareLedgerReader();
    expect(prepareLedgerReader()).toBe(first);
    const module = await first;
    expect(module.protocol).toBe('data:');
    const code = Buffer.from(module.href.slice(module.href.indexOf(',') + 1), 'base64');
    expect(code.toString()).toBe(bundleWorker().code);
  });

  it('runs a bundle of the parsers alone: no package, no database code', () => {
    const { code, metafile } = bundleWorker();
    const inputs = Object.keys(metafile.inputs);
    expect(inputs).toContain('src/modules/ingest/parse-worker.ts');
    expect(inputs).toContain('src/modules/ingest/ledger-csv.ts');
    // Nothing from node_modules (the worker has no tsx, nor pg), and no repository or connection.
    expect(inputs.filter((f) => !f.startsWith('src/'))).toEqual([]);
    expect(inputs.filter((f) => /repository|create-db|bulk-copy/.test(f))).toEqual([]);
    // It imports Node.js built-ins only: a data: URL module can import nothing else.
    const imports = [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((name) => !name!.startsWith('node:'))).toEqual([]);
  });

  it('gives the COPY files, facts and summary that reading in this thread gives', async () => {
    const chunks = ledgerBytes(60_000);
    const here = await readHere(chunks);
    const progress: number[] = [];
    const there = await readThere(chunks, (rows) => progress.push(rows));

    expect(there.file.rowsValid).toBe(60_000);
    expect(there.file.encoding).toBe('windows-1252');
    expect(there.file.totalPence).toBe(here.file.totalPence);
    expect(there.file).toEqual(here.file);
    expect(there.files.length).toBeGreaterThan(1);
    // The same files, cut at the same rows, byte for byte.
    expect(there.files.map((f) => f.byteLength)).toEqual(here.files.map((f) => f.byteLength));
    expect(Buffer.concat(there.files).equals(Buffer.concat(here.files))).toBe(true);
    expect(rowsIn(there.files)).toBe(60_000);
    expect(there.cells).toEqual(here.cells);
    expect(there.summary.supplierList).toEqual(here.summary.supplierList);
    const tags = () => ({
      local: true,
      wider_area: null,
      deprived_area: false,
      vcfse: null,
      sme: true,
    });
    expect(await there.summary.taggedDeltas(tags, 4)).toEqual(
      await here.summary.taggedDeltas(tags, 4),
    );
    // Progress as pieces arrive, rising to the last line read.
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(60_000);
  });

  it('writes later files into the buffers handed back, and every byte is as read here', async () => {
    const chunks = ledgerBytes(60_000);
    const here = await readHere(chunks);
    const read = readLedgerInWorker(chunks, { prefix: PREFIX });
    const files: Buffer[] = [];
    for await (const piece of read.pieces) {
      // One of the worker's CopyFileBuffers (resizable), copied before it goes back: handed
      // back, it is the worker's again (detached here).
      expect((piece.buffer as ArrayBuffer & { resizable: boolean }).resizable).toBe(true);
      files.push(Buffer.from(piece));
      read.release(piece);
      expect(piece.byteLength).toBe(0);
    }
    expect(Buffer.concat(files).equals(Buffer.concat(here.files))).toBe(true);
    expect(rowsIn(files)).toBe(60_000);
    expect(read.reading().file).toEqual(here.file);
    expect(files.length).toBeGreaterThan(4);
    // Once the file is read the worker is gone: a file handed back after is simply dropped.
    expect(() => read.release(new Uint8Array(8))).not.toThrow();
  });

  it('hands back row errors with their row and column, for the upload to judge whole', async () => {
    const chunks = [
      Buffer.from(
        'Payment Date,Supplier Name,Amount\n01/04/2022,A Ltd,12.00\n31/02/2022,B Ltd,ten\n02/04/2022,C Ltd,3.00\n',
      ),
    ];
    const there = await readThere(chunks);
    expect(there.file.errorCount).toBe(2);
    expect(there.file.errors).toEqual([
      {
        row: 3,
        column: 'Payment Date',
        value: '31/02/2022',
        message: '"31/02/2022" is not a date that exists',
      },
      { row: 3, column: 'Amount', value: 'ten', message: '"ten" is not an amount' },
    ]);
    expect(there.file).toEqual((await readHere(chunks)).file);
  });

  it('throws what reading here throws for a file it cannot read, and reads the next file', async () => {
    const rejected = await failureOf([
      Buffer.from('Payment Date,Supplier Name,Amount\n01/04/2022,"A Ltd,12.00\n'),
    ]);
    expect(rejected).toBeInstanceOf(FileRejectedError);
    expect((rejected as FileRejectedError).errors).toEqual([
      expect.objectContaining({ row: 2, column: 'Supplier Name' }),
    ]);
    // A month of one supplier past 2^53 pence (some £90 trillion): no exact sum.
    let huge = 'Payment Date,Supplier Name,Amount\n';
    for (let i = 0; i < 100; i++) huge += '01/04/2022,A Ltd,999999999999.00\n';
    expect(await failureOf([Buffer.from(huge)])).toBeInstanceOf(SummaryLimitError);
    // A worker that failed part way is not reused; a new one reads the next file.
    expect((await readThere(ledgerBytes(10))).file.rowsValid).toBe(10);
  });

  it('hands back a summary that stopped at its cell limit, or past the areas a key numbers', async () => {
    const limited = readLedgerInWorker(ledgerBytes(1_000), { prefix: PREFIX, cellLimit: 50 });
    for await (const piece of limited.pieces) expect(piece.byteLength).toBeGreaterThan(0);
    const { file, summary } = limited.reading();
    expect(file.rowsValid).toBe(1_000);
    expect(summary.complete).toBe(false);
    expect(summary.supplierList).toEqual((await readHere(ledgerBytes(1_000))).summary.supplierList);

    let areas = 'Payment Date,Supplier Name,Expense Area,Amount\n';
    for (let i = 0; i < 4100; i++) areas += `01/04/2022,A Ltd,Area ${i},1.00\n`;
    const read = readLedgerInWorker([Buffer.from(areas)], { prefix: PREFIX });
    for await (const piece of read.pieces) expect(piece.byteLength).toBeGreaterThan(0);
    expect(read.reading().file.rowsValid).toBe(4100);
    expect(read.reading().summary.complete).toBe(false);
  });

  it('stops the worker when the COPY stops taking pieces, and a failing source ends the read', async () => {
    const read = readLedgerInWorker(ledgerBytes(200_000), { prefix: PREFIX });
    for await (const piece of read.pieces) {
      expect(piece.byteLength).toBeGreaterThan(0);
      break;
    }
    expect(() => read.reading()).toThrow(/not been read to its end/);
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield* ledgerBytes(1000);
      throw new Error('the client went away');
    }
    expect(await failureOf(broken())).toEqual(new Error('the client went away'));
    expect((await readThere(ledgerBytes(10))).file.rowsValid).toBe(10);
  });
});

async function failureOf(
  bytes: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
): Promise<unknown> {
  const read = readLedgerInWorker(bytes, { prefix: PREFIX });
  try {
    for await (const piece of read.pieces) void piece;
  } catch (error) {
    return error;
  }
  throw new Error('the read did not fail');
}
