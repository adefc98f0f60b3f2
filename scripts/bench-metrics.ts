// Metrics benchmark: `npm run bench:metrics [-- --orgs 10 --years 5 --rows 200000 --only postgres]`.
//
// Loads 10 million payments (10 organisations x 5 years x 200,000) through the upload path, so
// the summary tables are built as in production; then times the headline, by-supplier and
// trend calls through the app (p50, p95), and runs a bounded load (autocannon, 20 s) of the
// headline call against the real server on loopback. Each database runs in a child process.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openCsv } from '../src/csv/open-csv.ts';
import {
  createPgliteDb,
  createPostgresDb,
  openPglite,
  type Database,
} from '../src/db/create-db.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { pick, seededRandom } from '../src/demo/random.ts';
import { GREATER_MANCHESTER, WIGAN, writeWiganSample } from '../src/demo/wigan-sample.ts';
import { ingestLedger, ingestSuppliers } from '../src/modules/ingest/ingest.service.ts';
import { createApiKey } from '../src/modules/keys/keys.service.ts';
import { createOrganisation } from '../src/modules/organisations/organisations.service.ts';
import { loadReferenceData } from '../src/modules/reference/reference.service.ts';
import { ADMIN_URL, benchDatabaseUrl, bundledScript, percentile } from './lib/bench.ts';

const { values: args } = parseArgs({
  options: {
    orgs: { type: 'string', default: '10' },
    years: { type: 'string', default: '5' },
    rows: { type: 'string', default: '200000' },
    calls: { type: 'string', default: '300' },
    duration: { type: 'string', default: '20' },
    only: { type: 'string' },
    phase: { type: 'string' },
    db: { type: 'string' },
  },
});

const ORGS = Number(args.orgs);
const YEARS = Number(args.years);
const ROWS = Number(args.rows);
const FIRST_YEAR = 2019;
const BENCH_DB = 'cwb_bench_metrics';
const WORK = path.join(tmpdir(), 'cwb-bench-metrics');
const PGLITE_DIR = path.join(WORK, 'pglite');
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const DISTRICTS = [WIGAN, ...GREATER_MANCHESTER];
const AREAS = [
  'Adult Social Care',
  'Children and Families',
  'Economy and Skills',
  'Environment',
  'Finance',
  'Housing',
  'Public Health',
  'Resources',
];
const TYPES = Array.from({ length: 20 }, (_, i) => `Expense type ${i + 1}`);

async function openDb(kind: string): Promise<Database> {
  const database =
    kind === 'postgres'
      ? createPostgresDb(benchDatabaseUrl(BENCH_DB), 10)
      : createPgliteDb(await openPglite(PGLITE_DIR));
  await migrateToLatest(database.db);
  return database;
}

const mb = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** Supplier references and names of the sample's supplier list. */
async function sampleSuppliers(file: string): Promise<{ ref: string; name: string }[]> {
  const csv = await openCsv(createReadStream(file));
  const out: { ref: string; name: string }[] = [];
  for await (const batch of csv.records)
    for (const r of batch) if (r.line > 1) out.push({ ref: r.fields[0]!, name: r.fields[1]! });
  return out;
}

