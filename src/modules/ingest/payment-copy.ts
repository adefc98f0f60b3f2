import { binaryCopyFiles, BinaryCopyWriter, type CopyFileBuffers } from '../../db/copy-binary.ts';
import type { LedgerRow } from './ledger-csv.ts';

/*
 * An upload's rows as binary COPY files (see copy-binary.ts): the hottest loop of an upload.
 * No database here, so the worker thread that reads a ledger (parse-worker.ts) loads none.
 */

/** Columns of `payments` in the order ledger rows are copied. */
export const PAYMENT_COPY_COLUMNS = [
  'org_id',
  'upload_id',
  'line',
  'payment_date',
  'amount_pence',
  'supplier_name',
  'supplier_ref',
  'supplier_key',
  'redacted',
  'transaction_number',
  'invoice_number',
  'expense_area',
  'expense_type',
  'irrecoverable_vat_pence',
  'company_number',
  'charity_number',
  'vat_number',
  'invoice_received_date',
  'purpose',
  'body',
  'in_scope',
] as const;

/**
 * Batches of ledger rows as binary COPY files of about a megabyte (see writePaymentRow),
 * written into `buffers` when given.
 */
export function encodePayments(
  prefix: Uint8Array,
  batches: AsyncIterable<readonly LedgerRow[]>,
  buffers?: CopyFileBuffers,
): AsyncGenerator<Uint8Array> {
  return binaryCopyFiles(batches, (writer, row) => writePaymentRow(writer, prefix, row), buffers);
}

/**
 * The fields that start every binary COPY row of an upload's rows (payments, invoices,
 * summary): org_id and upload_id.
 */
export function uploadRowPrefix(orgId: string, uploadId: string): Uint8Array {
  return BinaryCopyWriter.fields((writer) => {
    writer.text(orgId);
    writer.uuid(uploadId);
  });
}

/** One payment as a binary COPY row, in PAYMENT_COPY_COLUMNS order; `prefix` from uploadRowPrefix. */
export function writePaymentRow(writer: BinaryCopyWriter, prefix: Uint8Array, r: LedgerRow): void {
  writer.row(PAYMENT_COPY_COLUMNS.length);
  writer.bytes(prefix);
  writer.int4(r.line);
  writer.date(r.paymentDate);
  writer.int8(r.amountPence);
  writer.text(r.supplierName);
  writer.text(r.supplierRef);
  writer.text(r.supplierKey);
  writer.bool(r.redacted);
  writer.text(r.transactionNumber);
  writer.text(r.invoiceNumber);
  writer.text(r.expenseArea);
  writer.text(r.expenseType);
  writer.int8(r.irrecoverableVatPence);
  writer.text(r.companyNumber);
  writer.text(r.charityNumber);
  writer.text(r.vatNumber);
  writer.date(r.invoiceReceivedDate);
  writer.text(r.purpose);
  writer.text(r.body);
  writer.bool(r.inScope);
}
