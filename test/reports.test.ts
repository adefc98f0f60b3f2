import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAllReferenceFixtures } from './helpers/reference.ts';
import { buildTestApp, createOrgWithKey, wigan, type TestApp } from './helpers/test-app.ts';
import { uploadCsv } from './helpers/uploads.ts';

/*
 * The annual report of a small year, worked out by hand, with hostile text where a finance
 * file can carry it: supplier names and service names that a spreadsheet would run as formulas,
 * and markup that a page would run as script.
 *
 * 2022/23 (council year):                                   local?   quarter
 *   Pemberton Builders (WN5 9UN)        Place          1,000.00   yes      Q1
 *   Leigh Community Sports Association  Communities      500.00   yes      Q1
 *   London Consulting Partners (EC1A)   Resources      2,000.00   no       Q2
 *   =HYPERLINK(...) (WN1 1AA)           =1+1             300.00   yes      Q2
 *   +44 Services (WN1 1AA)              Place            200.00   yes      Q2
 *   @SUM(A1) (WN1 1AA)                  Place            100.00   yes      Q3
 *   -2+3 Ltd (WN1 1AA)                  <script>...       50.00   yes      Q3
 *   =cmd|' /C calc'!A0 (EC1A 1BB)       Resources        400.00   no       Q4
 *   London Consulting Partners          Resources       -150.00   no       Q4 (credit note)
 * Total 4,400.00; local 2,150.00. Quarters 1,500 / 2,500 / 150 / 250; local 1,500 / 500 / 150 / 0.
 */

const HYPERLINK = '=HYPERLINK("http://evil.example","click")';
const CMD = "=cmd|' /C calc'!A0";
const SCRIPT = '<script>alert(1)</script>';

const SUPPLIERS =
  'Supplier ID,Supplier Name,Company Number,Charity Number,Postcode\n' +
  'S1,Pemberton Builders Ltd,09876543,,\n' +
  'S2,Leigh Community Sports Association,,1180002,\n' +
  'S4,London Consulting Partners,00445566,,\n' +
  `H1,"${HYPERLINK.replace(/"/g, '""')}",,,WN1 1AA\n` +
  'H2,+44 Services,,,WN1 1AA\n' +
  'H3,@SUM(A1),,,WN1 1AA\n' +
  'H4,-2+3 Ltd,,,WN1 1AA\n' +
  `H5,"${CMD}",,,EC1A 1BB\n`;

const LEDGER =
  'Payment Date,Supplier ID,Supplier Name,Service Area,Expense Type,Net Amount\n' +
  '10/04/2022,S1,Pemberton Builders Ltd,Place,Building Works,1000.00\n' +
  '15/05/2022,S2,Leigh Community Sports Association,Communities,Sports Services,500.00\n' +
  '01/07/2022,S4,London Consulting Partners,Resources,Consultancy,2000.00\n' +
  `01/08/2022,H1,"${HYPERLINK.replace(/"/g, '""')}",=1+1,Consultancy,300.00\n` +
  '02/08/2022,H2,+44 Services,Place,@risk,200.00\n' +
  '03/10/2022,H3,@SUM(A1),Place,Building Works,100.00\n' +
  `04/11/2022,H4,-2+3 Ltd,${SCRIPT},Building Works,50.00\n` +
  `05/01/2023,H5,"${CMD}",Resources,Consultancy,400.00\n` +
  '06/02/2023,S4,London Consulting Partners,Resources,Consultancy,-150.00\n';

let t: TestApp;
let finance: string;
let viewer: string;

beforeAll(async () => {
  t = await buildTestApp();
  finance = await createOrgWithKey(t, wigan, 'finance');
  viewer = await createOrgWithKey(t, wigan, 'viewer');
  await loadAllReferenceFixtures(t);
  const s = await uploadCsv(t, finance, 'wigan', SUPPLIERS, { kind: 'suppliers' });
  expect(s.statusCode, s.body).toBe(201);
  const l = await uploadCsv(t, finance, 'wigan', LEDGER);
  expect(l.statusCode, l.body).toBe(201);
});
afterAll(() => t.close());

const report = (query: string, headers: Record<string, string> = {}) =>
  t.as(viewer, { method: 'GET', url: `/v1/organisations/wigan/reports/annual?${query}`, headers });

/** CSV text to rows, the byte-order mark checked and dropped. */
function readCsv(body: string): string[][] {
  expect(body.charCodeAt(0)).toBe(0xfeff);
  return parse(body.slice(1), { relax_column_count: true }) as string[][];
}

