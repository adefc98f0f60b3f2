import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { bulkCopy } from '../../db/bulk-copy.ts';
import type { DB, SupplierOverridesTable } from '../../db/schema.ts';
import type { SupplierRecord } from '../classify/classify.repository.ts';
import type { SupplierSeen } from '../ingest/ledger-summary.ts';
import type { SupplierField, SupplierRow } from './supplier-csv.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Adds the suppliers a ledger upload pays, or updates what ledgers say about them. Returns the
 * keys whose tags may change: the new suppliers, and the known ones with a new name or register
 * number. A supplier file's name is kept over the ledger's.
 */
export async function upsertLedgerSuppliers(
  db: Transaction<DB>,
  orgId: string,
  suppliers: Iterable<SupplierSeen>,
): Promise<{ created: string[]; changed: string[] }> {
  await sql`CREATE TEMP TABLE ledger_supplier_load (
    supplier_key text, name text, name_key text, ref text, company_number text, charity_number text, vat_number text
  ) ON COMMIT DROP`.execute(db);
  const records = function* () {
    for (const s of suppliers)
      yield [s.key, s.name, s.nameKey, s.ref, s.companyNumber, s.charityNumber, s.vatNumber];
  };
  await bulkCopy(
    db,
    'ledger_supplier_load',
    ['supplier_key', 'name', 'name_key', 'ref', 'company_number', 'charity_number', 'vat_number'],
    records(),
  );
  const { rows } = await sql<{ supplier_key: string; created: boolean }>`
    SELECT l.supplier_key, s.supplier_key IS NULL AS created FROM ledger_supplier_load l
    LEFT JOIN suppliers s ON s.org_id = ${orgId} AND s.supplier_key = l.supplier_key
    WHERE s.supplier_key IS NULL
       OR (s.file_upload_id IS NULL AND s.name_key IS DISTINCT FROM l.name_key)
       OR (l.company_number IS NOT NULL AND l.company_number IS DISTINCT FROM s.ledger_company_number)
       OR (l.charity_number IS NOT NULL AND l.charity_number IS DISTINCT FROM s.ledger_charity_number)`.execute(
    db,
  );
  await sql`
    INSERT INTO suppliers (org_id, supplier_key, name, name_key, ref, ledger_company_number, ledger_charity_number, ledger_vat_number)
    SELECT ${orgId}, supplier_key, name, name_key, ref, company_number, charity_number, vat_number FROM ledger_supplier_load
    ON CONFLICT (org_id, supplier_key) DO UPDATE SET
      name = CASE WHEN suppliers.file_upload_id IS NULL THEN excluded.name ELSE suppliers.name END,
      name_key = CASE WHEN suppliers.file_upload_id IS NULL THEN excluded.name_key ELSE suppliers.name_key END,
      ref = coalesce(suppliers.ref, excluded.ref),
      ledger_company_number = coalesce(excluded.ledger_company_number, suppliers.ledger_company_number),
      ledger_charity_number = coalesce(excluded.ledger_charity_number, suppliers.ledger_charity_number),
      ledger_vat_number = coalesce(excluded.ledger_vat_number, suppliers.ledger_vat_number),
      updated_at = now()
    -- Only a supplier the file changes is written. A quarter's file mostly pays known suppliers:
    -- rewriting all 20,000 rows (and their name indexes) took PGlite 1.5 s, inserting them 0.9 s.
    WHERE (suppliers.file_upload_id IS NULL
            AND (suppliers.name IS DISTINCT FROM excluded.name OR suppliers.name_key IS DISTINCT FROM excluded.name_key))
       OR (suppliers.ref IS NULL AND excluded.ref IS NOT NULL)
       OR (excluded.ledger_company_number IS NOT NULL AND excluded.ledger_company_number IS DISTINCT FROM suppliers.ledger_company_number)
       OR (excluded.ledger_charity_number IS NOT NULL AND excluded.ledger_charity_number IS DISTINCT FROM suppliers.ledger_charity_number)
       OR (excluded.ledger_vat_number IS NOT NULL AND excluded.ledger_vat_number IS DISTINCT FROM suppliers.ledger_vat_number)`.execute(
    db,
  );
  await sql`DROP TABLE ledger_supplier_load`.execute(db);
  return {
    created: rows.filter((r) => r.created).map((r) => r.supplier_key),
    changed: rows.filter((r) => !r.created).map((r) => r.supplier_key),
  };
}

