import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAllReferenceFixtures } from './helpers/reference.ts';
import { buildTestApp, createOrgWithKey, wigan, type TestApp } from './helpers/test-app.ts';
import { uploadCsv } from './helpers/uploads.ts';

/*
 * The headline figures of a small ledger, worked out by hand from DESIGN.md's definitions.
 *
 * Suppliers (reference fixtures):
 *   S1 Pemberton Builders  WN5 9UN Wigan, IMD decile 2: local, wider, deprived, SME (micro)
 *   S2 Leigh Community Sports Association, CIO, WN7 1AB Wigan (decile 3): local, wider, VCFSE
 *   S3 Bolton Bakery Supplies  BL3 6BB Bolton (decile 1): wider, deprived, SME (small); net 0 in 2022/23
 *   S4 London Consulting Partners  EC1A 1BB City of London: none of them; SME unknown (FULL)
 *   S5 Anon Trading  nothing known
 */

const SUPPLIERS =
  'Supplier ID,Supplier Name,Company Number,Charity Number\n' +
  'S1,Pemberton Builders Ltd,09876543,\n' +
  'S2,Leigh Community Sports Association,,1180002\n' +
  'S3,Bolton Bakery Supplies,08765432,\n' +
  'S4,London Consulting Partners,00445566,\n' +
  'S5,Anon Trading,,\n';

const HEADER = 'Payment Date,Supplier ID,Supplier Name,Service Area,Expense Type,Net Amount\n';
const LEDGER_2022 =
  HEADER +
  '10/04/2022,S1,Pemberton Builders Ltd,Place,Building Works,1000.00\n' +
  '15/05/2022,S2,Leigh Community Sports Association,Communities,Sports Services,500.00\n' +
  '20/06/2022,S3,Bolton Bakery Supplies,Schools,Catering,300.00\n' +
  '01/07/2022,S4,London Consulting Partners,Resources,Consultancy,2000.00\n' +
  '01/08/2022,S4,London Consulting Partners,Resources,Consultancy,(150.00)\n' +
  '09/09/2022,S5,Anon Trading,Resources,Consultancy,250.00\n' +
  '10/10/2022,X,Redacted Personal Information,Adults,Care,400.00\n' +
  '05/01/2023,S1,Pemberton Builders Ltd,Place,Building Works,100.00\n' +
  '31/03/2023,S3,Bolton Bakery Supplies,Schools,Catering,-300.00\n' +
  '01/04/2023,S1,Pemberton Builders Ltd,Place,Building Works,999.99\n';
const LEDGER_2021 =
  HEADER +
  '01/06/2021,S1,Pemberton Builders Ltd,Place,Building Works,500.00\n' +
  '01/07/2021,S4,London Consulting Partners,Resources,Consultancy,1500.00\n';

let t: TestApp;
let finance: string;
let viewer: string;
let upload2022: string;

beforeAll(async () => {
  t = await buildTestApp();
  finance = await createOrgWithKey(t, wigan, 'finance');
  viewer = await createOrgWithKey(t, wigan, 'viewer');
  await loadAllReferenceFixtures(t);
  expect((await uploadCsv(t, finance, 'wigan', SUPPLIERS, { kind: 'suppliers' })).statusCode).toBe(
    201,
  );
  expect((await uploadCsv(t, finance, 'wigan', LEDGER_2021)).statusCode).toBe(201);
  const res = await uploadCsv(t, finance, 'wigan', LEDGER_2022);
  expect(res.statusCode).toBe(201);
  upload2022 = res.json().id;
});
afterAll(() => t.close());

