import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realDataDir } from './helpers/shared-data.ts';
import { buildTestApp, type TestApp } from './helpers/test-app.ts';
import { uploadCsv } from './helpers/uploads.ts';

/*
 * Every real council file loads as published, with no rejected row, and the service's
 * financial-year totals equal those of a plain, independent reader (csv-parse and string
 * arithmetic, nothing shared with the service).
 */

const REAL = realDataDir();
const files = [
  ...readdirSync(path.join(REAL, 'manchester')).map((f) => ({
    org: 'manchester',
    file: path.join(REAL, 'manchester', f),
  })),
  { org: 'calderdale', file: path.join(REAL, 'other/calderdale-2022-08.csv') },
  { org: 'leeds', file: path.join(REAL, 'other/leeds-raw-2011-01.csv') },
  { org: 'north-tyneside', file: path.join(REAL, 'other/northtyneside-2022-07.csv') },
].sort((a, b) => a.file.localeCompare(b.file));

/** The independent reader: csv-parse, the date and amount columns by name, pence by string arithmetic. */
function independentFigures(file: string): {
  rows: number;
  byYear: Map<number, { count: number; pence: bigint }>;
} {
  const bytes = readFileSync(file);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('windows-1252').decode(bytes);
  }
  const records = parse(text, { columns: true, bom: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  const dateColumn = ['Invoice Payment Date', 'Date', 'Date paid', 'Payment Date'].find(
    (c) => c in records[0]!,
  )!;
  const months: Record<string, number> = {
    Jan: 1,
    Feb: 2,
    Mar: 3,
    Apr: 4,
    May: 5,
    Jun: 6,
    Jul: 7,
    Aug: 8,
    Sep: 9,
    Oct: 10,
    Nov: 11,
    Dec: 12,
  };
  const byYear = new Map<number, { count: number; pence: bigint }>();
  for (const record of records) {
    const raw = record[dateColumn]!;
    const iso = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? raw : null;
    const [year, month] = iso
      ? [Number(raw.slice(0, 4)), Number(raw.slice(5, 7))]
      : [Number(raw.split('-')[2]), months[raw.split('-')[1]!]!];
    const financialYear = month >= 4 ? year : year - 1;
    const [whole, fraction = ''] = record['Net Amount']!.replace('-', '').split('.');
    const pence =
      (BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0'))) *
      (record['Net Amount']!.startsWith('-') ? -1n : 1n);
    const entry = byYear.get(financialYear) ?? { count: 0, pence: 0n };
    entry.count++;
    entry.pence += pence;
    byYear.set(financialYear, entry);
  }
  return { rows: records.length, byYear };
}

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ config: { uploadLimitBytes: 50 * 1024 * 1024 } });
  for (const org of ['manchester', 'calderdale', 'leeds', 'north-tyneside']) {
    const res = await t.asAdmin({
      method: 'POST',
      url: '/v1/organisations',
      payload: { id: org, name: org, homeAreas: ['E08000003'] },
    });
    expect(res.statusCode).toBe(201);
  }
});
afterAll(() => t.close());

describe('the real council files', () => {
  const expected = new Map<string, Map<number, { count: number; pence: bigint }>>();

  it.each(files.map((f) => [path.basename(f.file), f] as const))(
    '%s loads whole, no row rejected',
    async (_name, { org, file }) => {
      const independent = independentFigures(file);
      const res = await uploadCsv(t, 'test-admin-token-0123456789abcdef', org, readFileSync(file), {
        filename: path.basename(file),
      });
      expect(res.statusCode, res.body).toBe(201);
      const upload = res.json();
      expect(upload.rows).toEqual({
        read: independent.rows,
        loaded: independent.rows,
        rejected: 0,
        duplicates: 0,
      });
      const fileTotal = [...independent.byYear.values()].reduce((sum, y) => sum + y.pence, 0n);
      expect(upload.total).toBe(
        `${fileTotal < 0n ? '-' : ''}${(fileTotal < 0n ? -fileTotal : fileTotal) / 100n}.${String((fileTotal < 0n ? -fileTotal : fileTotal) % 100n).padStart(2, '0')}`,
      );
      const orgYears = expected.get(org) ?? new Map<number, { count: number; pence: bigint }>();
      for (const [year, figures] of independent.byYear) {
        const sum = orgYears.get(year) ?? { count: 0, pence: 0n };
        orgYears.set(year, { count: sum.count + figures.count, pence: sum.pence + figures.pence });
      }
      expected.set(org, orgYears);
    },
  );

  it('gives financial-year totals equal to the independent reader, to the penny', async () => {
    for (const [org, years] of expected) {
      for (const [year, figures] of years) {
        const { rows } = await sql<{ count: bigint; pence: bigint }>`
          SELECT count(*) AS count, coalesce(sum(amount_pence), 0)::bigint AS pence FROM payments
          WHERE org_id = ${org} AND payment_date BETWEEN ${`${year}-04-01`} AND ${`${year + 1}-03-31`}`.execute(
          t.database.db,
        );
        expect({ org, year, count: Number(rows[0]!.count), pence: rows[0]!.pence }).toEqual({
          org,
          year,
          ...figures,
        });
      }
    }
  });

  it('reproduces the figures a reader of the Manchester files can check', async () => {
    const { rows } = await sql<{ year: number; count: bigint; pence: bigint }>`
      SELECT CASE WHEN extract(month FROM payment_date) >= 4 THEN extract(year FROM payment_date) ELSE extract(year FROM payment_date) - 1 END::int AS year,
             count(*) AS count, sum(amount_pence)::bigint AS pence
      FROM payments WHERE org_id = 'manchester' GROUP BY 1 ORDER BY 1`.execute(t.database.db);
    expect(rows).toEqual([
      { year: 2020, count: 34_155n, pence: 84_166_448_185n },
      { year: 2021, count: 39_188n, pence: 83_747_243_569n },
    ]);
  });

  it('marks the redacted payments of Manchester and Leeds as redacted, without a supplier', async () => {
    const { rows } = await sql<{
      org_id: string;
      redacted: bigint;
      keyed: bigint;
      redactive: bigint;
    }>`
      SELECT org_id, count(*) FILTER (WHERE redacted) AS redacted,
             count(*) FILTER (WHERE redacted AND supplier_key IS NOT NULL) AS keyed,
             count(*) FILTER (WHERE supplier_name LIKE 'Redactive%' AND NOT redacted) AS redactive
      FROM payments WHERE org_id IN ('manchester', 'leeds') GROUP BY org_id ORDER BY org_id`.execute(
      t.database.db,
    );
    // "Redacted Personal Information" 4,258 times; Leeds' "REDACTED PERSONAL DATA" 697 and
    // "REDACTED COMMERCIAL CONFIDENTIALITY" 6. "Redactive Publishing Limited" is a company.
    expect(rows).toEqual([
      { org_id: 'leeds', redacted: 703n, keyed: 0n, redactive: 0n },
      { org_id: 'manchester', redacted: 4258n, keyed: 0n, redactive: 6n },
    ]);
  });
});
