import { performance } from 'node:perf_hooks';
import type { Kysely, Transaction } from 'kysely';
import type { DB, UploadKind } from '../../db/schema.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { formatPence } from '../../money.ts';
import { insertAuditEntry } from '../audit/audit.repository.ts';
import { tagSuppliers } from '../classify/classify.service.ts';
import { findSupplierKeysByNameKey } from '../classify/classify.repository.ts';
import * as metricSummaries from '../metrics/summaries.repository.ts';
import { findOrganisation } from '../organisations/organisations.repository.ts';
import { SUPPLIER_KIND, type SupplierField, type SupplierRow } from '../suppliers/supplier-csv.ts';
import * as suppliers from '../suppliers/suppliers.repository.ts';
import type { ExplicitMapping } from './column-map.ts';
import type { LedgerField } from './ledger-csv.ts';
import { LedgerFile, type LedgerFileState } from './ledger-file.ts';
import { LedgerSummary, SummaryLimitError, type TagValues } from './ledger-summary.ts';
import {
  FileRejectedError,
  MappedCsvFile,
  type RowError,
  type Warning,
} from './mapped-csv-file.ts';
import { readLedgerInWorker } from './parse-in-worker.ts';
import { uploadRowPrefix } from './payment-copy.ts';
import * as repo from './ingest.repository.ts';

export interface UploadRequest {
  orgId: string;
  actor: string;
  filename: string | null;
  bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  mapping?: ExplicitMapping;
  /** Load, report, and roll back: nothing is stored. */
  dryRun?: boolean;
  /** Called as rows are read (rows read so far). */
  onProgress?: (rows: number) => void;
  /**
   * Read a ledger in this thread, not on a worker beside it (see parse-in-worker.ts): the same
   * rows, facts and summary, one core instead of two (tests compare the two).
   */
  readHere?: boolean;
  /** Cells the upload's summary holds before its spend is summed in the database (tests: small). */
  summaryCellLimit?: number;
}

