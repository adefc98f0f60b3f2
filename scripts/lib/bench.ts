/*
 * What the benchmarks share: where PostgreSQL is, the database a benchmark works in, the
 * percentile of a set of timings, and how a benchmark runs its measured phases.
 */
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { bundle } from '../../bin/bundle.js';

/**
 * A benchmark script bundled as the `cwb` command bundles the service (bin/bundle.js), to run
 * its measured phases with plain Node.js as the service runs: under tsx a process carries
 * tsx's loader and some 80 MB more memory, which the service does not. The bundle's path.
 */
export async function bundledScript(script: string): Promise<string> {
  return fileURLToPath(await bundle(script));
}

/** The PostgreSQL a benchmark may create databases on (as the tests use it). */
export const ADMIN_URL =
  process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** The address of the benchmark's own database `name` on the same server. */
export function benchDatabaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs statements on the administration database (ADMIN_URL), on a connection of their own. */
async function asAdmin(statements: string[]): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    for (const statement of statements) await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** A new, empty database `name` on the benchmark's server (dropped first if it is there). */
export function newBenchDatabase(name: string): Promise<void> {
  return asAdmin([`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, `CREATE DATABASE ${name}`]);
}

/** Drops the benchmark's database `name`, if it is there. */
export function dropBenchDatabase(name: string): Promise<void> {
  return asAdmin([`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
}

/** The p-th percentile (nearest rank) of `values`; 0 when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
