import { describe, expect, it } from 'vitest';
import type { LedgerRow } from './ledger-csv.ts';
import { encodePayments, PAYMENT_COPY_COLUMNS, uploadRowPrefix } from './payment-copy.ts';

const UPLOAD = '00000000-0000-4000-8000-000000000001';

function row(overrides: Partial<LedgerRow> = {}): LedgerRow {
  return {
    line: 7,
    paymentDate: '2022-04-01',
    amountPence: -123_456,
    supplierName: 'Café £ Ltd',
    supplierRef: null,
    supplierKey: 'n:cafe ltd',
    supplierId: 1,
    supplierChanged: true,
    supplierNameKey: 'cafe ltd',
    redacted: false,
    transactionNumber: 'T1',
    invoiceNumber: null,
    expenseArea: 'Adults',
    expenseType: null,
    irrecoverableVatPence: null,
    companyNumber: null,
    charityNumber: null,
    vatNumber: null,
    invoiceReceivedDate: '2022-03-31',
    purpose: null,
    body: null,
    inScope: true,
    ...overrides,
  };
}

/** The fields of each row in binary COPY files, decoded by kind of column. */
function decode(files: Uint8Array[]): unknown[][] {
  const kinds: Record<string, 'text' | 'int' | 'date' | 'bool' | 'uuid'> = {
    upload_id: 'uuid',
    line: 'int',
    payment_date: 'date',
    amount_pence: 'int',
    redacted: 'bool',
    irrecoverable_vat_pence: 'int',
    invoice_received_date: 'date',
    in_scope: 'bool',
  };
  const rows: unknown[][] = [];
  for (const bytes of files) {
    const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 19;
    for (;;) {
      const count = file.readInt16BE(at);
      at += 2;
      if (count === -1) break;
      expect(count).toBe(PAYMENT_COPY_COLUMNS.length);
      const fields: unknown[] = [];
      for (const column of PAYMENT_COPY_COLUMNS) {
        const length = file.readInt32BE(at);
        at += 4;
        if (length === -1) {
          fields.push(null);
          continue;
        }
        const value = file.subarray(at, at + length);
        at += length;
        const kind = kinds[column] ?? 'text';
        if (kind === 'text') fields.push(value.toString('utf8'));
        else if (kind === 'uuid') fields.push(value.toString('hex'));
        else if (kind === 'bool') fields.push(value[0] === 1);
        else if (kind === 'date')
          fields.push(
            new Date(Date.UTC(2000, 0, 1 + value.readInt32BE(0))).toISOString().slice(0, 10),
          );
        else fields.push(length === 8 ? Number(value.readBigInt64BE(0)) : value.readInt32BE(0));
      }
      rows.push(fields);
    }
  }
  return rows;
}

async function filesOf(batches: LedgerRow[][]): Promise<Uint8Array[]> {
  async function* source() {
    yield* batches;
  }
  const files: Uint8Array[] = [];
  for await (const file of encodePayments(uploadRowPrefix('wigan', UPLOAD), source()))
    files.push(file);
  return files;
}

describe('encodePayments', () => {
  it('writes every column of a payment in PAYMENT_COPY_COLUMNS order, nulls as nulls', async () => {
    const files = await filesOf([
      [
        row(),
        row({
          line: 8,
          redacted: true,
          supplierKey: null,
          supplierId: 0,
          inScope: null,
          irrecoverableVatPence: 2_000,
        }),
      ],
    ]);
    expect(files).toHaveLength(1);
    expect(decode(files)).toEqual([
      [
        'wigan',
        UPLOAD.replaceAll('-', ''),
        7,
        '2022-04-01',
        -123_456,
        'Café £ Ltd',
        null,
        'n:cafe ltd',
        false,
        'T1',
        null,
        'Adults',
        null,
        null,
        null,
        null,
        null,
        '2022-03-31',
        null,
        null,
        true,
      ],
      [
        'wigan',
        UPLOAD.replaceAll('-', ''),
        8,
        '2022-04-01',
        -123_456,
        'Café £ Ltd',
        null,
        null,
        true,
        'T1',
        null,
        'Adults',
        null,
        2_000,
        null,
        null,
        null,
        '2022-03-31',
        null,
        null,
        null,
      ],
    ]);
  });

  it('cuts files between rows at about a megabyte, losing and reordering none', async () => {
    const batches = Array.from({ length: 30 }, (_, b) =>
      Array.from({ length: 1000 }, (_, i) =>
        row({ line: b * 1000 + i + 2, purpose: 'x'.repeat(i % 50) }),
      ),
    );
    const files = await filesOf(batches);
    expect(files.length).toBeGreaterThan(1);
    for (const file of files.slice(0, -1)) expect(file.length).toBeGreaterThanOrEqual(1024 * 1024);
    const lines = decode(files).map((fields) => fields[2]);
    expect(lines).toEqual(Array.from({ length: 30_000 }, (_, i) => i + 2));
  });

  it('writes nothing for no rows', async () => {
    expect(await filesOf([[], []])).toEqual([]);
  });
});
