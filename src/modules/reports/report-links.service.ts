import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { notFound } from '../../http/problem.ts';
import { insertAuditEntry } from '../audit/audit.repository.ts';
import { generateSecret, hashApiKey } from '../keys/api-key.ts';
import { findOrganisationSettings } from '../organisations/organisations.service.ts';
import * as repo from './reports.repository.ts';

/*
 * A report link opens one organisation's annual report for one year, without a key, until it
 * expires or is revoked: what a clerk puts in the board's papers. The token is shown once;
 * only its sha256 is kept. It reaches that report and nothing else.
 */

const TOKEN_FORMAT = /^cwbr_[0-9a-f]{8}_[A-Za-z0-9_-]{32}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface ReportLink {
  id: string;
  prefix: string;
  organisation: string;
  year: number;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

function toLink(row: repo.ReportLinkRow): ReportLink {
  return {
    id: row.id,
    prefix: row.prefix,
    organisation: row.org_id,
    year: row.year,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/** The path a token opens, under the service's public address. */
export function reportLinkPath(token: string): string {
  return `/reports/${token}`;
}

/** Makes a link to the organisation's report of `year`, valid for `days`; the token is returned once. */
export async function createReportLink(
  db: Kysely<DB>,
  actor: string,
  orgId: string,
  year: number,
  days: number,
  now: Date = new Date(),
): Promise<{ token: string; link: ReportLink }> {
  if (!(await findOrganisationSettings(db, orgId))) throw notFound(`Organisation ${orgId}`);
  const secret = generateSecret('cwbr');
  return db.transaction().execute(async (trx) => {
    const row = await repo.insertReportLink(trx, {
      orgId,
      year,
      prefix: secret.prefix,
      tokenHash: secret.hash,
      createdBy: actor,
      createdAt: now,
      expiresAt: new Date(now.getTime() + days * DAY_MS),
    });
    const link = toLink(row);
    await insertAuditEntry(trx, {
      actor,
      orgId,
      action: 'report.link.create',
      target: link.prefix,
      after: link,
    });
    return { token: secret.key, link };
  });
}

/** The organisation and year a live token opens, or undefined (unknown, expired, revoked). */
export async function resolveReportToken(
  db: Kysely<DB>,
  token: string,
  now: Date = new Date(),
): Promise<{ orgId: string; year: number } | undefined> {
  if (!TOKEN_FORMAT.test(token)) return undefined;
  const row = await repo.findLiveReportLink(db, hashApiKey(token), now);
  return row ? { orgId: row.org_id, year: row.year } : undefined;
}

/** An organisation's links (never their tokens). */
export async function listReportLinks(db: Kysely<DB>, orgId: string): Promise<ReportLink[]> {
  return (await repo.listReportLinks(db, orgId)).map(toLink);
}

/** Revokes a link: it opens nothing from the next request. */
export async function revokeReportLink(
  db: Kysely<DB>,
  actor: string,
  orgId: string,
  id: string,
): Promise<ReportLink> {
  return db.transaction().execute(async (trx) => {
    const row = await repo.revokeReportLink(trx, orgId, id, new Date());
    if (!row) throw notFound(`Report link ${id}`);
    const link = toLink(row);
    await insertAuditEntry(trx, {
      actor,
      orgId,
      action: 'report.link.revoke',
      target: link.prefix,
      after: link,
    });
    return link;
  });
}
