import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import { bulkCopyText, encodeCopyRow, type CopyRow } from '../../db/bulk-copy.ts';
import type {
  DB,
  LsoaVintage,
  RefCharitiesTable,
  RefCompaniesTable,
  RefMutualsTable,
  RefPostcodesTable,
  ReferenceDataset,
  ReferenceLoadsTable,
} from '../../db/schema.ts';
import type { CharityRecord } from './charity-register.ts';
import type { CompanyRecord } from './companies-house.ts';
import type { MutualRecord } from './fca-mutuals.ts';
import type { DeprivationRecord } from './imd.ts';
import type { PostcodeRecord } from './onspd.ts';

/*
 * All SQL of the reference data: loading a dataset into a fresh table and swapping it in, the
 * record of loads, and the set-based look-ups tagging uses (one query for many keys).
 *
 * A load, inside the service's one transaction:
 *   lockDatasetForLoad        one load of a dataset at a time
 *   createLoadTable           ref_x_load: LIKE ref_x (columns, defaults, checks), no indexes
 *   copyIntoLoadTable         COPY the rows in
 *   indexLoadTable            the live table's indexes, rebuilt on the loaded rows
 *   swapInLoadTable           ref_x -> ref_x_old, ref_x_load -> ref_x, drop ref_x_old, and
 *                             the indexes renamed to the live names, ready for the next load
 * The columns and indexes come from the live table, i.e. from the migrations.
 */

type Db = Kysely<DB> | Transaction<DB>;

/** The record type each dataset's parser gives. */
export interface DatasetRecords {
  postcodes: PostcodeRecord;
  deprivation: DeprivationRecord;
  charities: CharityRecord;
  companies: CompanyRecord;
  mutuals: MutualRecord;
}

interface DatasetTable<R> {
  table: string;
  /** The primary key column: duplicates of it in a file are removed, keeping the later row. */
  key: string;
  columns: readonly string[];
  toRow(record: R): CopyRow;
}

/** COPY text format of a text[] of plain tokens (SIC codes are digits). */
const textArray = (values: readonly string[]) => `{${values.join(',')}}`;

const TABLES: { [D in ReferenceDataset]: DatasetTable<DatasetRecords[D]> } = {
  postcodes: {
    table: 'ref_postcodes',
    key: 'postcode',
    columns: ['postcode', 'lad', 'ward', 'lsoa11', 'lsoa21', 'terminated', 'usertype'],
    toRow: (r) => [r.postcode, r.lad, r.ward, r.lsoa11, r.lsoa21, r.terminated, r.usertype],
  },
  deprivation: {
    table: 'ref_deprivation',
    key: 'lsoa',
    columns: ['lsoa', 'imd_rank', 'imd_decile', 'edition', 'lsoa_vintage'],
    toRow: (r) => [r.lsoa, r.imdRank, r.imdDecile, r.edition, r.lsoaVintage],
  },
  charities: {
    table: 'ref_charities',
    key: 'charity_number',
    columns: [
      'charity_number',
      'name',
      'name_key',
      'charity_type',
      'is_cio',
      'status',
      'registered_on',
      'removed_on',
      'postcode',
      'company_number',
    ],
    toRow: (r) => [
      r.charityNumber,
      r.name,
      r.nameKey,
      r.charityType,
      r.isCio,
      r.status,
      r.registeredOn,
      r.removedOn,
      r.postcode,
      r.companyNumber,
    ],
  },
  companies: {
    table: 'ref_companies',
    key: 'company_number',
    columns: [
      'company_number',
      'name',
      'name_key',
      'postcode',
      'category',
      'status',
      'accounts_category',
      'sic_codes',
    ],
    toRow: (r) => [
      r.companyNumber,
      r.name,
      r.nameKey,
      r.postcode,
      r.category,
      r.status,
      r.accountsCategory,
      textArray(r.sicCodes),
    ],
  },
  mutuals: {
    table: 'ref_mutuals',
    key: 'society_number',
    columns: ['society_number', 'name', 'name_key', 'postcode', 'registered_as', 'status'],
    toRow: (r) => [r.societyNumber, r.name, r.nameKey, r.postcode, r.registeredAs, r.status],
  },
};

