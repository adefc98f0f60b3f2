import type { Kysely } from 'kysely';
import type { DB, MeasureKind } from '../../db/schema.ts';
import type { Principal } from '../../http/access.ts';
import { AppError, conflict, forbidden, notFound } from '../../http/problem.ts';
import { formatPence, parsePounds } from '../../money.ts';
import { insertAuditEntry } from '../audit/audit.repository.ts';
import { getMetrics } from '../metrics/metrics.service.ts';
import { findOrganisation } from '../organisations/organisations.repository.ts';
import * as repo from './charter.repository.ts';
import {
  combineMeasure,
  formatMeasureValue,
  parseMeasureValue,
  type StoredValue,
} from './measure-values.ts';
import { supplierIdentity } from './supplier-identity.ts';

/*
 * The Social Value Charter: each partner's headline figures on its own financial year, the
 * partnership's figures together, and what partners submit for what spend cannot show.
 * Partners see figures, never one another's payment lines.
 */

export const DEFAULT_PARTNERSHIP = 'default';

/** The partnership a key may read: a partner key its own organisation's; an admin any (default: 'default'). */
export async function resolvePartnership(
  db: Kysely<DB>,
  principal: Principal,
  requested: string | undefined,
): Promise<string> {
  if (principal.role === 'admin') return requested ?? DEFAULT_PARTNERSHIP;
  const own = principal.orgId ? await repo.findPartnershipOf(db, principal.orgId) : undefined;
  if (!own) throw forbidden();
  if (requested !== undefined && requested !== own) throw forbidden();
  return own;
}

const SPEND_FIELDS = [
  'totalSpend',
  'localSpend',
  'widerAreaSpend',
  'vcfseSpend',
  'smeSpend',
  'deprivedAreaSpend',
] as const;

/** Each partner's figures for the financial year beginning in `year`, and the partnership's. */
export async function getCharter(db: Kysely<DB>, partnershipId: string, year: number) {
  const partnership = await repo.findPartnership(db, partnershipId);
  if (!partnership) throw notFound(`Partnership ${partnershipId}`);
  const members = await repo.findMembers(db, partnershipId);
  const measures = await repo.listMeasures(db);
  const values = await repo.findValues(
    db,
    members.map((m) => m.id),
    year,
  );

  const partners = [];
  const sums: Record<(typeof SPEND_FIELDS)[number], bigint> = {
    totalSpend: 0n,
    localSpend: 0n,
    widerAreaSpend: 0n,
    vcfseSpend: 0n,
    smeSpend: 0n,
    deprivedAreaSpend: 0n,
  };
  for (const member of members) {
    const m = await getMetrics(db, member.id, { year });
    for (const field of SPEND_FIELDS) sums[field] += parsePounds(m[field])!;
    partners.push({
      organisation: member.id,
      name: member.name,
      year: m.year,
      label: m.label,
      period: m.period,
      totalSpend: m.totalSpend,
      localSpend: m.localSpend,
      localShare: m.localShare,
      widerAreaSpend: m.widerAreaSpend,
      widerAreaShare: m.widerAreaShare,
      vcfseSpend: m.vcfseSpend,
      vcfseShare: m.vcfseShare,
      smeSpend: m.smeSpend,
      smeShare: m.smeShare,
      deprivedAreaSpend: m.deprivedAreaSpend,
      deprivedAreaShare: m.deprivedAreaShare,
      supplierCount: m.supplierCount,
      localSupplierCount: m.localSupplierCount,
      vcfseSupplierCount: m.vcfseSupplierCount,
      smeSupplierCount: m.smeSupplierCount,
      measures: values
        .filter((v) => v.org_id === member.id)
        .map((v) => {
          const measure = measures.find((d) => d.code === v.measure_code)!;
          return {
            code: v.measure_code,
            value: formatMeasureValue(measure.kind, stored(v)),
            note: v.note,
          };
        }),
    });
  }

  // The same business paid by several partners counts once.
  const suppliers = await repo.findPartnerSuppliers(
    db,
    members.map((m) => ({ orgId: m.id, year })),
  );
  const all = new Set<string>();
  const local = new Set<string>();
  for (const s of suppliers) {
    const identity = supplierIdentity({
      companyNumber: s.company_number,
      charityNumber: s.charity_number,
      societyNumber: s.society_number,
      nameKey: s.name_key,
      postcode: s.postcode,
    }).key;
    all.add(identity);
    if (s.local) local.add(identity);
  }
  const share = (part: bigint) =>
    sums.totalSpend === 0n ? null : Number(part) / Number(sums.totalSpend);

  return {
    partnership: { id: partnership.id, name: partnership.name },
    year,
    partners,
    combined: {
      partners: members.length,
      totalSpend: formatPence(sums.totalSpend),
      localSpend: formatPence(sums.localSpend),
      localShare: share(sums.localSpend),
      widerAreaSpend: formatPence(sums.widerAreaSpend),
      widerAreaShare: share(sums.widerAreaSpend),
      vcfseSpend: formatPence(sums.vcfseSpend),
      vcfseShare: share(sums.vcfseSpend),
      smeSpend: formatPence(sums.smeSpend),
      smeShare: share(sums.smeSpend),
      deprivedAreaSpend: formatPence(sums.deprivedAreaSpend),
      deprivedAreaShare: share(sums.deprivedAreaSpend),
      supplierCount: all.size,
      localSupplierCount: local.size,
      measures: measures.map((measure) => {
        const reported = values.filter((v) => v.measure_code === measure.code).map(stored);
        return {
          code: measure.code,
          name: measure.name,
          unit: measure.unit,
          kind: measure.kind,
          total: combineMeasure(measure.kind, reported),
          reportedBy: reported.length,
        };
      }),
    },
  };
}

