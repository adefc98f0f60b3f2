import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createOrgWithKey, wigan, type TestApp } from './helpers/test-app.ts';
import { storedPayments, uploadCsv } from './helpers/uploads.ts';

/*
 * Eight uploads at once to one organisation: six different files, and one file twice. Every
 * payment counts once, to the penny; the repeated file is stored once, and both requests are
 * told of that one upload; the figures equal the payments.
 */

/** A month of payments, different in every file: 3,000 lines with amounts that differ per file. */
function monthFile(month: number): { text: string; pence: bigint } {
  let text = 'Payment Date,Transaction Number,Supplier ID,Supplier Name,Service Area,Net Amount\n';
  let pence = 0n;
  for (let i = 0; i < 3000; i++) {
    const p = 50_000 + ((i * 7919 + month * 104_729) % 900_000);
    pence += BigInt(p);
    const day = String(1 + (i % 28)).padStart(2, '0');
    text += `${day}/${String(month).padStart(2, '0')}/2022,T${month}-${i},S${i % 150},Supplier ${i % 150} Ltd,Service ${i % 9},${(p / 100).toFixed(2)}\n`;
  }
  return { text, pence };
}

let t: TestApp;
let finance: string;

beforeAll(async () => {
  t = await buildTestApp();
  finance = await createOrgWithKey(t, wigan, 'finance');
});
afterAll(() => t.close());

describe('eight uploads at once', () => {
  it('stores each payment once, the repeated file once, with the figures exact', async () => {
    const files = [4, 5, 6, 7, 8, 9].map(monthFile);
    const bodies = [...files.map((f) => f.text), files[0]!.text, files[0]!.text];
    const answers = await Promise.all(bodies.map((body) => uploadCsv(t, finance, 'wigan', body)));

    for (const res of answers) expect([200, 201], res.body).toContain(res.statusCode);
    const created = answers.filter((r) => r.statusCode === 201);
    expect(created).toHaveLength(6);
    // The file sent three times: one upload, the same id in all three answers.
    const repeated = [answers[0]!, answers[6]!, answers[7]!].map((r) => r.json().id as string);
    expect(new Set(repeated).size).toBe(1);

    const expected = files.reduce((sum, f) => sum + f.pence, 0n);
    expect(await storedPayments(t, 'wigan')).toEqual({
      count: 6 * 3000,
      pence: expected,
      uploads: 6,
    });
    const metrics = await t.as(finance, {
      method: 'GET',
      url: '/v1/organisations/wigan/metrics?year=2022',
    });
    expect(metrics.json().totalSpend).toBe(
      `${expected / 100n}.${String(expected % 100n).padStart(2, '0')}`,
    );
    expect(metrics.json().paymentCount).toBe(18_000);
    expect(metrics.json().supplierCount).toBe(150);
  });

  it('undoes and reloads at the same time without losing a penny', async () => {
    const list = (
      await t.as(finance, { method: 'GET', url: '/v1/organisations/wigan/uploads' })
    ).json().uploads as { id: string; total: string; period: { from: string } }[];
    const april = list.find((u) => u.period.from === '2022-04-01')!;
    const october = monthFile(10);
    const [undo, load] = await Promise.all([
      t.as(finance, { method: 'DELETE', url: `/v1/organisations/wigan/uploads/${april.id}` }),
      uploadCsv(t, finance, 'wigan', october.text),
    ]);
    expect(undo.statusCode, undo.body).toBe(200);
    expect(load.statusCode, load.body).toBe(201);
    const stored = await storedPayments(t, 'wigan');
    const files = [5, 6, 7, 8, 9, 10].map(monthFile);
    expect(stored).toEqual({
      count: 18_000,
      pence: files.reduce((sum, f) => sum + f.pence, 0n),
      uploads: 6,
    });
    const metrics = await t.as(finance, {
      method: 'GET',
      url: '/v1/organisations/wigan/metrics?year=2022',
    });
    expect(metrics.json().paymentCount).toBe(18_000);
  });
});
