/*
 * What the benchmarks share: where PostgreSQL is, the database a benchmark works in, and the
 * percentile of a set of timings.
 */

/** The PostgreSQL a benchmark may create databases on (as the tests use it). */
export const ADMIN_URL =
  process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** The address of the benchmark's own database `name` on the same server. */
export function benchDatabaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The p-th percentile (nearest rank) of `values`; 0 when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
