import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { formatPence } from '../../money.ts';
import { insertAuditEntry } from '../audit/audit.repository.ts';
import { tagSuppliers } from '../classify/classify.service.ts';
import { normaliseName } from '../classify/normalise-name.ts';
import { financialYear, type Period } from '../metrics/periods.ts';
import { findOrganisation } from '../organisations/organisations.repository.ts';
import { normalisePostcode } from '../reference/postcode.ts';
import { findNearNames } from '../reference/reference.repository.ts';
import * as repo from './suppliers.repository.ts';
import { TAG_NAMES } from './suppliers.schemas.ts';

type TagName = (typeof TAG_NAMES)[number];
type Tag = { value: boolean | null; source: string; evidence: string };

const TAG_COLUMNS: Record<TagName, repo.TagColumn> = {
  local: 'local',
  widerArea: 'wider_area',
  deprivedArea: 'deprived_area',
  vcfse: 'vcfse',
  sme: 'sme',
};

const UNTAGGED: Tag = { value: null, source: 'none', evidence: 'not tagged yet' };

function tagsOf(
  row: { provenance: Record<string, { source: string; evidence: string }> | null } & Partial<
    Record<repo.TagColumn, boolean | null>
  >,
) {
  return Object.fromEntries(
    TAG_NAMES.map((name) => {
      const p = row.provenance?.[name];
      return [
        name,
        p
          ? { value: row[TAG_COLUMNS[name]] ?? null, source: p.source, evidence: p.evidence }
          : UNTAGGED,
      ];
    }),
  ) as Record<TagName, Tag>;
}

async function periodOf(
  db: Kysely<DB>,
  orgId: string,
  year: number | undefined,
): Promise<Period | null> {
  const org = await findOrganisation(db, orgId);
  if (!org) throw notFound(`Organisation ${orgId}`);
  return year === undefined ? null : financialYear(year, org.year_start_month);
}

/** Suppliers with tags, sources and spend, largest spend first; filtered by tag, name and year. */
export async function listSuppliers(
  db: Kysely<DB>,
  orgId: string,
  query: { tag?: string; q?: string; year?: number; limit: number; offset: number },
) {
  const period = await periodOf(db, orgId, query.year);
  const [tagName, wanted] = (query.tag ?? '').split(':') as [TagName | '', string | undefined];
  const rows = await repo.listSuppliers(db, orgId, {
    ...(tagName
      ? {
          tag: {
            column: TAG_COLUMNS[tagName],
            value: wanted === 'false' ? false : wanted === 'unknown' ? null : true,
          },
        }
      : {}),
    ...(query.q ? { nameKeyContains: normaliseName(query.q) } : {}),
    ...(period ? { period } : {}),
    limit: query.limit,
    offset: query.offset,
  });
  return {
    year: period?.year ?? null,
    label: period?.label ?? null,
    total: Number(rows[0]?.total ?? 0),
    limit: query.limit,
    offset: query.offset,
    suppliers: rows.map((r) => ({
      ref: r.supplier_key,
      name: r.name,
      reference: r.ref,
      inSupplierFile: r.in_file,
      postcode: r.postcode,
      lad: r.lad,
      spend: formatPence(r.spend_pence),
      payments: Number(r.payment_count),
      tags: tagsOf(r),
      overridden: r.has_override,
    })),
  };
}

