import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/create-db.ts';
import { createTestDatabase, testDbKind } from './helpers/test-db.ts';

// PGlite's pg connection (src/db/pglite-connection.ts): replies read by pg's own parser. The
// rest of the suite runs every query through it; these are the edges of the protocol.
describe.runIf(testDbKind === 'pglite')('PGlite connection', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it('brings back 20,000 rows of every kind of value exactly', async () => {
    const { rows } = await sql<{
      n: number;
      name: string;
      pence: bigint;
      paid_on: string;
      redacted: boolean | null;
    }>`
      SELECT n, 'Café £' || n AS name, n::bigint * 100000000007 AS pence,
             (date '2022-04-01' + n % 365) AS paid_on,
             CASE WHEN n % 3 = 0 THEN NULL ELSE n % 2 = 0 END AS redacted
      FROM generate_series(1, 20000) AS n`.execute(database.db);
    expect(rows.length).toBe(20_000);
    expect(rows[19_999]).toEqual({
      n: 20_000,
      name: 'Café £20000',
      pence: 2_000_000_000_140_000n,
      paid_on: '2023-01-16',
      redacted: true,
    });
    expect(rows.filter((r) => r.redacted === null).length).toBe(6_666);
    expect(rows.reduce((sum, r) => sum + r.pence, 0n)).toBe(200_010_000n * 100_000_000_007n);
  });

  it('brings back a value of several megabytes whole', async () => {
    const { rows } = await sql<{
      text: string;
    }>`SELECT repeat('0123456789', 600000) || 'end' AS text`.execute(database.db);
    expect(rows[0]!.text.length).toBe(6_000_003);
    expect(rows[0]!.text.endsWith('789end')).toBe(true);
  });

  it('reports a database error with its code, and goes on answering', async () => {
    await sql`CREATE TABLE connection_check (id int PRIMARY KEY)`.execute(database.db);
    await sql`INSERT INTO connection_check VALUES (1)`.execute(database.db);
    const error = (await sql`INSERT INTO connection_check VALUES (1)`
      .execute(database.db)
      .catch((e: unknown) => e)) as { code?: string; constraint?: string };
    expect(error.code).toBe('23505');
    expect(error.constraint).toBe('connection_check_pkey');
    await expect(
      database.db.transaction().execute(async (trx) => {
        await sql`INSERT INTO connection_check VALUES (2)`.execute(trx);
        await sql`SELECT 1 / 0`.execute(trx);
      }),
    ).rejects.toMatchObject({ code: '22012' });
    const { rows } = await sql<{ ids: number[] }>`
      SELECT array_agg(id ORDER BY id) AS ids FROM connection_check`.execute(database.db);
    expect(rows[0]!.ids).toEqual([1]);
  });
});