/**
 * Suppliers paid by two or more partners in the year (each on its own financial year): the
 * number of partners and the combined spend. Named only when a register knows them (a company,
 * charity or society); others, who may be individuals, are never named.
 */
export async function getSharedSuppliers(
  db: Kysely<DB>,
  partnershipId: string,
  year: number,
  limit: number,
) {
  const partnership = await repo.findPartnership(db, partnershipId);
  if (!partnership) throw notFound(`Partnership ${partnershipId}`);
  const members = await repo.findMembers(db, partnershipId);
  const rows = await repo.findPartnerSuppliers(
    db,
    members.map((m) => ({ orgId: m.id, year })),
  );
  const shared = new Map<
    string,
    {
      identity: ReturnType<typeof supplierIdentity>;
      name: string;
      partners: Set<string>;
      pence: bigint;
      local: boolean;
    }
  >();
  for (const r of rows) {
    const identity = supplierIdentity({
      companyNumber: r.company_number,
      charityNumber: r.charity_number,
      societyNumber: r.society_number,
      nameKey: r.name_key,
      postcode: r.postcode,
    });
    const entry = shared.get(identity.key) ?? {
      identity,
      name: r.name,
      partners: new Set<string>(),
      pence: 0n,
      local: false,
    };
    entry.partners.add(r.org_id);
    entry.pence += r.pence;
    entry.local ||= r.local === true;
    shared.set(identity.key, entry);
  }
  const list = [...shared.values()]
    .filter((e) => e.partners.size >= 2)
    .sort(
      (a, b) =>
        b.partners.size - a.partners.size ||
        (b.pence > a.pence ? 1 : b.pence < a.pence ? -1 : 0) ||
        a.identity.key.localeCompare(b.identity.key),
    );
  return {
    partnership: { id: partnership.id, name: partnership.name },
    year,
    total: list.length,
    suppliers: list.slice(0, limit).map((e) => ({
      name: e.identity.register ? e.name : null,
      register: e.identity.register,
      number: e.identity.number,
      partners: e.partners.size,
      combinedSpend: formatPence(e.pence),
      local: e.local,
    })),
  };
}

function stored(v: repo.ValueRow): StoredValue {
  return v.flag !== null ? { amount: null, flag: v.flag } : { amount: v.amount!, flag: null };
}

/** Every measure definition. */
export async function listMeasures(db: Kysely<DB>) {
  return (await repo.listMeasures(db)).map(toMeasure);
}

function toMeasure(m: repo.MeasureRow) {
  return { code: m.code, name: m.name, unit: m.unit, kind: m.kind, description: m.description };
}