/**
 * The row upsertLedgerSuppliers inserts for a supplier new to the organisation, as tagging reads
 * it: what the ledger said, nothing from a supplier file. Its tags are decided from this, not
 * from the row read back (20,000 new suppliers' rows took 57 ms to read).
 */
export function newLedgerSupplier(orgId: string, s: SupplierSeen): SupplierRecord {
  return {
    org_id: orgId,
    supplier_key: s.key,
    name: s.name,
    name_key: s.nameKey,
    ref: s.ref,
    ledger_company_number: s.companyNumber,
    ledger_charity_number: s.charityNumber,
    ledger_vat_number: s.vatNumber,
    file_upload_id: null,
    address: null,
    postcode: null,
    company_number: null,
    charity_number: null,
    society_number: null,
    vat_number: null,
    employees: null,
    turnover_pence: null,
    balance_sheet_pence: null,
  };
}

/** The supplier columns each supplier-file field fills: only the fields a file maps are updated. */
const FILE_COLUMNS: Partial<Record<SupplierField, string>> = {
  address: 'address',
  postcode: 'postcode',
  companyNumber: 'company_number',
  charityNumber: 'charity_number',
  societyNumber: 'society_number',
  vatNumber: 'vat_number',
  employees: 'employees',
  turnover: 'turnover_pence',
  balanceSheet: 'balance_sheet_pence',
};

/** Streams a supplier file's rows into a load table (all of them, before any is applied). */
export async function copyFileSuppliers(
  db: Transaction<DB>,
  batches: AsyncIterable<readonly SupplierRow[]>,
): Promise<number> {
  await sql`CREATE TEMP TABLE file_supplier_load (
    line integer, reference text, name text, name_key text, address text, postcode text, company_number text,
    charity_number text, society_number text, vat_number text, employees integer, turnover_pence bigint, balance_sheet_pence bigint
  ) ON COMMIT DROP`.execute(db);
  async function* rows() {
    for await (const batch of batches) {
      for (const r of batch) {
        yield [
          r.line,
          r.reference,
          r.name,
          r.nameKey,
          r.address,
          r.postcode,
          r.companyNumber,
          r.charityNumber,
          r.societyNumber,
          r.vatNumber,
          r.employees,
          r.turnoverPence,
          r.balanceSheetPence,
        ];
      }
    }
  }
  return bulkCopy(
    db,
    'file_supplier_load',
    [
      'line',
      'reference',
      'name',
      'name_key',
      'address',
      'postcode',
      'company_number',
      'charity_number',
      'society_number',
      'vat_number',
      'employees',
      'turnover_pence',
      'balance_sheet_pence',
    ],
    rows(),
  );
}

/**
 * Applies the loaded supplier file: each row updates the supplier with its reference (the
 * fields the file maps; others are kept). Returns the keys and name keys touched, so the
 * suppliers they tag (their own, and ledger suppliers of the same name) can be re-tagged.
 */
