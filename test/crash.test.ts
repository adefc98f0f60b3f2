import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb, openPglite, type Database } from '../src/db/create-db.ts';
import { formatPence } from '../src/money.ts';
import { startServerProcess, type ServerProcess } from './helpers/server-process.ts';
import { TEST_ADMIN_TOKEN, testConfig, wigan } from './helpers/test-app.ts';
import { createTestDatabaseUrl, testDbKind } from './helpers/test-db.ts';

/*
 * A crash mid-upload. The real server runs as a child process; a large ledger is streamed to
 * it and the process is killed with SIGKILL while the rows are going into the database (the
 * last part of the file is held back, so the upload cannot finish first). After a restart on
 * the same database the upload has left no trace: no upload, no payments, every figure and
 * summary as before. The same file then loads cleanly (201, not "already loaded") and the
 * figures rise by exactly its sum. Run once per database kind: PostgreSQL (the killed server's
 * connection drops, PostgreSQL rolls its transaction back) and PGlite (the database lives in
 * the killed process: the restart opens the data directory as the kill left it, half-written
 * pages and a stale lock file included).
 */

/** Each step starts a server process; two cores shared with other test files can be slow. */
const STEP_TIMEOUT_MS = 150_000;

const ORG = wigan.id;
const ROWS = 400_000;
/** Sent before the kill; the rest of the file is held back. */
const HOLD_AT = 0.6;
/** Growth of the stored rows (uncommitted) that shows the server is part way through. */
const MID_UPLOAD_BYTES = 4 * 1024 * 1024;
const HEADER =
  'Payment Date,Transaction Number,Supplier ID,Supplier Name,Service Area,Net Amount\n';

function csvLine(day: number, month: number, year: number, rest: string, pence: number): string {
  const date = `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/${year}`;
  return `${date},${rest},${formatPence(BigInt(pence))}\n`;
}

/** 40 payments in April 2022, to 16 suppliers of its own and 5 the large file pays too. */
function baselineLedger(): { text: string; pence: bigint; suppliers: Set<string> } {
  let text = HEADER;
  let pence = 0n;
  const suppliers = new Set<string>();
  for (let i = 0; i < 40; i++) {
    const p = 25_000 + i * 1_234;
    pence += BigInt(p);
    const supplier =
      i % 5 === 0 ? `S${i % 25},Crash Supplier ${i % 25} Ltd` : `B${i % 20},Baseline ${i % 20} Ltd`;
    suppliers.add(supplier.split(',')[0]!);
    text += csvLine(1 + (i % 28), 4, 2022, `BASE-${i},${supplier},Service ${i % 3}`, p);
  }
  return { text, pence, suppliers };
}

/**
 * The large file: ROWS payments from May 2022 to March 2023 (after the baseline's month, so no
 * line is a duplicate of one already loaded) to 400 suppliers. One line in 53 is a small credit
 * note, spread over the suppliers: each one's net spend stays positive.
 */
function largeLedger(): { text: string; pence: bigint; suppliers: Set<string> } {
  const lines: string[] = [HEADER];
  let pence = 0n;
  const suppliers = new Set<string>();
  for (let i = 0; i < ROWS; i++) {
    const amount = 1_000 + ((i * 7_919) % 5_000_000);
    const p = i % 53 === 0 ? -(amount % 100_000) - 100 : amount;
    pence += BigInt(p);
    const m = 5 + (i % 11); // 5..15: May 2022 .. March 2023
    const supplier = i % 400;
    suppliers.add(`S${supplier}`);
    lines.push(
      csvLine(
        1 + (i % 28),
        m > 12 ? m - 12 : m,
        m > 12 ? 2023 : 2022,
        `CR-${i},S${supplier},Crash Supplier ${supplier} Ltd,Service ${i % 12}`,
        p,
      ),
    );
  }
  return { text: lines.join(''), pence, suppliers };
}

