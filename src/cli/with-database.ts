import { loadConfig } from '../config.ts';
import { createDb, type Database } from '../db/create-db.ts';
import { migrateToLatest } from '../db/migrate.ts';

/**
 * Runs `work` on the database the environment names, brought to the latest migration, and
 * closes it afterwards: what every `cwb` subcommand does.
 */
export async function withDatabase<T>(work: (database: Database) => Promise<T>): Promise<T> {
  const database = await createDb(loadConfig());
  try {
    await migrateToLatest(database.db);
    return await work(database);
  } finally {
    await database.close();
  }
}
