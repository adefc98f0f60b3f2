import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/db/create-db.ts';
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
});
