import type { z } from 'zod';
import { loadConfig } from '../config.ts';
import { createDb, type Database } from '../db/create-db.ts';
import { migrateToLatest } from '../db/migrate.ts';

/** What the CLI writes to the audit log as the actor. */
export const CLI_ACTOR = 'cli';

/** A problem with what the person typed: printed without a stack trace. */
export class CliError extends Error {}

/** Opens the database the environment names, brought to the latest migration, for one command. */
export async function withDatabase<T>(work: (database: Database) => Promise<T>): Promise<T> {
  const database = await createDb(loadConfig());
  try {
    await migrateToLatest(database.db);
    return await work(database);
  } finally {
    await database.close();
  }
}

/** Validates a value with a zod schema, turning problems into a CliError naming each field. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new CliError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('\n'),
    );
  }
  return parsed.data;
}
