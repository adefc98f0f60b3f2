import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { formatPence } from '../../money.ts';
import { insertAuditEntry } from '../audit/audit.repository.ts';
import { findOrganisation } from '../organisations/organisations.repository.ts';
import type { ExplicitMapping } from './column-map.ts';
import type { LedgerField } from './ledger-csv.ts';
import { FileRejectedError, LedgerFile, type Warning } from './ledger-file.ts';
import * as repo from './ingest.repository.ts';

export interface LedgerIngestRequest {
  orgId: string;
  actor: string;
  filename: string | null;
  bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  mapping?: ExplicitMapping;
  /** Load, report, and roll back: nothing is stored. */
  dryRun?: boolean;
  /** Called as rows are read (rows read so far). */
  onProgress?: (rows: number) => void;
}

export interface UploadView {
  id: string;
  kind: 'ledger' | 'suppliers';
  status: 'loaded';
  filename: string | null;
  sha256: string;
  rows: { read: number; loaded: number; rejected: number; duplicates: number };
  total: string;
  period: { from: string | null; to: string | null };
  mapping: Record<string, string>;
  encoding: string | null;
  warnings: Warning[];
  createdAt: string;
  createdBy: string;
}

export interface IngestResult {
  upload: UploadView;
  /** False when the same file had been loaded before: `upload` is that earlier upload. */
  created: boolean;
  dryRun: boolean;
}

/** Row to API object: the one place an upload's columns become its JSON. */
export function toUploadView(row: repo.UploadRow): UploadView {
  return {
    id: row.id,
    kind: row.kind,
    status: 'loaded',
    filename: row.filename,
    sha256: row.sha256 ?? '',
    rows: {
      read: row.rows_read,
      loaded: row.rows_loaded,
      rejected: row.rows_rejected,
      duplicates: row.rows_duplicate,
    },
    total: formatPence(row.total_pence),
    period: { from: row.period_from, to: row.period_to },
    mapping: row.mapping,
    encoding: row.encoding,
    warnings: row.warnings,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
  };
}

/** Ends the transaction without keeping anything, carrying what the load would have been. */
class RollbackWith extends Error {
  constructor(readonly result: IngestResult) {
    super('rollback');
  }
}

/**
 * Loads a ledger file: every row or none. Streams the file through the parser into COPY inside
 * one transaction; any row error rolls the whole upload back and answers 422 with every error
 * counted and the first 1,000 listed. The same file again returns the earlier upload. Rows
 * identical to rows already loaded (a quarterly file after its monthly files) are skipped one
 * for one and reported.
 */
