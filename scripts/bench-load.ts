// Load benchmark: `npm run bench:load [-- --duration 60 --connections 8 --rows 20000 --db pglite]`.
//
// A bounded run on loopback: seeds the Wigan sample (reference data, suppliers, eight quarterly
// ledgers), starts the real server as a child process, and for --duration seconds runs readers
// (autocannon) on the metrics, annual report and payment compliance calls while an uploader
// keeps posting fresh ledger files and undoing older ones. Prints requests/s, p50/p99 and
// errors per call, the uploads' rows/s and the server's peak RSS. Exits 1 on any error,
// timeout or non-2xx answer, or when the figures after the last undo differ from those before.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, createReadStream, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { openCsv } from '../src/csv/open-csv.ts';
import { formatPence } from '../src/money.ts';
import {
  createPgliteDb,
  createPostgresDb,
  openPglite,
  type Database,
} from '../src/db/create-db.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { pick, seededRandom } from '../src/demo/random.ts';
import { DEMO_ORGANISATION, loadDemo } from '../src/demo/run-demo.ts';
import { createApiKey } from '../src/modules/keys/keys.service.ts';
import { benchDatabaseUrl, dropBenchDatabase, newBenchDatabase, percentile } from './lib/bench.ts';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    connections: { type: 'string', default: '8' },
    rows: { type: 'string', default: '20000' },
    year: { type: 'string', default: '2030' },
    db: { type: 'string', default: 'postgres' },
  },
});

