import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
  createDb,
  createPgliteDb,
  openPglite,
  PGLITE_SHARED_BUFFERS_MB,
  type Database,
} from '../src/db/create-db.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { buildTestApp, testConfig, wigan } from './helpers/test-app.ts';
import { createTestDatabaseUrl, testDbKind } from './helpers/test-db.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'cwb-persist-'));
const cleanups: (() => Promise<void> | void)[] = [
  () => rmSync(dataDir, { recursive: true, force: true }),
];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** The configuration a restart would read: the same PGlite directory, or the same PostgreSQL database. */
async function persistentConfig() {
  if (testDbKind === 'pglite') return testConfig({ dataDir });
  const { url, drop } = await createTestDatabaseUrl();
  cleanups.push(drop);
  return testConfig({ databaseUrl: url });
}

describe('persistence', () => {
  it('keeps an organisation created through the API when the app is rebuilt on the same database', async () => {
    const config = await persistentConfig();

    const first = await createDb(config);
    expect(first.kind).toBe(testDbKind);
    await migrateToLatest(first.db);
    const t1 = await buildTestApp({ database: first });
    expect(
      (await t1.asAdmin({ method: 'POST', url: '/v1/organisations', payload: wigan })).statusCode,
    ).toBe(201);
    await t1.close();

    const second = await createDb(config);
    expect(await migrateToLatest(second.db)).toEqual([]);
    const t2 = await buildTestApp({ database: second });
    const res = await t2.asAdmin({ method: 'GET', url: '/v1/organisations/wigan' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: 'wigan',
      name: 'Wigan Council',
      homeAreas: ['E08000010'],
    });
    const health = await t2.app.inject({ method: 'GET', url: '/health' });
    expect(health.json()).toEqual({ status: 'ok', database: testDbKind });
    await t2.close();
  });

  it.runIf(testDbKind === 'pglite')(
    "keeps PGlite's buffer cache at the size configured, the data directory's own settings as they were",
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'cwb-buffers-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const shown = async (database: Database) => {
        try {
          const { rows } = await sql<{
            shared_buffers: string;
            timezone: string;
          }>`SELECT current_setting('shared_buffers') AS shared_buffers, current_setting('TimeZone') AS timezone`.execute(
            database.db,
          );
          return rows[0];
        } finally {
          await database.close();
        }
      };
      const first = await shown(
        await createDb(testConfig({ dataDir: dir, pgliteSharedBuffersMb: 24 })),
      );
      expect(first).toEqual({ shared_buffers: '24MB', timezone: 'UTC' });
      // The default, on the same directory: the setting was not written into it.
      const second = await shown(createPgliteDb(await openPglite(dir)));
      expect(second).toEqual({ shared_buffers: `${PGLITE_SHARED_BUFFERS_MB}MB`, timezone: 'UTC' });
      expect(PGLITE_SHARED_BUFFERS_MB).toBe(16);
    },
  );
});