const loadTableOf = (dataset: ReferenceDataset) => `${TABLES[dataset].table}_load`;
/** Index names on the load table; renamed to the live names by the swap. */
const loadIndexName = (name: string) => `${name.slice(0, 58)}_load`;

/** Advisory lock class of reference loads (the other key is the dataset's hash). */
const LOAD_LOCK_CLASS = 20261125;

/**
 * Takes the dataset's load lock for the rest of the transaction; false when another load of the
 * same dataset holds it.
 */
export async function lockDatasetForLoad(trx: Transaction<DB>, dataset: ReferenceDataset) {
  const { rows } = await sql<{ locked: boolean }>`
    SELECT pg_try_advisory_xact_lock(${LOAD_LOCK_CLASS}, hashtext(${dataset})) AS locked`.execute(
    trx,
  );
  return rows[0]?.locked === true;
}

/**
 * Creates the empty load table: the live table's columns, defaults, checks and comments, and
 * no indexes (they are built after the rows are in, which is several times faster).
 */
export async function createLoadTable(trx: Transaction<DB>, dataset: ReferenceDataset) {
  const load = loadTableOf(dataset);
  await sql`DROP TABLE IF EXISTS ${sql.table(load)}`.execute(trx);
  await sql`CREATE TABLE ${sql.table(load)} (LIKE ${sql.table(TABLES[dataset].table)} INCLUDING ALL EXCLUDING INDEXES)`.execute(
    trx,
  );
}

/**
 * COPYs batches of records into the load table, streaming; returns the number of rows copied.
 * Each batch is encoded as one piece of COPY text: no await per row (5 million of them).
 */
export async function copyIntoLoadTable<D extends ReferenceDataset>(
  trx: Transaction<DB>,
  dataset: D,
  batches: AsyncIterable<readonly DatasetRecords[D][]>,
): Promise<number> {
  const spec = TABLES[dataset] as DatasetTable<DatasetRecords[D]>;
  async function* pieces(): AsyncGenerator<string> {
    for await (const batch of batches) {
      let piece = '';
      for (const record of batch) piece += encodeCopyRow(spec.toRow(record));
      if (piece !== '') yield piece;
    }
  }
  return bulkCopyText(trx, loadTableOf(dataset), spec.columns, pieces());
}

export interface LiveIndex {
  name: string;
  definition: string;
  /** 'p' primary key, 'u' unique constraint, null a plain index. */
  constraintType: 'p' | 'u' | 'x' | null;
}

export interface IndexingResult {
  indexes: LiveIndex[];
  /** Rows removed because an earlier row had the same key. */
  duplicatesRemoved: number;
  /** Some of the keys that were duplicated, with how many copies each lost. */
  duplicateExamples: { key: string; removed: number }[];
}

/**
 * Builds the live table's indexes and constraints on the load table, primary key first. A file
 * that repeats a key keeps the later row: the earlier copies are removed and reported.
 */
export async function indexLoadTable(
  trx: Transaction<DB>,
  dataset: ReferenceDataset,
  options: { maintenanceWorkMem?: string } = {},
): Promise<IndexingResult> {
  const spec = TABLES[dataset];
  const load = loadTableOf(dataset);
  if (options.maintenanceWorkMem) {
    // Index builds (GIN above all) are much faster with room to sort in; for this transaction only.
    await sql`SELECT set_config('maintenance_work_mem', ${options.maintenanceWorkMem}, true)`.execute(
      trx,
    );
  }
  const { rows: indexes } = await sql<LiveIndex>`
    SELECT c.relname AS name,
           pg_get_indexdef(i.indexrelid) AS definition,
           con.contype AS "constraintType"
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    LEFT JOIN pg_constraint con
      ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')
    WHERE i.indrelid = ${spec.table}::regclass
    ORDER BY i.indisprimary DESC, c.relname`.execute(trx);

  let duplicatesRemoved = 0;
  let duplicateExamples: IndexingResult['duplicateExamples'] = [];
  for (const index of indexes) {
    if (index.constraintType !== 'p') {
      await buildIndex(trx, load, index);
      continue;
    }
    await sql`SAVEPOINT reference_primary_key`.execute(trx);
    try {
      await buildIndex(trx, load, index);
      await sql`RELEASE SAVEPOINT reference_primary_key`.execute(trx);
    } catch (error) {
      if ((error as { code?: string }).code !== '23505') throw error;
      await sql`ROLLBACK TO SAVEPOINT reference_primary_key`.execute(trx);
      ({ removed: duplicatesRemoved, examples: duplicateExamples } = await removeDuplicateKeys(
        trx,
        load,
        spec.key,
      ));
      await buildIndex(trx, load, index);
    }
  }
  // Planner statistics now, so the first look-ups after the swap are planned on real figures.
  await sql`ANALYZE ${sql.table(load)}`.execute(trx);
  return { indexes, duplicatesRemoved, duplicateExamples };
}

