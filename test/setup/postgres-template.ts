import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createPostgresDb } from '../../src/db/create-db.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { adminDatabaseUrl, databaseUrlFor } from '../helpers/postgres-url.ts';

/**
 * Makes a migrated template database on the test server; each test file creates its own
 * database from it (CREATE DATABASE ... TEMPLATE), so files run in parallel.
 */
export default async function setup(project: TestProject) {
  const template = `cwb_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminDatabaseUrl() });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${adminDatabaseUrl()} (TEST_DATABASE_URL). ` +
        `Start it (pg_ctlcluster 15 main start) - integration tests never skip it. ${(error as Error).message}`,
    );
  }
  await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${template}`);
  const database = createPostgresDb(databaseUrlFor(template), 1);
  await migrateToLatest(database.db);
  await database.close();
  project.provide('postgresTemplate', template);
  project.provide('postgresPrefix', `cwb_t_${process.pid}_`);

  return async () => {
    // Drop the template and anything a crashed test file left behind.
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
      [template, `cwb_t_${process.pid}_%`],
    );
    for (const { datname } of rows)
      await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await admin.end();
  };
}
