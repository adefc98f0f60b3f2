import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createPgliteDb, openPglite } from '../../src/db/create-db.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

/** Migrates one in-memory PGlite and dumps it; every test file starts from a copy of the dump. */
export default async function setup(project: TestProject) {
  const pglite = await openPglite('memory://');
  const database = createPgliteDb(pglite);
  await migrateToLatest(database.db);
  const dump = await pglite.dumpDataDir('none');
  const file = path.join(tmpdir(), `cwb-pglite-template-${process.pid}.tar`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await database.close();
  project.provide('pgliteTemplate', file);
  return () => rmSync(file, { force: true });
}
