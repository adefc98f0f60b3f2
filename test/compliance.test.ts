import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAllReferenceFixtures } from './helpers/reference.ts';
import { buildTestApp, createOrgWithKey, wigan, type TestApp } from './helpers/test-app.ts';
import { uploadCsv } from './helpers/uploads.ts';

/*
 * Payment compliance for 2025H2 (1 October 2025 to 31 March 2026), worked out by hand.
 * Suppliers: S1 Pemberton (local, SME), S2 Leigh CSA (local), S3 Bolton Bakery (not local, SME),
 * S4 London Consulting (not local). Day 1 is the day after receipt.
 *
 *                    received     paid        days  counts as
 *   INV-1 (2 lines)  2025-09-30   2025-10-01     1  within 30   1,500.00 (1,000 + 500)
 *   INV-2            2025-10-16   2025-11-15    30  within 30   2,000.00
 *   INV-3            2025-10-16   2025-12-16    61  61 or more  3,000.00
 *   INV-4            2025-10-16   2025-12-15    60  31 to 60      400.00
 *   INV-5            2026-01-30   2026-03-31    60  31 to 60      700.00 (last day of the period)
 *   INV-11           2026-01-10   2026-01-10     0  within 30     600.00 (scope not given)
 *   INV-6            2026-02-28   2026-04-01        due in the period, paid after it: 800.00
 *   INV-7            2025-09-01   2025-09-30        paid in 2025H1 (29 days), due 2025-10-01
 *   INV-8            (none)       2025-11-01        left out: no received date        250.00
 *   INV-9            2025-11-05   2025-11-02        left out: received after payment  100.00
 *   CN-1             2025-10-20   2025-11-03        credit note                      -150.00
 *   INV-10           2025-10-01   2025-11-04        out of scope                    5,000.00
 *   INV-12           2026-01-15   (unpaid)          due 2026-02-14, not paid        1,200.00
 *   INV-6            2026-02-28   (unpaid)          listed unpaid, but paid 2026-04-01: once
 *   INV-13           2026-03-15   (unpaid)          due 2026-04-14: not this period
 *
 * Paid: 6 invoices, 8,200.00, 212 days (mean 35.33); within 30: 3 (4,100.00); 31-60: 2
 * (1,100.00); 61+: 1 (3,000.00). Due: 9 invoices, 11,100.00 (INV-1..7, 11, 12); not paid in
 * the period: INV-6 and INV-12, 2 invoices, 2,000.00.
 */

const SUPPLIERS =
  'Supplier ID,Supplier Name,Company Number,Charity Number\n' +
  'S1,Pemberton Builders Ltd,09876543,\n' +
  'S2,Leigh Community Sports Association,,1180002\n' +
  'S3,Bolton Bakery Supplies,08765432,\n' +
  'S4,London Consulting Partners,00445566,\n';

const LEDGER =
  'Payment Date,Supplier ID,Supplier Name,Invoice Number,Invoice Received Date,Contract In Scope,Net Amount\n' +
  '01/10/2025,S1,Pemberton Builders Ltd,INV-1,30/09/2025,Yes,1000.00\n' +
  '01/10/2025,S1,Pemberton Builders Ltd,INV-1,30/09/2025,Yes,500.00\n' +
  '15/11/2025,S4,London Consulting Partners,INV-2,16/10/2025,Yes,2000.00\n' +
  '16/12/2025,S4,London Consulting Partners,INV-3,16/10/2025,Yes,3000.00\n' +
  '15/12/2025,S4,London Consulting Partners,INV-4,16/10/2025,Y,400.00\n' +
  '31/03/2026,S3,Bolton Bakery Supplies,INV-5,30/01/2026,Yes,700.00\n' +
  '01/04/2026,S1,Pemberton Builders Ltd,INV-6,28/02/2026,Yes,800.00\n' +
  '30/09/2025,S1,Pemberton Builders Ltd,INV-7,01/09/2025,Yes,900.00\n' +
  '01/11/2025,S2,Leigh Community Sports Association,INV-8,,Yes,250.00\n' +
  '02/11/2025,S2,Leigh Community Sports Association,INV-9,05/11/2025,Yes,100.00\n' +
  '03/11/2025,S4,London Consulting Partners,CN-1,20/10/2025,Yes,-150.00\n' +
  '04/11/2025,S3,Bolton Bakery Supplies,INV-10,01/10/2025,No,5000.00\n' +
  '10/01/2026,S1,Pemberton Builders Ltd,INV-11,10/01/2026,,600.00\n' +
  ',S3,Bolton Bakery Supplies,INV-12,15/01/2026,Yes,1200.00\n' +
  ',S1,Pemberton Builders Ltd,INV-6,28/02/2026,Yes,800.00\n' +
  ',S4,London Consulting Partners,INV-13,15/03/2026,Yes,300.00\n';

