// Start-up time to the first answered GET /health, on PGlite (new and existing data directory)
// and on PostgreSQL: `npm run bench:startup`. Each case starts the server as `npm start` does.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

const RUNS = Number(process.env.RUNS ?? 3);
const adminUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

async function timeToHealth(env: Record<string, string>, port: number): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['bin/cwb.js', 'serve'], {
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        if (res.ok) return performance.now() - started;
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 60_000)
        throw new Error('server did not answer within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const results: { case: string; medianMs: number; runs: string }[] = [];
const record = (name: string, times: number[]) =>
  results.push({
    case: name,
    medianMs: Math.round(median(times)),
    runs: times.map(Math.round).join(', '),
  });

const fresh: number[] = [];
const existing: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const dir = mkdtempSync(path.join(tmpdir(), 'cwb-startup-'));
  fresh.push(await timeToHealth({ CWB_DATA_DIR: dir, DATABASE_URL: '' }, 3900));
  existing.push(await timeToHealth({ CWB_DATA_DIR: dir, DATABASE_URL: '' }, 3900));
  rmSync(dir, { recursive: true, force: true });
}
record('PGlite, new data directory (initdb + migrations)', fresh);
record('PGlite, existing data directory', existing);

const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
const postgres: number[] = [];
for (let i = 0; i < RUNS; i++) {
  await admin.query('DROP DATABASE IF EXISTS cwb_bench_startup WITH (FORCE)');
  await admin.query('CREATE DATABASE cwb_bench_startup');
  const url = new URL(adminUrl);
  url.pathname = '/cwb_bench_startup';
  postgres.push(await timeToHealth({ DATABASE_URL: url.toString() }, 3901));
}
await admin.query('DROP DATABASE IF EXISTS cwb_bench_startup WITH (FORCE)');
await admin.end();
record('PostgreSQL, empty database (migrations)', postgres);

console.table(results);
