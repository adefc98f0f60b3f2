// Reference data loads at full size, on PostgreSQL: `npm run bench:classify`.
// Generates the files once (scripts/generate-reference.ts; reused while present), makes a fresh
// database, loads each dataset through the service the CLI and the API use, and prints seconds,
// rows/s and peak RSS per dataset. Targets: postcodes < 60 s, companies < 120 s.
//
//   BENCH_DIR      where the generated files live (default: $TMPDIR/cwb-bench-reference)
//   BENCH_SCALE    fraction of full size, for a quick run (default 1)
//   BENCH_KEEP=1   keep the database (cwb_bench_classify) afterwards
//   TEST_DATABASE_URL  the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres)
import { createReadStream, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createProgress } from '../src/cli/progress.ts';
import { createPostgresDb } from '../src/db/create-db.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { ReferenceDataset } from '../src/db/schema.ts';
import { loadReferenceData } from '../src/modules/reference/reference.service.ts';
import { generateReferenceFiles, scaledCounts, type GeneratedFiles } from './generate-reference.ts';

const adminUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const dir = process.env.BENCH_DIR || path.join(tmpdir(), 'cwb-bench-reference');
const scale = Number(process.env.BENCH_SCALE ?? 1);
const DATABASE = 'cwb_bench_classify';
const TARGET_SECONDS: Partial<Record<ReferenceDataset, number>> = { postcodes: 60, companies: 120 };

console.log(`reference files in ${dir} (scale ${scale}); generating any that are missing`);
const generated = await generateReferenceFiles(dir, scaledCounts(scale), console.log);

const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${DATABASE}`);
const url = new URL(adminUrl);
url.pathname = `/${DATABASE}`;
const database = createPostgresDb(url.toString(), 4);
await migrateToLatest(database.db);
const { rows: version } = await admin.query<{ server_version: string }>('SHOW server_version');
console.log(`PostgreSQL ${version[0]?.server_version}, fresh database ${DATABASE}\n`);

interface Result {
  dataset: string;
  file: string;
  MB: number;
  rows: number;
  seconds: number;
  'rows/s': number;
  'read+copy s': number;
  'index+swap s': number;
  'peak RSS MB': number;
  target: string;
}
const results: Result[] = [];

async function bench(dataset: ReferenceDataset, file: string): Promise<void> {
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const progress = createProgress(dataset);
  const started = performance.now();
  let copied = 0;
  try {
    const load = await loadReferenceData(database.db, {
      dataset,
      sources: [
        {
          fileName: path.basename(file),
          bytes: createReadStream(file),
        },
      ],
      actor: 'bench',
      onProgress: (p) => {
        if (p.phase === 'reading') progress.update(p.rows);
        else if (copied === 0) {
          copied = performance.now();
          progress.finish(p.rows);
        }
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const target = TARGET_SECONDS[dataset];
    results.push({
      dataset,
      file: path.basename(file),
      MB: Math.round(statSync(file).size / 1024 / 1024),
      rows: load.rows.loaded,
      seconds: Number(seconds.toFixed(1)),
      'rows/s': Math.round(load.rows.read / seconds),
      'read+copy s': Number(((copied - started) / 1000).toFixed(1)),
      'index+swap s': Number(((performance.now() - copied) / 1000).toFixed(1)),
      'peak RSS MB': Math.round(Math.max(peak, process.memoryUsage.rss()) / 1024 / 1024),
      target: target === undefined ? '' : `< ${target} s ${seconds < target ? 'met' : 'MISSED'}`,
    });
    const r = results.at(-1)!;
    console.log(
      `${dataset}: ${r.rows.toLocaleString('en-GB')} rows in ${r.seconds} s (read+copy ${r['read+copy s']} s, index+swap ${r['index+swap s']} s), peak RSS ${r['peak RSS MB']} MB${load.warningCount ? `, ${load.warningCount} warnings: ${load.warnings[0]?.message}` : ''}`,
    );
  } finally {
    clearInterval(sampler);
  }
}

const files: GeneratedFiles['files'] = generated.files;
await bench('postcodes', files.postcodes);
await bench('deprivation', files.deprivation2025);
await bench('charities', files.charities);
await bench('companies', files.companies);
await bench('mutuals', files.mutuals);

console.log(
  '\nReference data loads (fresh database, one transaction each, indexes built after COPY):',
);
console.table(results);

// ------------------------------------------------------------------------------------------------
// Tag 100,000 suppliers (target < 10 s): a supplier list drawn from the registers just loaded
// (company, charity and society numbers, postcodes, exact names, and names nothing knows),
// uploaded as an organisation would; then every one of them re-tagged, as after a reload.
// ------------------------------------------------------------------------------------------------
const SUPPLIERS = Math.round(100_000 * scale);
const dbClient = new pg.Client({ connectionString: url.toString() });
await dbClient.connect();
const pickRows = async <T>(query: string) => (await dbClient.query(query)).rows as T[];
const n = (share: number) => Math.round(SUPPLIERS * share);
const companies = await pickRows<{ company_number: string; name: string }>(
  `SELECT company_number, name FROM ref_companies TABLESAMPLE SYSTEM (5) LIMIT ${n(0.4) + n(0.13)}`,
);
const charities = await pickRows<{ charity_number: string }>(
  `SELECT charity_number FROM ref_charities TABLESAMPLE SYSTEM (20) LIMIT ${n(0.15)}`,
);
const societies = await pickRows<{ society_number: string }>(
  `SELECT society_number FROM ref_mutuals LIMIT ${n(0.02)}`,
);
const postcodes = await pickRows<{ postcode: string }>(
  `SELECT postcode FROM ref_postcodes TABLESAMPLE SYSTEM (2) LIMIT ${n(0.2)}`,
);
let csv =
  'Supplier ID,Supplier Name,Postcode,Company Number,Charity Number,Society Number,Employees\n';
let ref = 0;
const line = (
  name: string,
  postcode = '',
  company = '',
  charity = '',
  society = '',
  employees = '',
) =>
  `S${++ref},"${name.replace(/"/g, '""')}",${postcode},${company},${charity},${society},${employees}\n`;
