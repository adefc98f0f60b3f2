// Ledger ingest benchmark: `npm run bench:ingest [-- --rows 5000000]`.
//
// Generates a large ledger in a realistic messy shape, loads it through the same service code
// path as uploads (ingestLedger: decode, parse, map, COPY, all in one transaction), and beside
// it the raw baseline: COPY of the same rows, already normalised, into the same table, in
// text format and in the binary format uploads send (ratios are to the faster). Each
// run is a child process of its own, so peak RSS is that run's alone. Prints rows/s and
// peak RSS on PostgreSQL and on PGlite. `--runs N` repeats every phase N times, each from a
// new database, and prints each time's median with the range of its rows/s, and the highest
// peak RSS (this machine's speed swings by a third from one quarter-hour to the next: one run
// is one sample).
import { execFileSync } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  createPgliteDb,
  createPostgresDb,
  openPglite,
  type Database,
} from '../src/db/create-db.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { binaryStream, encodeCopyRow, pgliteCopyFile, type CopyRow } from '../src/db/bulk-copy.ts';
import {
  encodePayments,
  PAYMENT_COPY_COLUMNS,
  uploadRowPrefix,
} from '../src/modules/ingest/payment-copy.ts';
import type { LedgerRow } from '../src/modules/ingest/ledger-csv.ts';
import { ingestLedger } from '../src/modules/ingest/ingest.service.ts';
import { LedgerFile } from '../src/modules/ingest/ledger-file.ts';
import { prepareLedgerReader } from '../src/modules/ingest/parse-in-worker.ts';
import { insertOrganisation } from '../src/modules/organisations/organisations.repository.ts';
import { writeMessyLedger } from './lib/messy-ledger.ts';
import {
  benchDatabaseUrl,
  bundledScript,
  dropBenchDatabase,
  newBenchDatabase,
} from './lib/bench.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    phase: { type: 'string' },
    db: { type: 'string' },
    file: { type: 'string' },
    expect: { type: 'string' },
    format: { type: 'string' },
    only: { type: 'string' },
    runs: { type: 'string', default: '1' },
  },
});

const BENCH_DB = 'cwb_bench_ingest';
const WORK = path.join(tmpdir(), 'cwb-bench-ingest');
const PGLITE_DIR = path.join(WORK, 'pglite');
const ORG = 'bench';
const UPLOAD_ID = '00000000-0000-4000-8000-000000000001';

/** Opens the benchmark database of a kind, migrated, with an empty payments table and the org. */
async function openBenchDb(kind: string): Promise<Database> {
  const database =
    kind === 'postgres'
      ? createPostgresDb(benchDatabaseUrl(BENCH_DB), 2)
      : createPgliteDb(await openPglite(PGLITE_DIR));
  await migrateToLatest(database.db);
  await database.db.deleteFrom('payments').execute();
  await database.db.deleteFrom('uploads').execute();
  await insertOrganisation(database.db, {
    id: ORG,
    name: 'Benchmark Council',
    homeAreas: ['E08000010'],
    widerAreas: [],
    yearStartMonth: 4,
  });
  // Each measured phase starts from a checkpoint, so none pays for the WAL of the one before
  // (an upload writes some 350 MB of it, a raw COPY 250 MB: with PostgreSQL's default
  // max_wal_size a checkpoint could begin during a later phase).
  await sql`CHECKPOINT`.execute(database.db);
  return database;
}

