import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAllReferenceFixtures } from './helpers/reference.ts';
import { buildTestApp, createOrgWithKey, wigan, type TestApp } from './helpers/test-app.ts';
import { uploadCsv } from './helpers/uploads.ts';

/*
 * A two-partner anchor partnership, worked out by hand.
 *
 * Wigan Council (year from April; 2022/23 = 2022-04-01..2023-03-31):
 *   Pemberton Builders (company 09876543, WN5 9UN, local)   1,000.00
 *   Leigh Community Sports Association (charity, local)       500.00
 *   London Consulting Partners (EC1A)                        2,000.00
 *   Anon Trading (nothing known)                              250.00
 *   J Smith Plumbing (a sole trader, WN3 6PR, local)          100.00
 *   Redacted Personal Information                             400.00   (spend, never a supplier)
 *   total 4,250.00; local 1,600.00; 5 suppliers, 3 local.
 *
 * Wigan and Leigh College (year from August; 2022/23 = 2022-08-01..2023-07-31):
 *   Pemberton Builders (Wigan), company 09876543   3,000.00 + 200.00 (July 2023, in its year)
 *     and 5,000.00 on 2022-07-20, in the college's 2021/22 (but inside the council's 2022/23)
 *   Bolton Bakery Supplies (BL3, not local)          700.00
 *   J SMITH PLUMBING, WN3 6PR (no register)          400.00
 *   total 4,300.00; local 3,600.00; 3 suppliers, 2 local.
 *
 * The partnership: spend 8,550.00, local 5,200.00; distinct suppliers 6 (Pemberton and
 * J Smith counted once), distinct local suppliers 3. Shared: Pemberton (2 partners, 4,200.00,
 * named: a registered company) and J Smith Plumbing (2 partners, 500.00, never named).
 */

const COUNCIL_SUPPLIERS =
  'Supplier ID,Supplier Name,Company Number,Charity Number,Postcode\n' +
  'S1,Pemberton Builders Ltd,09876543,,\n' +
  'S2,Leigh Community Sports Association,,1180002,\n' +
  'S4,London Consulting Partners,00445566,,\n' +
  'S5,Anon Trading,,,\n' +
  'S6,J Smith Plumbing,,,WN3 6PR\n';
const COUNCIL_LEDGER =
  'Payment Date,Supplier ID,Supplier Name,Service Area,Expense Type,Net Amount\n' +
  '10/04/2022,S1,Pemberton Builders Ltd,Place,Building Works,1000.00\n' +
  '15/05/2022,S2,Leigh Community Sports Association,Communities,Sports Services,500.00\n' +
  '01/07/2022,S4,London Consulting Partners,Resources,Consultancy,2000.00\n' +
  '09/09/2022,S5,Anon Trading,Resources,Consultancy,250.00\n' +
  '12/12/2022,S6,J Smith Plumbing,Place,Repairs,100.00\n' +
  '10/10/2022,X,Redacted Personal Information,Adults,Care,400.00\n' +
  '01/04/2023,S1,Pemberton Builders Ltd,Place,Building Works,999.99\n';

const COLLEGE_SUPPLIERS =
  'Vendor No,Vendor Name,Company Reg No,Post Code\n' +
  'C-100,Pemberton Builders (Wigan),09876543,\n' +
  'C-200,Bolton Bakery Supplies,08765432,\n' +
  'C-300,J SMITH PLUMBING,,WN3 6PR\n';
const COLLEGE_LEDGER =
  'Date Paid,Vendor No,Vendor Name,Department,Account,Amount\n' +
  '20/07/2022,C-100,Pemberton Builders (Wigan),Estates,Building Works,5000.00\n' +
  '01/09/2022,C-100,Pemberton Builders (Wigan),Estates,Building Works,3000.00\n' +
  '10/10/2022,C-200,Bolton Bakery Supplies,Catering,Food,700.00\n' +
  '05/11/2022,C-300,J SMITH PLUMBING,Estates,Repairs,400.00\n' +
  '15/07/2023,C-100,Pemberton Builders (Wigan),Estates,Building Works,200.00\n';