/** Defines a new measure (409 when the code is taken). */
export async function createMeasure(
  db: Kysely<DB>,
  actor: string,
  input: { code: string; name: string; unit: string; kind: MeasureKind; description?: string },
) {
  return db.transaction().execute(async (trx) => {
    const row = await repo.insertMeasure(trx, {
      ...input,
      description: input.description ?? null,
      createdBy: actor,
    });
    if (!row) throw conflict(`A measure with code "${input.code}" already exists.`);
    await insertAuditEntry(trx, {
      actor,
      orgId: null,
      action: 'charter.measure.create',
      target: row.code,
      after: toMeasure(row),
    });
    return toMeasure(row);
  });
}

/** An organisation's submitted values for a year. */
export async function getValues(db: Kysely<DB>, orgId: string, year: number) {
  if (!(await findOrganisation(db, orgId))) throw notFound(`Organisation ${orgId}`);
  const measures = await repo.listMeasures(db);
  const rows = await repo.findValues(db, [orgId], year);
  return {
    organisation: orgId,
    year,
    values: rows.map((v) => ({
      code: v.measure_code,
      value: formatMeasureValue(measures.find((m) => m.code === v.measure_code)!.kind, stored(v)),
      note: v.note,
      updatedAt: v.updated_at.toISOString(),
      updatedBy: v.updated_by,
    })),
  };
}

/**
 * Replaces an organisation's values for a year. Each is checked against its measure's
 * definition; every problem is reported at once (400), and nothing is stored unless all pass.
 */
export async function putValues(
  db: Kysely<DB>,
  actor: string,
  orgId: string,
  year: number,
  submitted: Record<
    string,
    { value: unknown; note?: string | undefined } | number | string | boolean
  >,
) {
  const measures = new Map((await repo.listMeasures(db)).map((m) => [m.code, m]));
  const errors: { in: 'body'; field: string; message: string }[] = [];
  const rows: { code: string; amount: string | null; flag: boolean | null; note: string | null }[] =
    [];
  for (const [code, entry] of Object.entries(submitted)) {
    const measure = measures.get(code);
    if (!measure) {
      errors.push({
        in: 'body',
        field: `values.${code}`,
        message: `"${code}" is not a charter measure (GET /v1/charter/measures lists them)`,
      });
      continue;
    }
    const value = typeof entry === 'object' && entry !== null ? entry.value : entry;
    const note = typeof entry === 'object' && entry !== null ? (entry.note ?? null) : null;
    const parsed = parseMeasureValue(measure.kind, value);
    if (!parsed.ok)
      errors.push({
        in: 'body',
        field: `values.${code}`,
        message: `${measure.name} ${parsed.message}`,
      });
    else rows.push({ code, ...parsed.stored, note });
  }
  if (errors.length > 0) {
    throw new AppError(
      400,
      'validation',
      `The request body has ${errors.length} invalid field(s).`,
      { errors },
    );
  }
  await db.transaction().execute(async (trx) => {
    if (!(await findOrganisation(trx, orgId))) throw notFound(`Organisation ${orgId}`);
    const before = await repo.findValues(trx, [orgId], year);
    await repo.replaceValues(trx, orgId, year, rows, actor);
    await insertAuditEntry(trx, {
      actor,
      orgId,
      action: 'charter.values',
      target: `${orgId}/${year}`,
      before: Object.fromEntries(before.map((v) => [v.measure_code, v.flag ?? v.amount])),
      after: Object.fromEntries(rows.map((v) => [v.code, v.flag ?? v.amount])),
    });
  });
  return getValues(db, orgId, year);
}

/** Every partnership, with its members. */
export async function listPartnerships(db: Kysely<DB>) {
  const out = [];
  for (const p of await repo.listPartnerships(db)) {
    out.push({
      id: p.id,
      name: p.name,
      members: (await repo.findMembers(db, p.id)).map((m) => m.id),
    });
  }
  return out;
}

/** A new partnership (organisations join it through PATCH /v1/organisations/:org). */
export async function createPartnership(
  db: Kysely<DB>,
  actor: string,
  input: { id: string; name: string },
) {
  return db.transaction().execute(async (trx) => {
    const row = await repo.insertPartnership(trx, input);
    if (!row) throw conflict(`A partnership with id "${input.id}" already exists.`);
    await insertAuditEntry(trx, {
      actor,
      orgId: null,
      action: 'partnership.create',
      target: row.id,
      after: { id: row.id, name: row.name },
    });
    return { id: row.id, name: row.name, members: [] as string[] };
  });
}