const workDir = mkdtempSync(path.join(tmpdir(), 'cwb-crash-'));
const servers: ServerProcess[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
let serverEnv: Record<string, string>;
/** PostgreSQL only: a connection of the test's own, to watch the server and read the tables. */
let watcher: Database | undefined;
const pgliteDir = path.join(workDir, 'pglite');

const baseline = baselineLedger();
const large = largeLedger();
const largeFile = path.join(workDir, 'ledger-2022-23.csv');
let largeBytes: Buffer;
let largeSha256: string;

let finance: string;
let before: Awaited<ReturnType<typeof readThroughApi>>;
let tablesBefore: Record<string, { rows: number; digest: string }>;

beforeAll(async () => {
  writeFileSync(largeFile, large.text);
  largeBytes = readFileSync(largeFile);
  largeSha256 = createHash('sha256').update(largeBytes).digest('hex');

  if (testDbKind === 'postgres') {
    const created = await createTestDatabaseUrl();
    cleanups.push(created.drop);
    serverEnv = { DATABASE_URL: created.url };
    const url = new URL(created.url);
    url.searchParams.set('application_name', 'cwb-crash-test');
    watcher = await createDb(testConfig({ databaseUrl: url.toString(), dbPoolSize: 1 }));
    cleanups.push(() => watcher!.close());
  } else {
    // The migrated template, unpacked into a directory of its own: the server only opens it.
    const pglite = await openPglite(pgliteDir, {
      loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]),
    });
    await pglite.close();
    serverEnv = { CWB_DATA_DIR: pgliteDir };
  }
  serverEnv = { ...serverEnv, CWB_ADMIN_TOKEN: TEST_ADMIN_TOKEN };
});

afterAll(async () => {
  for (const server of servers) await server.kill('SIGKILL');
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(workDir, { recursive: true, force: true });
});

async function startServer(): Promise<ServerProcess> {
  const server = await startServerProcess(serverEnv);
  servers.push(server);
  return server;
}

/** A parsed JSON body, asserted on directly (as app.inject's `res.json()` in the other tests). */
type Json = ReturnType<typeof JSON.parse>;

/** A JSON request to the running server; the body parsed. */
async function call(
  server: ServerProcess,
  key: string,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; json: Json }> {
  const res = await fetch(server.url + url, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** Everything a reader sees of the organisation's spend through the API. */
async function readThroughApi(server: ServerProcess) {
  const get = async (url: string) => {
    const res = await call(server, finance, 'GET', `/v1/organisations/${ORG}${url}`);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    return res.json;
  };
  return {
    uploads: await get('/uploads'),
    metrics: await get('/metrics?year=2022'),
    byMonth: await get('/metrics?year=2022&by=month'),
    bySupplier: await get('/metrics?year=2022&by=supplier'),
    byExpenseArea: await get('/metrics?year=2022&by=expenseArea'),
    suppliers: await get('/suppliers?year=2022'),
  };
}

/** What an upload's request came to: the answer, or the error the client saw. */
type Outcome = { status: number; body: Json } | NodeJS.ErrnoException;

/**
 * Streams a file to the upload endpoint in 64 KiB writes, with its full Content-Length. With
 * `holdAt`, writing stops after that many bytes and the request never ends.
 */
function streamUpload(server: ServerProcess, body: Buffer, holdAt = body.length) {
  let flushed = 0;
  const req = http.request(`${server.url}/v1/organisations/${ORG}/uploads?kind=ledger`, {
    method: 'POST',
    agent: false,
    headers: {
      authorization: `Bearer ${finance}`,
      'content-type': 'text/csv',
      'content-length': String(body.length),
    },
  });
  const outcome = new Promise<Outcome>((resolve) => {
    req.on('error', resolve);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      res.on('error', resolve);
    });
  });
  let offset = 0;
  const write = () => {
    while (offset < holdAt) {
      const chunk = body.subarray(offset, Math.min(offset + 64 * 1024, holdAt));
      offset += chunk.length;
      const more = req.write(chunk, () => (flushed += chunk.length));
      if (!more) return void req.once('drain', write);
    }
    if (holdAt >= body.length) req.end();
  };
  write();
  return { outcome, sent: () => flushed };
}

/** Bytes of the files under a directory. */
function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** PostgreSQL: whether a COPY into payments is running, and the bytes payments takes on disk. */
async function paymentsOnDisk(): Promise<{ copying: boolean; bytes: number }> {
  if (!watcher) return { copying: false, bytes: directoryBytes(pgliteDir) };
  const { rows } = await sql<{ copying: number; bytes: string }>`
    SELECT (SELECT count(*)::int FROM pg_stat_activity
              WHERE datname = current_database() AND state = 'active'
                AND query LIKE 'COPY payments %FROM STDIN%') AS copying,
           pg_relation_size('payments')::text AS bytes`.execute(watcher.db);
  return { copying: rows[0]!.copying > 0, bytes: Number(rows[0]!.bytes) };
}

