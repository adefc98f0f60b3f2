import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createOrgWithKey, type TestApp } from './helpers/test-app.ts';
import { storedPayments, uploadCsv } from './helpers/uploads.ts';

let t: TestApp;
let finance: string;
let viewer: string;
let otherFinance: string;
const financeOf: Record<string, string> = {};
beforeAll(async () => {
  t = await buildTestApp({ config: { uploadLimitBytes: 64 * 1024 } });
  finance = await createOrgWithKey(t, { id: 'wigan', name: 'Wigan Council' }, 'finance');
  viewer = await createOrgWithKey(t, { id: 'wigan', name: 'Wigan Council' }, 'viewer');
  otherFinance = await createOrgWithKey(t, { id: 'bolton', name: 'Bolton Council' }, 'finance');
  for (const org of ['overlap', 'undo', 'shapes', 'limits'])
    financeOf[org] = await createOrgWithKey(t, { id: org, name: org }, 'finance');
});
afterAll(() => t.close());

const HEADER = 'Payment Date,Transaction Number,Supplier Name,Service Area,Net Amount\n';
const line = (date: string, tx: string, supplier: string, amount: string) =>
  `${date},${tx},${supplier},Adults,${amount}\n`;

describe('uploading a ledger', () => {
  it('loads a file and says what it read', async () => {
    const res = await uploadCsv(
      t,
      finance,
      'wigan',
      HEADER +
        line('01/04/2022', 'T1', 'Acme Ltd', '"1,000.00"') +
        line('02/04/2022', 'T2', 'Acme Ltd', '(250.50)'),
      {
        filename: 'april.csv',
      },
    );
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(res.headers.location).toBe(`/v1/organisations/wigan/uploads/${body.id}`);
    expect(body).toMatchObject({
      kind: 'ledger',
      status: 'loaded',
      filename: 'april.csv',
      rows: { read: 2, loaded: 2, rejected: 0, duplicates: 0 },
      total: '749.50',
      period: { from: '2022-04-01', to: '2022-04-02' },
      mapping: {
        paymentDate: 'Payment Date',
        transactionNumber: 'Transaction Number',
        supplierName: 'Supplier Name',
        expenseArea: 'Service Area',
        amount: 'Net Amount',
      },
      encoding: 'utf-8',
      warnings: [],
      dryRun: false,
    });
    const listed = await t.as(viewer, { method: 'GET', url: '/v1/organisations/wigan/uploads' });
    expect(listed.json().uploads.map((u: { id: string }) => u.id)).toEqual([body.id]);
    const one = await t.as(viewer, {
      method: 'GET',
      url: `/v1/organisations/wigan/uploads/${body.id}`,
    });
    expect(one.json().total).toBe('749.50');
  });

  it('returns the earlier upload for the same file, storing nothing twice', async () => {
    const file = HEADER + line('03/04/2022', 'T3', 'Beta Ltd', '10.00');
    const first = await uploadCsv(t, finance, 'wigan', file);
    const before = await storedPayments(t, 'wigan');
    const again = await uploadCsv(t, finance, 'wigan', file);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expect(await storedPayments(t, 'wigan')).toEqual(before);
  });

  it('accepts a multipart form with the file in "file"', async () => {
    const boundary = '----cwbtest';
    const body =
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="may.csv"\r\nContent-Type: text/csv\r\n\r\n` +
      HEADER +
      line('01/05/2022', 'T9', 'Gamma Ltd', '99.99') +
      `\r\n--${boundary}--\r\n`;
    const res = await t.as(finance, {
      method: 'POST',
      url: '/v1/organisations/wigan/uploads?kind=ledger',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: body,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ filename: 'may.csv', total: '99.99', rows: { loaded: 1 } });
  });

  it('is refused to a viewer and to another organisation', async () => {
    const file = HEADER + line('01/04/2022', 'T1', 'Acme Ltd', '1.00');
    expect((await uploadCsv(t, viewer, 'wigan', file)).statusCode).toBe(403);
    expect((await uploadCsv(t, otherFinance, 'wigan', file)).statusCode).toBe(403);
    expect(
      (await t.as(otherFinance, { method: 'GET', url: '/v1/organisations/wigan/uploads' }))
        .statusCode,
    ).toBe(403);
  });
});

describe('overlapping files', () => {
  const april =
    HEADER +
    line('01/04/2022', 'T1', 'Acme Ltd', '100.00') +
    line('02/04/2022', 'T2', 'Beta Ltd', '200.00') +
    line('03/04/2022', 'T3', 'Acme Ltd', '50.00');
  const may =
    HEADER +
    line('01/05/2022', 'T4', 'Acme Ltd', '400.00') +
    line('02/05/2022', 'T5', 'Gamma Ltd', '500.00');

  it('skip rows already loaded one for one, keep genuine repeats, and say so', async () => {
    expect((await uploadCsv(t, financeOf.overlap!, 'overlap', april)).statusCode).toBe(201);
    expect((await uploadCsv(t, financeOf.overlap!, 'overlap', may)).statusCode).toBe(201);
    expect(await storedPayments(t, 'overlap')).toEqual({ count: 5, pence: 125000n, uploads: 2 });

    // The quarter: April and May again, one new June line, and T5 twice (a genuine repeat in this file).
    const quarter =
      HEADER +
      line('01/04/2022', 'T1', 'Acme Ltd', '100.00') +
      line('02/04/2022', 'T2', 'Beta Ltd', '200.00') +
      line('03/04/2022', 'T3', 'Acme Ltd', '50.00') +
      line('01/05/2022', 'T4', 'Acme Ltd', '400.00') +
      line('02/05/2022', 'T5', 'Gamma Ltd', '500.00') +
      line('02/05/2022', 'T5', 'Gamma Ltd', '500.00') +
      line('01/06/2022', 'T6', 'Delta Ltd', '600.00');
    const res = await uploadCsv(t, financeOf.overlap!, 'overlap', quarter);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.rows).toEqual({ read: 7, loaded: 2, rejected: 0, duplicates: 5 });
    expect(body.total).toBe('1100.00');
    expect(body.warnings).toEqual([
      {
        code: 'duplicates',
        message:
          '5 line(s) (2, 3, 4, 5, 6) are identical to payments already loaded from earlier files and were skipped (1250.00), so overlapping files do not count twice.',
      },
    ]);
    expect(await storedPayments(t, 'overlap')).toEqual({ count: 7, pence: 235000n, uploads: 3 });
  });

  it('count a payment that differs in any mapped field as new', async () => {
    const corrected = HEADER + line('01/04/2022', 'T1', 'Acme Ltd', '100.01');
    const res = await uploadCsv(t, financeOf.overlap!, 'overlap', corrected);
    expect(res.json().rows).toEqual({ read: 1, loaded: 1, rejected: 0, duplicates: 0 });
  });
});

describe('undoing an upload', () => {
  it('removes its payments and nothing else', async () => {
    const keep = await uploadCsv(
      t,
      financeOf.undo!,
      'undo',
      HEADER + line('01/04/2022', 'T1', 'Acme Ltd', '100.00'),
    );
    const drop = await uploadCsv(
      t,
      financeOf.undo!,
      'undo',
      HEADER +
        line('01/05/2022', 'T2', 'Acme Ltd', '200.00') +
        line('02/05/2022', 'T3', 'Beta Ltd', '300.00'),
    );
    expect(await storedPayments(t, 'undo')).toEqual({ count: 3, pence: 60000n, uploads: 2 });

    expect(
      (
        await t.as(viewer, {
          method: 'DELETE',
          url: `/v1/organisations/undo/uploads/${drop.json().id}`,
        })
      ).statusCode,
    ).toBe(403);
    const res = await t.asAdmin({
      method: 'DELETE',
      url: `/v1/organisations/undo/uploads/${drop.json().id}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: drop.json().id, deleted: true, payments: 2 });
    expect(await storedPayments(t, 'undo')).toEqual({ count: 1, pence: 10000n, uploads: 1 });
    expect(
      (
        await t.asAdmin({
          method: 'DELETE',
          url: `/v1/organisations/undo/uploads/${drop.json().id}`,
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (await t.asAdmin({ method: 'GET', url: `/v1/organisations/undo/uploads/${keep.json().id}` }))
        .statusCode,
    ).toBe(200);

    // The file can be loaded again once undone.
    const again = await uploadCsv(
      t,
      financeOf.undo!,
      'undo',
      HEADER +
        line('01/05/2022', 'T2', 'Acme Ltd', '200.00') +
        line('02/05/2022', 'T3', 'Beta Ltd', '300.00'),
    );
    expect(again.statusCode).toBe(201);
  });
});

describe('file shapes and choices', () => {
  it('dry run reports what would load and stores nothing', async () => {
    const file = HEADER + line('01/04/2022', 'T1', 'Acme Ltd', '100.00');
    const dry = await uploadCsv(t, financeOf.shapes!, 'shapes', file, { dryRun: 'true' });
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, rows: { loaded: 1 }, total: '100.00' });
    expect(await storedPayments(t, 'shapes')).toEqual({ count: 0, pence: 0n, uploads: 0 });
    expect((await uploadCsv(t, financeOf.shapes!, 'shapes', file)).statusCode).toBe(201);
  });

  it('reads Windows-1252, title lines, tabs, periods and trailing columns, with warnings', async () => {
    const text =
      'Spend over £500\t\t\r\n\r\nPeriod\tBeneficiary\tAmount (£)\t\t\r\n202204\tCaf\u00e9 Ltd\t£5.00\t\t\r\n';
    const res = await uploadCsv(t, financeOf.shapes!, 'shapes', Buffer.from(text, 'latin1'));
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      encoding: 'windows-1252',
      total: '5.00',
      period: { from: '2022-04-01', to: '2022-04-01' },
    });
    expect(body.mapping).toEqual({
      paymentDate: 'Period',
      supplierName: 'Beneficiary',
      amount: 'Amount (£)',
    });
    expect(body.warnings.map((w: { code: string }) => w.code)).toEqual([
      'encoding',
      'lines-above-header',
      'period-dates',
    ]);
    const stored = await t.database.db
      .selectFrom('payments')
      .select('supplier_name')
      .where('org_id', '=', 'shapes')
      .where('upload_id', '=', body.id)
      .execute();
    expect(stored).toEqual([{ supplier_name: 'Café Ltd' }]);
  });

  it('takes an explicit mapping for a header it cannot read, and says when the mapping does not fit', async () => {
    const file = 'When,Who,How much\n01/04/2022,Acme Ltd,12.00\n';
    const unknown = await uploadCsv(t, financeOf.shapes!, 'shapes', file);
    expect(unknown.statusCode).toBe(422);
    const mapped = await uploadCsv(t, financeOf.shapes!, 'shapes', file, {
      mapping: JSON.stringify({ paymentDate: 'When', supplierName: 'Who', amount: 3 }),
    });
    expect(mapped.statusCode).toBe(201);
    expect(mapped.json().mapping).toEqual({
      paymentDate: 'When',
      supplierName: 'Who',
      amount: 'How much',
    });
    const badJson = await uploadCsv(t, financeOf.shapes!, 'shapes', file, { mapping: '{amount:' });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().errors).toEqual([
      {
        in: 'querystring',
        field: 'mapping',
        message: 'must be a JSON object, e.g. {"amount":"Net Amount"}',
      },
    ]);
  });

  it('asks for a mapping when two columns could be the amount', async () => {
    const file = 'Date,Supplier,Amount,Amount\n05/04/2022,Acme Ltd,12.00,14.40\n';
    const res = await uploadCsv(t, financeOf.shapes!, 'shapes', file);
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].message).toContain('both look like the amount');
    const mapped = await uploadCsv(t, financeOf.shapes!, 'shapes', file, {
      mapping: JSON.stringify({ amount: 3 }),
    });
    expect(mapped.statusCode).toBe(201);
    expect(mapped.json().total).toBe('12.00');
  });
});

