import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePounds } from '../src/money.ts';
import { loadAllReferenceFixtures } from './helpers/reference.ts';
import { buildTestApp, createOrgWithKey, type TestApp } from './helpers/test-app.ts';
import { uploadCsv } from './helpers/uploads.ts';

/*
 * Invariants of the figures on generated ledgers: whatever is uploaded, undone and overridden,
 * the API's figures equal a plain reckoning of the rows still loaded, groups add up to the
 * total, local + not local + unknown = total, each share is its spend over the total, credit
 * notes lower spend, and redacted payments count in the total and never as suppliers.
 */

const SUPPLIERS =
  'Supplier ID,Supplier Name,Company Number,Charity Number,Society Number\n' +
  'S1,Pemberton Builders Ltd,09876543,,\n' +
  'S2,Leigh Community Sports Association,,1180002,\n' +
  'S3,Bolton Bakery Supplies,08765432,,\n' +
  'S4,London Consulting Partners,00445566,,\n' +
  'S5,Anon Trading,,,\n' +
  'S6,Scholes Community Cafe CIC,11223344,,\n' +
  'S7,Wigan Community Energy Co-op,,,31117R\n';
const REFS = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', null] as const; // null: a redacted payment
const AREAS = ['Adults', 'Place', 'Schools'];
const TYPES = ['Works', 'Care', 'Supplies'];

interface Row {
  month: number; // 0 = April 2021 .. 23 = March 2023
  day: number;
  supplier: number;
  pence: number;
  area: number;
  type: number;
}

const rowArbitrary = fc.record({
  month: fc.integer({ min: 0, max: 23 }),
  day: fc.integer({ min: 1, max: 28 }),
  supplier: fc.integer({ min: 0, max: REFS.length - 1 }),
  pence: fc.integer({ min: -300_000, max: 5_000_000 }),
  area: fc.integer({ min: 0, max: AREAS.length - 1 }),
  type: fc.integer({ min: 0, max: TYPES.length - 1 }),
});

const scenario = fc.record({
  rows: fc.array(rowArbitrary, { minLength: 1, maxLength: 60 }),
  files: fc.integer({ min: 1, max: 3 }),
  undo: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  override: fc.option(
    fc.record({ supplier: fc.integer({ min: 0, max: 6 }), local: fc.boolean() }),
    { nil: undefined },
  ),
});

const dateOf = (r: Row) => {
  const year = 2021 + Math.floor((r.month + 3) / 12);
  const month = ((r.month + 3) % 12) + 1;
  return {
    iso: `${year}-${String(month).padStart(2, '0')}-${String(r.day).padStart(2, '0')}`,
    text: `${String(r.day).padStart(2, '0')}/${String(month).padStart(2, '0')}/${year}`,
  };
};
const pounds = (pence: number) =>
  `${pence < 0 ? '-' : ''}${Math.floor(Math.abs(pence) / 100)}.${String(Math.abs(pence) % 100).padStart(2, '0')}`;

function ledgerFile(rows: { row: Row; tx: number }[]): string {
  let text =
    'Payment Date,Transaction Number,Supplier ID,Supplier Name,Service Area,Expense Type,Net Amount\n';
  for (const { row, tx } of rows) {
    const ref = REFS[row.supplier];
    const name = ref === null ? 'Redacted Personal Information' : `Supplier ${ref}`;
    text += `${dateOf(row).text},T${tx},${ref ?? 'X'},${name},${AREAS[row.area]},${TYPES[row.type]},${pounds(row.pence)}\n`;
  }
  return text;
}

type Tags = Record<'local' | 'widerArea' | 'deprivedArea' | 'vcfse' | 'sme', boolean | null>;

let t: TestApp;
let finance: string;
let run = 0;

beforeAll(async () => {
  t = await buildTestApp();
  await loadAllReferenceFixtures(t);
  finance = await createOrgWithKey(t, { id: 'prop-keys', name: 'Keys' }, 'admin');
});
afterAll(() => t.close());

