import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  Migrator,
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
} from 'kysely';

/** The migrations folder at the project root. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** Migration files are named by ISO timestamp: 2026-11-25T0900_foundation.ts. */
const MIGRATION_FILE = /^\d{4}-\d{2}-\d{2}T\d{4}_[a-z0-9-]+\.ts$/;

/**
 * One of the project's migrations, by file name. The path is one a bundler can follow (a folder
 * and an extension around the name): a bundle of the app (bin/bundle.js) carries every .ts file
 * of migrations/, and run from source this is the file itself.
 */
const importProjectMigration = (file: string): Promise<Migration> =>
  import(`../../migrations/${file.replace(/\.ts$/, '')}.ts`) as Promise<Migration>;

/** Reads migrations from the folder, in name order; a .ts file named otherwise is an error. */
export class FolderMigrationProvider implements MigrationProvider {
  constructor(
    private readonly folder: string,
    private readonly importMigration = (file: string): Promise<Migration> =>
      import(pathToFileURL(path.join(folder, file)).href) as Promise<Migration>,
  ) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const entries = await readdir(this.folder);
    // A misnamed migration would be skipped without a word: refuse to run instead.
    const misnamed = entries.filter((f) => f.endsWith('.ts') && !MIGRATION_FILE.test(f));
    if (misnamed.length > 0) {
      throw new MigrationError(
        `Misnamed migration file(s) in ${this.folder}: ${misnamed.join(', ')} (expected like 2026-11-25T0900_foundation.ts).`,
      );
    }
    const files = entries.filter((f) => MIGRATION_FILE.test(f)).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      migrations[file.replace(/\.ts$/, '')] = await this.importMigration(file);
    }
    return migrations;
  }
}

export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/** The project's migrations (see importProjectMigration). */
export const projectMigrations = (): FolderMigrationProvider =>
  new FolderMigrationProvider(MIGRATIONS_DIR, importProjectMigration);

/** Brings the schema to the latest migration. Returns the names of the migrations applied. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema: migrations are untyped
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: projectMigrations() });
  return unwrap(await migrator.migrateToLatest());
}

/** Undoes the most recent migration. Returns the names undone. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema: migrations are untyped
export async function migrateDown(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: projectMigrations() });
  return unwrap(await migrator.migrateDown());
}

function unwrap({ error, results }: MigrationResultSet): string[] {
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const which = failed ? ` in ${failed.migrationName}` : '';
    throw new MigrationError(
      `Migration failed${which}: ${String((error as Error).message ?? error)}`,
      {
        cause: error,
      },
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
