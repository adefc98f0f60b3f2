import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/create-db.ts';
import {
  bulkCopy,
  bulkCopyBinary,
  bulkCopyRows,
  pgliteCopyFile,
  type CopyRow,
} from '../src/db/bulk-copy.ts';
import { BinaryCopyWriter } from '../src/db/copy-binary.ts';
import { createTestDatabase, openTestPglite, testDbKind } from './helpers/test-db.ts';

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

describe('bulkCopyBinary', () => {
  const COLUMNS = ['id', 'upload_id', 'label', 'paid_on', 'amount_pence', 'redacted'];
  const ROWS_BINARY = 30_000;
  const label = (i: number) =>
    i % 1000 === 0 ? `tab\there, newline\nthere, back\\slash, \r£${i} 🙂` : `Supplier ${i}`;

  /** Rows as BinaryCopyWriter files: several, so PostgreSQL joins them under one header. */
  async function* files(count: number, broken = false): AsyncGenerator<Uint8Array> {
    const writer = new BinaryCopyWriter(64 * 1024);
    for (let i = 1; i <= count; i++) {
      writer.row(COLUMNS.length);
      writer.int8(i);
      writer.uuid('00000000-0000-4000-8000-000000000001');
      writer.text(label(i));
      writer.date(`${1900 + (i % 201)}-${String((i % 12) + 1).padStart(2, '0')}-28`);
      writer.int8(i * 101 - 5000);
      writer.bool(i % 7 === 0 ? null : i % 2 === 0);
      if (writer.full) yield writer.take()!;
    }
    const last = writer.take();
    if (last) yield broken ? last.subarray(0, last.length - 1) : last;
  }

  beforeAll(async () => {
    await sql`CREATE TABLE copy_binary (id bigint, upload_id uuid, label text, paid_on date, amount_pence bigint, redacted boolean)`.execute(
      database.db,
    );
  });

  const binaryStats = () =>
    sql<{ rows: bigint; total: bigint; nulls: bigint; odd: string; first: string; last: string }>`
      SELECT count(*) AS rows, coalesce(sum(amount_pence), 0)::bigint AS total,
             count(*) FILTER (WHERE redacted IS NULL) AS nulls,
             (SELECT label FROM copy_binary WHERE id = 5000) AS odd,
             (SELECT paid_on::text || ' ' || upload_id::text FROM copy_binary WHERE id = 1) AS first,
             (SELECT paid_on::text FROM copy_binary WHERE id = 200) AS last
      FROM copy_binary`.execute(database.db);

  it('copies rows written in binary format, in files, inside a transaction, exactly', async () => {
    const copied = await database.db
      .transaction()
      .execute((trx) => bulkCopyBinary(trx, 'copy_binary', COLUMNS, files(ROWS_BINARY)));
    expect(copied).toBe(ROWS_BINARY);
    const expected =
      101n * BigInt((ROWS_BINARY * (ROWS_BINARY + 1)) / 2) - 5000n * BigInt(ROWS_BINARY);
    expect((await binaryStats()).rows[0]).toEqual({
      rows: 30_000n,
      total: expected,
      nulls: 4_285n,
      odd: 'tab\there, newline\nthere, back\\slash, \r£5000 🙂',
      first: '1901-02-28 00000000-0000-4000-8000-000000000001',
      last: '2100-09-28',
    });
  });

  it('refuses a piece that is not a whole file, and leaves nothing behind', async () => {
    await expect(
      database.db
        .transaction()
        .execute((trx) => bulkCopyBinary(trx, 'copy_binary', COLUMNS, files(1000, true))),
    ).rejects.toThrow(/not a whole binary COPY file/);
    expect((await binaryStats()).rows[0]?.rows).toBe(30_000n);
  });

  it('leaves nothing behind when the database rejects a value', async () => {
    async function* nul(): AsyncGenerator<Uint8Array> {
      yield* files(2000);
      const writer = new BinaryCopyWriter();
      writer.row(COLUMNS.length);
      writer.int8(1);
      writer.uuid('00000000-0000-4000-8000-000000000001');
      writer.text('a\u0000b');
      writer.date('2022-04-01');
      writer.int8(1);
      writer.bool(false);
      yield writer.take()!;
    }
    await expect(
      database.db
        .transaction()
        .execute((trx) => bulkCopyBinary(trx, 'copy_binary', COLUMNS, nul())),
    ).rejects.toThrow(/0x00/);
    expect((await binaryStats()).rows[0]?.rows).toBe(30_000n);
  });

  it('fails, and does not wait, when the database refuses the COPY itself', async () => {
    // PostgreSQL answers with an error instead of starting the COPY: no write is ever taken.
    await expect(
      database.db
        .transaction()
        .execute((trx) => bulkCopyBinary(trx, 'no_such_table', COLUMNS, files(10_000))),
    ).rejects.toThrow(/no_such_table/);
    expect((await binaryStats()).rows[0]?.rows).toBe(30_000n);
  });

  it('hands each file back, in order, once PGlite has read it or the socket has sent it', async () => {
    const sent: Uint8Array[] = [];
    const released: number[] = [];
    async function* tracked() {
      for await (const file of files(10_000)) {
        // PGlite: a file is handed back after the COPY that read it, before the next is asked
        // for. PostgreSQL: a few files are written ahead, and handed back as the socket sends
        // them, while the COPY goes on (so their buffers are written into again).
        if (testDbKind === 'pglite') expect(released.length).toBe(sent.length);
        else expect(sent.length - released.length).toBeLessThanOrEqual(6);
        sent.push(file);
        yield file;
      }
    }
    await expect(
      database.db.transaction().execute(async (trx) => {
        const count = await bulkCopyBinary(trx, 'copy_binary', COLUMNS, tracked(), {
          release: (file) => released.push(sent.indexOf(file)),
        });
        expect(count).toBe(10_000);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(sent.length).toBeGreaterThan(10);
    expect(released).toEqual(sent.map((_, i) => i));
    expect((await binaryStats()).rows[0]?.rows).toBe(30_000n);
  });
});

describe('bulkCopyRows', () => {
  it('writes items as binary rows into reused buffers, every row exact', async () => {
    await sql`CREATE TABLE copy_rows (id bigint, label text)`.execute(database.db);
    const ids = Array.from({ length: 200_000 }, (_, i) => i + 1);
    const copied = await database.db.transaction().execute((trx) =>
      bulkCopyRows(
        trx,
        'copy_rows',
        ['id', 'label'],
        [ids.slice(0, 70_000), ids.slice(70_000)],
        (writer, id) => {
          writer.row(2);
          writer.int8(id);
          writer.text(`Supplier ${id} ${'x'.repeat(id % 50)}`);
        },
      ),
    );
    expect(copied).toBe(200_000);
    // A buffer written over before PGlite had read it, or before the socket had sent it to
    // PostgreSQL, would show here as a wrong sum or label (or a COPY PostgreSQL cannot read).
    const { rows } = await sql<{ rows: bigint; total: bigint; chars: bigint; last: string }>`
      SELECT count(*) AS rows, sum(id)::bigint AS total,
             sum(length(label))::bigint AS chars,
             (SELECT label FROM copy_rows WHERE id = 199999) AS last
      FROM copy_rows`.execute(database.db);
    const chars = ids.reduce((n, id) => n + `Supplier ${id} `.length + (id % 50), 0);
    expect(rows[0]).toEqual({
      rows: 200_000n,
      total: 20_000_100_000n,
      chars: BigInt(chars),
      last: `Supplier 199999 ${'x'.repeat(199_999 % 50)}`,
    });
  });
});

describe.runIf(testDbKind === 'pglite')('pgliteCopyFile', () => {
  it('copies a file from PGlite’s in-memory file system and leaves no file there, loaded or refused', async () => {
    const pglite = await openTestPglite();
    try {
      await pglite.exec('CREATE TABLE copy_file (id bigint, label text)');
      const copy = 'COPY copy_file (id, label)';
      const lines = Array.from({ length: 5000 }, (_, i) => `${i + 1}\tSupplier ${i + 1}\n`);
      const copied = await pgliteCopyFile(pglite, copy, Buffer.from(lines.join('')));
      expect(copied).toBe(5000);
      await expect(
        pgliteCopyFile(pglite, copy, Buffer.from('5001\tfine\nnot a number\tbad\n')),
      ).rejects.toThrow(/invalid input syntax for type bigint/);
      const files = (pglite.Module as unknown as { FS: { readdir(path: string): string[] } }).FS;
      expect(files.readdir('/tmp').filter((name) => name.startsWith('cwb-copy'))).toEqual([]);
      const { rows } = await pglite.query<{ n: number; total: number }>(
        'SELECT count(*)::int AS n, sum(id)::int AS total FROM copy_file',
      );
      expect(rows[0]).toEqual({ n: 5000, total: (5000 * 5001) / 2 });
    } finally {
      await pglite.close();
    }
  });
});
