import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import {
  createPgliteDb,
  createPostgresDb,
  openPglite,
  type Database,
  type DatabaseKind,
} from '../../src/db/create-db.ts';
import { adminDatabaseUrl, databaseUrlFor } from './postgres-url.ts';

/** Which database this run of the integration tests is on (set per vitest project). */
export const testDbKind: DatabaseKind =
  process.env.CWB_TEST_DB === 'postgres' ? 'postgres' : 'pglite';

/**
 * A fresh, migrated database for one test file: a copy of the template made in global setup.
 * Closing it drops it (PostgreSQL) or discards it (in-memory PGlite).
 */
export async function createTestDatabase(): Promise<Database> {
  if (testDbKind === 'pglite') return createPgliteDb(await openTestPglite());
  const name = `${inject('postgresPrefix')}${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) =>
    client.query(`CREATE DATABASE ${name} TEMPLATE ${inject('postgresTemplate')}`),
  );
  const database = createPostgresDb(databaseUrlFor(name), 5);
  return {
    ...database,
    async close() {
      await database.close();
      await withAdminClient((client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      );
    },
  };
}

/** A PGlite instance of its own in memory, migrated: a copy of the template made in global setup. */
export async function openTestPglite(): Promise<PGlite> {
  const template = new Blob([readFileSync(inject('pgliteTemplate'))]);
  return openPglite('memory://', { loadDataDir: template });
}

/** A database URL for a fresh copy of the template (for tests that start the server as a process). */
export async function createTestDatabaseUrl(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${inject('postgresPrefix')}${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) =>
    client.query(`CREATE DATABASE ${name} TEMPLATE ${inject('postgresTemplate')}`),
  );
  return {
    url: databaseUrlFor(name),
    drop: () =>
      withAdminClient((client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      ).then(() => undefined),
  };
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    // Two files creating from the template at the same moment can collide; try again briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        return await work(client);
      } catch (error) {
        const busy = /being accessed by other users/.test((error as Error).message);
        if (!busy || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  } finally {
    await client.end();
  }
}