/** PostgreSQL: connections to the test database other than the test's own. */
async function serverConnections(): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid()
       AND application_name <> 'cwb-crash-test'`.execute(watcher!.db);
  return rows[0]!.n;
}

/** Tables an upload writes to (api_keys is left out: using a key stamps it). */
const TABLES = [
  'uploads',
  'payments',
  'unpaid_invoices',
  'spend_summary',
  'suppliers',
  'supplier_tags',
  'metric_months',
  'metric_cells',
  'supplier_years',
  'month_totals',
  'supplier_counts',
  'audit_log',
];

/** Each table's row count and a digest of its rows, in a fixed order. */
async function readTables(db: Database): Promise<Record<string, { rows: number; digest: string }>> {
  const tables: Record<string, { rows: number; digest: string }> = {};
  for (const table of TABLES) {
    const { rows } = await sql<{ rows: number; digest: string }>`
      SELECT count(*)::int AS rows,
             md5(coalesce(string_agg(t::text, E'\n' ORDER BY t::text), '')) AS digest
        FROM ${sql.table(table)} t`.execute(db.db);
    tables[table] = rows[0]!;
  }
  return tables;
}

async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe(`a crash mid-upload (${testDbKind}, server killed with SIGKILL)`, () => {
  it(
    'loads a baseline, then dies part way through streaming a large file',
    async () => {
      const server = await startServer();
      const created = await call(server, TEST_ADMIN_TOKEN, 'POST', '/v1/organisations', wigan);
      expect(created.status, JSON.stringify(created.json)).toBe(201);
      const key = await call(server, TEST_ADMIN_TOKEN, 'POST', `/v1/organisations/${ORG}/keys`, {
        role: 'finance',
      });
      expect(key.status).toBe(201);
      finance = key.json.key;

      const first = await streamUpload(server, Buffer.from(baseline.text)).outcome;
      expect('status' in first && first.status, JSON.stringify(first)).toBe(201);
      before = await readThroughApi(server);
      expect(before.uploads.uploads).toHaveLength(1);
      expect(before.metrics.totalSpend).toBe(formatPence(baseline.pence));
      expect(before.metrics.paymentCount).toBe(40);
      if (watcher) tablesBefore = await readTables(watcher);

      const sizeBefore = (await paymentsOnDisk()).bytes;
      const upload = streamUpload(server, largeBytes, Math.floor(largeBytes.length * HOLD_AT));
      let settled: Outcome | undefined;
      void upload.outcome.then((outcome) => (settled = outcome));
      // Part way: rows of this upload are in the database, uncommitted, and (PostgreSQL) its
      // COPY is still running, waiting for the rest of the file.
      const mid = await until('the server to be part way through the upload', async () => {
        if (settled)
          throw new Error(`the upload ended before the kill: ${JSON.stringify(settled)}`);
        const now = await paymentsOnDisk();
        const grown = now.bytes - sizeBefore;
        return grown >= MID_UPLOAD_BYTES && (now.copying || !watcher)
          ? { ...now, grown }
          : undefined;
      });
      expect(mid.grown).toBeGreaterThanOrEqual(MID_UPLOAD_BYTES);
      expect(upload.sent()).toBeGreaterThan(0);
      expect(upload.sent()).toBeLessThan(largeBytes.length);

      expect(await server.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      const outcome = await upload.outcome;
      expect(outcome).toBeInstanceOf(Error);
      expect(['ECONNRESET', 'EPIPE']).toContain((outcome as NodeJS.ErrnoException).code);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'restarts with no trace of the upload and every figure as before',
    async () => {
      if (watcher) {
        // The killed server's connections end as PostgreSQL notices, rolling their work back.
        await until('the killed server’s connections to end', async () =>
          (await serverConnections()) === 0 ? true : undefined,
        );
      }
      const server = await startServer();
      const after = await readThroughApi(server);
      expect(after).toEqual(before);
      expect(after.uploads.uploads.map((u: { status: string }) => u.status)).toEqual(['loaded']);
      if (watcher) expect(await readTables(watcher)).toEqual(tablesBefore);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'then loads the same file cleanly: 201, every row, the figures up by exactly its sum',
    async () => {
      const server = servers.at(-1)!;
      const res = await streamUpload(server, largeBytes).outcome;
      expect('status' in res && res.status, JSON.stringify(res)).toBe(201);
      const upload = (res as { body: Json }).body;
      expect(upload).toMatchObject({
        status: 'loaded',
        sha256: largeSha256,
        rows: { read: ROWS, loaded: ROWS, rejected: 0, duplicates: 0 },
        total: formatPence(large.pence),
        period: { from: '2022-05-01', to: '2023-03-28' },
      });

      const metrics = (
        await call(server, finance, 'GET', `/v1/organisations/${ORG}/metrics?year=2022`)
      ).json;
      expect(metrics.totalSpend).toBe(formatPence(baseline.pence + large.pence));
      expect(metrics.paymentCount).toBe(40 + ROWS);
      expect(metrics.supplierCount).toBe(new Set([...baseline.suppliers, ...large.suppliers]).size);
      const uploads = (await call(server, finance, 'GET', `/v1/organisations/${ORG}/uploads`)).json
        .uploads as { id: string; status: string }[];
      expect(uploads.map((u) => u.status)).toEqual(['loaded', 'loaded']);
      expect(uploads.map((u) => u.id)).toContain(upload.id);

      // The tables agree with each other: every payment belongs to a loaded upload and each
      // summary sums to the payments. PGlite can only be read with the server stopped.
      let db = watcher;
      if (!db) {
        await server.stop();
        db = await createDb(testConfig({ dataDir: pgliteDir }));
      }
      try {
        await expectConsistentTables(db, baseline.pence + large.pence, 40 + ROWS);
      } finally {
        if (db !== watcher) await db.close();
      }
    },
    STEP_TIMEOUT_MS,
  );
});

/** Payments per upload equal the uploads' own counts and totals; the summaries sum to them. */
async function expectConsistentTables(db: Database, pence: bigint, payments: number) {
  const { rows: uploads } = await sql<{ id: string; status: string; rows: number; pence: string }>`
    SELECT id, status, rows_loaded AS rows, total_pence::text AS pence
      FROM uploads ORDER BY id`.execute(db.db);
  const { rows: stored } = await sql<{ id: string; rows: number; pence: string }>`
    SELECT upload_id AS id, count(*)::int AS rows, sum(amount_pence)::text AS pence
      FROM payments GROUP BY upload_id ORDER BY upload_id`.execute(db.db);
  expect(uploads.map((u) => u.status)).toEqual(['loaded', 'loaded']);
  expect(stored).toEqual(uploads.map(({ id, rows, pence }) => ({ id, rows, pence })));

  const { rows: sums } = await sql<Record<string, string>>`
    SELECT (SELECT sum(amount_pence)::text FROM payments) AS payments,
           (SELECT count(*)::text FROM payments) AS payment_count,
           (SELECT sum(amount_pence)::text FROM spend_summary) AS spend_summary,
           (SELECT sum(payment_count)::text FROM spend_summary) AS spend_summary_count,
           (SELECT sum(amount_pence)::text FROM metric_months) AS metric_months,
           (SELECT sum(amount_pence)::text FROM metric_cells) AS metric_cells,
           (SELECT sum(total)::text FROM month_totals) AS month_totals,
           (SELECT sum(payments)::text FROM month_totals) AS month_totals_count,
           (SELECT sum(amount_pence)::text FROM supplier_years) AS supplier_years,
           (SELECT count(*)::text FROM spend_summary
             WHERE upload_id NOT IN (SELECT id FROM uploads)) AS orphan_summaries`.execute(db.db);
  const total = String(pence);
  expect(sums[0]).toEqual({
    payments: total,
    payment_count: String(payments),
    spend_summary: total,
    spend_summary_count: String(payments),
    metric_months: total,
    metric_cells: total,
    month_totals: total,
    month_totals_count: String(payments),
    supplier_years: total,
    orphan_summaries: '0',
  });
}
