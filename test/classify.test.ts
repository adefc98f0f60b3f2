import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tagSuppliers } from '../src/modules/classify/classify.service.ts';
import {
  loadAllReferenceFixtures,
  loadReferenceFixture,
  REFERENCE_FIXTURES,
} from './helpers/reference.ts';
import { buildTestApp, createOrgWithKey, wigan, type TestApp } from './helpers/test-app.ts';
import { uploadCsv } from './helpers/uploads.ts';

/*
 * Supplier tagging end to end: reference fixtures, a supplier list and ledgers go in through
 * the API; each tag, its source and evidence, precedence, overrides and re-tagging come out.
 */

let t: TestApp;
let finance: string;
let viewer: string;

const SUPPLIERS =
  'Supplier ID,Supplier Name,Address,Postcode,Company Number,Charity Number,Society Number,Employees,Turnover,Balance Sheet\n' +
  'S001,Pemberton Builders Ltd,,,09876543,,,,,\n' +
  'S002,Leigh Community Sports Association,,,,1180002,,,,\n' +
  'S003,Nationwide Outsourcing Group Ltd,"1 Victoria St, London",LS1 4AP,13890123,,,5200,"£900,000,000","£500,000,000"\n' +
  'S004,Wigan Community Energy Co-op,,,,,31117R,12,,\n' +
  'S005,Leigh Precision Engineering,"Unit 9, Leigh",WN1 1AA,10111222,,,40,"£3,000,000",\n';

const LEDGER =
  'Payment Date,Supplier ID,Supplier Name,Supplier Registered Company Number,Net Amount\n' +
  '01/04/2022,S001,Pemberton Builders Ltd,,1000.00\n' +
  '02/04/2022,S002,Leigh Community Sports Association,,2000.00\n' +
  '03/04/2022,S003,Nationwide Outsourcing Group Ltd,,4000.00\n' +
  '04/04/2022,S004,Wigan Community Energy Co-op,,500.00\n' +
  '05/04/2022,S005,Leigh Precision Engineering,,300.00\n' +
  '06/04/2022,S006,Scholes Community Cafe C.I.C.,,250.00\n' +
  '07/04/2022,S007,Atherton & Tyldesley Youth Club,,150.00\n' +
  '08/04/2022,S008,The Makerfield Hospice Limited,,75.00\n' +
  '09/04/2022,S009,Bolton Bakery Supplies,08765432,60.00\n' +
  '10/04/2022,S010,Kenyon Block Consultants Ltd,,40.00\n' +
  '11/04/2022,S011,Friends of Wigan Abroad,,25.00\n' +
  '12/04/2022,X000,Redacted Personal Information,,100.00\n';

beforeAll(async () => {
  t = await buildTestApp();
  finance = await createOrgWithKey(t, wigan, 'finance');
  viewer = await createOrgWithKey(t, wigan, 'viewer');
  await loadAllReferenceFixtures(t);
  const suppliers = await uploadCsv(t, finance, 'wigan', SUPPLIERS, {
    kind: 'suppliers',
    filename: 'suppliers.csv',
  });
  expect(suppliers.statusCode, suppliers.body).toBe(201);
  const ledger = await uploadCsv(t, finance, 'wigan', LEDGER, { filename: 'april.csv' });
  expect(ledger.statusCode, ledger.body).toBe(201);
});
afterAll(() => t.close());

