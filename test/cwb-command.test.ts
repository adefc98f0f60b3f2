import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundle } from '../bin/bundle.js';
import { createTestDatabaseUrl, testDbKind } from './helpers/test-db.ts';

/*
 * The `cwb` command (and `npm start`, `npm run demo`) runs a bundle of the sources with plain
 * Node.js (bin/bundle.js): what it carries, and that it runs the schema's migrations.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dataDir = mkdtempSync(path.join(tmpdir(), 'cwb-command-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the cwb command', () => {
  it('is one bundle of the sources that imports only built-ins and runtime dependencies', async () => {
    const code = readFileSync(fileURLToPath(await bundle('src/cli.ts')), 'utf8');
    const imported = new Set(
      [...code.matchAll(/^import .* from "([^"]+)";$/gm), ...code.matchAll(/import\("([^"]+)"\)/g)]
        .map((m) => m[1]!)
        // (esbuild names the migrations' glob import in a comment and a key: not an import.)
        .filter((name) => !name.startsWith('node:') && !name.includes('*')),
    );
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const packageOf = (name: string) =>
      name
        .split('/')
        .slice(0, name.startsWith('@') ? 2 : 1)
        .join('/');
    expect(imported.size).toBeGreaterThan(5);
    // No source file left to load at run time (no TypeScript loader runs), no devDependency.
    expect([...imported].filter((name) => name.startsWith('.') || name.endsWith('.ts'))).toEqual(
      [],
    );
    expect([...imported].filter((name) => !(packageOf(name) in pkg.dependencies))).toEqual([]);
    expect(imported.has('tsx')).toBe(false);
    // Every migration of the folder, bundled (the migrator lists the folder and imports these).
    const migrations = readdirSync(path.join(ROOT, 'migrations')).filter((f) => f.endsWith('.ts'));
    expect(migrations.length).toBeGreaterThanOrEqual(10);
    for (const file of migrations) expect(code).toContain(`migrations/${file}`);
  });

  it('brings a database up to date', async () => {
    const database = testDbKind === 'postgres' ? await createTestDatabaseUrl() : null;
    try {
      const run = spawnSync(process.execPath, [path.join(ROOT, 'bin/cwb.js'), 'migrate'], {
        cwd: ROOT,
        env: {
          ...process.env,
          LOG_LEVEL: 'silent',
          CWB_DATA_DIR: dataDir,
          DATABASE_URL: database?.url ?? '',
        },
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const names = readdirSync(path.join(ROOT, 'migrations'))
        .filter((f) => f.endsWith('.ts'))
        .map((f) => f.replace(/\.ts$/, ''))
        .sort();
      // A new PGlite data directory takes every migration; the PostgreSQL test database is
      // made from a migrated template, so it is up to date already.
      expect(run.stdout.trim()).toBe(
        testDbKind === 'pglite' ? `applied: ${names.join(', ')}` : 'up to date',
      );
    } finally {
      await database?.drop();
    }
  });
});
