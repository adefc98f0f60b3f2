import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { bulkCopyRows } from '../../db/bulk-copy.ts';
import type { BinaryCopyWriter } from '../../db/copy-binary.ts';
import type { DB, SupplierOverridesTable, SuppliersTable } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;
/** A supplier as the rules read it: every column but when the row was written. */
export type SupplierRecord = Omit<Selectable<SuppliersTable>, 'created_at' | 'updated_at'>;

/**
 * The columns of SupplierRecord. Not selectAll(): reading 20,000 suppliers' two timestamps
 * into Dates took longer than the rest of their columns (an upload tags all its new suppliers).
 */
const SUPPLIER_COLUMNS = [
  'org_id',
  'supplier_key',
  'name',
  'name_key',
  'ref',
  'ledger_company_number',
  'ledger_charity_number',
  'ledger_vat_number',
  'file_upload_id',
  'address',
  'postcode',
  'company_number',
  'charity_number',
  'society_number',
  'vat_number',
  'employees',
  'turnover_pence',
  'balance_sheet_pence',
] as const satisfies readonly (keyof SupplierRecord)[];
export type OverrideRecord = Selectable<SupplierOverridesTable>;

const anyOf = (values: readonly string[]) => sql`any(${[...values]}::text[])`;

/** Suppliers of an organisation: those given, or all of them. */
export async function findSuppliers(
  db: Db,
  orgId: string,
  keys?: readonly string[],
): Promise<SupplierRecord[]> {
  let query = db.selectFrom('suppliers').select(SUPPLIER_COLUMNS).where('org_id', '=', orgId);
  if (keys) {
    if (keys.length === 0) return [];
    query = query.where(sql<boolean>`supplier_key = ${anyOf(keys)}`);
  }
  return query.execute();
}

/**
 * Suppliers of the organisation that came from a supplier file and have one of these name keys:
 * a ledger supplier with no file row of its own is matched to these by exact name.
 */
export async function findFileSuppliersByNameKey(
  db: Db,
  orgId: string,
  nameKeys: readonly string[],
): Promise<SupplierRecord[]> {
  if (nameKeys.length === 0) return [];
  return db
    .selectFrom('suppliers')
    .select(SUPPLIER_COLUMNS)
    .where('org_id', '=', orgId)
    .where('file_upload_id', 'is not', null)
    .where(sql<boolean>`name_key = ${anyOf(nameKeys)}`)
    .execute();
}

/** Overrides of an organisation's suppliers: those given, or all. */
export async function findOverrides(
  db: Db,
  orgId: string,
  keys?: readonly string[],
): Promise<OverrideRecord[]> {
  let query = db.selectFrom('supplier_overrides').selectAll().where('org_id', '=', orgId);
  if (keys) {
    if (keys.length === 0) return [];
    query = query.where(sql<boolean>`supplier_key = ${anyOf(keys)}`);
  }
  return query.execute();
}

/** Keys of suppliers that share one of these name keys (file rows updated by a supplier list). */
export async function findSupplierKeysByNameKey(
  db: Db,
  orgId: string,
  nameKeys: readonly string[],
): Promise<string[]> {
  if (nameKeys.length === 0) return [];
  const rows = await db
    .selectFrom('suppliers')
    .select('supplier_key')
    .where('org_id', '=', orgId)
    .where(sql<boolean>`name_key = ${anyOf(nameKeys)}`)
    .execute();
  return rows.map((r) => r.supplier_key);
}

/** Every organisation with suppliers (re-tagging after a reference load). */
export async function findOrganisationsWithSuppliers(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('suppliers')
    .select('org_id')
    .distinct()
    .orderBy('org_id')
    .execute();
  return rows.map((r) => r.org_id);
}

export interface TagRecord {
  supplierKey: string;
  postcode: string | null;
  postcodeSource: string;
  lad: string | null;
  lsoa: string | null;
  imdDecile: number | null;
  local: boolean | null;
  widerArea: boolean | null;
  deprivedArea: boolean | null;
  vcfse: boolean | null;
  sme: boolean | null;
  companyNumber: string | null;
  charityNumber: string | null;
  societyNumber: string | null;
  provenance: Record<string, { source: string; evidence: string }>;
}

/** Replaces the tags of these suppliers (delete, then one COPY). */
export async function replaceTags(
  db: Transaction<DB>,
  orgId: string,
  keys: readonly string[],
  tags: readonly TagRecord[],
): Promise<void> {
  if (keys.length === 0) return;
  await db
    .deleteFrom('supplier_tags')
    .where('org_id', '=', orgId)
    .where(sql<boolean>`supplier_key = ${anyOf(keys)}`)
    .execute();
  // Binary COPY (tagged_at: the transaction's time, the column's default): an upload's 20,000
  // new suppliers carry some 30 MB of provenance, which text COPY escaped here and unescaped
  // in the database (PostgreSQL took 0.28 s for 20,000 such rows as text, 0.21 s as binary).
  await bulkCopyRows(db, 'supplier_tags', TAG_COPY_COLUMNS, [tags], (writer, t) =>
    writeTagRow(writer, orgId, t),
  );
}