const college = {
  id: 'wigan-college',
  name: 'Wigan and Leigh College',
  homeAreas: ['E08000010'],
  yearStartMonth: 8,
};
const bolton = { id: 'bolton', name: 'Bolton Council', homeAreas: ['E08000001'] };

let t: TestApp;
let councilFinance: string;
let collegeFinance: string;
let councilPartner: string;
let boltonPartner: string;

beforeAll(async () => {
  t = await buildTestApp();
  await loadAllReferenceFixtures(t);
  councilFinance = await createOrgWithKey(t, wigan, 'finance');
  collegeFinance = await createOrgWithKey(t, college, 'finance');
  councilPartner = await createOrgWithKey(t, wigan, 'partner');
  boltonPartner = await createOrgWithKey(t, bolton, 'partner');

  for (const [id, name] of [
    ['wigan-anchors', 'Wigan anchor partnership'],
    ['bolton-anchors', 'Bolton anchor institutions'],
  ]) {
    const res = await t.asAdmin({ method: 'POST', url: '/v1/partnerships', payload: { id, name } });
    expect(res.statusCode, res.body).toBe(201);
  }
  for (const [org, partnership] of [
    ['wigan', 'wigan-anchors'],
    ['wigan-college', 'wigan-anchors'],
    ['bolton', 'bolton-anchors'],
  ]) {
    const res = await t.asAdmin({
      method: 'PATCH',
      url: `/v1/organisations/${org}`,
      payload: { partnership },
    });
    expect(res.statusCode, res.body).toBe(200);
  }

  for (const [key, org, suppliers, ledger] of [
    [councilFinance, 'wigan', COUNCIL_SUPPLIERS, COUNCIL_LEDGER],
    [collegeFinance, 'wigan-college', COLLEGE_SUPPLIERS, COLLEGE_LEDGER],
  ] as const) {
    const s = await uploadCsv(t, key, org, suppliers, { kind: 'suppliers' });
    expect(s.statusCode, s.body).toBe(201);
    const l = await uploadCsv(t, key, org, ledger);
    expect(l.statusCode, l.body).toBe(201);
  }
});
afterAll(() => t.close());

