import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestLedger } from '../src/modules/ingest/ingest.service.ts';
import { buildTestApp, createOrgWithKey, type TestApp } from './helpers/test-app.ts';
import { uploadCsv } from './helpers/uploads.ts';

/*
 * A file with more cells (month x supplier x area x type) than an upload's summary holds is
 * summed from its stored payments instead: every figure must come out exactly as for a file
 * summed while it was read. Here the limit is a handful of cells, read here and on a worker.
 */

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

const SUPPLIERS =
  'Supplier ID,Supplier Name,Company Number,Charity Number\n' +
  'S1,Pemberton Builders Ltd,09876543,\n' +
  'S2,Leigh Community Sports Association,,1180002\n';

function ledger(): string {
  let text = 'Payment Date,Supplier ID,Supplier Name,Service Area,Expense Type,Net Amount\n';
  for (let i = 0; i < 400; i++) {
    const month = (i % 14) + 1; // April 2022 to May 2023: two financial years
    const year = month > 9 ? 2023 : 2022;
    const date = `0${(i % 9) + 1}/${String(((month + 2) % 12) + 1).padStart(2, '0')}/${year}`;
    const ref = `S${(i % 5) + 1}`;
    const name = i % 11 === 0 ? 'Redacted Personal Information' : `Supplier ${ref}`;
    const pence = ((i * 7919) % 500_000) - 40_000;
    text += `${date},${ref},${name},Area ${i % 3},Type ${i % 4},${(pence / 100).toFixed(2)}\n`;
  }
  return text;
}

/** Every figure table of an organisation, without its id, in a fixed order. */
async function figures(org: string) {
  const db = t.database.db;
  const rows = async (query: ReturnType<typeof sql>) =>
    (await query.execute(db)).rows.map((r) =>
      JSON.stringify(r, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    );
  return {
    spend: await rows(sql`
      SELECT month::text, supplier_key, redacted, expense_area, expense_type,
             sum(amount_pence)::text AS pence, sum(payment_count)::text AS payments
      FROM spend_summary WHERE org_id = ${org}
      GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`),
    months: await rows(sql`
      SELECT month::text, local, wider_area, deprived_area, vcfse, sme, redacted, amount_pence::text, payment_count
      FROM metric_months WHERE org_id = ${org} ORDER BY 1, 2, 3, 4, 5, 6, 7`),
    cells: await rows(sql`
      SELECT month::text, expense_area, expense_type, local, vcfse, sme, redacted, amount_pence::text, payment_count
      FROM metric_cells WHERE org_id = ${org} ORDER BY 1, 2, 3, 4, 5, 6, 7, 8`),
    supplierYears: await rows(sql`
      SELECT year, supplier_key, amount_pence::text, payment_count
      FROM supplier_years WHERE org_id = ${org} ORDER BY 1, 2`),
    monthTotals: await rows(sql`
      SELECT month::text, total::text, payments, local::text, vcfse::text, sme::text, redacted::text
      FROM month_totals WHERE org_id = ${org} ORDER BY 1`),
    supplierCounts: await rows(sql`
      SELECT year, suppliers, local, vcfse, sme FROM supplier_counts WHERE org_id = ${org} ORDER BY 1`),
    suppliers: await rows(sql`
      SELECT supplier_key, name FROM suppliers WHERE org_id = ${org} ORDER BY 1`),
  };
}

async function orgWithSuppliers(id: string): Promise<void> {
  const key = await createOrgWithKey(t, { id, name: id, homeAreas: ['E08000010'] }, 'finance');
  const res = await uploadCsv(t, key, id, SUPPLIERS, { kind: 'suppliers' });
  expect(res.statusCode, res.body).toBe(201);
}

describe('a file past the summary cell limit', () => {
  it('has every figure a file summed while read has, read here or on a worker', async () => {
    const text = ledger();
    const load = (orgId: string, options: { summaryCellLimit?: number; readHere?: boolean }) =>
      ingestLedger(t.database.db, {
        orgId,
        actor: 'test',
        filename: 'big.csv',
        bytes: [Buffer.from(text)],
        ...options,
      });
    await orgWithSuppliers('limit-none');
    const summed = await load('limit-none', {});
    expect(summed.upload.rows).toEqual({ read: 400, loaded: 400, rejected: 0, duplicates: 0 });
    const expected = await figures('limit-none');
    // The file has far more cells than the limit below.
    expect(expected.spend.length).toBeGreaterThan(100);
    expect(expected.supplierYears.length).toBe(10);

    for (const readHere of [true, false]) {
      const org = `limit-${readHere ? 'here' : 'worker'}`;
      await orgWithSuppliers(org);
      const result = await load(org, { summaryCellLimit: 8, readHere });
      expect(result.upload.rows).toEqual(summed.upload.rows);
      expect(result.upload.total).toBe(summed.upload.total);
      expect(await figures(org)).toEqual(expected);
    }
  });
});