export async function ingestLedger(
  db: Kysely<DB>,
  request: LedgerIngestRequest,
): Promise<IngestResult> {
  const { orgId } = request;
  if (!(await findOrganisation(db, orgId))) throw notFound(`Organisation ${orgId}`);
  const file = new LedgerFile(request.bytes, { mapping: request.mapping, stopRowsOnError: true });

  try {
    return await db.transaction().execute(async (trx) => {
      const uploadId = await repo.insertUpload(trx, {
        orgId,
        kind: 'ledger',
        filename: request.filename,
        createdBy: request.actor,
      });
      await repo.copyPayments(
        trx,
        orgId,
        uploadId,
        withProgress(file.rows(), file, request.onProgress),
      );
      request.onProgress?.(file.rowsRead);
      if (file.errorCount > 0) throw rejection(file);

      const earlier = await repo.findUploadByHash(trx, orgId, 'ledger', file.sha256);
      if (earlier)
        throw new RollbackWith({
          upload: toUploadView(earlier),
          created: false,
          dryRun: Boolean(request.dryRun),
        });

      await repo.lockOrganisationUploads(trx, orgId);
      const warnings = file.warnings();
      let duplicates = { lines: [] as number[], count: 0, pence: 0n };
      let period = { from: file.firstDate, to: file.lastDate };
      if (
        period.from &&
        period.to &&
        (await repo.hasPaymentsInPeriod(trx, orgId, uploadId, period.from, period.to))
      ) {
        const fields = Object.keys(file.mapping?.columns ?? {}) as LedgerField[];
        duplicates = await repo.deleteOverlappingPayments(
          trx,
          orgId,
          uploadId,
          { from: period.from, to: period.to },
          fields,
        );
        if (duplicates.count > 0) {
          warnings.push(duplicateWarning(duplicates));
          if (duplicates.count === file.rowsValid) period = { from: null, to: null };
        }
      }

      const row = await repo.finishUpload(trx, orgId, uploadId, {
        sha256: file.sha256,
        mapping: file.mapping?.headers ?? {},
        encoding: file.encoding,
        rowsRead: file.rowsRead,
        rowsLoaded: file.rowsValid - duplicates.count,
        rowsDuplicate: duplicates.count,
        totalPence: file.totalPence - duplicates.pence,
        periodFrom: period.from,
        periodTo: period.to,
        warnings,
      });
      const result: IngestResult = {
        upload: toUploadView(row),
        created: true,
        dryRun: Boolean(request.dryRun),
      };
      if (request.dryRun) throw new RollbackWith(result);
      await insertAuditEntry(trx, {
        actor: request.actor,
        orgId,
        action: 'upload.create',
        target: row.id,
        after: {
          kind: 'ledger',
          filename: row.filename,
          sha256: row.sha256,
          rows: result.upload.rows,
          total: result.upload.total,
        },
      });
      return result;
    });
  } catch (error) {
    if (error instanceof RollbackWith) return error.result;
    if (isUniqueViolation(error)) {
      // The same file finished in another request while this one was loading.
      const earlier = await repo.findUploadByHash(db, orgId, 'ledger', file.sha256);
      if (earlier)
        return { upload: toUploadView(earlier), created: false, dryRun: Boolean(request.dryRun) };
    }
    if (error instanceof FileRejectedError) {
      throw new AppError(422, 'invalid-file', fileProblemDetail(error, request.filename), {
        errors: error.errors,
        errorCount: error.errorCount,
      });
    }
    throw error;
  }
}

async function* withProgress<T>(
  batches: AsyncIterable<T>,
  file: LedgerFile,
  onProgress: ((rows: number) => void) | undefined,
): AsyncGenerator<T> {
  for await (const batch of batches) {
    yield batch;
    onProgress?.(file.rowsRead);
  }
}

function rejection(file: LedgerFile): FileRejectedError {
  return new FileRejectedError(
    `${file.errorCount} of ${file.rowsRead} payment lines are invalid.`,
    file.errors,
    file.errorCount,
  );
}

function fileProblemDetail(error: FileRejectedError, filename: string | null): string {
  const name = filename ? `${filename}: ` : '';
  return `${name}${error.message} Nothing was stored.`;
}

function duplicateWarning(duplicates: { lines: number[]; count: number; pence: bigint }): Warning {
  const shown = duplicates.lines.slice(0, 10).join(', ');
  return {
    code: 'duplicates',
    message:
      `${duplicates.count} line(s) (${shown}${duplicates.count > 10 ? ', ...' : ''}) are identical to payments already loaded ` +
      `from earlier files and were skipped (${formatPence(duplicates.pence)}), so overlapping files do not count twice.`,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '23505';
}

/** An organisation's uploads. */
export async function listUploads(db: Kysely<DB>, orgId: string): Promise<UploadView[]> {
  return (await repo.listUploads(db, orgId)).map(toUploadView);
}

/** One upload, or 404. */
export async function getUpload(db: Kysely<DB>, orgId: string, id: string): Promise<UploadView> {
  const row = await repo.findUpload(db, orgId, id);
  if (!row) throw notFound(`Upload ${id}`);
  return toUploadView(row);
}

/** Undoes an upload: its payments go, and the figures with them. */
export async function deleteUpload(
  db: Kysely<DB>,
  actor: string,
  orgId: string,
  id: string,
): Promise<{ payments: number }> {
  return db.transaction().execute(async (trx) => {
    const row = await repo.findUpload(trx, orgId, id);
    if (!row) throw notFound(`Upload ${id}`);
    await repo.lockOrganisationUploads(trx, orgId);
    const payments = await repo.deleteUploadWithPayments(trx, orgId, id);
    await insertAuditEntry(trx, {
      actor,
      orgId,
      action: 'upload.delete',
      target: id,
      before: {
        kind: row.kind,
        filename: row.filename,
        sha256: row.sha256,
        rows: row.rows_loaded,
        total: formatPence(row.total_pence),
      },
    });
    return { payments };
  });
}