const metrics = async (query: string) => {
  const res = await t.as(viewer, {
    method: 'GET',
    url: `/v1/organisations/wigan/metrics?${query}`,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('GET metrics', () => {
  it('gives the headline figures of 2022/23 to the penny', async () => {
    const m = await metrics('year=2022');
    expect(m).toMatchObject({
      organisation: 'wigan',
      year: 2022,
      label: '2022/23',
      period: { from: '2022-04-01', to: '2023-03-31' },
      totalSpend: '4100.00',
      paymentCount: 9,
      localSpend: '1600.00',
      localShare: 1600 / 4100,
      widerAreaSpend: '1600.00',
      widerAreaShare: 1600 / 4100,
      vcfseSpend: '500.00',
      vcfseShare: 500 / 4100,
      smeSpend: '1100.00',
      smeShare: 1100 / 4100,
      deprivedAreaSpend: '1100.00',
      deprivedAreaShare: 1100 / 4100,
      unknownLocationSpend: '650.00',
      redactedSpend: '400.00',
      // S1, S2, S4, S5 have positive net spend; S3's credit note cancels its invoice.
      supplierCount: 4,
      localSupplierCount: 2,
      vcfseSupplierCount: 1,
      smeSupplierCount: 1,
    });
  });

  it('gives the previous year and the change: spends relative, shares in points', async () => {
    const m = await metrics('year=2022');
    expect(m.previousYear).toMatchObject({
      year: 2021,
      label: '2021/22',
      totalSpend: '2000.00',
      localSpend: '500.00',
      localShare: 0.25,
      supplierCount: 2,
    });
    expect(m.change.totalSpend).toBeCloseTo(1.05, 12);
    expect(m.change.localSpend).toBeCloseTo(2.2, 12);
    expect(m.change.localShare).toBeCloseTo(1600 / 4100 - 0.25, 12);
    expect(m.change.vcfseSpend).toBeNull(); // nothing with VCFSE suppliers the year before
    expect(m.change.supplierCount).toBe(1);
    const first = await metrics('year=2021');
    expect(Object.values(first.change).every((v) => v === null)).toBe(true);
  });

  it('groups by quarter, adding up to the total', async () => {
    const m = await metrics('year=2022&by=quarter');
    expect(m.groups.map((g: { key: string; totalSpend: string }) => [g.key, g.totalSpend])).toEqual(
      [
        ['Q1', '1800.00'],
        ['Q2', '2100.00'],
        ['Q3', '400.00'],
        ['Q4', '-200.00'],
      ],
    );
    expect(m.groups[0].label).toBe('Q1 April 2022 to June 2022');
  });

  it('groups by supplier: the top N and one Others group holding the rest and the redacted', async () => {
    const m = await metrics('year=2022&by=supplier&limit=2');
    expect(
      m.groups.map((g: { key: string; label: string; totalSpend: string; localSpend: string }) => [
        g.key,
        g.label,
        g.totalSpend,
        g.localSpend,
      ]),
    ).toEqual([
      ['S4', 'London Consulting Partners', '1850.00', '0.00'],
      ['S1', 'Pemberton Builders Ltd', '1100.00', '1100.00'],
      ['others', 'Others (and redacted payments)', '1150.00', '500.00'],
    ]);
    expect(m.groups[2]).toMatchObject({
      redactedSpend: '400.00',
      unknownLocationSpend: '650.00',
      paymentCount: 5,
    });
  });

  it('groups by service and by expense type, and filters by service and by tag', async () => {
    const byArea = await metrics('year=2022&by=expenseArea');
    expect(
      byArea.groups.map((g: { key: string; totalSpend: string }) => [g.key, g.totalSpend]),
    ).toEqual([
      ['Resources', '2100.00'],
      ['Place', '1100.00'],
      ['Communities', '500.00'],
      ['Adults', '400.00'],
      ['Schools', '0.00'],
    ]);
    const resources = await metrics('year=2022&expenseArea=Resources');
    expect(resources).toMatchObject({
      totalSpend: '2100.00',
      supplierCount: 2,
      localSpend: '0.00',
      unknownLocationSpend: '250.00',
    });
    const vcfse = await metrics('year=2022&tag=vcfse');
    expect(vcfse).toMatchObject({ totalSpend: '500.00', supplierCount: 1, vcfseShare: 1 });
    const unknown = await metrics('year=2022&tag=local:unknown');
    expect(unknown).toMatchObject({
      totalSpend: '650.00',
      redactedSpend: '400.00',
      supplierCount: 1,
    });
  });

  it('changes the figures at once when a tag is overridden, and back when the override goes', async () => {
    const set = await t.as(finance, {
      method: 'PUT',
      url: '/v1/organisations/wigan/suppliers/S4/overrides',
      payload: { local: true, reason: 'runs its northern office from Wigan' },
    });
    expect(set.statusCode).toBe(200);
    expect(await metrics('year=2022')).toMatchObject({
      localSpend: '3450.00',
      localSupplierCount: 3,
      unknownLocationSpend: '650.00',
    });
    expect((await metrics('year=2021')).localSpend).toBe('2000.00');
    await t.as(finance, {
      method: 'DELETE',
      url: '/v1/organisations/wigan/suppliers/S4/overrides',
    });
    expect(await metrics('year=2022')).toMatchObject({
      localSpend: '1600.00',
      localSupplierCount: 2,
    });
  });

  it('follows the financial year start: a college year from August', async () => {
    await t.asAdmin({
      method: 'PATCH',
      url: '/v1/organisations/wigan',
      payload: { yearStartMonth: 8 },
    });
    const m = await metrics('year=2022');
    // 2022-08-01 .. 2023-07-31: the credit note of August, then September to April. Positive
    // net spend: S5 and S1 only (S4 is left with its credit note, S3 with its own).
    expect(m).toMatchObject({
      label: '2022/23',
      period: { from: '2022-08-01', to: '2023-07-31' },
      totalSpend: '1299.99',
      supplierCount: 2,
    });
    await t.asAdmin({
      method: 'PATCH',
      url: '/v1/organisations/wigan',
      payload: { yearStartMonth: 4 },
    });
    expect((await metrics('year=2022')).totalSpend).toBe('4100.00');
  });

  it('drops an undone upload from every figure', async () => {
    const res = await t.asAdmin({
      method: 'DELETE',
      url: `/v1/organisations/wigan/uploads/${upload2022}`,
    });
    expect(res.statusCode).toBe(200);
    expect(await metrics('year=2022')).toMatchObject({
      totalSpend: '0.00',
      localShare: null,
      supplierCount: 0,
    });
    expect((await metrics('year=2021')).totalSpend).toBe('2000.00');
    expect((await uploadCsv(t, finance, 'wigan', LEDGER_2022)).statusCode).toBe(201);
    expect((await metrics('year=2022')).totalSpend).toBe('4100.00');
  });
});

describe('trend and leakage', () => {
  it('gives one row of headline figures per year', async () => {
    const res = await t.as(viewer, {
      method: 'GET',
      url: '/v1/organisations/wigan/metrics/trend?from=2020&to=2023',
    });
    expect(res.statusCode).toBe(200);
    expect(
      res
        .json()
        .years.map((y: { label: string; totalSpend: string; supplierCount: number }) => [
          y.label,
          y.totalSpend,
          y.supplierCount,
        ]),
    ).toEqual([
      ['2020/21', '0.00', 0],
      ['2021/22', '2000.00', 2],
      ['2022/23', '4100.00', 4],
      ['2023/24', '999.99', 1],
    ]);
    const backwards = await t.as(viewer, {
      method: 'GET',
      url: '/v1/organisations/wigan/metrics/trend?from=2023&to=2020',
    });
    expect(backwards.statusCode).toBe(400);
  });

  it('shows where spend leaks out, largest first, beside local suppliers already paid', async () => {
    const res = await t.as(viewer, {
      method: 'GET',
      url: '/v1/organisations/wigan/metrics/leakage?year=2022',
    });
    expect(res.statusCode).toBe(200);
    const [first, ...rest] = res.json().expenseTypes;
    expect(first).toEqual({
      expenseType: 'Consultancy',
      totalSpend: '2100.00',
      nonLocalSpend: '1850.00',
      nonLocalSupplierCount: 1,
      localSpend: '0.00',
      localSupplierCount: 0,
      localShare: 0,
      unknownLocationSpend: '250.00',
      topNonLocalSuppliers: [{ name: 'London Consulting Partners', spend: '1850.00' }],
    });
    expect(
      rest.find((r: { expenseType: string }) => r.expenseType === 'Building Works'),
    ).toMatchObject({ localSpend: '1100.00', localSupplierCount: 1, nonLocalSpend: '0.00' });
    expect(res.body).not.toContain('Care'); // redacted spend has no supplier to place
  });

  it('counts a first upload under the tags its new suppliers were given while it loaded', async () => {
    // No supplier file: each supplier is new to the organisation and tagged by the upload itself
    // from the numbers the ledger gives, and its spend is summed under those tags.
    const org = { ...wigan, id: 'first-upload', name: 'First Upload Council' };
    const key = await createOrgWithKey(t, org, 'finance');
    const res = await uploadCsv(
      t,
      key,
      org.id,
      'Payment Date,Supplier ID,Supplier Name,Supplier Registered Company Number,Supplier Registered Charity Number,Net Amount\n' +
        '10/04/2022,S1,Pemberton Builders Ltd,09876543,,1000.00\n' +
        '15/05/2022,S2,Leigh Community Sports Association,,1180002,500.00\n' +
        '20/06/2022,S3,Bolton Bakery Supplies,08765432,,300.00\n' +
        '01/07/2022,S4,London Consulting Partners,00445566,,2000.00\n',
    );
    expect(res.statusCode, res.body).toBe(201);
    const m = (
      await t.as(key, { method: 'GET', url: `/v1/organisations/${org.id}/metrics?year=2022` })
    ).json();
    expect(m).toMatchObject({
      totalSpend: '3800.00',
      localSpend: '1500.00', // S1, S2 (Wigan)
      widerAreaSpend: '1800.00', // S1, S2, S3 (Bolton)
      deprivedAreaSpend: '1300.00', // S1, S3
      vcfseSpend: '500.00', // S2
      smeSpend: '1300.00', // S1, S3 (S4's accounts say nothing of its size)
      unknownLocationSpend: '0.00',
      supplierCount: 4,
      localSupplierCount: 2,
      vcfseSupplierCount: 1,
      smeSupplierCount: 2,
    });
  });

  it('keeps another organisation out', async () => {
    const bolton = await createOrgWithKey(t, { id: 'bolton', name: 'Bolton Council' }, 'viewer');
    for (const path of [
      'metrics?year=2022',
      'metrics/trend?from=2021&to=2022',
      'metrics/leakage?year=2022',
    ]) {
      const res = await t.as(bolton, { method: 'GET', url: `/v1/organisations/wigan/${path}` });
      expect(res.statusCode).toBe(403);
    }
  });
});