export interface UploadView {
  id: string;
  kind: UploadKind;
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
  /** Where the time went: reading the file into the tables, then bringing suppliers, tags and figures up to date. */
  timings?: { readMs: number; finishMs: number };
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

/** What an upload's finishing step reports. */
interface Figures {
  rowsLoaded: number;
  rowsDuplicate: number;
  totalPence: bigint;
  periodFrom: string | null;
  periodTo: string | null;
  warnings: Warning[];
}

/** Ends the transaction without keeping anything, carrying what the load would have been. */
class RollbackWith extends Error {
  constructor(readonly result: IngestResult) {
    super('rollback');
  }
}

/**
 * The life of an upload, whatever its kind: one transaction in which the file is streamed in
 * (`stream`), judged whole (any row error: 422, nothing kept), recognised if loaded before
 * (the earlier upload, 200), and then applied (`finish`, under the organisation's upload lock).
 */
async function runUpload(
  db: Kysely<DB>,
  kind: UploadKind,
  request: UploadRequest,
  steps: {
    /** Reads the file into the transaction; returns what it found. */
    stream: (trx: Transaction<DB>, uploadId: string) => Promise<FileFacts>;
    finish: (trx: Transaction<DB>, uploadId: string) => Promise<Figures>;
  },
): Promise<IngestResult> {
  const { orgId } = request;
  if (!(await findOrganisation(db, orgId))) throw notFound(`Organisation ${orgId}`);
  const dryRun = Boolean(request.dryRun);
  // Known once the file has been read (set inside the transaction, read after it).
  const read: { file: FileFacts | null } = { file: null };
  try {
    return await db.transaction().execute(async (trx) => {
      const uploadId = await repo.insertUpload(trx, {
        orgId,
        kind,
        filename: request.filename,
        createdBy: request.actor,
      });
      const started = performance.now();
      const file = await steps.stream(trx, uploadId);
      read.file = file;
      const readMs = performance.now() - started;
      request.onProgress?.(file.rowsRead);
      if (file.errorCount > 0) {
        throw new FileRejectedError(
          `${file.errorCount} of ${file.rowsRead} ${ROW_NOUNS[kind]} lines are invalid.`,
          file.errors,
          file.errorCount,
        );
      }
      const earlier = await repo.findUploadByHash(trx, orgId, kind, file.sha256);
      if (earlier)
        throw new RollbackWith({ upload: toUploadView(earlier), created: false, dryRun });

      await repo.lockOrganisationUploads(trx, orgId);
      const finishing = performance.now();
      const figures = await steps.finish(trx, uploadId);
      const timings = {
        readMs: Math.round(readMs),
        finishMs: Math.round(performance.now() - finishing),
      };
      const row = await repo.finishUpload(trx, orgId, uploadId, {
        sha256: file.sha256,
        mapping: (file.mapping?.headers ?? {}) as Record<string, string>,
        encoding: file.encoding,
        rowsRead: file.rowsRead,
        ...figures,
      });
      const result: IngestResult = { upload: toUploadView(row), created: true, dryRun, timings };
      if (dryRun) throw new RollbackWith(result);
      await insertAuditEntry(trx, {
        actor: request.actor,
        orgId,
        action: 'upload.create',
        target: row.id,
        after: {
          kind,
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
    if (isUniqueViolation(error) && read.file !== null) {
      // The same file finished in another request while this one was loading.
      const earlier = await repo.findUploadByHash(db, orgId, kind, read.file.sha256);
      if (earlier) return { upload: toUploadView(earlier), created: false, dryRun };
    }
    if (error instanceof SummaryLimitError) {
      throw new AppError(
        422,
        'invalid-file',
        `${request.filename ? `${request.filename}: ` : ''}${error.message} Nothing was stored.`,
        {
          errors: [{ row: null, column: null, value: null, message: error.message }],
          errorCount: 1,
        },
      );
    }
    if (error instanceof FileRejectedError) {
      const name = request.filename ? `${request.filename}: ` : '';
      throw new AppError(422, 'invalid-file', `${name}${error.message} Nothing was stored.`, {
        errors: error.errors,
        errorCount: error.errorCount,
      });
    }
    throw error;
  }
}

const ROW_NOUNS: Record<UploadKind, string> = { ledger: 'payment', suppliers: 'supplier' };

/** What an upload is judged and recorded by, once its file has been read. */
interface FileFacts {
  readonly rowsRead: number;
  readonly errorCount: number;
  readonly errors: RowError[];
  readonly sha256: string;
  readonly mapping: { headers: Partial<Record<string, string>> } | null;
  readonly encoding: string;
}

/** A ledger's facts: LedgerFile's as it reads here, or a LedgerFileState from a worker. */
type LedgerFacts = FileFacts &
  Pick<
    LedgerFileState,
    'rowsValid' | 'totalPence' | 'firstDate' | 'lastDate' | 'unpaidInvoices' | 'mapping'
  > & { warnings(): Warning[] };

function ledgerFactsOf(state: LedgerFileState): LedgerFacts {
  return { ...state, warnings: () => [...state.warnings] };
}

/**
 * Loads a ledger file: every row or none. Streams the file through the parser into COPY inside
 * one transaction; any row error rolls the whole upload back and answers 422 with every error
 * counted and the first 1,000 listed. The same file again returns the earlier upload. Rows
 * identical to rows already loaded (a quarterly file after its monthly files) are skipped one
 * for one and reported. The spend summary, the suppliers paid and their tags are brought up to
 * date in the same transaction.
 */
export async function ingestLedger(db: Kysely<DB>, request: UploadRequest): Promise<IngestResult> {
  const { orgId } = request;
  let file: LedgerFacts | null = null;
  let summary: LedgerSummary | null = null;
  return runUpload(db, 'ledger', request, {
    async stream(trx, uploadId) {
      const read = await streamPayments(trx, orgId, uploadId, request);
      ({ file, summary } = read);
      await repo.copyUnpaidInvoices(trx, orgId, uploadId, read.file.unpaidInvoices);
      return read.file;
    },
    async finish(trx, uploadId) {
      if (file === null || summary === null) throw new Error('the file has not been read');
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
      }
      if (duplicates.count > 0) {
        warnings.push(duplicateWarning(duplicates));
        if (duplicates.count === file.rowsValid) period = { from: null, to: null };
      }
      // Suppliers first, and the tags of the new or changed ones (their earlier spend moves with
      // their tags); then this upload's spend, summed under the tags as they now are.
      const { created, changed } = await suppliers.upsertLedgerSuppliers(
        trx,
        orgId,
        summary.supplierList,
      );
      const tagged = new Map<string, TagValues>();
      const seen = summary.suppliers;
      await tagSuppliers(trx, orgId, [...created, ...changed], {
        withoutSpend: new Set(created),
        totalsLater: true,
        tagged,
        inserted: new Map(
          created.map((key) => [key, suppliers.newLedgerSupplier(orgId, seen.get(key)!)]),
        ),
      });
      const yearStartMonth = await yearStartMonthOf(trx, orgId);
      if (duplicates.count > 0 || !summary.complete) {
        // What was gathered while reading counted the rows now removed, or stopped short of the
        // whole file (see LedgerSummary.complete): sum the spend from the payments stored.
        await repo.rebuildSpendSummary(trx, orgId, uploadId);
        await metricSummaries.applyTaggedSpend(trx, orgId, { uploadId }, 1);
        await metricSummaries.applySupplierYears(trx, orgId, uploadId, yearStartMonth, 1);
      } else {
        // The suppliers just tagged are known; the others' tags are read.
        const tags = await metricSummaries.findTagValues(
          trx,
          orgId,
          summary.supplierList.map((s) => s.key).filter((key) => !tagged.has(key)),
        );
        // The figures' deltas are summed while PostgreSQL takes the summary in (0.1 s of this
        // thread's time for the benchmark's 1M-row ledger, in the gaps of the COPY's).
        const [, deltas] = await Promise.all([
          repo.copySpendSummary(trx, orgId, uploadId, summary.cellTable()),
          summary.taggedDeltas((key) => tagged.get(key) ?? tags.get(key) ?? null, yearStartMonth),
        ]);
        await metricSummaries.addUploadDeltas(trx, orgId, deltas);
      }
      await metricSummaries.refreshTotals(trx, orgId);
      return {
        // Invoices not yet paid are stored too (apart from the payments): loaded, not spend.
        rowsLoaded: file.rowsValid - duplicates.count + file.unpaidInvoices.length,
        rowsDuplicate: duplicates.count,
        totalPence: file.totalPence - duplicates.pence,
        periodFrom: period.from,
        periodTo: period.to,
        warnings,
      };
    },
  });
}

/**
 * Loads a supplier list: every row or none. Each row updates the supplier with its reference
 * (the fields the file has; the rest are kept). The suppliers it touches are re-tagged, with
 * the ledger suppliers of the same name.
 */
export async function ingestSuppliers(
  db: Kysely<DB>,
  request: UploadRequest,
): Promise<IngestResult> {
  const { orgId } = request;
  const file = new MappedCsvFile<SupplierField, SupplierRow>(SUPPLIER_KIND, request.bytes, {
    mapping: request.mapping,
    stopRowsOnError: true,
  });
  return runUpload(db, 'suppliers', request, {
    async stream(trx) {
      await suppliers.copyFileSuppliers(
        trx,
        observe(file.rows(), () => request.onProgress?.(file.rowsRead)),
      );
      return file;
    },
    async finish(trx, uploadId) {
      const mapped = Object.keys(file.mapping?.columns ?? {}) as SupplierField[];
      const touched = await suppliers.applyFileSuppliers(trx, orgId, uploadId, mapped);
      const sameName = await findSupplierKeysByNameKey(trx, orgId, touched.nameKeys);
      await tagSuppliers(trx, orgId, [...touched.keys, ...sameName]);
      return {
        rowsLoaded: file.rowsValid,
        rowsDuplicate: 0,
        totalPence: 0n,
        periodFrom: null,
        periodTo: null,
        warnings: file.warnings(),
      };
    },
  });
}

/**
 * Reads a ledger's rows into payments with COPY: on a worker thread (see parse-in-worker.ts),
 * or here when the request asks. Either way the same rows, facts and summary.
 */
async function streamPayments(
  trx: Transaction<DB>,
  orgId: string,
  uploadId: string,
  request: UploadRequest,
): Promise<{ file: LedgerFacts; summary: LedgerSummary }> {
  const prefix = uploadRowPrefix(orgId, uploadId);
  if (!request.readHere) {
    const read = readLedgerInWorker(request.bytes, {
      prefix,
      mapping: request.mapping,
      cellLimit: request.summaryCellLimit,
      onProgress: request.onProgress,
    });
    await repo.copyPaymentFiles(trx, read.pieces, read.release);
    const { file, summary } = read.reading();
    return { file: ledgerFactsOf(file), summary };
  }
  const file = new LedgerFile(request.bytes, { mapping: request.mapping, stopRowsOnError: true });
  const summary = new LedgerSummary(request.summaryCellLimit);
  await repo.copyPayments(
    trx,
    prefix,
    observe(file.rows(), (batch) => {
      for (const row of batch) summary.add(row);
      request.onProgress?.(file.rowsRead);
    }),
  );
  return { file, summary };
}

/** Passes batches through, letting `see` look at each first. */
async function* observe<T>(batches: AsyncIterable<T>, see: (batch: T) => void): AsyncGenerator<T> {
  for await (const batch of batches) {
    see(batch);
    yield batch;
  }
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

async function yearStartMonthOf(db: Transaction<DB>, orgId: string): Promise<number> {
  const org = await findOrganisation(db, orgId);
  if (!org) throw notFound(`Organisation ${orgId}`);
  return org.year_start_month;
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

/**
 * Undoes an upload. A ledger's payments and spend go, and every figure with them; a supplier
 * list's rows stay on the suppliers (a later list corrects them), as do overrides.
 */
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
    await metricSummaries.applyTaggedSpend(trx, orgId, { uploadId: id }, -1);
    await metricSummaries.applySupplierYears(
      trx,
      orgId,
      id,
      await yearStartMonthOf(trx, orgId),
      -1,
    );
    await metricSummaries.refreshTotals(trx, orgId);
    await repo.deleteSpendSummary(trx, orgId, id);
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