const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** One timed run, in this (child) process; prints one JSON line. */
async function runPhase(): Promise<void> {
  const file = args.file!;
  const opening = performance.now();
  const database = await openBenchDb(args.db!);
  const openMs = performance.now() - opening;
  let rows: number;
  let ms: number;
  let readMs: number | undefined;
  if (args.phase === 'prepare') {
    // A new data directory (initdb) and the migrations: what a server does once, on its first
    // start, not on every upload. Timed and measured apart from the upload.
    await database.close();
    rows = 0;
    ms = openMs;
  } else if (args.phase === 'ingest') {
    // As a running server has it (it builds the reader's code once it listens): not timed.
    await prepareLedgerReader();
    const started = performance.now();
    const result = await ingestLedger(database.db, {
      orgId: ORG,
      actor: 'bench',
      filename: path.basename(file),
      bytes: createReadStream(file, { highWaterMark: 64 * 1024 }),
    });
    ms = performance.now() - started;
    readMs = result.timings?.readMs;
    rows = result.upload.rows.loaded;
    if (args.expect && result.upload.total !== args.expect) {
      throw new Error(
        `loaded total ${result.upload.total} differs from the generated ${args.expect}`,
      );
    }
    // The figures too (after the clock): the summary's cells and the months the headline reads.
    const { rows: sums } = await sql<{ cells: string; months: string }>`
      SELECT (SELECT sum(amount_pence) FROM spend_summary WHERE org_id = ${ORG})::text AS cells,
             (SELECT sum(total) FROM month_totals WHERE org_id = ${ORG})::text AS months`.execute(
      database.db,
    );
    // The generated total has two decimals (toFixed(2)): its pence are its digits.
    const expectedPence = args.expect ? String(BigInt(args.expect.replace('.', ''))) : '';
    if (args.expect && (sums[0]!.cells !== expectedPence || sums[0]!.months !== expectedPence)) {
      throw new Error(
        `the figures sum to ${sums[0]!.cells} (cells) and ${sums[0]!.months} (months) pence, not the generated ${expectedPence}`,
      );
    }
    await database.close();
  } else {
    await database.close();
    ({ rows, ms } = await rawCopy(args.db!, file, args.format === 'binary' ? 'binary' : 'text'));
  }
  console.log(
    JSON.stringify({
      rows,
      ms: Math.round(ms),
      rowsPerSecond: rows === 0 ? null : Math.round(rows / (ms / 1000)),
      peakRssMb: peakRssMb(),
      ...(readMs !== undefined
        ? { readMs, readRowsPerSecond: Math.round(rows / (readMs / 1000)) }
        : {}),
    }),
  );
}

/**
 * The baseline: COPY of the rows already normalised into payments, in one transaction, no
 * parsing. Text: the COPY text as it is (on PGlite in 1 MB files cut at line ends, as
 * bulkCopyText sends it). Binary, the format uploads send: the upload's own ~1 MB files, their
 * lengths in `file`.lengths.json, one COPY each on PGlite and joined under one header on
 * PostgreSQL.
 */
async function rawCopy(
  kind: string,
  file: string,
  format: 'text' | 'binary',
): Promise<{ rows: number; ms: number }> {
  const copySql = `COPY payments (${PAYMENT_COPY_COLUMNS.join(', ')})`;
  const options = format === 'binary' ? ' WITH (FORMAT binary)' : '';
  if (kind === 'postgres') {
    const client = new pg.Client({ connectionString: benchDatabaseUrl(BENCH_DB) });
    await client.connect();
    const started = performance.now();
    await client.query('BEGIN');
    const stream = client.query(copyFrom(`${copySql} FROM STDIN${options}`));
    // The text file as it is; the binary files joined under one header.
    const source =
      format === 'binary'
        ? Readable.from(binaryStream(binaryFiles(file)))
        : createReadStream(file, { highWaterMark: 1024 * 1024 });
    await pipeline(source, stream);
    await client.query('COMMIT');
    const ms = performance.now() - started;
    await client.end();
    return { rows: Number(stream.rowCount), ms };
  }
  const pglite = await openPglite(PGLITE_DIR);
  let rows = 0;
  const started = performance.now();
  await pglite.transaction(async (tx) => {
    for await (const bytes of format === 'binary' ? binaryFiles(file) : textFiles(file)) {
      // As uploads send them: each file handed to PGlite's in-memory file system as it is.
      rows += await pgliteCopyFile(pglite, copySql, bytes, options, tx);
    }
  });
  const ms = performance.now() - started;
  await pglite.close();
  return { rows, ms };
}

/** A COPY text file in pieces of about 1 MB, cut at line ends. */
async function* textFiles(file: string): AsyncGenerator<Buffer> {
  let carry = Buffer.alloc(0);
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    const joined = Buffer.concat([carry, chunk as Buffer]);
    const cut = joined.lastIndexOf(10) + 1;
    if (cut > 0) yield joined.subarray(0, cut);
    carry = joined.subarray(cut);
  }
  if (carry.length > 0) yield carry;
}