export async function applyFileSuppliers(
  db: Transaction<DB>,
  orgId: string,
  uploadId: string,
  mapped: readonly SupplierField[],
): Promise<{ keys: string[]; nameKeys: string[] }> {
  const columns = mapped.map((f) => FILE_COLUMNS[f]).filter((c): c is string => c !== undefined);
  const updates = sql.join(
    [
      sql`name = excluded.name`,
      sql`name_key = excluded.name_key`,
      sql`ref = excluded.ref`,
      sql`file_upload_id = excluded.file_upload_id`,
      sql`updated_at = now()`,
      ...columns.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`),
    ],
    sql`, `,
  );
  const { rows } = await sql<{ supplier_key: string; name_key: string }>`
    INSERT INTO suppliers (org_id, supplier_key, name, name_key, ref, file_upload_id, address, postcode, company_number,
      charity_number, society_number, vat_number, employees, turnover_pence, balance_sheet_pence)
    SELECT ${orgId}, reference, name, name_key, reference, ${uploadId}::uuid, address, postcode, company_number,
      charity_number, society_number, vat_number, employees, turnover_pence, balance_sheet_pence
    FROM file_supplier_load
    ON CONFLICT (org_id, supplier_key) DO UPDATE SET ${updates}
    RETURNING supplier_key, name_key`.execute(db);
  await sql`DROP TABLE file_supplier_load`.execute(db);
  return {
    keys: rows.map((r) => r.supplier_key),
    nameKeys: [...new Set(rows.map((r) => r.name_key))],
  };
}

export type OverrideRow = Selectable<SupplierOverridesTable>;

/** One supplier's override, if any. */
export async function findOverride(
  db: Db,
  orgId: string,
  supplierKey: string,
): Promise<OverrideRow | undefined> {
  return db
    .selectFrom('supplier_overrides')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('supplier_key', '=', supplierKey)
    .executeTakeFirst();
}

/** Sets (replaces) a supplier's override. */
export async function upsertOverride(
  db: Db,
  orgId: string,
  supplierKey: string,
  override: {
    local: boolean | null;
    vcfse: boolean | null;
    sme: boolean | null;
    postcode: string | null;
    reason: string;
    setBy: string;
  },
): Promise<OverrideRow> {
  const values = {
    local: override.local,
    vcfse: override.vcfse,
    sme: override.sme,
    postcode: override.postcode,
    reason: override.reason,
    set_by: override.setBy,
    set_at: new Date(),
  };
  return db
    .insertInto('supplier_overrides')
    .values({ org_id: orgId, supplier_key: supplierKey, ...values })
    .onConflict((oc) => oc.columns(['org_id', 'supplier_key']).doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Removes a supplier's override; returns it, or undefined when there was none. */
export async function deleteOverride(
  db: Db,
  orgId: string,
  supplierKey: string,
): Promise<OverrideRow | undefined> {
  return db
    .deleteFrom('supplier_overrides')
    .where('org_id', '=', orgId)
    .where('supplier_key', '=', supplierKey)
    .returningAll()
    .executeTakeFirst();
}

export type TagColumn = 'local' | 'wider_area' | 'deprived_area' | 'vcfse' | 'sme';

export interface SupplierListFilter {
  /** Only suppliers whose tag has this value (null = unknown). */
  tag?: { column: TagColumn; value: boolean | null };
  /** Only suppliers whose name contains this (as a name key). */
  nameKeyContains?: string;
  /** Spend in this financial year; with a year, only suppliers paid in it are listed. */
  period?: { year: number };
  limit: number;
  offset: number;
}

export interface SupplierListRow {
  supplier_key: string;
  name: string;
  ref: string | null;
  in_file: boolean;
  spend_pence: bigint;
  payment_count: bigint;
  postcode: string | null;
  postcode_source: string | null;
  lad: string | null;
  local: boolean | null;
  wider_area: boolean | null;
  deprived_area: boolean | null;
  vcfse: boolean | null;
  sme: boolean | null;
  provenance: Record<string, { source: string; evidence: string }> | null;
  has_override: boolean;
  total: bigint;
}

/** Suppliers with their tags and spend, largest spend first. */
export async function listSuppliers(
  db: Db,
  orgId: string,
  filter: SupplierListFilter,
): Promise<SupplierListRow[]> {
  const period = filter.period;
  // Each supplier's spend from supplier_years (a row a supplier and year), not summed from
  // spend_summary (a row a supplier, month, area and type: 483,000 for a 1M-row ledger, which
  // took 300 ms and more to sum on every call).
  const spend = period
    ? sql`SELECT supplier_key, amount_pence AS spend, payment_count AS payments FROM supplier_years
          WHERE org_id = ${orgId} AND year = ${period.year}`
    : sql`SELECT supplier_key, sum(amount_pence) AS spend, sum(payment_count) AS payments FROM supplier_years
          WHERE org_id = ${orgId} GROUP BY supplier_key`;
  const conditions = [sql`s.org_id = ${orgId}`];
  if (period) conditions.push(sql`sp.supplier_key IS NOT NULL`);
  if (filter.tag) {
    const column = sql.ref(`t.${filter.tag.column}`);
    conditions.push(
      filter.tag.value === null ? sql`${column} IS NULL` : sql`${column} = ${filter.tag.value}`,
    );
  }
  if (filter.nameKeyContains)
    conditions.push(sql`s.name_key LIKE ${`%${filter.nameKeyContains.replace(/[%_\\]/g, '')}%`}`);
  const { rows } = await sql<SupplierListRow>`
    SELECT s.supplier_key, s.name, s.ref, s.file_upload_id IS NOT NULL AS in_file,
           coalesce(sp.spend, 0)::bigint AS spend_pence, coalesce(sp.payments, 0)::bigint AS payment_count,
           t.postcode, t.postcode_source, t.lad, t.local, t.wider_area, t.deprived_area, t.vcfse, t.sme, t.provenance,
           o.supplier_key IS NOT NULL AS has_override, count(*) OVER () AS total
    FROM suppliers s
    LEFT JOIN (${spend}) sp ON sp.supplier_key = s.supplier_key
    LEFT JOIN supplier_tags t ON t.org_id = s.org_id AND t.supplier_key = s.supplier_key
    LEFT JOIN supplier_overrides o ON o.org_id = s.org_id AND o.supplier_key = s.supplier_key
    WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY coalesce(sp.spend, 0) DESC, s.name, s.supplier_key
    LIMIT ${filter.limit} OFFSET ${filter.offset}`.execute(db);
  return rows;
}

/** One supplier with everything known about it. */
export async function findSupplierDetail(db: Db, orgId: string, supplierKey: string) {
  return db
    .selectFrom('suppliers as s')
    .leftJoin('supplier_tags as t', (join) =>
      join.onRef('t.org_id', '=', 's.org_id').onRef('t.supplier_key', '=', 's.supplier_key'),
    )
    .selectAll('s')
    .select([
      't.postcode as tag_postcode',
      't.postcode_source',
      't.lad',
      't.lsoa',
      't.imd_decile',
      't.local',
      't.wider_area',
      't.deprived_area',
      't.vcfse',
      't.sme',
      't.company_number as matched_company_number',
      't.charity_number as matched_charity_number',
      't.society_number as matched_society_number',
      't.provenance',
      't.tagged_at',
    ])
    .where('s.org_id', '=', orgId)
    .where('s.supplier_key', '=', supplierKey)
    .executeTakeFirst();
}

/** Spend and payments of one supplier, by financial-year start date. */
export async function sumSupplierSpend(
  db: Db,
  orgId: string,
  supplierKey: string,
  period?: { from: string; to: string },
) {
  let query = db
    .selectFrom('spend_summary')
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<bigint>('amount_pence'), eb.lit(0)).as('pence'),
      eb.fn.coalesce(eb.fn.sum<bigint>('payment_count'), eb.lit(0)).as('payments'),
    ])
    .where('org_id', '=', orgId)
    .where('supplier_key', '=', supplierKey);
  if (period) query = query.where('month', '>=', period.from).where('month', '<=', period.to);
  const row = await query.executeTakeFirstOrThrow();
  return { pence: BigInt(row.pence), payments: Number(row.payments) };
}