const get = async (url: string) => {
  const res = await t.as(finance, { method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('metrics on generated ledgers', () => {
  it('equal a plain reckoning of the rows loaded, and keep every invariant', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ rows, files, undo, override }) => {
        const org = `prop-${++run}`;
        await createOrgWithKey(t, { id: org, name: org, homeAreas: ['E08000010'] }, 'viewer');
        await t.asAdmin({
          method: 'PATCH',
          url: `/v1/organisations/${org}`,
          payload: { widerAreas: ['E08000001', 'E08000010'] },
        });
        expect(
          (await uploadCsv(t, finance, org, SUPPLIERS, { kind: 'suppliers' })).statusCode,
        ).toBe(201);

        // Upload the rows in `files` files; undo one if asked; override one supplier if asked.
        const numbered = rows.map((row, i) => ({ row, tx: i + 1, file: i % files }));
        const ids: string[] = [];
        for (let f = 0; f < files; f++) {
          const part = numbered.filter((r) => r.file === f);
          if (part.length === 0) continue;
          const res = await uploadCsv(t, finance, org, ledgerFile(part));
          expect(res.statusCode, res.body).toBe(201);
          ids[f] = res.json().id;
        }
        let kept = numbered;
        if (undo !== undefined && ids[undo]) {
          expect(
            (
              await t.asAdmin({
                method: 'DELETE',
                url: `/v1/organisations/${org}/uploads/${ids[undo]}`,
              })
            ).statusCode,
          ).toBe(200);
          kept = numbered.filter((r) => r.file !== undo);
        }
        if (override) {
          const res = await t.as(finance, {
            method: 'PUT',
            url: `/v1/organisations/${org}/suppliers/S${override.supplier + 1}/overrides`,
            payload: { local: override.local, reason: 'property test' },
          });
          expect(res.statusCode, res.body).toBe(200);
        }

        const tags = new Map<string, Tags>();
        for (const ref of REFS) {
          if (ref === null) continue;
          const s = await get(`/v1/organisations/${org}/suppliers/${ref}`).catch(() => null);
          if (s)
            tags.set(
              ref,
              Object.fromEntries(
                Object.entries(s.tags).map(([k, v]) => [k, (v as { value: boolean | null }).value]),
              ) as Tags,
            );
        }

        for (const year of [2021, 2022]) {
          const from = `${year}-04-01`;
          const to = `${year + 1}-03-31`;
          const inYear = kept
            .filter((r) => dateOf(r.row).iso >= from && dateOf(r.row).iso <= to)
            .map((r) => r.row);
          // The plain reckoning.
          const sum = (pick: (r: Row, tag: Tags | undefined) => boolean) =>
            inYear
              .filter((r) => pick(r, REFS[r.supplier] ? tags.get(REFS[r.supplier]!) : undefined))
              .reduce((s, r) => s + BigInt(r.pence), 0n);
          const total = sum(() => true);
          const expected = {
            total,
            local: sum((_, tag) => tag?.local === true),
            notLocal: sum((_, tag) => tag?.local === false),
            unknown: sum((_, tag) => tag === undefined || tag.local === null),
            wider: sum((_, tag) => tag?.widerArea === true),
            vcfse: sum((_, tag) => tag?.vcfse === true),
            sme: sum((_, tag) => tag?.sme === true),
            deprived: sum((_, tag) => tag?.deprivedArea === true),
            redacted: sum((r) => REFS[r.supplier] === null),
          };
          const net = new Map<string, bigint>();
          for (const r of inYear) {
            const ref = REFS[r.supplier];
            if (ref) net.set(ref, (net.get(ref) ?? 0n) + BigInt(r.pence));
          }
          const paid = [...net].filter(([, pence]) => pence > 0n).map(([ref]) => ref);

          const m = await get(`/v1/organisations/${org}/metrics?year=${year}`);
          const p = (text: string) => parsePounds(text)!;
          expect(p(m.totalSpend)).toBe(expected.total);
          expect(m.paymentCount).toBe(inYear.length);
          expect(p(m.localSpend)).toBe(expected.local);
          expect(p(m.widerAreaSpend)).toBe(expected.wider);
          expect(p(m.vcfseSpend)).toBe(expected.vcfse);
          expect(p(m.smeSpend)).toBe(expected.sme);
          expect(p(m.deprivedAreaSpend)).toBe(expected.deprived);
          expect(p(m.unknownLocationSpend)).toBe(expected.unknown);
          expect(p(m.redactedSpend)).toBe(expected.redacted);
          // local + not local + unknown = total
          expect(expected.local + expected.notLocal + expected.unknown).toBe(p(m.totalSpend));
          // each share is its spend over the total (JSON has no -0: a share of nothing is 0)
          const shareOf = (part: bigint) =>
            total === 0n ? null : Number(part) / Number(total) || 0;
          expect(m.localShare).toBe(shareOf(expected.local));
          expect(m.vcfseShare).toBe(shareOf(expected.vcfse));
          // suppliers: positive net spend, never the redacted
          expect(m.supplierCount).toBe(paid.length);
          expect(m.localSupplierCount).toBe(
            paid.filter((ref) => tags.get(ref)?.local === true).length,
          );
          expect(m.vcfseSupplierCount).toBe(
            paid.filter((ref) => tags.get(ref)?.vcfse === true).length,
          );

          // groups add up to the total, figure by figure
          for (const by of ['quarter', 'month', 'expenseArea', 'expenseType', 'supplier&limit=2']) {
            const g = await get(`/v1/organisations/${org}/metrics?year=${year}&by=${by}`);
            for (const field of [
              'totalSpend',
              'localSpend',
              'widerAreaSpend',
              'vcfseSpend',
              'smeSpend',
              'deprivedAreaSpend',
              'unknownLocationSpend',
              'redactedSpend',
            ]) {
              const groupSum = (g.groups as Record<string, string>[]).reduce(
                (s, group) => s + p(group[field]!),
                0n,
              );
              expect(groupSum, `${by} ${field}`).toBe(p(g[field]));
            }
            const paymentSum = (g.groups as { paymentCount: number }[]).reduce(
              (s, group) => s + group.paymentCount,
              0,
            );
            expect(paymentSum, `${by} payments`).toBe(g.paymentCount);
          }
        }
      }),
      {
        numRuns: Number(process.env.PROPERTY_RUNS ?? 15),
        seed: process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : undefined,
      },
    );
  }, 240_000);

  it('lowers spend by a credit note', async () => {
    const org = 'prop-credit';
    await createOrgWithKey(t, { id: org, name: org }, 'viewer');
    await uploadCsv(
      t,
      finance,
      org,
      ledgerFile([
        { row: { month: 0, day: 1, supplier: 0, pence: 100_000, area: 0, type: 0 }, tx: 1 },
      ]),
    );
    const before = parsePounds(
      (await get(`/v1/organisations/${org}/metrics?year=2021`)).totalSpend,
    )!;
    await uploadCsv(
      t,
      finance,
      org,
      ledgerFile([
        { row: { month: 1, day: 1, supplier: 0, pence: -25_000, area: 0, type: 0 }, tx: 2 },
      ]),
    );
    const after = parsePounds(
      (await get(`/v1/organisations/${org}/metrics?year=2021`)).totalSpend,
    )!;
    expect(before - after).toBe(25_000n);
  });
});