/** The whole binary COPY files written one after another into `file`. */
async function* binaryFiles(file: string): AsyncGenerator<Buffer> {
  const lengths = JSON.parse(readFileSync(`${file}.lengths.json`, 'utf8')) as number[];
  const handle = await open(file);
  try {
    for (const length of lengths) {
      const bytes = Buffer.allocUnsafeSlow(length);
      await handle.read(bytes, 0, length);
      yield bytes;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Writes the rows of the messy file, parsed and normalised, in both COPY formats (not timed):
 * text to `text`, and binary to `binary` as the upload's own files, their lengths beside it.
 */
async function writeNormalised(messy: string, text: string, binary: string): Promise<void> {
  const ledger = new LedgerFile(createReadStream(messy, { highWaterMark: 1024 * 1024 }));
  const textOut = createWriteStream(text);
  const binaryOut = createWriteStream(binary);
  const lengths: number[] = [];
  async function* textToo(): AsyncGenerator<readonly LedgerRow[]> {
    for await (const batch of ledger.rows()) {
      let lines = '';
      for (const r of batch) lines += encodeCopyRow(paymentValues(r));
      if (!textOut.write(lines)) await once(textOut, 'drain');
      yield batch;
    }
  }
  for await (const bytes of encodePayments(uploadRowPrefix(ORG, UPLOAD_ID), textToo())) {
    lengths.push(bytes.byteLength);
    if (!binaryOut.write(bytes)) await once(binaryOut, 'drain');
  }
  for (const out of [textOut, binaryOut]) {
    out.end();
    await once(out, 'finish');
  }
  writeFileSync(`${binary}.lengths.json`, JSON.stringify(lengths));
}

/** A payment's values in PAYMENT_COPY_COLUMNS order. */
function paymentValues(r: LedgerRow): CopyRow {
  return [
    ORG,
    UPLOAD_ID,
    r.line,
    r.paymentDate,
    r.amountPence,
    r.supplierName,
    r.supplierRef,
    r.supplierKey,
    r.redacted,
    r.transactionNumber,
    r.invoiceNumber,
    r.expenseArea,
    r.expenseType,
    r.irrecoverableVatPence,
    r.companyNumber,
    r.charityNumber,
    r.vatNumber,
    r.invoiceReceivedDate,
    r.purpose,
    r.body,
    r.inScope,
  ];
}

function child(
  phase: string,
  db: string,
  file: string,
  extra: string[] = [],
): {
  rows: number;
  ms: number;
  rowsPerSecond: number;
  peakRssMb: number;
  readMs?: number;
  readRowsPerSecond?: number;
} {
  const out = execFileSync(
    process.execPath,
    [bundled!, '--phase', phase, '--db', db, '--file', file, ...extra],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as ReturnType<typeof child>;
}

/** One run's figures: every phase of it, on one database. */
interface Sample {
  prepare: ReturnType<typeof child>;
  ingest: ReturnType<typeof child>;
  rawText: ReturnType<typeof child>;
  rawBinary: ReturnType<typeof child>;
}

/** An empty benchmark database of the kind: PostgreSQL's dropped and made again, PGlite's removed. */
async function emptyBenchDatabase(db: string): Promise<void> {
  if (db === 'postgres') await newBenchDatabase(BENCH_DB);
  else rmSync(PGLITE_DIR, { recursive: true, force: true });
}

/** Every phase once, in order, on a new database of the kind. */
function measureRun(
  db: string,
  messy: string,
  normalisedText: string,
  normalisedBinary: string,
  expect: string,
): Sample {
  return {
    prepare: child('prepare', db, messy),
    ingest: child('ingest', db, messy, ['--expect', expect]),
    rawText: child('raw', db, normalisedText, ['--format', 'text']),
    rawBinary: child('raw', db, normalisedBinary, ['--format', 'binary']),
  };
}

/** The median of some figures (the lower middle one of an even count). */
const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;

/** "min - max" of some figures. */
const range = (values: number[]): string => `${Math.min(...values)} - ${Math.max(...values)}`;

/**
 * The table's rows for one database: each phase's median time and rows/s (one run: its own),
 * with the range of its rows/s over the runs and the highest peak RSS, and the ratios of each
 * run's upload to that run's faster raw COPY.
 */
function summarise(db: string, samples: Sample[]): Record<string, unknown>[] {
  const figures = (
    phase: (s: Sample) => { ms?: number; peakRssMb?: number; rowsPerSecond?: number },
  ) => {
    const all = samples.map(phase);
    const rowsPerSecond = all.flatMap((f) => (f.rowsPerSecond ? [f.rowsPerSecond] : []));
    const rss = all.flatMap((f) => (f.peakRssMb ? [f.peakRssMb] : []));
    return {
      ms: median(all.map((f) => f.ms ?? 0)),
      // Peak RSS is held to a ceiling: the highest of the runs, not their median.
      ...(rss.length > 0 ? { peakRssMb: Math.max(...rss) } : {}),
      ...(rowsPerSecond.length > 0
        ? {
            rowsPerSecond: median(rowsPerSecond),
            ...(samples.length > 1 ? { 'rowsPerSecond range': range(rowsPerSecond) } : {}),
          }
        : {}),
    };
  };
  const rows = samples[0]!.ingest.rows;
  // The reading is part of the upload's run: its peak RSS is the upload's.
  const reading = (s: Sample) => ({
    ms: s.ingest.readMs,
    rowsPerSecond: s.ingest.readRowsPerSecond,
  });
  const fasterRaw = (s: Sample) => Math.max(s.rawText.rowsPerSecond, s.rawBinary.rowsPerSecond);
  const ratio = (of: (s: Sample) => number) => {
    const percents = samples.map((s) => Math.round((100 * of(s)) / fasterRaw(s)));
    return {
      rowsPerSecond: `${median(percents)}%`,
      ...(samples.length > 1 ? { 'rowsPerSecond range': `${range(percents)}%` } : {}),
    };
  };
  const prepare = figures((s) => s.prepare);
  return [
    {
      database: db,
      run: 'first open (new database, migrations)',
      ms: prepare.ms,
      peakRssMb: prepare.peakRssMb,
    },
    { database: db, run: 'upload, whole (read + figures kept)', rows, ...figures((s) => s.ingest) },
    {
      database: db,
      run: 'upload, reading phase (parse + map + COPY)',
      rows,
      ...figures(reading),
    },
    { database: db, run: 'raw COPY of normalised rows, text', rows, ...figures((s) => s.rawText) },
    {
      database: db,
      run: 'raw COPY of normalised rows, binary (as uploads send)',
      rows,
      ...figures((s) => s.rawBinary),
    },
    { database: db, run: 'whole upload / faster raw', ...ratio((s) => s.ingest.rowsPerSecond) },
    {
      database: db,
      run: 'reading phase / faster raw',
      ...ratio((s) => s.ingest.readRowsPerSecond ?? 0),
    },
  ];
}

/** This script bundled, to run each measured phase as the service runs (see bundledScript). */
let bundled: string | undefined;

async function main(): Promise<void> {
  bundled = await bundledScript('scripts/bench-ingest.ts');
  const rows = Number(args.rows);
  mkdirSync(WORK, { recursive: true });
  const messy = path.join(WORK, `ledger-${rows}.csv`);
  const normalisedText = path.join(WORK, `ledger-${rows}.copy`);
  const normalisedBinary = path.join(WORK, `ledger-${rows}.bin`);
  console.log(`generating a ${rows.toLocaleString('en-GB')}-row ledger ...`);
  const generated = await writeMessyLedger(messy, rows);
  await writeNormalised(messy, normalisedText, normalisedBinary);
  const expect = (Number(generated.totalPence) / 100).toFixed(2);
  console.log(`  ${messy}: ${(statSync(messy).size / 1e6).toFixed(0)} MB, total £${expect}`);

  const runs = Number(args.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number from 1`);
  const results: Record<string, unknown>[] = [];
  const kinds = args.only ? [args.only] : ['postgres', 'pglite'];
  for (const db of kinds) {
    const samples: Sample[] = [];
    for (let run = 1; run <= runs; run++) {
      if (runs > 1) console.log(`  ${db}, run ${run} of ${runs} ...`);
      await emptyBenchDatabase(db);
      samples.push(measureRun(db, messy, normalisedText, normalisedBinary, expect));
    }
    results.push(...summarise(db, samples));
  }
  console.table(results);

  await dropBenchDatabase(BENCH_DB);
  rmSync(WORK, { recursive: true, force: true });
}

if (args.phase) {
  await runPhase().catch((error: unknown) => {
    const extra = (error as { extra?: { errors?: unknown[]; errorCount?: number } }).extra;
    console.error(
      `${args.phase} on ${args.db} failed: ${(error as Error).message}`,
      extra ? JSON.stringify(extra.errors?.slice(0, 3)) : '',
    );
    process.exit(1);
  });
} else {
  await main();
}