describe('GET reports/annual as JSON', () => {
  it('holds every figure of the year, to the penny', async () => {
    const res = await report('year=2022');
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    expect(r).toMatchObject({
      organisation: { id: 'wigan', name: 'Wigan Council' },
      label: '2022/23',
      headline: { totalSpend: '4400.00', localSpend: '2150.00', paymentCount: 9 },
    });
    expect(r.quarters.map((q: { totalSpend: string }) => q.totalSpend)).toEqual([
      '1500.00',
      '2500.00',
      '150.00',
      '250.00',
    ]);
    expect(r.quarters.map((q: { localSpend: string }) => q.localSpend)).toEqual([
      '1500.00',
      '500.00',
      '150.00',
      '0.00',
    ]);
    expect(
      r.services.map((s: { label: string; totalSpend: string }) => [s.label, s.totalSpend]),
    ).toEqual([
      ['Resources', '2250.00'],
      ['Place', '1300.00'],
      ['Communities', '500.00'],
      ['=1+1', '300.00'],
      [SCRIPT, '50.00'],
    ]);
    expect(
      r.topLocalSuppliers.map((s: { name: string; spend: string }) => [s.name, s.spend]),
    ).toEqual([
      ['Pemberton Builders Ltd', '1000.00'],
      ['Leigh Community Sports Association', '500.00'],
      [HYPERLINK, '300.00'],
      ['+44 Services', '200.00'],
      ['@SUM(A1)', '100.00'],
      ['-2+3 Ltd', '50.00'],
    ]);
    expect(r.trend.map((y: { label: string }) => y.label)).toEqual(['2022/23']);
    expect(r.definitions.map((d: { term: string }) => d.term)).toContain('Local');
    // A Transparency Code file has no invoice received dates: nothing to count days on, and it says so.
    expect(r.paymentCompliance.map((c: { period: { key: string } }) => c.period.key)).toEqual([
      '2022H1',
      '2022H2',
    ]);
    expect(r.paymentCompliance[0].paid.invoices).toBe(0);
    expect(r.paymentCompliance[0].leftOut.missingReceivedDate.invoices).toBe(5);
    expect(r.paymentCompliance[0].notes[0]).toMatch(/no invoice received dates/);
  });

  it('agrees with the metrics call', async () => {
    const r = (await report('year=2022')).json();
    const m = (
      await t.as(viewer, { method: 'GET', url: '/v1/organisations/wigan/metrics?year=2022' })
    ).json();
    for (const field of ['totalSpend', 'localSpend', 'vcfseSpend', 'smeSpend', 'supplierCount'])
      expect(r.headline[field], field).toEqual(m[field]);
  });

  it('refuses a form it does not come in, and lets ?format= choose', async () => {
    const pdf = await report('year=2022', { accept: 'application/pdf' });
    expect(pdf.statusCode).toBe(406);
    expect(pdf.json().detail).toMatch(/text\/html/);
    const csv = await report('year=2022&format=csv', { accept: 'application/pdf' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
  });
});

describe('GET reports/annual as a page', () => {
  it('is a self-contained page, with headers that let nothing load or run', async () => {
    const res = await report('year=2022', {
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toMatch(
      /default-src 'none'; style-src 'sha256-/,
    );
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.body).toContain('data-figure="totalSpend" data-value="4400.00"');
    expect(res.body).toContain('£4,400');
    // Markup from the file is text on the page, never markup.
    expect(res.body).not.toContain(SCRIPT);
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.body).not.toMatch(/<script|javascript:|\son\w+=/i);
  });
});

describe('GET reports/annual as CSV', () => {
  it('gives every table under its title, exact decimals, hostile text neutralised', async () => {
    const res = await report('year=2022', { accept: 'text/csv' });
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="wigan-annual-report-2022-23.csv"',
    );
    const rows = readCsv(res.body);
    expect(rows[0]).toEqual([
      'Annual spend report',
      'Wigan Council',
      '2022/23',
      '2022-04-01',
      '2023-03-31',
    ]);
    const titles = rows.filter(
      (r, i) => i > 0 && rows[i - 1]!.length === 1 && rows[i - 1]![0] === '',
    );
    expect(titles.map((r) => r[0])).toEqual([
      'Headline figures, 2022/23 and 2021/22',
      'Spend by quarter, 2022/23',
      'Spend by service, 2022/23',
      'Top local suppliers, 2022/23',
      'Where spend leaves the place, 2022/23',
      'Payment compliance, the periods ending in 2022/23',
    ]);
    expect(rows.find((r) => r[0] === 'Total spend')).toEqual([
      'Total spend',
      '4400.00',
      '0.00',
      '',
    ]);
    expect(rows.find((r) => r[0] === 'Q4')!.slice(2, 5)).toEqual(['250.00', '2', '0.00']);
    // No cell anywhere starts a formula.
    for (const row of rows)
      for (const cell of row) expect(cell, cell).not.toMatch(/^[=+@\t\r]|^-(?!\d+(\.\d+)?$)/);
    expect(res.body).toContain("'=1+1");
  });

  it('gives one table alone with ?table=', async () => {
    const res = await report('year=2022&table=suppliers', { accept: 'text/csv' });
    const rows = readCsv(res.body);
    expect(rows[0]).toEqual([
      'Rank',
      'Supplier',
      'Reference',
      'Spend',
      'Payments',
      'VCFSE',
      'SME',
      'Deprived area',
    ]);
    expect(rows.slice(1).map((r) => [r[1], r[3]])).toEqual([
      ['Pemberton Builders Ltd', '1000.00'],
      ['Leigh Community Sports Association', '500.00'],
      [`'${HYPERLINK}`, '300.00'],
      ["'+44 Services", '200.00'],
      ["'@SUM(A1)", '100.00'],
      ["'-2+3 Ltd", '50.00'],
    ]);
    expect(rows[1]!.slice(5)).toEqual(['no', 'yes', 'yes']);
  });
});

describe('GET reports/annual as a workbook', () => {
  it('has a sheet per table, figures as formatted numbers, hostile text neutralised', async () => {
    const res = await report('year=2022', {
      accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    expect(res.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      'Headline',
      'By quarter',
      'By service',
      'Top suppliers',
      'Leakage',
      'Payment compliance',
      'Definitions',
    ]);
    const headline = workbook.getWorksheet('Headline')!;
    expect(headline.getCell('A4').value).toBe('Total spend');
    expect(headline.getCell('B4').value).toBe(4400);
    expect(headline.getCell('B4').numFmt).toMatch(/^£#,##0\.00/);
    const suppliers = workbook.getWorksheet('Top suppliers')!;
    expect([6, 7, 8, 9].map((r) => suppliers.getCell(`B${r}`).value)).toEqual([
      `'${HYPERLINK}`,
      "'+44 Services",
      "'@SUM(A1)",
      "'-2+3 Ltd",
    ]);
    expect(suppliers.getCell('D6').value).toBe(300);
    // Nothing in the workbook is a formula, and no text cell starts one.
    for (const sheet of workbook.worksheets)
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
          if (typeof cell.value === 'string') expect(cell.value).not.toMatch(/^[=+@\t\r]/);
        }),
      );
  });
});