async function buildIndex(trx: Transaction<DB>, load: string, index: LiveIndex): Promise<void> {
  const parsed = /^CREATE (UNIQUE )?INDEX \S+ ON (?:ONLY )?\S+ (USING .+)$/.exec(index.definition);
  if (!parsed || index.constraintType === 'x') {
    throw new Error(`Cannot rebuild index ${index.name} on ${load}: ${index.definition}`);
  }
  const name = loadIndexName(index.name);
  await sql.raw(`CREATE ${parsed[1] ?? ''}INDEX ${name} ON ${load} ${parsed[2]}`).execute(trx);
  if (index.constraintType !== null) {
    const kind = index.constraintType === 'p' ? 'PRIMARY KEY' : 'UNIQUE';
    await sql
      .raw(`ALTER TABLE ${load} ADD CONSTRAINT ${name} ${kind} USING INDEX ${name}`)
      .execute(trx);
  }
}

/** Deletes all but the last-loaded row of each repeated key (COPY appends in file order). */
async function removeDuplicateKeys(
  trx: Transaction<DB>,
  load: string,
  key: string,
): Promise<{ removed: number; examples: { key: string; removed: number }[] }> {
  const { rows } = await sql<{ key: string; removed: number; total: string }>`
    WITH ranked AS (
      SELECT ctid AS row_id, row_number() OVER (PARTITION BY ${sql.ref(key)} ORDER BY ctid DESC) AS n
      FROM ${sql.table(load)}
    ), removed AS (
      DELETE FROM ${sql.table(load)}
      WHERE ctid IN (SELECT row_id FROM ranked WHERE n > 1)
      RETURNING ${sql.ref(key)} AS key
    )
    SELECT key, count(*)::int AS removed, sum(count(*)) OVER ()::text AS total
    FROM removed GROUP BY key ORDER BY key LIMIT 20`.execute(trx);
  return {
    removed: Number(rows[0]?.total ?? 0),
    examples: rows.map((r) => ({ key: r.key, removed: r.removed })),
  };
}

/**
 * Puts the load table in the live table's place: the previous table is dropped and the load's
 * indexes take the live names, so the next load starts from the same names. Waits at most a
 * minute for queries still reading the old table.
 */
export async function swapInLoadTable(
  trx: Transaction<DB>,
  dataset: ReferenceDataset,
  indexes: readonly LiveIndex[],
): Promise<void> {
  const live = TABLES[dataset].table;
  const old = `${live}_old`;
  await sql`SELECT set_config('lock_timeout', '60s', true)`.execute(trx);
  await sql`DROP TABLE IF EXISTS ${sql.table(old)}`.execute(trx);
  await sql`ALTER TABLE ${sql.table(live)} RENAME TO ${sql.table(old)}`.execute(trx);
  await sql`ALTER TABLE ${sql.table(loadTableOf(dataset))} RENAME TO ${sql.table(live)}`.execute(
    trx,
  );
  await sql`DROP TABLE ${sql.table(old)}`.execute(trx);
  // Renaming an index that backs a constraint renames the constraint with it.
  for (const index of indexes) {
    await sql.raw(`ALTER INDEX ${loadIndexName(index.name)} RENAME TO ${index.name}`).execute(trx);
  }
}

