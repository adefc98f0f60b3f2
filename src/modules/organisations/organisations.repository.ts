import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB, OrganisationsTable } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type OrganisationRow = Selectable<OrganisationsTable>;

/** One organisation by id. */
export async function findOrganisation(db: Db, id: string): Promise<OrganisationRow | undefined> {
  return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Organisations by id (all of them when `ids` is undefined), in id order. */
export async function listOrganisations(
  db: Db,
  ids?: readonly string[],
): Promise<OrganisationRow[]> {
  let query = db.selectFrom('organisations').selectAll().orderBy('id');
  if (ids !== undefined) {
    if (ids.length === 0) return [];
    query = query.where('id', 'in', ids);
  }
  return query.execute();
}

/** True when a partnership with this id exists. */
export async function partnershipExists(db: Db, id: string): Promise<boolean> {
  return (
    (await db.selectFrom('partnerships').select('id').where('id', '=', id).executeTakeFirst()) !==
    undefined
  );
}

/** Inserts an organisation; returns undefined when the id is taken. */
export async function insertOrganisation(
  db: Db,
  org: {
    id: string;
    name: string;
    homeAreas: string[];
    widerAreas: string[];
    yearStartMonth: number;
    partnership?: string;
  },
): Promise<OrganisationRow | undefined> {
  return db
    .insertInto('organisations')
    .values({
      id: org.id,
      name: org.name,
      home_areas: org.homeAreas,
      wider_areas: org.widerAreas,
      year_start_month: org.yearStartMonth,
      ...(org.partnership !== undefined ? { partnership_id: org.partnership } : {}),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Changes the given fields of an organisation. */
export async function updateOrganisation(
  db: Db,
  id: string,
  changes: {
    name?: string;
    homeAreas?: string[];
    widerAreas?: string[];
    yearStartMonth?: number;
    partnership?: string;
  },
): Promise<OrganisationRow | undefined> {
  return db
    .updateTable('organisations')
    .set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.homeAreas !== undefined ? { home_areas: changes.homeAreas } : {}),
      ...(changes.widerAreas !== undefined ? { wider_areas: changes.widerAreas } : {}),
      ...(changes.yearStartMonth !== undefined ? { year_start_month: changes.yearStartMonth } : {}),
      ...(changes.partnership !== undefined ? { partnership_id: changes.partnership } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
