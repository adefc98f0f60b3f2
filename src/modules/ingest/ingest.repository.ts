import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { bulkCopyBinary, bulkCopyRows } from '../../db/bulk-copy.ts';
import { BinaryCopyWriter } from '../../db/copy-binary.ts';
import type { DB, UploadKind, UploadsTable } from '../../db/schema.ts';
import type { LedgerField, LedgerRow, UnpaidInvoice } from './ledger-csv.ts';
import { emptyCell, type SummaryCellTable } from './ledger-summary.ts';
import { PAYMENT_COPY_COLUMNS, uploadRowPrefix, writePaymentRow } from './payment-copy.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type UploadRow = Selectable<UploadsTable>;

/** The payments column each mapped ledger field is stored in: what "identical" compares. */
const FIELD_COLUMNS: Record<LedgerField, string> = {
  paymentDate: 'payment_date',
  amount: 'amount_pence',
  supplierName: 'supplier_name',
  supplierRef: 'supplier_ref',
  transactionNumber: 'transaction_number',
  invoiceNumber: 'invoice_number',
  expenseArea: 'expense_area',
  expenseType: 'expense_type',
  irrecoverableVat: 'irrecoverable_vat_pence',
  companyNumber: 'company_number',
  charityNumber: 'charity_number',
  vatNumber: 'vat_number',
  invoiceReceivedDate: 'invoice_received_date',
  purpose: 'purpose',
  body: 'body',
  inScope: 'in_scope',
};

