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
// TAG 100,000 SUPPLIERS (the lead adds this: issue 4, "Suppliers"). The reference data above is
// loaded in `database` (a Database on PostgreSQL); generate 100,000 suppliers whose postcodes,
// company/charity/society numbers and names refer to it (postcodeAt(), companyNumberAt() in
// generate-reference.ts give rows that exist), tag them through the classify service, and time
// it against the target (< 10 s).
// ------------------------------------------------------------------------------------------------

await database.close();
if (process.env.BENCH_KEEP !== '1')
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
else console.log(`kept database ${DATABASE}`);
await admin.end();
console.log(`process max RSS: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
