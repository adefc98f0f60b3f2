import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { CharterMeasuresTable, DB, PartnershipsTable } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type PartnershipRow = Selectable<PartnershipsTable>;
export type MeasureRow = Selectable<CharterMeasuresTable>;

/** Every partnership. */
export async function listPartnerships(db: Db): Promise<PartnershipRow[]> {
  return db.selectFrom('partnerships').selectAll().orderBy('id').execute();
}

/** One partnership. */
export async function findPartnership(db: Db, id: string): Promise<PartnershipRow | undefined> {
  return db.selectFrom('partnerships').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Adds a partnership; undefined when the id is taken. */
export async function insertPartnership(
  db: Db,
  partnership: { id: string; name: string },
): Promise<PartnershipRow | undefined> {
  return db
    .insertInto('partnerships')
    .values(partnership)
    .onConflict((oc) => oc.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** The organisations of a partnership, by id. */
export async function findMembers(db: Db, partnershipId: string) {
  return db
    .selectFrom('organisations')
    .select(['id', 'name', 'year_start_month', 'home_areas'])
    .where('partnership_id', '=', partnershipId)
    .orderBy('id')
    .execute();
}

/** The partnership an organisation belongs to. */
export async function findPartnershipOf(db: Db, orgId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('organisations')
    .select('partnership_id')
    .where('id', '=', orgId)
    .executeTakeFirst();
  return row?.partnership_id;
}

/** Every measure definition, by code. */
export async function listMeasures(db: Db): Promise<MeasureRow[]> {
  return db.selectFrom('charter_measures').selectAll().orderBy('code').execute();
}

/** Adds a measure definition; undefined when the code is taken. */
export async function insertMeasure(
  db: Db,
  measure: {
    code: string;
    name: string;
    unit: string;
    kind: MeasureRow['kind'];
    description: string | null;
    createdBy: string;
  },
): Promise<MeasureRow | undefined> {
  return db
    .insertInto('charter_measures')
    .values({
      code: measure.code,
      name: measure.name,
      unit: measure.unit,
      kind: measure.kind,
      description: measure.description,
      created_by: measure.createdBy,
    })
    .onConflict((oc) => oc.column('code').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export interface ValueRow {
  org_id: string;
  year: number;
  measure_code: string;
  amount: string | null;
  flag: boolean | null;
  note: string | null;
  updated_at: Date;
  updated_by: string;
}

/** The values organisations submitted for a year. */
export async function findValues(
  db: Db,
  orgIds: readonly string[],
  year: number,
): Promise<ValueRow[]> {
  if (orgIds.length === 0) return [];
  return db
    .selectFrom('charter_values')
    .selectAll()
    .where('org_id', 'in', orgIds)
    .where('year', '=', year)
    .orderBy('org_id')
    .orderBy('measure_code')
    .execute();
}

/** Replaces an organisation's values for a year with these. */
export async function replaceValues(
  db: Transaction<DB>,
  orgId: string,
  year: number,
  values: readonly {
    code: string;
    amount: string | null;
    flag: boolean | null;
    note: string | null;
  }[],
  by: string,
): Promise<void> {
  await db
    .deleteFrom('charter_values')
    .where('org_id', '=', orgId)
    .where('year', '=', year)
    .execute();
  if (values.length === 0) return;
  await db
    .insertInto('charter_values')
    .values(
      values.map((v) => ({
        org_id: orgId,
        year,
        measure_code: v.code,
        amount: v.amount,
        flag: v.flag,
        note: v.note,
        updated_by: by,
      })),
    )
    .execute();
}

export interface PartnerSupplierRow {
  org_id: string;
  supplier_key: string;
  name: string;
  name_key: string;
  pence: bigint;
  local: boolean | null;
  company_number: string | null;
  charity_number: string | null;
  society_number: string | null;
  postcode: string | null;
}

/**
 * Each member's suppliers with positive net spend in its own financial year, with what tells one
 * business from another (register numbers, name key, postcode) and its local tag. Aggregates
 * only: never a payment line.
 */
export async function findPartnerSuppliers(
  db: Db,
  members: readonly { orgId: string; year: number }[],
): Promise<PartnerSupplierRow[]> {
  if (members.length === 0) return [];
  const pairs = sql.join(members.map((m) => sql`(${m.orgId}::text, ${m.year}::int)`));
  const { rows } = await sql<PartnerSupplierRow>`
    SELECT y.org_id, y.supplier_key, s.name, s.name_key, y.amount_pence AS pence, t.local,
           coalesce(t.company_number, s.company_number, s.ledger_company_number) AS company_number,
           coalesce(t.charity_number, s.charity_number, s.ledger_charity_number) AS charity_number,
           coalesce(t.society_number, s.society_number) AS society_number,
           coalesce(t.postcode, s.postcode) AS postcode
    FROM supplier_years y
    JOIN (VALUES ${pairs}) AS m (org_id, year) ON m.org_id = y.org_id AND m.year = y.year
    JOIN suppliers s ON s.org_id = y.org_id AND s.supplier_key = y.supplier_key
    LEFT JOIN supplier_tags t ON t.org_id = y.org_id AND t.supplier_key = y.supplier_key
    WHERE y.amount_pence > 0`.execute(db);
  return rows;
}
