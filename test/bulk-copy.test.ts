import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/create-db.ts';
import { bulkCopy, type CopyRow } from '../src/db/bulk-copy.ts';
import { createTestDatabase } from './helpers/test-db.ts';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  await sql`CREATE TABLE copy_target (id bigint, label text, paid_on date, amount_pence bigint, redacted boolean)`.execute(
    database.db,
  );
});
afterAll(() => database.close());

const ROWS = 100_000;

/** Rows with every awkward character COPY text format must escape. */
async function* generatedRows(count: number): AsyncGenerator<CopyRow> {
  for (let i = 1; i <= count; i++) {
    yield [
      i,
      i % 1000 === 0 ? `tab\there, newline\nthere, back\\slash, \r£${i}` : `Supplier ${i}`,
      `2022-${String((i % 12) + 1).padStart(2, '0')}-15`,
      BigInt(i) * 101n - 5000n,
      i % 7 === 0 ? null : i % 2 === 0,
    ];
  }
}

const stats = () =>
  sql<{ rows: bigint; total: bigint; nulls: bigint; odd: string }>`
    SELECT count(*) AS rows, coalesce(sum(amount_pence), 0)::bigint AS total,
           count(*) FILTER (WHERE redacted IS NULL) AS nulls,
           (SELECT label FROM copy_target WHERE id = 5000) AS odd
    FROM copy_target`.execute(database.db);

describe('bulkCopy', () => {
  it('copies 100,000 rows inside a transaction, exactly', async () => {
    const copied = await database.db
      .transaction()
      .execute((trx) =>
        bulkCopy(
          trx,
          'copy_target',
          ['id', 'label', 'paid_on', 'amount_pence', 'redacted'],
          generatedRows(ROWS),
        ),
      );
    expect(copied).toBe(ROWS);
    const { rows } = await stats();
    // sum of (101 i - 5000) for i = 1..100000
    const expected = 101n * BigInt((ROWS * (ROWS + 1)) / 2) - 5000n * BigInt(ROWS);
    expect(rows[0]).toEqual({
      rows: 100_000n,
      total: expected,
      nulls: 14_285n,
      odd: 'tab\there, newline\nthere, back\\slash, \r£5000',
    });
  });

  it('leaves nothing behind when the transaction fails after the copy', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await bulkCopy(
          trx,
          'copy_target',
          ['id', 'label', 'paid_on', 'amount_pence', 'redacted'],
          generatedRows(50_000),
        );
        throw new Error('the upload failed validation');
      }),
    ).rejects.toThrow('the upload failed validation');
    expect((await stats()).rows[0]?.rows).toBe(100_000n);
  });

  it('leaves nothing behind when the rows themselves fail part way', async () => {
    async function* failing(): AsyncGenerator<CopyRow> {
      yield* generatedRows(30_000);
      throw new Error('row 30001: not a date');
    }
    await expect(
      database.db
        .transaction()
        .execute((trx) =>
          bulkCopy(
            trx,
            'copy_target',
            ['id', 'label', 'paid_on', 'amount_pence', 'redacted'],
            failing(),
          ),
        ),
    ).rejects.toThrow('row 30001: not a date');
    expect((await stats()).rows[0]?.rows).toBe(100_000n);
  });

  it('leaves nothing behind when the database rejects a value', async () => {
    await expect(
      database.db.transaction().execute((trx) =>
        bulkCopy(
          trx,
          'copy_target',
          ['id', 'paid_on'],
          [
            [1, '2022-04-01'],
            [2, '2022-02-31'],
          ],
        ),
      ),
    ).rejects.toThrow(/out of range/);
    expect((await stats()).rows[0]?.rows).toBe(100_000n);
  });

  it('refuses a table or column that is not a plain identifier', async () => {
    await expect(bulkCopy(database.db, 'copy_target; DROP TABLE x', ['id'], [])).rejects.toThrow(
      /not a plain identifier/,
    );
    await expect(bulkCopy(database.db, 'copy_target', ['id) FROM STDIN; --'], [])).rejects.toThrow(
      /not a plain identifier/,
    );
  });

  it('works outside a transaction too, and with no rows', async () => {
    expect(await bulkCopy(database.db, 'copy_target', ['id'], [])).toBe(0);
    expect(await bulkCopy(database.db, 'copy_target', ['id'], [[1], [2]])).toBe(2);
    expect((await stats()).rows[0]?.rows).toBe(100_002n);
  });
});