describe('limits', () => {
  it('lists the first 1,000 errors and counts them all', async () => {
    let file = HEADER;
    for (let i = 1; i <= 1500; i++)
      file += line('01/04/2022', `T${i}`, 'Acme Ltd', i % 3 === 0 ? '10.00' : 'x');
    const res = await uploadCsv(t, financeOf.limits!, 'limits', file);
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.errorCount).toBe(1000);
    expect(body.errors).toHaveLength(1000);
    expect(body.detail).toBe('1000 of 1500 payment lines are invalid. Nothing was stored.');
    expect(body.errors[0]).toEqual({
      row: 2,
      column: 'Net Amount',
      value: 'x',
      message: '"x" is not an amount',
    });
  });

  it('refuses a file above the size limit with 413, storing nothing', async () => {
    let file = HEADER;
    while (file.length < 70 * 1024) file += line('01/04/2022', 'T1', 'Acme Ltd', '1.00');
    const res = await uploadCsv(t, financeOf.limits!, 'limits', file);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ type: '/problems/too-large', status: 413 });
    expect(await storedPayments(t, 'limits')).toEqual({ count: 0, pence: 0n, uploads: 0 });
  });
});

describe('the payments table', () => {
  it('has one index, BRIN, over every column payments are found by', async () => {
    // COPY calls each index of a table once a row: a second index cost a 1M-row upload some
    // 0.4 s of the server's time (migrations/2026-12-08T0100_payments-one-brin.ts).
    const { rows } = await sql<{ name: string; definition: string }>`
      SELECT indexname AS name, indexdef AS definition FROM pg_indexes
      WHERE schemaname = 'public' AND tablename = 'payments'`.execute(t.database.db);
    expect(rows).toEqual([
      {
        name: 'payments_brin',
        definition:
          'CREATE INDEX payments_brin ON public.payments USING brin (org_id, upload_id, payment_date, invoice_received_date)',
      },
    ]);
  });
});
