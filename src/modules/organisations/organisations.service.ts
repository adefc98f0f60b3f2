import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Principal } from '../../http/access.ts';
import { DbMemo } from '../../db/memo.ts';
import { AppError, conflict, notFound } from '../../http/problem.ts';
import { insertAuditEntry } from '../audit/audit.repository.ts';
import { tagSuppliers } from '../classify/classify.service.ts';
import { rebuildSummaries } from '../metrics/summaries.repository.ts';
import * as repo from './organisations.repository.ts';
import type {
  CreateOrganisation,
  Organisation,
  UpdateOrganisation,
} from './organisations.schemas.ts';

/**
 * An organisation's settings as every figure request needs them (areas, year start), remembered
 * for a few seconds; changed here, forgotten at once.
 */
const settingsMemo = new DbMemo<repo.OrganisationRow>(5_000);

/** The organisation's row, for the many reads that only need its settings. */
export async function findOrganisationSettings(
  db: Kysely<DB>,
  id: string,
): Promise<repo.OrganisationRow | undefined> {
  return settingsMemo.get(db, id, () => repo.findOrganisation(db, id));
}

/** A partnership named in a request must exist: a 400 naming the field otherwise. */
async function assertPartnership(db: Kysely<DB>, partnership: string | undefined): Promise<void> {
  if (partnership === undefined || (await repo.partnershipExists(db, partnership))) return;
  throw new AppError(400, 'validation', 'The request body has 1 invalid field(s).', {
    errors: [
      { in: 'body', field: 'partnership', message: `there is no partnership "${partnership}"` },
    ],
  });
}

/** Row to API object: the one place snake_case becomes camelCase for organisations. */
export function toOrganisation(row: repo.OrganisationRow): Organisation {
  return {
    id: row.id,
    name: row.name,
    homeAreas: row.home_areas,
    widerAreas: row.wider_areas,
    yearStartMonth: row.year_start_month,
    partnership: row.partnership_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Creates an organisation; 409 when the id is taken. */
export async function createOrganisation(
  db: Kysely<DB>,
  actor: string,
  input: Omit<CreateOrganisation, 'partnership'> & { partnership?: string },
): Promise<Organisation> {
  return db.transaction().execute(async (trx) => {
    await assertPartnership(trx, input.partnership);
    const row = await repo.insertOrganisation(trx, input);
    if (!row) throw conflict(`An organisation with id "${input.id}" already exists.`);
    const organisation = toOrganisation(row);
    await insertAuditEntry(trx, {
      actor,
      orgId: row.id,
      action: 'organisation.create',
      target: row.id,
      after: organisation,
    });
    return organisation;
  });
}

/** The organisations a principal may see: all for an admin, its own for anyone else. */
export async function listVisibleOrganisations(
  db: Kysely<DB>,
  principal: Principal,
): Promise<Organisation[]> {
  const rows =
    principal.role === 'admin'
      ? await repo.listOrganisations(db)
      : await repo.listOrganisations(db, principal.orgId ? [principal.orgId] : []);
  return rows.map(toOrganisation);
}

/** One organisation, or 404. */
export async function getOrganisation(db: Kysely<DB>, id: string): Promise<Organisation> {
  const row = await repo.findOrganisation(db, id);
  if (!row) throw notFound(`Organisation ${id}`);
  return toOrganisation(row);
}

/** Changes an organisation's settings and records before and after. */
export async function updateOrganisation(
  db: Kysely<DB>,
  actor: string,
  id: string,
  changes: UpdateOrganisation,
): Promise<Organisation> {
  const updated = await db.transaction().execute(async (trx) => {
    const before = await repo.findOrganisation(trx, id);
    if (!before) throw notFound(`Organisation ${id}`);
    await assertPartnership(trx, changes.partnership);
    const row = await repo.updateOrganisation(trx, id, changes);
    if (!row) throw notFound(`Organisation ${id}`);
    const organisation = toOrganisation(row);
    // Home and wider areas decide the location tags; the year start decides which year spend falls in.
    const areasChanged =
      changes.homeAreas !== undefined && changes.homeAreas.join() !== before.home_areas.join()
        ? true
        : changes.widerAreas !== undefined &&
          changes.widerAreas.join() !== before.wider_areas.join();
    if (areasChanged) await tagSuppliers(trx, id);
    else if (
      changes.yearStartMonth !== undefined &&
      changes.yearStartMonth !== before.year_start_month
    ) {
      await rebuildSummaries(trx, id, row.year_start_month);
    }
    await insertAuditEntry(trx, {
      actor,
      orgId: id,
      action: 'organisation.update',
      target: id,
      before: toOrganisation(before),
      after: organisation,
    });
    return organisation;
  });
  settingsMemo.forget(db, (key) => key === id);
  return updated;
}
