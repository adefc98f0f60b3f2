import { sql, type Kysely } from 'kysely';

/*
 * What is in the database, table by table, read straight from the catalogue: a new table or
 * column is covered without anyone listing it here.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** Every table of the public schema (migration bookkeeping included), sorted. */
export async function publicTables(db: AnyDb): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
    ORDER BY table_name`.execute(db);
  return rows.map((r) => r.table_name);
}

export interface TableState {
  rows: number;
  /** md5 of every row as JSON, sorted: any insert, update or delete changes it. */
  digest: string;
}

/**
 * Row count and content digest of every table, in one round trip. `ignore` names columns left
 * out of the digest (a key's last_used_at moves on every authenticated read).
 */
export async function snapshotTables(
  db: AnyDb,
  ignore: readonly string[] = ['last_used_at'],
): Promise<Record<string, TableState>> {
  const tables = await publicTables(db);
  const minus = ignore.map((c) => sql` - ${c}::text`);
  const parts = tables.map(
    (table) => sql`
      SELECT ${table}::text AS name, count(*)::int AS rows,
             md5(coalesce(string_agg(x, E'\n' ORDER BY x), '')) AS digest
      FROM (SELECT (to_jsonb(t) ${sql.join(minus, sql` `)})::text AS x FROM ${sql.table(table)} t) s`,
  );
  const { rows } = await sql<{ name: string; rows: number; digest: string }>`${sql.join(
    parts,
    sql` UNION ALL `,
  )}`.execute(db);
  return Object.fromEntries(
    rows
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((r) => [r.name, { rows: Number(r.rows), digest: r.digest }]),
  );
}

/** Row counts only, per table. */
export function rowCounts(snapshot: Record<string, TableState>): Record<string, number> {
  return Object.fromEntries(Object.entries(snapshot).map(([name, s]) => [name, s.rows]));
}

/** Per table, how many rows more (or fewer) `after` has than `before`; tables unchanged left out. */
export function rowCountChanges(
  before: Record<string, TableState>,
  after: Record<string, TableState>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const change = (after[name]?.rows ?? 0) - (before[name]?.rows ?? 0);
    if (change !== 0) out[name] = change;
  }
  return out;
}

/** Names of the tables whose content differs between two snapshots. */
export function changedTables(
  before: Record<string, TableState>,
  after: Record<string, TableState>,
): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((name) => before[name]?.digest !== after[name]?.digest)
    .sort();
}

export interface StoredValue {
  table: string;
  column: string;
  value: string;
}

/**
 * Every non-null value of every column of every public table, cast to text (jsonb as its JSON
 * text, arrays as their literal): what a search for a stored secret has to look through.
 */
export async function dumpStoredValues(db: AnyDb): Promise<StoredValue[]> {
  const { rows: columns } = await sql<{ table_name: string; column_name: string }>`
    SELECT c.table_name, c.column_name
    FROM information_schema.columns c
    JOIN information_schema.tables t
      ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
    ORDER BY c.table_name, c.ordinal_position`.execute(db);
  const out: StoredValue[] = [];
  for (const { table_name: table, column_name: column } of columns) {
    const { rows } = await sql<{ v: string }>`
      SELECT ${sql.ref(column)}::text AS v FROM ${sql.table(table)}
      WHERE ${sql.ref(column)} IS NOT NULL`.execute(db);
    for (const r of rows) out.push({ table, column, value: r.v });
  }
  return out;
}

/**
 * Tables with a row holding exactly `text` in some column, at any depth of a jsonb or array
 * column: where a value sent to the API was stored, character for character.
 */
export async function tablesHolding(db: AnyDb, text: string): Promise<string[]> {
  const tables = await publicTables(db);
  const parts = tables.map(
    (table) => sql`
      SELECT ${table}::text AS name FROM ${sql.table(table)} t
      WHERE jsonb_path_exists(to_jsonb(t), 'strict $.** ? (@ == $p)', jsonb_build_object('p', ${text}::text))`,
  );
  const { rows } = await sql<{ name: string }>`SELECT DISTINCT name FROM (${sql.join(
    parts,
    sql` UNION ALL `,
  )}) found ORDER BY name`.execute(db);
  return rows.map((r) => r.name);
}
