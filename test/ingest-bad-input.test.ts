import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createOrgWithKey, type TestApp } from './helpers/test-app.ts';
import { storedPayments, uploadCsv } from './helpers/uploads.ts';

/*
 * The bad-input corpus (test/fixtures/bad): each file gets a clear 4xx naming the row and
 * column where there is one, nothing is stored, and the server still answers /health.
 */

const BAD = path.resolve(import.meta.dirname, 'fixtures/bad');

const cases: {
  file: string;
  status: number;
  row: number | null;
  column: string | null;
  value?: string;
  message: RegExp;
}[] = [
  {
    file: 'unterminated-quote.csv',
    status: 422,
    row: 3,
    column: 'Supplier Name',
    message: /quoted field starting on line 3 is never closed/,
  },
  {
    file: 'no-amount-column.csv',
    status: 422,
    row: 1,
    column: null,
    message: /no column looks like the amount/,
  },
  {
    file: 'impossible-date.csv',
    status: 422,
    row: 3,
    column: 'Payment Date',
    value: '31/02/2022',
    message: /is not a date that exists/,
  },
  {
    file: 'text-in-amount.csv',
    status: 422,
    row: 3,
    column: 'Net Amount',
    value: 'two hundred pounds',
    message: /is not an amount/,
  },
  { file: 'empty.csv', status: 422, row: null, column: null, message: /no lines/ },
  {
    file: 'header-only.csv',
    status: 422,
    row: 1,
    column: null,
    message: /header row but no payment lines/,
  },
  {
    file: 'spreadsheet.xlsx',
    status: 422,
    row: null,
    column: null,
    message: /binary .* not CSV text/,
  },
  {
    file: 'huge-field.csv',
    status: 422,
    row: 2,
    column: 'Purpose',
    message: /Field 4 on line 2 is longer than 32768 characters/,
  },
  {
    file: 'nul-bytes.csv',
    status: 422,
    row: 3,
    column: 'Supplier Name',
    message: /Line 3 has a NUL byte in field 2/,
  },
];

let t: TestApp;
let finance: string;
beforeAll(async () => {
  t = await buildTestApp();
  finance = await createOrgWithKey(t, { id: 'wigan', name: 'Wigan Council' }, 'finance');
});
afterAll(() => t.close());

describe('the bad-input corpus', () => {
  it.each(cases.map((c) => [c.file, c] as const))(
    '%s: a clear problem naming where, nothing stored',
    async (_file, c) => {
      const res = await uploadCsv(t, finance, 'wigan', readFileSync(path.join(BAD, c.file)), {
        filename: c.file,
      });
      expect(res.statusCode).toBe(c.status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const body = res.json();
      expect(body.type).toBe('/problems/invalid-file');
      expect(body.detail).toMatch(
        new RegExp(`^${c.file.replace('.', '\\.')}: .*Nothing was stored\\.$`),
      );
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0]).toMatchObject({
        row: c.row,
        column: c.column,
        ...(c.value ? { value: c.value } : {}),
      });
      expect(body.errors[0].message).toMatch(c.message);
      expect(await storedPayments(t, 'wigan')).toEqual({ count: 0, pence: 0n, uploads: 0 });
      const health = await t.app.inject({ method: 'GET', url: '/health' });
      expect(health.statusCode).toBe(200);
    },
  );

  it('still loads a good file afterwards', async () => {
    const res = await uploadCsv(
      t,
      finance,
      'wigan',
      'Payment Date,Supplier Name,Net Amount\n01/04/2022,Acme Ltd,100.00\n',
    );
    expect(res.statusCode).toBe(201);
    expect(await storedPayments(t, 'wigan')).toEqual({ count: 1, pence: 10000n, uploads: 1 });
  });
});