const supplier = async (ref: string, year?: number) => {
  const res = await t.as(viewer, {
    method: 'GET',
    url: `/v1/organisations/wigan/suppliers/${encodeURIComponent(ref)}${year ? `?year=${year}` : ''}`,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const values = (s: { tags: Record<string, { value: boolean | null }> }) =>
  Object.fromEntries(Object.entries(s.tags).map(([k, v]) => [k, v.value]));

describe("an upload's new suppliers", () => {
  it('are tagged from what the ledger said as a full re-tag tags them from the rows stored', async () => {
    // The upload tags the suppliers it adds from the rows as it inserted them (not read back):
    // a full re-tag, which reads every supplier's row, must come to the same tags.
    const stored = () =>
      sql<Record<string, unknown>>`
        SELECT supplier_key, postcode, postcode_source, lad, lsoa, imd_decile, local, wider_area,
               deprived_area, vcfse, sme, company_number, charity_number, society_number,
               provenance::text AS provenance
        FROM supplier_tags WHERE org_id = 'wigan' ORDER BY supplier_key`
        .execute(t.database.db)
        .then((r) => r.rows);
    const before = await stored();
    // S006 - S011 are new in the ledger (S001 - S005 came with the supplier list first).
    expect(before.map((r) => r.supplier_key)).toEqual(
      Array.from({ length: 11 }, (_, i) => `S${String(i + 1).padStart(3, '0')}`),
    );
    // Among them a name match (S006, C.I.C.) and a company number the ledger gave (S009).
    expect(before.find((r) => r.supplier_key === 'S006')!.vcfse).toBe(true);
    expect(before.find((r) => r.supplier_key === 'S009')!.company_number).toBe('08765432');
    expect(await tagSuppliers(t.database.db, 'wigan')).toBe(11);
    expect(await stored()).toEqual(before);
  });
});

describe('the supplier list', () => {
  it('loads as an upload of kind suppliers, mapping its columns', async () => {
    const uploads = (
      await t.as(viewer, { method: 'GET', url: '/v1/organisations/wigan/uploads' })
    ).json().uploads;
    const list = uploads.find((u: { kind: string }) => u.kind === 'suppliers');
    expect(list).toMatchObject({
      filename: 'suppliers.csv',
      rows: { read: 5, loaded: 5 },
      total: '0.00',
    });
    expect(list.mapping).toMatchObject({
      reference: 'Supplier ID',
      name: 'Supplier Name',
      postcode: 'Postcode',
      societyNumber: 'Society Number',
    });
  });
});

describe('tags and where they came from', () => {
  it('tags a Wigan company from Companies House: local, SME from its accounts, not VCFSE', async () => {
    const s = await supplier('S001', 2022);
    expect(values(s)).toEqual({
      local: true,
      widerArea: true,
      deprivedArea: true,
      vcfse: false,
      sme: true,
    });
    expect(s).toMatchObject({
      name: 'Pemberton Builders Ltd',
      postcode: 'WN5 9UN',
      lad: 'E08000010',
      spend: '1000.00',
      payments: 1,
      imdDecile: 2,
    });
    expect(s.tags.local).toEqual({
      value: true,
      source: 'companies-house',
      evidence:
        'WN5 9UN is in E08000010 (registered office of company 09876543 (PEMBERTON BUILDERS LIMITED))',
    });
    expect(s.tags.sme).toEqual({
      value: true,
      source: 'companies-house',
      evidence: 'company 09876543 files MICRO ENTITY accounts',
    });
    expect(s.matched).toEqual({ company: '09876543', charity: null, society: null });
  });

  it('tags a registered CIO as VCFSE from the Charity Commission, with its Companies House entry', async () => {
    const s = await supplier('S002');
    expect(s.matched).toEqual({ company: 'CE012345', charity: '1180002', society: null });
    expect(s.tags.sme).toEqual({
      value: null,
      source: 'companies-house',
      evidence: 'company CE012345 files NO ACCOUNTS FILED accounts, which does not show its size',
    });
    expect(s.tags.vcfse).toEqual({
      value: true,
      source: 'charity-commission',
      evidence: 'registered charity 1180002 (Leigh Community Sports Association), a CIO',
    });
    // Companies House knows it too (CE012345): its registered office comes first (DESIGN.md).
    expect(s.tags.local).toMatchObject({ value: true, source: 'companies-house' });
  });

  it('prefers the supplier file to the registers: its postcode, and its size figures', async () => {
    const s = await supplier('S003');
    // Companies House has this company in London (SW1A 1AA); the file says Leeds.
    expect(s.tags.local).toMatchObject({ value: false, source: 'supplier-file' });
    expect(s.postcode).toBe('LS1 4AP');
    expect(s.lad).toBe('E08000035');
    expect(s.tags.sme).toEqual({
      value: false,
      source: 'supplier-file',
      evidence:
        'supplier file: 5200 employees, turnover £900,000,000, balance sheet £500,000,000: 250 or more employees',
    });
    expect(s.tags.vcfse).toMatchObject({ value: false, source: 'companies-house' });
  });

  it('tags a co-operative from the FCA register, in a deprived area', async () => {
    const s = await supplier('S004');
    expect(values(s)).toMatchObject({ local: true, deprivedArea: true, vcfse: true });
    expect(s.tags.vcfse.source).toBe('fca-mutuals');
    expect(s.tags.deprivedArea.evidence).toMatch(/^WN2 2AB is in LSOA E\d{8}, IMD decile 1 \(IoD/);
    // 12 employees but no turnover or balance sheet in the file: the rule cannot decide, and
    // there is no Companies House accounts category to fall back to.
    expect(s.tags.sme.value).toBeNull();
  });

  it('decides SME from the file when it can: under 250 employees and within the turnover limit', async () => {
    expect((await supplier('S005')).tags.sme).toMatchObject({
      value: true,
      source: 'supplier-file',
    });
  });

  it('matches a ledger supplier with no number by exact normalised name (C.I.C. = CIC), with source name-match', async () => {
    const cic = await supplier('S006');
    expect(cic.tags.vcfse).toEqual({
      value: true,
      source: 'name-match',
      evidence: 'company 11223344 (SCHOLES COMMUNITY CAFE C.I.C.) is a Community Interest Company',
    });
    const club = await supplier('S007');
    expect(club.tags.vcfse).toMatchObject({ value: true, source: 'name-match' });
    expect(club.tags.local).toMatchObject({ value: true, source: 'name-match' });
    expect(club.tags.local.evidence).toContain('matched by exact name');
  });

  it('finds a charitable company through its company number', async () => {
    // Matched by name to the company THE MAKERFIELD HOSPICE LIMITED (02987654), which the
    // charity register lists as charity 511004's company.
    const s = await supplier('S008');
    expect(s.matched).toEqual({ company: '02987654', charity: '511004', society: null });
    expect(s.tags.vcfse).toEqual({
      value: true,
      source: 'name-match',
      evidence: 'registered charity 511004 (The Makerfield Hospice)',
    });
  });

  it('uses a company number the ledger gives directly: in the wider area, not local', async () => {
    const s = await supplier('S009');
    expect(values(s)).toMatchObject({ local: false, widerArea: true, vcfse: false, sme: true });
    expect(s.tags.local.source).toBe('companies-house');
  });

  it('leaves a supplier nothing knows unknown, never false', async () => {
    const s = await supplier('S010');
    expect(values(s)).toEqual({
      local: null,
      widerArea: null,
      deprivedArea: null,
      vcfse: null,
      sme: null,
    });
    expect(s.tags.local).toEqual({
      value: null,
      source: 'none',
      evidence: 'no postcode in the supplier file or any register match',
    });
  });

  it('knows a charity with no postcode is VCFSE but not where it is', async () => {
    const s = await supplier('S011');
    expect(values(s)).toMatchObject({ vcfse: true, local: null });
  });

  it('lists suppliers by tag, name and year, largest spend first, redacted payments never among them', async () => {
    const list = await t.as(viewer, {
      method: 'GET',
      url: '/v1/organisations/wigan/suppliers?year=2022&tag=vcfse',
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().suppliers.map((s: { ref: string }) => s.ref)).toEqual([
      'S002',
      'S004',
      'S006',
      'S007',
      'S008',
      'S011',
    ]);
    expect(list.json()).toMatchObject({ year: 2022, label: '2022/23', total: 6 });
    const unknown = await t.as(viewer, {
      method: 'GET',
      url: '/v1/organisations/wigan/suppliers?tag=local:unknown',
    });
    expect(unknown.json().suppliers.map((s: { ref: string }) => s.ref)).toEqual(['S010', 'S011']);
    const named = await t.as(viewer, {
      method: 'GET',
      url: '/v1/organisations/wigan/suppliers?q=leigh',
    });
    expect(named.json().suppliers.map((s: { ref: string }) => s.ref)).toEqual(['S002', 'S005']);
    const all = await t.as(viewer, {
      method: 'GET',
      url: '/v1/organisations/wigan/suppliers?limit=100',
    });
    expect(all.json().total).toBe(11);
    expect(all.body).not.toContain('Redacted');
  });

  it('gives each supplier its spend in the financial year asked, or in every year', async () => {
    const org = { id: 'years-college', name: 'Years College', yearStartMonth: 8 };
    const key = await createOrgWithKey(t, org, 'finance');
    const upload = await uploadCsv(
      t,
      key,
      org.id,
      'Payment Date,Supplier ID,Supplier Name,Net Amount\n' +
        '31/07/2022,S1,Acme Ltd,100.00\n' + // 2021/22: the college's year starts in August
        '01/08/2022,S1,Acme Ltd,250.00\n' +
        '15/05/2023,S1,Acme Ltd,-50.00\n' +
        '20/07/2022,S2,Bolt Ltd,0.01\n' +
        '21/07/2022,X0,Redacted Personal Information,9.00\n',
      { filename: 'years.csv' },
    );
    expect(upload.statusCode, upload.body).toBe(201);
    const list = async (query: string) =>
      (await t.as(key, { method: 'GET', url: `/v1/organisations/${org.id}/suppliers${query}` }))
        .json()
        .suppliers.map((s: { ref: string; spend: string; payments: number }) => [
          s.ref,
          s.spend,
          s.payments,
        ]);
    expect(await list('?year=2022')).toEqual([['S1', '200.00', 2]]);
    expect(await list('?year=2021')).toEqual([
      ['S1', '100.00', 1],
      ['S2', '0.01', 1],
    ]);
    expect(await list('')).toEqual([
      ['S1', '300.00', 3],
      ['S2', '0.01', 1],
    ]);
    expect(await list('?year=2020')).toEqual([]);
  });
});

describe('overrides', () => {
  it('win over every rule, are audited, survive reloads, and can be removed', async () => {
    const res = await t.as(finance, {
      method: 'PUT',
      url: '/v1/organisations/wigan/suppliers/S001/overrides',
      payload: { vcfse: true, reason: 'a social enterprise: employee-owned since 2021' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().tags.vcfse).toEqual({
      value: true,
      source: 'override',
      evidence: expect.stringMatching(/^set by cwb_[0-9a-f]{8}: a social enterprise/),
    });
    expect(res.json().override).toMatchObject({
      vcfse: true,
      local: null,
      reason: 'a social enterprise: employee-owned since 2021',
    });

    const audit = await t.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'supplier.override')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      org_id: 'wigan',
      target: 'S001',
      before: null,
      after: { vcfse: true, reason: 'a social enterprise: employee-owned since 2021' },
    });

    // A new supplier list and a companies reload re-tag S001; the override holds.
    const again = await uploadCsv(
      t,
      finance,
      'wigan',
      SUPPLIERS.replace('S001,Pemberton Builders Ltd,,,', 'S001,Pemberton Builders Ltd,,WN5 9UN,'),
      { kind: 'suppliers' },
    );
    expect(again.statusCode).toBe(201);
    await loadReferenceFixture(t, 'companies', REFERENCE_FIXTURES.companies);
    expect((await supplier('S001')).tags.vcfse).toMatchObject({ value: true, source: 'override' });

    const cleared = await t.as(finance, {
      method: 'DELETE',
      url: '/v1/organisations/wigan/suppliers/S001/overrides',
    });
    expect(cleared.json().tags.vcfse).toMatchObject({ value: false, source: 'companies-house' });
    expect(cleared.json().override).toBeNull();
  });

  it('move a supplier when the postcode is overridden', async () => {
    const res = await t.as(finance, {
      method: 'PUT',
      url: '/v1/organisations/wigan/suppliers/S010/overrides',
      payload: { postcode: 'wn1 oaa', reason: 'trades from Wigan Market Hall' },
    });
    // WN1 0AA is not in the fixtures; WN1 OAA normalises to it: the supplier has a postcode the
    // directory does not know, so local stays unknown, now with that evidence.
    expect(res.statusCode).toBe(200);
    expect(res.json().postcode).toBe('WN1 0AA');
    expect(res.json().tags.local.evidence).toContain('WN1 0AA');
    const moved = await t.as(finance, {
      method: 'PUT',
      url: '/v1/organisations/wigan/suppliers/S010/overrides',
      payload: { postcode: 'WN1 1AA', reason: 'trades from Wigan town centre' },
    });
    expect(moved.json().tags.local).toMatchObject({ value: true, source: 'override' });
  });

  it('refuse a bad body, a bad postcode, and keys that may not write', async () => {
    const empty = await t.as(finance, {
      method: 'PUT',
      url: '/v1/organisations/wigan/suppliers/S002/overrides',
      payload: { reason: 'no change' },
    });
    expect(empty.statusCode).toBe(400);
    const badPostcode = await t.as(finance, {
      method: 'PUT',
      url: '/v1/organisations/wigan/suppliers/S002/overrides',
      payload: { postcode: 'NOWHERE', reason: 'moved' },
    });
    expect(badPostcode.statusCode).toBe(400);
    expect(badPostcode.json().errors).toEqual([
      { in: 'body', field: 'postcode', message: '"NOWHERE" is not a UK postcode' },
    ]);
    const viewerTry = await t.as(viewer, {
      method: 'PUT',
      url: '/v1/organisations/wigan/suppliers/S002/overrides',
      payload: { local: false, reason: 'x y z' },
    });
    expect(viewerTry.statusCode).toBe(403);
    const missing = await t.as(finance, {
      method: 'PUT',
      url: '/v1/organisations/wigan/suppliers/NOPE/overrides',
      payload: { local: true, reason: 'x y z' },
    });
    expect(missing.statusCode).toBe(404);
  });
});

describe('re-tagging after a reference reload', () => {
  it('follows the deprivation edition loaded: WN5 9UN moves from decile 2 to 3 in IoD2025', async () => {
    expect((await supplier('S001')).tags.deprivedArea.value).toBe(true);
    await loadReferenceFixture(t, 'deprivation', REFERENCE_FIXTURES.deprivation2025);
    const s = await supplier('S001');
    expect(s.tags.deprivedArea).toMatchObject({ value: false });
    expect(s.tags.deprivedArea.evidence).toMatch(
      /IMD decile 3 \(IoD 2025|IMD decile 3 \(IoD IoD2025/,
    );
  });
});

describe('near matches', () => {
  it('are suggested from the registers, never applied', async () => {
    const upload = await uploadCsv(
      t,
      finance,
      'wigan',
      'Payment Date,Supplier ID,Supplier Name,Net Amount\n01/05/2022,S012,Wigan Boro Food Bank,10.00\n',
    );
    expect(upload.statusCode).toBe(201);
    const res = await t.as(viewer, {
      method: 'GET',
      url: '/v1/organisations/wigan/suppliers/S012/matches',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().suggestions[0]).toMatchObject({
      number: expect.stringMatching(/^(1150001|08123456)$/),
      name: expect.stringMatching(/food bank trust/i),
    });
    expect((await supplier('S012')).tags.vcfse.value).toBeNull();
  });
});

describe('classification', () => {
  it('gives the share of spend with known location, VCFSE and SME status, and what to classify first', async () => {
    const res = await t.as(viewer, {
      method: 'GET',
      url: '/v1/organisations/wigan/classification?year=2022',
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    // April: 8,500.00 with suppliers, 100.00 redacted; May: 10.00 (S012).
    expect(body).toMatchObject({
      label: '2022/23',
      totalSpend: '8510.00',
      redactedSpend: '100.00',
    });
    // Location unknown: S011 (25.00), S012 (10.00) and the redacted 100.00. S010 now has an override postcode.
    expect(body.location).toEqual({
      knownSpend: '8375.00',
      unknownSpend: '135.00',
      knownShare: 8375 / 8510,
    });
    // Unclassified, largest spend first: the CIO and the co-operative file no accounts that show
    // their size; the youth club is a trust; the hospice files FULL accounts; S010 has only a
    // postcode override; S011 has no postcode; S012 matched nothing.
    expect(body.topUnclassified.map((u: { ref: string }) => u.ref)).toEqual([
      'S002',
      'S004',
      'S007',
      'S008',
      'S010',
      'S011',
      'S012',
    ]);
    expect(body.topUnclassified[0]).toEqual({
      ref: 'S002',
      name: 'Leigh Community Sports Association',
      spend: '2000.00',
      unknown: ['sme'],
    });
    expect(body.topUnclassified[6]).toEqual({
      ref: 'S012',
      name: 'Wigan Boro Food Bank',
      spend: '10.00',
      unknown: ['location', 'vcfse', 'sme'],
    });
    expect(body.suppliers).toEqual({ paid: 12, fullyClassified: 5 });
  });
});

describe('a ledger supplier seen again', () => {
  /** A one-payment ledger for supplier S020, uploaded as `filename`: the response. */
  const upload = (filename: string, date: string, name: string, company: string) =>
    uploadCsv(
      t,
      finance,
      'wigan',
      'Payment Date,Supplier ID,Supplier Name,Supplier Registered Company Number,Net Amount\n' +
        `${date},S020,${name},${company},80.00\n`,
      { filename },
    );

  it('takes the name the latest ledger writes and a company number given later, and keeps it when a ledger leaves it out', async () => {
    const june = await upload('june.csv', '01/06/2023', 'Hindley Green Joinery', '');
    expect(june.statusCode, june.body).toBe(201);
    expect(await supplier('S020')).toMatchObject({
      name: 'Hindley Green Joinery',
      matched: { company: null, charity: null, society: null },
    });
    expect(values(await supplier('S020')).local).toBeNull();

    const july = await upload('july.csv', '01/07/2023', 'Hindley Green Joinery Ltd', '09876543');
    expect(july.statusCode, july.body).toBe(201);
    const renamed = await supplier('S020');
    expect(renamed).toMatchObject({
      name: 'Hindley Green Joinery Ltd',
      matched: { company: '09876543', charity: null, society: null },
    });
    expect(renamed.tags.local).toMatchObject({ value: true, source: 'companies-house' });

    const august = await upload('august.csv', '01/08/2023', 'Hindley Green Joinery Ltd', '');
    expect(august.statusCode, august.body).toBe(201);
    const again = await supplier('S020', 2023);
    expect(again).toMatchObject({
      name: 'Hindley Green Joinery Ltd',
      matched: { company: '09876543', charity: null, society: null },
      spend: '240.00',
      payments: 3,
    });
    expect(again.tags.local).toMatchObject({ value: true, source: 'companies-house' });
  });
});