/** Starts an upload (status loading; its file hash is set when it finishes). */
export async function insertUpload(
  db: Db,
  upload: { orgId: string; kind: UploadKind; filename: string | null; createdBy: string },
): Promise<string> {
  const row = await db
    .insertInto('uploads')
    .values({
      org_id: upload.orgId,
      kind: upload.kind,
      filename: upload.filename,
      status: 'loading',
      created_by: upload.createdBy,
      total_pence: 0n,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Streams ledger rows of one upload into `payments` with COPY. Rows arrive in batches and are
 * written straight to binary COPY files: this is the hottest loop of an upload.
 */
export async function copyPayments(
  db: Db,
  prefix: Uint8Array,
  batches: AsyncIterable<readonly LedgerRow[]>,
): Promise<number> {
  return bulkCopyRows(db, 'payments', PAYMENT_COPY_COLUMNS, batches, (writer, row) =>
    writePaymentRow(writer, prefix, row),
  );
}

/**
 * Streams payments already written as binary COPY files (see encodePayments); `release` is
 * handed each file once it has been read (see bulkCopyBinary).
 */
export async function copyPaymentFiles(
  db: Db,
  files: AsyncIterable<Uint8Array>,
  release?: (file: Uint8Array) => void,
): Promise<number> {
  return bulkCopyBinary(db, 'payments', PAYMENT_COPY_COLUMNS, files, { release });
}

/** Columns of `unpaid_invoices` in the order they are copied. */
const UNPAID_INVOICE_COLUMNS = [
  'org_id',
  'upload_id',
  'line',
  'supplier_name',
  'supplier_ref',
  'supplier_key',
  'invoice_number',
  'invoice_received_date',
  'amount_pence',
  'in_scope',
] as const;

/** Stores an upload's invoices received and not yet paid. */
export async function copyUnpaidInvoices(
  db: Transaction<DB>,
  orgId: string,
  uploadId: string,
  invoices: readonly UnpaidInvoice[],
): Promise<number> {
  if (invoices.length === 0) return 0;
  const prefix = uploadRowPrefix(orgId, uploadId);
  return bulkCopyRows<DB, UnpaidInvoice>(
    db,
    'unpaid_invoices',
    UNPAID_INVOICE_COLUMNS,
    [invoices],
    (writer, u) => {
      writer.row(UNPAID_INVOICE_COLUMNS.length);
      writer.bytes(prefix);
      writer.int4(u.line);
      writer.text(u.supplierName);
      writer.text(u.supplierRef);
      writer.text(u.supplierKey);
      writer.text(u.invoiceNumber);
      writer.date(u.invoiceReceivedDate);
      writer.int8(u.amountPence);
      writer.bool(u.inScope);
    },
  );
}

/** A finished upload of the same file, if there is one. */
export async function findUploadByHash(
  db: Db,
  orgId: string,
  kind: UploadKind,
  sha256: string,
): Promise<UploadRow | undefined> {
  return db
    .selectFrom('uploads')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('kind', '=', kind)
    .where('sha256', '=', sha256)
    .where('status', '=', 'loaded')
    .executeTakeFirst();
}

/**
 * Serialises the finishing of uploads for one organisation until the transaction ends, so
 * overlap checks see every earlier upload. Loading (the COPY) still runs side by side.
 */
export async function lockOrganisationUploads(db: Transaction<DB>, orgId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(7261, hashtext(${orgId}))`.execute(db);
}

/** True when earlier uploads hold payments dated within [from, to]. */
export async function hasPaymentsInPeriod(
  db: Db,
  orgId: string,
  uploadId: string,
  from: string,
  to: string,
): Promise<boolean> {
  // First the uploads' periods, a few rows: an upload's payments lie within its period. The
  // payments' BRIN cannot pass over this upload's own rows (upload_id <> ...), so asking them
  // alone read every row just copied: 231 ms for a 1M-row file on PGlite with nothing before it.
  const overlapping = await db
    .selectFrom('uploads')
    .select(sql<number>`1`.as('found'))
    .where('org_id', '=', orgId)
    .where('id', '<>', uploadId)
    .where('kind', '=', 'ledger')
    .where('status', '=', 'loaded')
    .where('period_from', '<=', to)
    .where('period_to', '>=', from)
    .limit(1)
    .executeTakeFirst();
  if (overlapping === undefined) return false;
  const row = await db
    .selectFrom('payments')
    .select(sql<number>`1`.as('found'))
    .where('org_id', '=', orgId)
    .where('upload_id', '<>', uploadId)
    .where('payment_date', '>=', from)
    .where('payment_date', '<=', to)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Removes from this upload the rows identical, in every field the file mapped, to rows of
 * earlier uploads, matched one for one: a line repeated twice in this file and once before
 * keeps one copy. Returns the lines removed and their total.
 */
export async function deleteOverlappingPayments(
  db: Transaction<DB>,
  orgId: string,
  uploadId: string,
  period: { from: string; to: string },
  fields: readonly LedgerField[],
): Promise<{ lines: number[]; count: number; pence: bigint }> {
  const columns = sql.join(fields.map((f) => sql.ref(FIELD_COLUMNS[f])));
  const rowHash = sql`md5(row(${columns})::text)`;
  // The rows just copied are not in the planner's statistics yet (it thinks there is about one),
  // so it would match them by nested loops: rows x rows, hours for a quarter's file after its
  // months. Hash joins only, for this statement.
  const { rows: setting } = await sql<{ was: string }>`
    SELECT current_setting('enable_nestloop') AS was, set_config('enable_nestloop', 'off', true)`.execute(
    db,
  );
  const { rows } = await sql<{ line: number; amount_pence: bigint }>`
    WITH fresh AS (
      SELECT line, ${rowHash} AS h, row_number() OVER (PARTITION BY ${rowHash} ORDER BY line) AS k
      FROM payments WHERE org_id = ${orgId} AND upload_id = ${uploadId}
    ),
    earlier AS (
      SELECT ${rowHash} AS h, count(*) AS n
      FROM payments
      WHERE org_id = ${orgId} AND upload_id <> ${uploadId}
        AND payment_date BETWEEN ${period.from} AND ${period.to}
      GROUP BY 1
    ),
    doomed AS (
      SELECT f.line FROM fresh f JOIN earlier e ON e.h = f.h WHERE f.k <= e.n
    )
    DELETE FROM payments p USING doomed d
    WHERE p.org_id = ${orgId} AND p.upload_id = ${uploadId} AND p.line = d.line
    RETURNING p.line, p.amount_pence`.execute(db);
  await sql`SELECT set_config('enable_nestloop', ${setting[0]!.was}, true)`.execute(db);
  let pence = 0n;
  for (const row of rows) pence += row.amount_pence;
  return { lines: rows.map((r) => r.line).sort((a, b) => a - b), count: rows.length, pence };
}

/** Marks an upload loaded with its figures. Fails (unique violation) if the same file finished first. */
export async function finishUpload(
  db: Db,
  orgId: string,
  id: string,
  figures: {
    sha256: string;
    mapping: Record<string, string>;
    encoding: string;
    rowsRead: number;
    rowsLoaded: number;
    rowsDuplicate: number;
    totalPence: bigint;
    periodFrom: string | null;
    periodTo: string | null;
    warnings: { code: string; message: string }[];
  },
): Promise<UploadRow> {
  return db
    .updateTable('uploads')
    .set({
      sha256: figures.sha256,
      status: 'loaded',
      mapping: JSON.stringify(figures.mapping),
      encoding: figures.encoding,
      rows_read: figures.rowsRead,
      rows_loaded: figures.rowsLoaded,
      rows_rejected: 0,
      rows_duplicate: figures.rowsDuplicate,
      total_pence: figures.totalPence,
      period_from: figures.periodFrom,
      period_to: figures.periodTo,
      warnings: JSON.stringify(figures.warnings),
    })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** An organisation's finished uploads, newest first. */
export async function listUploads(db: Db, orgId: string, kind?: UploadKind): Promise<UploadRow[]> {
  let query = db
    .selectFrom('uploads')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('status', '=', 'loaded');
  if (kind) query = query.where('kind', '=', kind);
  return query.orderBy('created_at', 'desc').orderBy('id').execute();
}

/** One finished upload. */
export async function findUpload(
  db: Db,
  orgId: string,
  id: string,
): Promise<UploadRow | undefined> {
  return db
    .selectFrom('uploads')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('status', '=', 'loaded')
    .executeTakeFirst();
}

/** Removes an upload and its payments; returns how many payments went. */
export async function deleteUploadWithPayments(
  db: Transaction<DB>,
  orgId: string,
  id: string,
): Promise<number> {
  const deleted = await db
    .deleteFrom('payments')
    .where('org_id', '=', orgId)
    .where('upload_id', '=', id)
    .executeTakeFirst();
  await db
    .deleteFrom('unpaid_invoices')
    .where('org_id', '=', orgId)
    .where('upload_id', '=', id)
    .execute();
  await db.deleteFrom('uploads').where('org_id', '=', orgId).where('id', '=', id).execute();
  return Number(deleted.numDeletedRows);
}

/** Sum and count of an organisation's payments (for checks and tests). */
export async function sumPayments(
  db: Db,
  orgId: string,
  from?: string,
  to?: string,
): Promise<{ count: bigint; pence: bigint }> {
  let query = db
    .selectFrom('payments')
    .select([
      sql<bigint>`count(*)`.as('count'),
      sql<bigint>`coalesce(sum(amount_pence), 0)::bigint`.as('pence'),
    ])
    .where('org_id', '=', orgId);
  if (from) query = query.where('payment_date', '>=', from);
  if (to) query = query.where('payment_date', '<=', to);
  return query.executeTakeFirstOrThrow();
}

/** Columns of `spend_summary` in the order they are copied. */
const SPEND_SUMMARY_COLUMNS = [
  'org_id',
  'upload_id',
  'month',
  'supplier_key',
  'redacted',
  'expense_area',
  'expense_type',
  'amount_pence',
  'payment_count',
] as const;

/** Writes an upload's spend summary cells (aggregated while the file was read), straight as binary COPY. */
export async function copySpendSummary(
  db: Transaction<DB>,
  orgId: string,
  uploadId: string,
  cells: SummaryCellTable,
): Promise<number> {
  const prefix = uploadRowPrefix(orgId, uploadId);
  // Each distinct value encoded once, not once a cell.
  const text = (value: string | null) => BinaryCopyWriter.fields((w) => w.text(value));
  const months: Uint8Array[] = [];
  const suppliers = cells.supplierKeys.map(text);
  const areas = cells.areas.map(text);
  const types = cells.types.map(text);
  const cell = emptyCell();
  return bulkCopyRows<DB, number>(
    db,
    'spend_summary',
    SPEND_SUMMARY_COLUMNS,
    [range(cells.size)],
    (writer, i) => {
      const { supplier, month, area, type, redacted, pence, count } = cells.read(i, cell);
      writer.row(SPEND_SUMMARY_COLUMNS.length);
      writer.bytes(prefix);
      writer.bytes(
        (months[month] ??= BinaryCopyWriter.fields((w) => w.date(cells.monthText(month)))),
      );
      writer.bytes(suppliers[supplier]!);
      writer.bool(redacted);
      writer.bytes(areas[area]!);
      writer.bytes(types[type]!);
      writer.int8(pence);
      writer.int4(count);
    },
  );
}

/** Rebuilds an upload's spend summary from its stored payments (after overlapping rows were removed). */
export async function rebuildSpendSummary(
  db: Transaction<DB>,
  orgId: string,
  uploadId: string,
): Promise<void> {
  await db
    .deleteFrom('spend_summary')
    .where('org_id', '=', orgId)
    .where('upload_id', '=', uploadId)
    .execute();
  await sql`
    INSERT INTO spend_summary (org_id, upload_id, month, supplier_key, redacted, expense_area, expense_type, amount_pence, payment_count)
    SELECT org_id, upload_id, date_trunc('month', payment_date)::date, supplier_key, redacted, expense_area, expense_type,
           sum(amount_pence), count(*)
    FROM payments WHERE org_id = ${orgId} AND upload_id = ${uploadId}
    GROUP BY org_id, upload_id, 3, supplier_key, redacted, expense_area, expense_type`.execute(db);
}

/** Removes an upload's spend summary. */
export async function deleteSpendSummary(
  db: Transaction<DB>,
  orgId: string,
  uploadId: string,
): Promise<void> {
  await db
    .deleteFrom('spend_summary')
    .where('org_id', '=', orgId)
    .where('upload_id', '=', uploadId)
    .execute();
}

/** 0, 1, ... n - 1. */
function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}