/** One supplier with everything its tags rest on, and its spend (in the year, if given). */
export async function getSupplier(
  db: Kysely<DB>,
  orgId: string,
  supplierKey: string,
  year?: number,
) {
  const period = await periodOf(db, orgId, year);
  const row = await repo.findSupplierDetail(db, orgId, supplierKey);
  if (!row) throw notFound(`Supplier ${supplierKey}`);
  const spend = await repo.sumSupplierSpend(db, orgId, supplierKey, period ?? undefined);
  const override = await repo.findOverride(db, orgId, supplierKey);
  return {
    ref: row.supplier_key,
    name: row.name,
    reference: row.ref,
    inSupplierFile: row.file_upload_id !== null,
    postcode: row.tag_postcode,
    lad: row.lad,
    spend: formatPence(spend.pence),
    payments: spend.payments,
    tags: tagsOf(row),
    overridden: override !== undefined,
    address: row.address,
    postcodeSource: row.postcode_source,
    lsoa: row.lsoa,
    imdDecile: row.imd_decile,
    numbers: {
      company: row.company_number ?? row.ledger_company_number,
      charity: row.charity_number ?? row.ledger_charity_number,
      society: row.society_number,
      vat: row.vat_number ?? row.ledger_vat_number,
    },
    size: {
      employees: row.employees,
      turnover: row.turnover_pence === null ? null : formatPence(BigInt(row.turnover_pence)),
      balanceSheet:
        row.balance_sheet_pence === null ? null : formatPence(BigInt(row.balance_sheet_pence)),
    },
    matched: {
      company: row.matched_company_number,
      charity: row.matched_charity_number,
      society: row.matched_society_number,
    },
    postcodeEvidence: row.provenance?.postcode?.evidence ?? null,
    override: override
      ? {
          local: override.local,
          vcfse: override.vcfse,
          sme: override.sme,
          postcode: override.postcode,
          reason: override.reason,
          setBy: override.set_by,
          setAt: override.set_at.toISOString(),
        }
      : null,
    taggedAt: row.tagged_at?.toISOString() ?? null,
  };
}

/**
 * Sets a supplier's override (replacing any before it): it wins over every rule, survives every
 * reload, is written to the audit log, and changes the figures at once.
 */
export async function setOverride(
  db: Kysely<DB>,
  actor: string,
  orgId: string,
  supplierKey: string,
  body: {
    local?: boolean | null;
    vcfse?: boolean | null;
    sme?: boolean | null;
    postcode?: string | null;
    reason: string;
  },
) {
  let postcode: string | null = null;
  if (body.postcode) {
    postcode = normalisePostcode(body.postcode);
    if (!postcode) {
      throw new AppError(400, 'validation', 'The override has 1 invalid field(s).', {
        errors: [
          { in: 'body', field: 'postcode', message: `"${body.postcode}" is not a UK postcode` },
        ],
      });
    }
  }
  await db.transaction().execute(async (trx) => {
    if (!(await repo.findSupplierDetail(trx, orgId, supplierKey)))
      throw notFound(`Supplier ${supplierKey}`);
    const before = await repo.findOverride(trx, orgId, supplierKey);
    const after = await repo.upsertOverride(trx, orgId, supplierKey, {
      local: body.local ?? null,
      vcfse: body.vcfse ?? null,
      sme: body.sme ?? null,
      postcode,
      reason: body.reason,
      setBy: actor,
    });
    await insertAuditEntry(trx, {
      actor,
      orgId,
      action: 'supplier.override',
      target: supplierKey,
      before: before ? overrideAudit(before) : null,
      after: overrideAudit(after),
    });
    await tagSuppliers(trx, orgId, [supplierKey]);
  });
  return getSupplier(db, orgId, supplierKey);
}

/** Removes a supplier's override: the rules decide again. */
export async function clearOverride(
  db: Kysely<DB>,
  actor: string,
  orgId: string,
  supplierKey: string,
) {
  await db.transaction().execute(async (trx) => {
    const before = await repo.deleteOverride(trx, orgId, supplierKey);
    if (!before) throw notFound(`An override for supplier ${supplierKey}`);
    await insertAuditEntry(trx, {
      actor,
      orgId,
      action: 'supplier.override.clear',
      target: supplierKey,
      before: overrideAudit(before),
      after: null,
    });
    await tagSuppliers(trx, orgId, [supplierKey]);
  });
  return getSupplier(db, orgId, supplierKey);
}

function overrideAudit(o: repo.OverrideRow) {
  return { local: o.local, vcfse: o.vcfse, sme: o.sme, postcode: o.postcode, reason: o.reason };
}

/** Register entries with names near the supplier's: suggestions for a person, never applied. */
export async function findMatches(db: Kysely<DB>, orgId: string, supplierKey: string) {
  const row = await repo.findSupplierDetail(db, orgId, supplierKey);
  if (!row) throw notFound(`Supplier ${supplierKey}`);
  return {
    ref: row.supplier_key,
    name: row.name,
    suggestions: await findNearNames(db, row.name_key, 10),
  };
}