let t: TestApp;
let finance: string;

beforeAll(async () => {
  t = await buildTestApp();
  finance = await createOrgWithKey(t, wigan, 'finance');
  await loadAllReferenceFixtures(t);
  expect((await uploadCsv(t, finance, 'wigan', SUPPLIERS, { kind: 'suppliers' })).statusCode).toBe(
    201,
  );
});
afterAll(() => t.close());

const compliance = async (query: string, headers: Record<string, string> = {}) =>
  t.as(finance, {
    method: 'GET',
    url: `/v1/organisations/wigan/payment-compliance?${query}`,
    headers,
  });

describe('a ledger with invoice dates, scope and unpaid invoices', () => {
  it('loads the payments as spend and the unpaid invoices apart from it', async () => {
    const res = await uploadCsv(t, finance, 'wigan', LEDGER);
    expect(res.statusCode, res.body).toBe(201);
    const upload = res.json();
    expect(upload.rows).toEqual({ read: 16, loaded: 16, rejected: 0, duplicates: 0 });
    expect(upload.total).toBe('15100.00');
    expect(upload.period).toEqual({ from: '2025-09-30', to: '2026-04-01' });
    expect(upload.mapping).toMatchObject({ inScope: 'Contract In Scope' });
    expect(upload.warnings.map((w: { code: string }) => w.code)).toContain('unpaid-invoices');
    const unpaid = await t.database.db
      .selectFrom('unpaid_invoices')
      .select(['invoice_number', 'amount_pence', 'invoice_received_date'])
      .orderBy('line')
      .execute();
    expect(unpaid.map((u) => [u.invoice_number, Number(u.amount_pence)])).toEqual([
      ['INV-12', 120000],
      ['INV-6', 80000],
      ['INV-13', 30000],
    ]);
  });

  it('refuses a scope that is neither yes nor no, naming the row and column', async () => {
    const bad =
      'Payment Date,Supplier Name,Invoice Received Date,In Scope,Amount\n' +
      '01/10/2025,Acme,30/09/2025,maybe,10.00\n';
    const res = await uploadCsv(t, finance, 'wigan', bad);
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0]).toMatchObject({ row: 2, column: 'In Scope', value: 'maybe' });
  });
});