/** A year of one organisation's payments, as CSV bytes made on the fly. */
async function* ledger(
  org: number,
  year: number,
  suppliers: { ref: string; name: string }[],
): AsyncGenerator<Buffer> {
  const random = seededRandom(org * 1000 + year);
  const weights = suppliers.map(() => Math.exp(random() * random() * 8));
  const cumulative: number[] = [];
  weights.reduce((sum, w, i) => (cumulative[i] = sum + w), 0);
  const totalWeight = cumulative[cumulative.length - 1]!;
  const supplierAt = () => {
    const r = random() * totalWeight;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return suppliers[lo]!;
  };
  const start = Date.UTC(year, 3, 1);
  let text =
    'Payment Date,Transaction Number,Supplier ID,Supplier Name,Service Area,Expense Type,Net Amount\n';
  for (let i = 0; i < ROWS; i++) {
    const d = new Date(start + Math.floor(random() * 365) * 86_400_000);
    const date = `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
    const redacted = random() < 0.01;
    const s = redacted ? { ref: 'R', name: 'Redacted Personal Information' } : supplierAt();
    const pence =
      Math.floor(50_000 + random() * random() * random() * 20_000_000) * (random() < 0.02 ? -1 : 1);
    const name = s.name.includes(',') ? `"${s.name}"` : s.name;
    text += `${date},T${org}-${year}-${i},${s.ref},${name},${pick(random, AREAS)},${pick(random, TYPES)},${(pence / 100).toFixed(2)}\n`;
    if (text.length > 60_000) {
      yield Buffer.from(text);
      text = '';
    }
  }
  yield Buffer.from(text);
}

/** Loads the data into a fresh database of one kind, then measures it; prints JSON lines. */
async function runPhase(kind: string): Promise<void> {
  const database = await openDb(kind);
  const { db } = database;
  const sample = writeWiganSample(path.join(WORK, 'sample'));
  const suppliers = await sampleSuppliers(sample.suppliers);
  const loadStarted = performance.now();
  for (const [dataset, file] of Object.entries(sample.reference)) {
    await loadReferenceData(db, {
      dataset: dataset as never,
      sources: [{ bytes: createReadStream(file), fileName: path.basename(file) }],
      actor: 'bench',
    });
  }
  let payments = 0;
  for (let o = 0; o < ORGS; o++) {
    const org = `org-${o + 1}`;
    await createOrganisation(db, 'bench', {
      id: org,
      name: `Council ${o + 1}`,
      homeAreas: [DISTRICTS[o % DISTRICTS.length]!],
      widerAreas: DISTRICTS,
      yearStartMonth: 4,
    });
    await ingestSuppliers(db, {
      orgId: org,
      actor: 'bench',
      filename: 'suppliers.csv',
      bytes: createReadStream(sample.suppliers),
    });
    for (let y = 0; y < YEARS; y++) {
      const result = await ingestLedger(db, {
        orgId: org,
        actor: 'bench',
        filename: `${org}-${FIRST_YEAR + y}.csv`,
        bytes: ledger(o, FIRST_YEAR + y, suppliers),
      });
      payments += result.upload.rows.loaded;
      process.stderr.write(
        `\r${kind}: ${payments.toLocaleString('en-GB')} payments loaded, ${Math.round(payments / ((performance.now() - loadStarted) / 1000)).toLocaleString('en-GB')} rows/s `,
      );
    }
  }
  process.stderr.write('\n');
  const loadSeconds = (performance.now() - loadStarted) / 1000;

  const app = await buildApp({
    config: { ...loadConfig({}), adminToken: ADMIN_TOKEN, dataDir: 'memory://' },
    database,
  });
  await app.ready();
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const random = seededRandom(7);
  const time = async (url: () => string) => {
    const ms: number[] = [];
    for (let i = 0; i < 20; i++) await app.inject({ method: 'GET', url: url(), headers }); // warm
    for (let i = 0; i < Number(args.calls); i++) {
      const started = performance.now();
      const res = await app.inject({ method: 'GET', url: url(), headers });
      ms.push(performance.now() - started);
      if (res.statusCode !== 200)
        throw new Error(`${url()}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
    return { p50: +percentile(ms, 50).toFixed(1), p95: +percentile(ms, 95).toFixed(1) };
  };
  const org = () => `org-${1 + Math.floor(random() * ORGS)}`;
  const year = () => FIRST_YEAR + 1 + Math.floor(random() * (YEARS - 1));
  const latency = {
    headline: await time(() => `/v1/organisations/${org()}/metrics?year=${year()}`),
    bySupplier: await time(
      () => `/v1/organisations/${org()}/metrics?year=${year()}&by=supplier&limit=20`,
    ),
    trend: await time(
      () =>
        `/v1/organisations/${org()}/metrics/trend?from=${FIRST_YEAR}&to=${FIRST_YEAR + YEARS - 1}`,
    ),
  };
  const check = await app.inject({
    method: 'GET',
    url: `/v1/organisations/org-1/metrics?year=${FIRST_YEAR + 1}`,
    headers,
  });
  await app.close();
  await database.close();
  console.log(
    JSON.stringify({
      kind,
      payments,
      loadSeconds: +loadSeconds.toFixed(1),
      latency,
      sample: check.json<{ totalSpend: string }>().totalSpend,
      peakRssMb: mb(),
    }),
  );
}

/** The headline call under load, against the real server (a child process) on loopback. */
async function loadRun(): Promise<Record<string, unknown>> {
  const port = 3917;
  const server = spawn(process.execPath, ['bin/cwb.js', 'serve'], {
    env: {
      ...process.env,
      DATABASE_URL: benchDatabaseUrl(BENCH_DB),
      PORT: String(port),
      LOG_LEVEL: 'warn',
      CWB_ADMIN_TOKEN: ADMIN_TOKEN,
      CWB_DB_POOL_SIZE: '10',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
      } catch {
        // starting
      }
      if (i > 300) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const database = createPostgresDb(benchDatabaseUrl(BENCH_DB), 1);
    const { key } = await createApiKey(database.db, 'bench', 'org-1', 'viewer', 'bench load run');
    await database.close();
    const result = await autocannon({
      url: `http://127.0.0.1:${port}/v1/organisations/org-1/metrics?year=${FIRST_YEAR + 3}`,
      connections: 16,
      pipelining: 1,
      duration: Number(args.duration),
      headers: { authorization: `Bearer ${key}` },
    });
    return {
      requestsPerSecond: Math.round(result.requests.average),
      latencyP50ms: result.latency.p50,
      latencyP99ms: result.latency.p99,
      requests: result.requests.total,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
    };
  } finally {
    server.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  // Each measured phase runs this script bundled, as the service runs (see bundledScript).
  const bundled = await bundledScript('scripts/bench-metrics.ts');
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${BENCH_DB}`);
  rmSync(PGLITE_DIR, { recursive: true, force: true });

  const rows: Record<string, unknown>[] = [];
  let load: Record<string, unknown> | null = null;
  for (const kind of args.only ? [args.only] : ['postgres', 'pglite']) {
    const out = execFileSync(
      process.execPath,
      [bundled, '--phase', 'measure', '--db', kind, ...process.argv.slice(2)],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 1 << 20,
      },
    );
    const r = JSON.parse(out.trim().split('\n').pop()!) as {
      kind: string;
      payments: number;
      loadSeconds: number;
      latency: Record<string, { p50: number; p95: number }>;
      peakRssMb: number;
    };
    for (const [call, l] of Object.entries(r.latency))
      rows.push({
        database: kind,
        call,
        p50ms: l.p50,
        p95ms: l.p95,
        payments: r.payments,
        loadSeconds: r.loadSeconds,
        peakRssMb: r.peakRssMb,
      });
    if (kind === 'postgres') load = await loadRun();
  }
  console.table(rows);
  if (load) {
    console.log(
      `load run, headline call, PostgreSQL server on loopback, ${args.duration} s, 16 connections:`,
    );
    console.table([load]);
  }
  await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
  await admin.end();
  rmSync(WORK, { recursive: true, force: true });
}

if (args.phase) await runPhase(args.db!);
else await main();