export type ReferenceLoadRow = Selectable<ReferenceLoadsTable>;

/** Records a load. */
export async function insertReferenceLoad(
  db: Db,
  load: Insertable<ReferenceLoadsTable>,
): Promise<ReferenceLoadRow> {
  return db.insertInto('reference_loads').values(load).returningAll().executeTakeFirstOrThrow();
}

/** The latest load of each dataset: what the ref_ tables hold now. */
export async function listLatestLoads(db: Db): Promise<ReferenceLoadRow[]> {
  return db
    .selectFrom('reference_loads')
    .selectAll()
    .distinctOn('dataset')
    .orderBy('dataset')
    .orderBy('id', 'desc')
    .execute();
}

/** Number of rows in a dataset's table. */
export async function countRows(db: Db, dataset: ReferenceDataset): Promise<number> {
  const { rows } = await sql<{ count: string }>`
    SELECT count(*)::text AS count FROM ${sql.table(TABLES[dataset].table)}`.execute(db);
  return Number(rows[0]?.count ?? 0);
}

/* ---------------------------------------------------------------------------------------------
 * Look-ups for tagging: each takes many keys and answers in one query. Keys must be in the
 * stored forms: normalisePostcode, normaliseCompanyNumber, normaliseCharityNumber,
 * normaliseSocietyNumber, normaliseName. Keys not found are simply absent from the answer.
 * ------------------------------------------------------------------------------------------- */

const anyOf = (values: readonly string[]) => sql`any(${[...values]}::text[])`;

export interface PostcodeArea extends Selectable<RefPostcodesTable> {
  /** The LSOA deprivation was matched on: lsoa11 or lsoa21, as the loaded edition needs. */
  lsoa: string | null;
  imd_decile: number | null;
  imd_rank: number | null;
  /** The deprivation edition matched ('IoD2025'); null when no deprivation row matched. */
  deprivation_edition: string | null;
}

/** The LSOA vintage of the loaded deprivation edition, or null when none is loaded. */
export async function findDeprivationVintage(db: Db): Promise<LsoaVintage | null> {
  const row = await db
    .selectFrom('ref_deprivation')
    .select('lsoa_vintage')
    .limit(1)
    .executeTakeFirst();
  return row?.lsoa_vintage ?? null;
}

/**
 * District, ward, LSOAs, termination and deprivation of postcodes (pcds form). Deprivation is
 * matched on the LSOA vintage of the loaded edition: IoD2019 on lsoa11, IoD2025 on lsoa21.
 */
export async function findPostcodeAreas(
  db: Db,
  postcodes: readonly string[],
): Promise<PostcodeArea[]> {
  if (postcodes.length === 0) return [];
  const vintage = await findDeprivationVintage(db);
  const lsoa = vintage === '2021' ? 'p.lsoa21' : 'p.lsoa11';
  return db
    .selectFrom('ref_postcodes as p')
    .leftJoin('ref_deprivation as d', 'd.lsoa', lsoa)
    .selectAll('p')
    .select([`${lsoa} as lsoa`, 'd.imd_decile', 'd.imd_rank', 'd.edition as deprivation_edition'])
    .where(sql<boolean>`p.postcode = ${anyOf(postcodes)}`)
    .execute();
}

/** IMD rank and decile of LSOAs, with the edition and vintage they come from. */
export async function findDeprivation(db: Db, lsoas: readonly string[]) {
  if (lsoas.length === 0) return [];
  return db
    .selectFrom('ref_deprivation')
    .selectAll()
    .where(sql<boolean>`lsoa = ${anyOf(lsoas)}`)
    .execute();
}

export type CharityRow = Selectable<RefCharitiesTable>;
export type CompanyRow = Selectable<RefCompaniesTable>;
export type MutualRow = Selectable<RefMutualsTable>;