const TAG_COPY_COLUMNS = [
  'org_id',
  'supplier_key',
  'postcode',
  'postcode_source',
  'lad',
  'lsoa',
  'imd_decile',
  'local',
  'wider_area',
  'deprived_area',
  'vcfse',
  'sme',
  'company_number',
  'charity_number',
  'society_number',
  'provenance',
] as const;

/**
 * A tag record as a binary `supplier_tags` row, in TAG_COPY_COLUMNS order. Its provenance is
 * made as the row is written: made all at once, 20,000 suppliers' held some 30 MB.
 */
function writeTagRow(writer: BinaryCopyWriter, orgId: string, t: TagRecord): void {
  writer.row(TAG_COPY_COLUMNS.length);
  writer.text(orgId);
  writer.text(t.supplierKey);
  writer.text(t.postcode);
  writer.text(t.postcodeSource);
  writer.text(t.lad);
  writer.text(t.lsoa);
  writer.int2(t.imdDecile);
  writer.bool(t.local);
  writer.bool(t.widerArea);
  writer.bool(t.deprivedArea);
  writer.bool(t.vcfse);
  writer.bool(t.sme);
  writer.text(t.companyNumber);
  writer.text(t.charityNumber);
  writer.text(t.societyNumber);
  // json's binary form is its text.
  writer.text(JSON.stringify(t.provenance));
}

export interface CoverageRow {
  total: bigint;
  redacted: bigint;
  location_known: bigint;
  vcfse_known: bigint;
  sme_known: bigint;
  suppliers: bigint;
  fully_classified: bigint;
}

/** How much of a period's spend rests on known tags (redacted spend is never known). */
export async function sumCoverage(
  db: Db,
  orgId: string,
  period: { from: string; to: string },
): Promise<CoverageRow> {
  const { rows } = await sql<CoverageRow>`
    WITH spend AS (
      SELECT supplier_key, redacted, sum(amount_pence) AS pence FROM spend_summary
      WHERE org_id = ${orgId} AND month BETWEEN ${period.from}::date AND ${period.to}::date
      GROUP BY supplier_key, redacted
    )
    SELECT coalesce(sum(s.pence), 0)::bigint AS total,
           coalesce(sum(s.pence) FILTER (WHERE s.redacted), 0)::bigint AS redacted,
           coalesce(sum(s.pence) FILTER (WHERE t.local IS NOT NULL), 0)::bigint AS location_known,
           coalesce(sum(s.pence) FILTER (WHERE t.vcfse IS NOT NULL), 0)::bigint AS vcfse_known,
           coalesce(sum(s.pence) FILTER (WHERE t.sme IS NOT NULL), 0)::bigint AS sme_known,
           count(DISTINCT s.supplier_key) FILTER (WHERE NOT s.redacted) AS suppliers,
           count(DISTINCT s.supplier_key) FILTER (WHERE t.local IS NOT NULL AND t.vcfse IS NOT NULL AND t.sme IS NOT NULL) AS fully_classified
    FROM spend s LEFT JOIN supplier_tags t ON t.org_id = ${orgId} AND t.supplier_key = s.supplier_key`.execute(
    db,
  );
  return rows[0]!;
}

export interface UnclassifiedRow {
  supplier_key: string;
  name: string;
  pence: bigint;
  local: boolean | null;
  vcfse: boolean | null;
  sme: boolean | null;
  tagged: boolean;
}

/** The suppliers with spend in the period whose location, VCFSE or SME status is unknown, largest first. */
export async function findTopUnclassified(
  db: Db,
  orgId: string,
  period: { from: string; to: string },
  limit: number,
): Promise<UnclassifiedRow[]> {
  const { rows } = await sql<UnclassifiedRow>`
    SELECT s.supplier_key, sup.name, s.pence, t.local, t.vcfse, t.sme, t.supplier_key IS NOT NULL AS tagged
    FROM (
      SELECT supplier_key, sum(amount_pence)::bigint AS pence FROM spend_summary
      WHERE org_id = ${orgId} AND month BETWEEN ${period.from}::date AND ${period.to}::date AND supplier_key IS NOT NULL
      GROUP BY supplier_key
    ) s
    JOIN suppliers sup ON sup.org_id = ${orgId} AND sup.supplier_key = s.supplier_key
    LEFT JOIN supplier_tags t ON t.org_id = ${orgId} AND t.supplier_key = s.supplier_key
    WHERE t.local IS NULL OR t.vcfse IS NULL OR t.sme IS NULL
    ORDER BY s.pence DESC, sup.name
    LIMIT ${limit}`.execute(db);
  return rows;
}