describe('report links', () => {
  const links = '/v1/organisations/wigan/reports/annual/links';

  it('opens the page without a key until revoked, and keeps only the hash', async () => {
    const created = await t.as(finance, {
      method: 'POST',
      url: links,
      payload: { year: 2022, days: 7 },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { url, id, prefix, expiresAt, createdAt } = created.json();
    expect(url).toMatch(/^http:\/\/localhost(:\d+)?\/reports\/cwbr_[0-9a-f]{8}_[A-Za-z0-9_-]{32}$/);
    expect(url).toContain(prefix);
    expect(Date.parse(expiresAt) - Date.parse(createdAt)).toBe(7 * 24 * 60 * 60 * 1000);
    const path = new URL(url).pathname;

    const page = await t.app.inject({ method: 'GET', url: path });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('data-figure="localSpend" data-value="2150.00"');
    const csv = await t.app.inject({ method: 'GET', url: `${path}?format=csv` });
    expect(readCsv(csv.body).find((r) => r[0] === 'Local spend')![1]).toBe('2150.00');

    const listed = await t.as(viewer, { method: 'GET', url: links });
    expect(listed.json().links.map((l: { id: string }) => l.id)).toContain(id);
    const token = path.split('/').pop()!;
    expect(listed.body).not.toContain(token);
    const stored = await t.database.db.selectFrom('report_links').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(token);
    const audit = await t.asAdmin({ method: 'GET', url: '/v1/audit?action=report.link' });
    expect(audit.body).toContain(prefix);
    expect(audit.body).not.toContain(token);

    const revoked = await t.as(finance, { method: 'DELETE', url: `${links}/${id}` });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    expect((await t.app.inject({ method: 'GET', url: path })).statusCode).toBe(404);
  });

  it('opens nothing once expired, or with a made-up token', async () => {
    const created = await t.as(finance, { method: 'POST', url: links, payload: { year: 2022 } });
    const path = new URL(created.json().url as string).pathname;
    expect((await t.app.inject({ method: 'GET', url: path })).statusCode).toBe(200);
    await t.database.db
      .updateTable('report_links')
      .set({ expires_at: new Date(Date.now() - 1000), created_at: new Date(Date.now() - 2000) })
      .where('id', '=', created.json().id as string)
      .execute();
    const expired = await t.app.inject({ method: 'GET', url: path });
    expect(expired.statusCode).toBe(404);
    const guessed = await t.app.inject({
      method: 'GET',
      url: `/reports/cwbr_00000000_${'A'.repeat(32)}`,
    });
    expect(guessed.statusCode).toBe(404);
    expect(guessed.json().detail).toBe(expired.json().detail);
  });

  it('needs a finance key of the organisation to make one', async () => {
    const res = await t.as(viewer, { method: 'POST', url: links, payload: { year: 2022 } });
    expect(res.statusCode).toBe(403);
  });
});