const charter = async (key: string, query = 'year=2022') => {
  const res = await t.as(key, { method: 'GET', url: `/v1/charter?${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('GET /v1/charter', () => {
  it("gives each partner's figures on its own financial year", async () => {
    const c = await charter(councilPartner);
    expect(c.partnership).toEqual({ id: 'wigan-anchors', name: 'Wigan anchor partnership' });
    expect(c.partners.map((p: { organisation: string }) => p.organisation)).toEqual([
      'wigan',
      'wigan-college',
    ]);
    const [council, collegeFigures] = c.partners;
    expect(council).toMatchObject({
      label: '2022/23',
      period: { from: '2022-04-01', to: '2023-03-31' },
      totalSpend: '4250.00',
      localSpend: '1600.00',
      localShare: 1600 / 4250,
      supplierCount: 5,
      localSupplierCount: 3,
    });
    expect(collegeFigures).toMatchObject({
      name: 'Wigan and Leigh College',
      label: '2022/23',
      period: { from: '2022-08-01', to: '2023-07-31' },
      totalSpend: '4300.00',
      localSpend: '3600.00',
      supplierCount: 3,
      localSupplierCount: 2,
    });
  });

  it("adds the partnership's spend up, counting a business paid by both partners once", async () => {
    const { combined } = await charter(councilPartner);
    expect(combined).toMatchObject({
      partners: 2,
      totalSpend: '8550.00',
      localSpend: '5200.00',
      localShare: 5200 / 8550,
      supplierCount: 6,
      localSupplierCount: 3,
    });
  });

  it('shows a partner only its own partnership', async () => {
    const own = await charter(boltonPartner);
    expect(own.partnership.id).toBe('bolton-anchors');
    expect(own.partners.map((p: { organisation: string }) => p.organisation)).toEqual(['bolton']);
    expect(own.combined.totalSpend).toBe('0.00');

    const other = await t.as(boltonPartner, {
      method: 'GET',
      url: '/v1/charter?year=2022&partnership=wigan-anchors',
    });
    expect(other.statusCode).toBe(403);
    expect(other.body).not.toContain('8550');
  });

  it('lets an admin read any partnership, and says when there is none', async () => {
    const res = await t.asAdmin({
      method: 'GET',
      url: '/v1/charter?year=2022&partnership=wigan-anchors',
    });
    expect(res.json().combined.totalSpend).toBe('8550.00');
    const missing = await t.asAdmin({
      method: 'GET',
      url: '/v1/charter?year=2022&partnership=nowhere',
    });
    expect(missing.statusCode).toBe(404);
  });

  it('keeps payment lines and ledgers from partner keys', async () => {
    for (const url of [
      '/v1/organisations/wigan-college/metrics?year=2022',
      '/v1/organisations/wigan-college/uploads',
      '/v1/organisations/wigan-college/suppliers',
      '/v1/organisations/wigan/metrics?year=2022',
    ]) {
      const res = await t.as(councilPartner, { method: 'GET', url });
      expect(res.statusCode, url).toBe(403);
    }
  });
});

describe('GET /v1/charter/shared-suppliers', () => {
  it('lists the businesses two partners pay, naming only registered organisations', async () => {
    const res = await t.as(councilPartner, {
      method: 'GET',
      url: '/v1/charter/shared-suppliers?year=2022',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      partnership: { id: 'wigan-anchors', name: 'Wigan anchor partnership' },
      year: 2022,
      total: 2,
      suppliers: [
        {
          name: 'Pemberton Builders Ltd',
          register: 'company',
          number: '09876543',
          partners: 2,
          combinedSpend: '4200.00',
          local: true,
        },
        {
          name: null,
          register: null,
          number: null,
          partners: 2,
          combinedSpend: '500.00',
          local: true,
        },
      ],
    });
    expect(res.body).not.toMatch(/smith/i);
  });
});

describe('charter measures', () => {
  it('lists the five standard measures', async () => {
    const res = await t.as(councilPartner, { method: 'GET', url: '/v1/charter/measures' });
    expect(res.json().measures.map((m: { code: string }) => m.code)).toEqual([
      'apprenticeships',
      'local_jobs_created',
      'local_recruitment_share',
      'real_living_wage_employer',
      'volunteering_hours',
    ]);
  });

  it('lets only an admin define a measure, once', async () => {
    const body = {
      code: 'local_spend_pledge',
      name: 'Pledged local spend',
      unit: '£',
      kind: 'money',
    };
    const byFinance = await t.as(councilFinance, {
      method: 'POST',
      url: '/v1/charter/measures',
      payload: body,
    });
    expect(byFinance.statusCode).toBe(403);
    const created = await t.asAdmin({ method: 'POST', url: '/v1/charter/measures', payload: body });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ code: 'local_spend_pledge', kind: 'money' });
    const again = await t.asAdmin({ method: 'POST', url: '/v1/charter/measures', payload: body });
    expect(again.statusCode).toBe(409);
  });

  it('refuses values that do not fit their definition, every one named, storing none', async () => {
    const put = (key: string, org: string, values: Record<string, unknown>) =>
      t.as(key, {
        method: 'PUT',
        url: `/v1/organisations/${org}/charter/2022`,
        payload: { values },
      });
    expect((await put(councilFinance, 'wigan', { local_jobs_created: 12 })).statusCode).toBe(200);

    const bad = await put(councilFinance, 'wigan', {
      local_jobs_created: 2.5,
      real_living_wage_employer: 'yes',
      local_recruitment_share: 120,
      trees_planted: 40,
      volunteering_hours: 10,
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual([
      'values.local_jobs_created',
      'values.local_recruitment_share',
      'values.real_living_wage_employer',
      'values.trees_planted',
    ]);
    const kept = await t.as(councilFinance, {
      method: 'GET',
      url: '/v1/organisations/wigan/charter/2022',
    });
    expect(
      kept.json().values.map((v: { code: string; value: unknown }) => [v.code, v.value]),
    ).toEqual([['local_jobs_created', 12]]);

    // A finance key writes only for its own organisation.
    expect((await put(councilFinance, 'wigan-college', { local_jobs_created: 1 })).statusCode).toBe(
      403,
    );
  });

  it('combines the submitted values into the charter', async () => {
    const council = await t.as(councilFinance, {
      method: 'PUT',
      url: '/v1/organisations/wigan/charter/2022',
      payload: {
        values: {
          local_jobs_created: 12,
          apprenticeships: { value: 4, note: 'two in Adult Social Care' },
          real_living_wage_employer: true,
          volunteering_hours: '120.5',
          local_recruitment_share: 62.5,
          local_spend_pledge: '1500.5',
        },
      },
    });
    expect(council.statusCode, council.body).toBe(200);
    const collegeValues = await t.as(collegeFinance, {
      method: 'PUT',
      url: '/v1/organisations/wigan-college/charter/2022',
      payload: {
        values: {
          local_jobs_created: 3,
          real_living_wage_employer: false,
          volunteering_hours: 40.25,
          local_spend_pledge: 250,
        },
      },
    });
    expect(collegeValues.statusCode, collegeValues.body).toBe(200);

    const c = await charter(councilPartner);
    expect(c.partners[0].measures).toContainEqual({
      code: 'apprenticeships',
      value: 4,
      note: 'two in Adult Social Care',
    });
    expect(c.partners[0].measures).toContainEqual({
      code: 'local_spend_pledge',
      value: '1500.50',
      note: null,
    });
    const totals = Object.fromEntries(
      c.combined.measures.map((m: { code: string; total: unknown; reportedBy: number }) => [
        m.code,
        [m.total, m.reportedBy],
      ]),
    );
    expect(totals).toEqual({
      apprenticeships: [4, 1],
      local_jobs_created: [15, 2],
      local_recruitment_share: [null, 1],
      local_spend_pledge: ['1750.50', 2],
      real_living_wage_employer: [1, 2],
      volunteering_hours: [160.75, 2],
    });
  });
});

describe('GET /v1/audit', () => {
  it('records every write with who, what, before and after, for admins only', async () => {
    expect((await t.as(councilFinance, { method: 'GET', url: '/v1/audit' })).statusCode).toBe(403);
    const res = await t.asAdmin({
      method: 'GET',
      url: '/v1/audit?organisation=wigan&action=charter.values',
    });
    expect(res.statusCode, res.body).toBe(200);
    const entries = res.json().entries;
    // Two accepted PUTs for wigan (the refused one stored nothing, not even an audit entry).
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      organisation: 'wigan',
      action: 'charter.values',
      target: 'wigan/2022',
      before: { local_jobs_created: '12' },
      after: { local_jobs_created: '12', apprenticeships: '4', real_living_wage_employer: true },
    });
    expect(entries[0].actor).toMatch(/^cwb_/);
    expect(entries[1].before).toEqual({});

    // Keys are audited by prefix, never the key or its hash.
    const keyEntries = await t.asAdmin({ method: 'GET', url: '/v1/audit?action=key.create' });
    expect(keyEntries.json().entries).toHaveLength(4);
    for (const key of [councilFinance, collegeFinance, councilPartner, boltonPartner]) {
      expect(keyEntries.body).toContain(key.split('_').slice(0, 2).join('_'));
      expect(keyEntries.body).not.toContain(key);
    }
    expect(keyEntries.body).not.toMatch(/hash/i);

    const partnerships = await t.asAdmin({
      method: 'GET',
      url: '/v1/audit?action=partnership.create&limit=1',
    });
    expect(partnerships.json().entries).toHaveLength(1);
    expect(partnerships.json().entries[0]).toMatchObject({
      actor: 'admin-token',
      target: 'bolton-anchors',
    });
  });
});