/** Charities by registered number. */
export async function findCharitiesByNumber(db: Db, numbers: readonly string[]) {
  if (numbers.length === 0) return [] as CharityRow[];
  return db
    .selectFrom('ref_charities')
    .selectAll()
    .where(sql<boolean>`charity_number = ${anyOf(numbers)}`)
    .execute();
}

/** Charities that are also companies (charitable companies), by company number. */
export async function findCharitiesByCompanyNumber(db: Db, companyNumbers: readonly string[]) {
  if (companyNumbers.length === 0) return [] as CharityRow[];
  return db
    .selectFrom('ref_charities')
    .selectAll()
    .where(sql<boolean>`company_number = ${anyOf(companyNumbers)}`)
    .execute();
}

/** Charities whose name key is exactly one of `nameKeys` (several may share a key). */
export async function findCharitiesByNameKey(db: Db, nameKeys: readonly string[]) {
  if (nameKeys.length === 0) return [] as CharityRow[];
  return db
    .selectFrom('ref_charities')
    .selectAll()
    .where(sql<boolean>`name_key = ${anyOf(nameKeys)}`)
    .execute();
}

/** Companies by number. */
export async function findCompaniesByNumber(db: Db, numbers: readonly string[]) {
  if (numbers.length === 0) return [] as CompanyRow[];
  return db
    .selectFrom('ref_companies')
    .selectAll()
    .where(sql<boolean>`company_number = ${anyOf(numbers)}`)
    .execute();
}

/** Companies whose name key is exactly one of `nameKeys`. */
export async function findCompaniesByNameKey(db: Db, nameKeys: readonly string[]) {
  if (nameKeys.length === 0) return [] as CompanyRow[];
  return db
    .selectFrom('ref_companies')
    .selectAll()
    .where(sql<boolean>`name_key = ${anyOf(nameKeys)}`)
    .execute();
}

/** Mutual societies by registration number (normaliseSocietyNumber form). */
export async function findMutualsByNumber(db: Db, numbers: readonly string[]) {
  if (numbers.length === 0) return [] as MutualRow[];
  return db
    .selectFrom('ref_mutuals')
    .selectAll()
    .where(sql<boolean>`society_number = ${anyOf(numbers)}`)
    .execute();
}

/** Mutual societies whose name key is exactly one of `nameKeys`. */
export async function findMutualsByNameKey(db: Db, nameKeys: readonly string[]) {
  if (nameKeys.length === 0) return [] as MutualRow[];
  return db
    .selectFrom('ref_mutuals')
    .selectAll()
    .where(sql<boolean>`name_key = ${anyOf(nameKeys)}`)
    .execute();
}

export interface NearName {
  register: 'charities' | 'companies' | 'mutuals';
  number: string;
  name: string;
  postcode: string | null;
  /** pg_trgm similarity of the name keys, 0..1. */
  similarity: number;
}

/**
 * Register entries whose name key is near `nameKey` (pg_trgm similarity above its threshold,
 * 0.3 by default), best first: suggestions for a person to confirm, never applied as matches.
 */
export async function findNearNames(db: Db, nameKey: string, limit = 10): Promise<NearName[]> {
  if (nameKey.trim() === '') return [];
  const { rows } = await sql<NearName>`
    (SELECT 'charities' AS register, charity_number AS number, name, postcode,
            similarity(name_key, ${nameKey}) AS similarity
       FROM ref_charities WHERE name_key % ${nameKey}
       ORDER BY similarity DESC, name LIMIT ${limit})
    UNION ALL
    (SELECT 'companies', company_number, name, postcode, similarity(name_key, ${nameKey})
       FROM ref_companies WHERE name_key % ${nameKey}
       ORDER BY 5 DESC, name LIMIT ${limit})
    UNION ALL
    (SELECT 'mutuals', society_number, name, postcode, similarity(name_key, ${nameKey})
       FROM ref_mutuals WHERE name_key % ${nameKey}
       ORDER BY 5 DESC, name LIMIT ${limit})
    ORDER BY similarity DESC, name
    LIMIT ${limit}`.execute(db);
  return rows.map((r) => ({ ...r, similarity: Number(r.similarity) }));
}
