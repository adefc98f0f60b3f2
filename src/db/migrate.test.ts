import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FolderMigrationProvider, MIGRATIONS_DIR, MigrationError } from './migrate.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('FolderMigrationProvider', () => {
  it('reads every migration of the project, in name order', async () => {
    const names = Object.keys(await new FolderMigrationProvider(MIGRATIONS_DIR).getMigrations());
    expect(names[0]).toBe('2026-11-25T0900_foundation');
    expect(names).toEqual([...names].sort());
    expect(names).toContain('2026-11-25T1600_report-links');
  });

  it('refuses a misnamed migration rather than skip it', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cwb-migrations-'));
    writeFileSync(path.join(dir, '2026-11-25T1600_report_links.ts'), 'export {}');
    writeFileSync(path.join(dir, 'README.md'), 'not a migration');
    const provider = new FolderMigrationProvider(dir);
    await expect(provider.getMigrations()).rejects.toThrow(MigrationError);
    await expect(provider.getMigrations()).rejects.toThrow(/2026-11-25T1600_report_links\.ts/);
  });
});