describe('GET payment-compliance', () => {
  it('counts days to pay from the day after receipt, in bands, by number and value', async () => {
    const res = await compliance('period=2025H2');
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json();
    expect(c.period).toEqual({
      key: '2025H2',
      from: '2025-10-01',
      to: '2026-03-31',
      label: 'October 2025 to March 2026',
    });
    expect(c.paid).toEqual({
      invoices: 6,
      value: '8200.00',
      meanDays: 212 / 6,
      within30: { invoices: 3, invoiceShare: 0.5, value: '4100.00', valueShare: 0.5 },
      days31to60: { invoices: 2, invoiceShare: 2 / 6, value: '1100.00', valueShare: 1100 / 8200 },
      days61plus: { invoices: 1, invoiceShare: 1 / 6, value: '3000.00', valueShare: 3000 / 8200 },
    });
  });

  it('finds the sums that fell due in the period and were not paid in it', async () => {
    const c = (await compliance('period=2025H2')).json();
    // Payments of April 2026 are loaded: what was paid late is known.
    expect(c.notes).toEqual([]);
    expect(c.dueNotPaid).toEqual({
      dueInvoices: 9,
      dueValue: '11100.00',
      invoices: 2,
      value: '2000.00',
      invoiceShare: 2 / 9,
      valueShare: 2000 / 11100,
      paidAfterPeriod: 1,
      notPaid: 1,
    });
  });

  it('says what it left out, and lists the invoices left out for their dates', async () => {
    const c = (await compliance('period=2025H2')).json();
    expect(c.leftOut).toEqual({
      missingReceivedDate: { invoices: 1, value: '250.00' },
      receivedAfterPayment: { invoices: 1, value: '100.00' },
      creditNotes: { invoices: 1, value: '-150.00' },
      outOfScope: { invoices: 1, value: '5000.00' },
    });
    expect(c.leftOutInvoices.invoices).toEqual([
      {
        supplierRef: 'S2',
        supplierName: 'Leigh Community Sports Association',
        invoiceNumber: 'INV-8',
        received: null,
        paid: '2025-11-01',
        value: '250.00',
        reason: 'no invoice received date',
      },
      {
        supplierRef: 'S2',
        supplierName: 'Leigh Community Sports Association',
        invoiceNumber: 'INV-9',
        received: '2025-11-05',
        paid: '2025-11-02',
        value: '100.00',
        reason: 'received after it was paid',
      },
    ]);
    expect(c.scope.markedLines).toBe(10);
    expect(c.scope.unmarkedLines).toBe(1);
  });

  it('splits the figures by local and SME suppliers', async () => {
    const c = (await compliance('period=2025H2')).json();
    const group = (key: string) => c.groups.find((g: { key: string }) => g.key === key);
    expect(group('all').paid).toEqual(c.paid);
    expect(group('local').paid).toMatchObject({ invoices: 2, value: '2100.00', meanDays: 0.5 });
    expect(group('not-local').paid).toMatchObject({
      invoices: 4,
      value: '6100.00',
      meanDays: 211 / 4,
    });
    expect(group('local').dueNotPaid).toMatchObject({
      dueInvoices: 4,
      dueValue: '3800.00',
      invoices: 1,
      value: '800.00',
    });
    expect(group('not-local').dueNotPaid).toMatchObject({
      dueInvoices: 5,
      invoices: 1,
      value: '1200.00',
    });
    expect(group('small-local').paid).toMatchObject({ invoices: 2, value: '2100.00' });
    expect(
      group('sme').paid.invoices +
        group('not-sme').paid.invoices +
        group('size-unknown').paid.invoices,
    ).toBe(6);
  });

  it('puts an invoice paid on the last day of the earlier period in that period', async () => {
    const c = (await compliance('period=2025H1')).json();
    expect(c.period).toMatchObject({ from: '2025-04-01', to: '2025-09-30' });
    expect(c.paid).toMatchObject({ invoices: 1, value: '900.00', meanDays: 29 });
    expect(c.paid.within30.invoices).toBe(1);
  });

  it('gives the figures as CSV, a row per group', async () => {
    const res = await compliance('period=2025H2', { accept: 'text/csv' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="wigan-payment-compliance-2025H2.csv"',
    );
    const rows = parse(res.body.slice(1), { relax_column_count: true }) as string[][];
    const header = rows.find((r) => r[0] === 'Suppliers')!;
    const all = rows.find((r) => r[0] === 'All suppliers')!;
    const at = (name: string) => all[header.indexOf(name)];
    expect(at('Invoices paid')).toBe('6');
    expect(at('Value paid')).toBe('8200.00');
    expect(Number(at('Mean days to pay'))).toBeCloseTo(35.3333, 4);
    expect(at('Due, not paid in period (value)')).toBe('2000.00');
    expect(rows.find((r) => r[2] === 'INV-8')).toEqual([
      'S2',
      'Leigh Community Sports Association',
      'INV-8',
      '',
      '2025-11-01',
      '250.00',
      'no invoice received date',
    ]);
  });

  it('refuses a period that is not one, naming it', async () => {
    const res = await compliance('period=2025H3');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      expect.objectContaining({ in: 'querystring', field: 'period' }),
    ]);
  });

  it('leaves no trace once the upload is undone', async () => {
    const uploads = (
      await t.as(finance, { method: 'GET', url: '/v1/organisations/wigan/uploads' })
    ).json();
    const ledger = uploads.uploads.find((u: { kind: string }) => u.kind === 'ledger');
    const undo = await t.as(finance, {
      method: 'DELETE',
      url: `/v1/organisations/wigan/uploads/${ledger.id}`,
    });
    expect(undo.statusCode, undo.body).toBe(200);
    const c = (await compliance('period=2025H2')).json();
    expect(c.paid.invoices).toBe(0);
    expect(c.dueNotPaid.dueInvoices).toBe(0);
    expect(c.notes).toEqual([
      expect.stringMatching(/^No payments after 2026-03-31 are loaded yet/),
    ]);
    expect(await t.database.db.selectFrom('unpaid_invoices').selectAll().execute()).toEqual([]);
  });
});