for (const c of companies.slice(0, n(0.4)))
  csv += line(c.name, '', c.company_number, '', '', ref % 3 === 0 ? String(ref % 300) : '');
for (const c of companies.slice(n(0.4))) csv += line(c.name);
for (const c of charities) csv += line(`Charity ${c.charity_number}`, '', '', c.charity_number);
for (const m of societies) csv += line(`Society ${m.society_number}`, '', '', '', m.society_number);
for (const p of postcodes) csv += line(`Local Trader ${ref}`, p.postcode);
while (ref < SUPPLIERS) csv += line(`Nobody Knows Ltd ${ref}`);
await dbClient.end();

const { createOrganisation } =
  await import('../src/modules/organisations/organisations.service.ts');
const { ingestSuppliers } = await import('../src/modules/ingest/ingest.service.ts');
const { tagSuppliers } = await import('../src/modules/classify/classify.service.ts');
await createOrganisation(database.db, 'bench', {
  id: 'bench',
  name: 'Bench Council',
  homeAreas: ['E08000010'],
  widerAreas: [],
  yearStartMonth: 4,
});
let started = performance.now();
const upload = await ingestSuppliers(database.db, {
  orgId: 'bench',
  actor: 'bench',
  filename: 'suppliers.csv',
  bytes: [Buffer.from(csv)],
});
const uploadSeconds = (performance.now() - started) / 1000;
started = performance.now();
const tagged = await tagSuppliers(database.db, 'bench');
const tagSeconds = (performance.now() - started) / 1000;
const counts = await database.db
  .selectFrom('supplier_tags')
  .select((eb) => [
    eb.fn.countAll<bigint>().as('suppliers'),
    eb.fn.count<bigint>('local').filterWhere('local', 'is not', null).as('located'),
    eb.fn.count<bigint>('vcfse').filterWhere('vcfse', '=', true).as('vcfse'),
    eb.fn.count<bigint>('sme').filterWhere('sme', 'is not', null).as('sized'),
  ])
  .where('org_id', '=', 'bench')
  .executeTakeFirstOrThrow();
console.log('\nTagging (target < 10 s):');
console.table([
  {
    run: `supplier list upload, ${upload.upload.rows.loaded.toLocaleString('en-GB')} rows (read, store, tag)`,
    seconds: Number(uploadSeconds.toFixed(1)),
  },
  {
    run: `re-tag all ${tagged.toLocaleString('en-GB')} suppliers`,
    seconds: Number(tagSeconds.toFixed(1)),
    target: `< 10 s ${tagSeconds < 10 ? 'met' : 'MISSED'}`,
  },
]);
console.log(
  `tags: ${counts.suppliers} suppliers, ${counts.located} with a known location, ${counts.vcfse} VCFSE, ${counts.sized} with a known size`,
);

await database.close();
if (process.env.BENCH_KEEP !== '1')
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
else console.log(`kept database ${DATABASE}`);
await admin.end();
console.log(`process max RSS: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