function wholeNumber(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} must be a whole number from ${min} to ${max} (got ${text})`);
    process.exit(2);
  }
  return n;
}

const DURATION = wholeNumber('duration', args.duration, 1, 3600);
const CONNECTIONS = wholeNumber('connections', args.connections, 1, 256);
const ROWS = wholeNumber('rows', args.rows, 1, 1_000_000);
/** The financial year the uploaded ledgers fall in: by default one the sample does not touch. */
const UPLOAD_YEAR = wholeNumber('year', args.year, 2000, 2100);
const KIND = args.db;
if (KIND !== 'postgres' && KIND !== 'pglite') {
  console.error(`--db must be postgres or pglite (got ${KIND})`);
  process.exit(2);
}

const BENCH_DB = 'cwb_bench_load';
const WORK = path.join(tmpdir(), 'cwb-bench-load');
const PGLITE_DIR = path.join(WORK, 'pglite');
const SERVER_LOG = path.join(tmpdir(), 'cwb-bench-load-server.log');
const ORG = DEMO_ORGANISATION.id;
/** The sample's last year: the one the readers ask about. */
const YEAR = 2022;
/** Uploads of this run kept loaded at once; older ones are undone, so data does not grow. */
const KEEP_LOADED = 2;
const DAY_MS = 86_400_000;
const TTY = Boolean(process.stderr.isTTY);

/** The calls the readers cycle through, each connection in this order. */
const READS: { name: string; path: string; accept: string }[] = [
  { name: 'metrics', path: `metrics?year=${YEAR}`, accept: 'application/json' },
  {
    name: 'metrics by quarter',
    path: `metrics?year=${YEAR}&by=quarter`,
    accept: 'application/json',
  },
  {
    name: 'metrics trend',
    path: `metrics/trend?from=${YEAR - 1}&to=${YEAR}`,
    accept: 'application/json',
  },
  { name: 'report (JSON)', path: `reports/annual?year=${YEAR}`, accept: 'application/json' },
  { name: 'report (HTML)', path: `reports/annual?year=${YEAR}`, accept: 'text/html' },
  {
    name: 'payment compliance',
    path: `payment-compliance?period=${YEAR}H1`,
    accept: 'application/json',
  },
].map((r) => ({ ...r, path: `/v1/organisations/${ORG}/${r.path}` }));

const AREAS = ['Adults', 'Children', 'Economy', 'Environment', 'Housing', 'Resources'];
const TYPES = [
  'Agency Staff',
  'Building Repairs',
  'Catering',
  'Consultancy',
  'Equipment',
  'Highways Maintenance',
  'ICT Software',
  'Residential Care',
  'Utilities',
  'Waste Collection',
];

/** Progress and steps on a terminal only; the figures are printed either way. */
function say(line: string): void {
  if (TTY) process.stderr.write(`${line}\n`);
}

function maximum(values: number[]): number {
  return values.reduce((max, v) => (v > max ? v : max), 0);
}

/** Supplier references and names of the sample's supplier list. */
async function sampleSuppliers(file: string): Promise<{ ref: string; name: string }[]> {
  const csv = await openCsv(createReadStream(file));
  const out: { ref: string; name: string }[] = [];
  for await (const batch of csv.records)
    for (const r of batch) if (r.line > 1) out.push({ ref: r.fields[0]!, name: r.fields[1]! });
  return out;
}

/** Creates the benchmark database, loads the Wigan sample, and issues a finance key for it. */
async function seed(): Promise<{ key: string; payments: number; seconds: number }> {
  const started = performance.now();
  let database: Database;
  if (KIND === 'postgres') {
    await newBenchDatabase(BENCH_DB);
    database = createPostgresDb(benchDatabaseUrl(BENCH_DB), 4);
  } else {
    rmSync(PGLITE_DIR, { recursive: true, force: true });
    database = createPgliteDb(await openPglite(PGLITE_DIR));
  }
  try {
    await migrateToLatest(database.db);
    await loadDemo(database.db, path.join(WORK, 'sample'), say);
    const { key } = await createApiKey(database.db, 'bench', ORG, 'finance', 'bench load');
    const { n } = await database.db
      .selectFrom('payments')
      .select((eb) => eb.fn.countAll<bigint>().as('n'))
      .executeTakeFirstOrThrow();
    return { key, payments: Number(n), seconds: (performance.now() - started) / 1000 };
  } finally {
    await database.close();
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

let server: ChildProcess | null = null;
let readersRun: autocannon.Instance | null = null;
let interrupted = false;

/** Starts the server (`cwb serve`, as `npm start` does) on the benchmark database and waits for GET /health. */
async function startServer(port: number, adminToken: string): Promise<ChildProcess> {
  const log = openSync(SERVER_LOG, 'w');
  const child = spawn(process.execPath, ['bin/cwb.js', 'serve'], {
    env: {
      ...process.env,
      // Empty means unset: the server then runs on PGlite in CWB_DATA_DIR.
      DATABASE_URL: KIND === 'postgres' ? benchDatabaseUrl(BENCH_DB) : '',
      CWB_DATA_DIR: PGLITE_DIR,
      CWB_DB_POOL_SIZE: '10',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      CWB_ADMIN_TOKEN: adminToken,
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  server = child;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null)
      throw new Error(`server exited (${child.exitCode}): ${SERVER_LOG}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return child;
    } catch {
      // still starting
    }
    if (i > 600) throw new Error(`server did not answer /health in 60 s: ${SERVER_LOG}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopServer(): Promise<void> {
  const child = server;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Peak and current resident memory of a process, in MB (Linux); null elsewhere. */
function memoryOf(pid: number): { peakMb: number; nowMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { peakMb: Math.round(kb('VmHWM') / 1024), nowMb: Math.round(kb('VmRSS') / 1024) };
  } catch {
    return null;
  }
}

function dmy(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
}

/**
 * The n-th upload of the run: a ledger in the sample's shape (with invoice columns) in the upload
 * year, with transaction numbers no other file has, so it is never a duplicate of anything.
 */
function ledgerFile(n: number, suppliers: { ref: string; name: string }[]): string {
  const random = seededRandom(90_000 + n);
  const start = Date.UTC(UPLOAD_YEAR, 3, 1);
  const lines = [
    'Directorate,Expense Type,Payment Date,Transaction Number,Invoice Number,Invoice Received Date,Supplier ID,Supplier Name,Net Amount,VAT,Gross Amount',
  ];
  for (let i = 0; i < ROWS; i++) {
    const paid = start + Math.floor(random() * 365) * DAY_MS;
    const received = paid - Math.floor(random() * 60) * DAY_MS;
    const s = pick(random, suppliers);
    const name = /[",]/.test(s.name) ? `"${s.name.replace(/"/g, '""')}"` : s.name;
    const net = Math.floor(50_000 + random() * random() * 5_000_000) * (random() < 0.02 ? -1 : 1);
    const vat = Math.trunc(net / 5);
    lines.push(
      `${pick(random, AREAS)},${pick(random, TYPES)},${dmy(paid)},LOAD-${n}-${i},LINV-${n}-${i},${dmy(received)},${s.ref},${name},${formatPence(net)},${formatPence(vat)},${formatPence(net + vat)}`,
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

interface RouteStats {
  name: string;
  latencies: number[];
  non2xx: number;
  statuses: Map<number, number>;
  firstProblem: string | null;
}

interface UploadStats {
  uploads: number;
  rows: number;
  seconds: number;
  undone: number;
  undoSeconds: number;
  latencies: number[];
  failures: number;
  firstFailures: string[];
}

/** Posts fresh ledgers until `stop()` says so, undoing all but the newest KEEP_LOADED of them. */
async function uploadLoop(
  base: string,
  key: string,
  suppliers: { ref: string; name: string }[],
  stop: () => boolean,
  stats: UploadStats,
): Promise<string[]> {
  const loaded: string[] = [];
  const headers = { authorization: `Bearer ${key}` };
  const fail = (what: string) => {
    stats.failures++;
    if (stats.firstFailures.length < 5) stats.firstFailures.push(what);
  };
  for (let n = 1; !stop(); n++) {
    const body = ledgerFile(n, suppliers);
    const started = performance.now();
    try {
      const res = await fetch(
        `${base}/v1/organisations/${ORG}/uploads?kind=ledger&filename=load-${n}.csv`,
        { method: 'POST', headers: { ...headers, 'content-type': 'text/csv' }, body },
      );
      const text = await res.text();
      const seconds = (performance.now() - started) / 1000;
      if (res.status !== 201) {
        fail(`POST upload ${n}: ${res.status} ${text.slice(0, 300)}`);
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      const upload = JSON.parse(text) as { id: string; rows: { loaded: number } };
      if (upload.rows.loaded !== ROWS) fail(`upload ${n}: ${upload.rows.loaded} of ${ROWS} rows`);
      stats.uploads++;
      stats.rows += upload.rows.loaded;
      stats.seconds += seconds;
      stats.latencies.push(seconds * 1000);
      loaded.push(upload.id);
    } catch (error) {
      fail(`POST upload ${n}: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    while (loaded.length > KEEP_LOADED && !stop()) {
      const id = loaded.shift()!;
      if (await undo(base, key, id, stats, fail)) continue;
      break;
    }
  }
  return loaded;
}

async function undo(
  base: string,
  key: string,
  id: string,
  stats: UploadStats,
  fail: (what: string) => void,
): Promise<boolean> {
  const started = performance.now();
  try {
    const res = await fetch(`${base}/v1/organisations/${ORG}/uploads/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${key}` },
    });
    const text = await res.text();
    if (res.status !== 200) {
      fail(`DELETE upload ${id}: ${res.status} ${text.slice(0, 300)}`);
      return false;
    }
    stats.undone++;
    stats.undoSeconds += (performance.now() - started) / 1000;
    return true;
  } catch (error) {
    fail(`DELETE upload ${id}: ${(error as Error).message}`);
    return false;
  }
}

/** GETs a call once and returns its body, or throws naming the call. */
async function get(base: string, key: string, url: string, accept: string): Promise<string> {
  const res = await fetch(`${base}${url}`, {
    headers: { authorization: `Bearer ${key}`, accept },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${text.slice(0, 300)}`);
  return text;
}

/** The figures the uploads could move: the readers' year and the upload year. */
async function figures(base: string, key: string): Promise<string> {
  const years = [...new Set([YEAR, UPLOAD_YEAR])];
  const bodies = await Promise.all(
    years.map((y) =>
      get(base, key, `/v1/organisations/${ORG}/metrics?year=${y}&by=month`, 'application/json'),
    ),
  );
  return bodies.join('\n');
}

/** Error-level lines of the server's log (pino JSON), the first few as messages. */
function serverErrors(): { count: number; first: string[] } {
  let count = 0;
  const first: string[] = [];
  let text = '';
  try {
    text = readFileSync(SERVER_LOG, 'utf8');
  } catch {
    return { count, first };
  }
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as {
        level?: number;
        msg?: string;
        err?: { message?: string };
        req?: { method?: string; url?: string };
      };
      if ((entry.level ?? 0) < 50) continue;
      count++;
      if (first.length < 3)
        first.push(
          `${entry.req?.method ?? ''} ${entry.req?.url ?? ''} ${entry.msg ?? ''} ${entry.err?.message ?? ''}`.trim(),
        );
    } catch {
      // not a log line
    }
  }
  return { count, first };
}

function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells
    .map((r) =>
      r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '),
    )
    .join('\n');
}

function fmt(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-GB') : n.toFixed(1);
}

async function main(): Promise<number> {
  mkdirSync(WORK, { recursive: true });
  say(`seeding the Wigan sample on ${KIND}`);
  const seeded = await seed();
  const suppliers = await sampleSuppliers(path.join(WORK, 'sample', 'wigan-suppliers.csv'));

  const port = await freePort();
  const child = await startServer(port, randomBytes(24).toString('hex'));
  const base = `http://127.0.0.1:${port}`;
  say(`server up on ${base} (pid ${child.pid})`);

  // Every call once, so a wrong address stops the run before it starts.
  for (const r of READS) await get(base, seeded.key, r.path, r.accept);
  const before = await figures(base, seeded.key);

  const routes: RouteStats[] = READS.map((r) => ({
    name: r.name,
    latencies: [],
    non2xx: 0,
    statuses: new Map(),
    firstProblem: null,
  }));
  // autocannon calls a request's onResponse just before it emits 'response' for it, in the same
  // tick: the call is remembered here and the latency filed under it.
  let answered: RouteStats | null = null;
  const seen: { reqError: string | null } = { reqError: null };
  const uploads: UploadStats = {
    uploads: 0,
    rows: 0,
    seconds: 0,
    undone: 0,
    undoSeconds: 0,
    latencies: [],
    failures: 0,
    firstFailures: [],
  };

  let readersDone = false;
  const started = performance.now();
  const readers = new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections: CONNECTIONS,
        pipelining: 1,
        duration: DURATION,
        headers: { authorization: `Bearer ${seeded.key}` },
        requests: READS.map((r, i) => ({
          method: 'GET' as const,
          path: r.path,
          headers: { accept: r.accept },
          onResponse: (status: number, body: string) => {
            const route = routes[i]!;
            answered = route;
            if ((status < 200 || status >= 300) && route.firstProblem === null)
              route.firstProblem = `${status} ${body.slice(0, 300)}`;
          },
        })),
      },
      (error: Error | null, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      const route = answered;
      answered = null;
      if (!route) return;
      route.latencies.push(responseTime);
      route.statuses.set(statusCode, (route.statuses.get(statusCode) ?? 0) + 1);
      if (statusCode < 200 || statusCode >= 300) route.non2xx++;
    });
    instance.on('reqError', (error: Error) => {
      seen.reqError ??= error.message;
    });
    readersRun = instance;
  }).finally(() => {
    readersDone = true;
  });

  const progress = TTY
    ? setInterval(() => {
        const requests = routes.reduce((sum, r) => sum + r.latencies.length, 0);
        const seconds = Math.round((performance.now() - started) / 1000);
        process.stderr.write(
          `\r${seconds} s: ${requests.toLocaleString('en-GB')} reads, ${uploads.uploads} uploads, ${uploads.undone} undone `,
        );
      }, 1000)
    : null;
  const uploader = uploadLoop(base, seeded.key, suppliers, () => readersDone, uploads);
  const result = await readers;
  const readSeconds = (performance.now() - started) / 1000;
  const stillLoaded = await uploader;
  if (progress) {
    clearInterval(progress);
    process.stderr.write('\n');
  }
  const memory = child.pid === undefined ? null : memoryOf(child.pid);

  // Undo what is left, then the figures must be what they were before the run.
  const fail = (what: string) => {
    uploads.failures++;
    if (uploads.firstFailures.length < 5) uploads.firstFailures.push(what);
  };
  for (const id of stillLoaded) await undo(base, seeded.key, id, uploads, fail);
  const after = await figures(base, seeded.key);
  const unchanged = before === after;
  await stopServer();
  const logged = serverErrors();

  const all = routes.flatMap((r) => r.latencies);
  const totalNon2xx = routes.reduce((sum, r) => sum + r.non2xx, 0);
  console.log(
    `bench:load on ${KIND === 'postgres' ? 'PostgreSQL' : 'PGlite'}, loopback, ${readSeconds.toFixed(1)} s, ` +
      `${CONNECTIONS} reader connections, uploads of ${ROWS.toLocaleString('en-GB')} rows (year ${UPLOAD_YEAR}); ` +
      `seeded ${seeded.payments.toLocaleString('en-GB')} payments in ${seeded.seconds.toFixed(1)} s`,
  );
  console.log('');
  console.log(
    table(
      ['readers', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx'],
      [
        ...routes.map((r) => [
          r.name,
          r.latencies.length,
          Math.round(r.latencies.length / readSeconds),
          percentile(r.latencies, 50),
          percentile(r.latencies, 99),
          maximum(r.latencies),
          r.non2xx,
        ]),
        [
          'all',
          all.length,
          Math.round(all.length / readSeconds),
          percentile(all, 50),
          percentile(all, 99),
          maximum(all),
          totalNon2xx,
        ],
      ],
    ),
  );
  console.log(
    `errors ${result.errors}, timeouts ${result.timeouts} (autocannon: ${result.requests.total.toLocaleString('en-GB')} answered, ${result.non2xx} non-2xx)`,
  );
  for (const r of routes)
    if (r.firstProblem) console.log(`  ${r.name}: first non-2xx: ${r.firstProblem}`);
  if (seen.reqError) console.log(`  first request error: ${seen.reqError}`);
  console.log('');
  console.log(
    `uploads: ${uploads.uploads} (${uploads.rows.toLocaleString('en-GB')} rows), ` +
      `${Math.round(uploads.rows / Math.max(uploads.seconds, 1e-9)).toLocaleString('en-GB')} rows/s while uploading, ` +
      `p50 ${percentile(uploads.latencies, 50).toFixed(0)} ms, max ${maximum(uploads.latencies).toFixed(0)} ms a file; ` +
      `${uploads.undone} undone (${uploads.undone > 0 ? ((uploads.undoSeconds / uploads.undone) * 1000).toFixed(0) : 0} ms each); ` +
      `failures ${uploads.failures}`,
  );
  for (const f of uploads.firstFailures) console.log(`  ${f}`);
  console.log(
    `server peak RSS: ${memory ? `${memory.peakMb} MB (${memory.nowMb} MB at the end)` : 'n/a'}; ` +
      `error lines in its log: ${logged.count}`,
  );
  for (const line of logged.first) console.log(`  ${line}`);
  console.log(
    `figures after undoing every upload: ${unchanged ? 'equal to those before the run' : 'DIFFERENT from those before the run'}`,
  );

  if (KIND === 'postgres') await dropBenchDatabase(BENCH_DB);
  rmSync(WORK, { recursive: true, force: true });

  const failed =
    result.errors > 0 ||
    result.timeouts > 0 ||
    totalNon2xx > 0 ||
    result.non2xx > 0 ||
    uploads.failures > 0 ||
    logged.count > 0 ||
    !unchanged;
  if (failed) console.log(`FAILED (server log: ${SERVER_LOG})`);
  else rmSync(SERVER_LOG, { force: true });
  return interrupted ? 130 : failed ? 1 : 0;
}

// Ctrl-C during the readers ends the run early (the figures are still printed); before them, or
// a second time, it stops at once. The server never outlives the benchmark, however it ends.
process.on('SIGINT', () => {
  if (readersRun && !interrupted) {
    interrupted = true;
    say('\ninterrupted: stopping the readers');
    readersRun.stop();
    return;
  }
  process.exit(130);
});
process.on('exit', () => {
  if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
});

try {
  process.exitCode = await main();
} catch (error) {
  console.error(error);
  await stopServer();
  process.exitCode = 1;
}
