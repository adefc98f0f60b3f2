import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabaseUrl, testDbKind } from './helpers/test-db.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const FIXTURES = path.join(ROOT, 'fixtures/reference');
const dataDir = mkdtempSync(path.join(tmpdir(), 'cwb-reference-cli-'));
let env: NodeJS.ProcessEnv;
let drop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  env = { ...process.env, LOG_LEVEL: 'silent', CWB_DATA_DIR: dataDir, DATABASE_URL: '' };
  if (testDbKind === 'postgres') {
    const database = await createTestDatabaseUrl();
    env.DATABASE_URL = database.url;
    drop = database.drop;
  }
});
afterAll(async () => {
  await drop?.();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs `cwb ...` as a person would, on this run's database. */
function cwb(args: string[], input?: Buffer) {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'bin/cwb.js'), ...args], {
    cwd: ROOT,
    env,
    input,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cwb reference', () => {
  it('loads a file and prints the summary as JSON', () => {
    const run = cwb([
      'reference',
      'load',
      'mutuals',
      path.join(FIXTURES, 'SocietyList-2026-11-sample.csv'),
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      dataset: 'mutuals',
      format: 'fca-mutuals',
      edition: '2026-11',
      fileName: 'SocietyList-2026-11-sample.csv',
      rows: { read: 11, loaded: 11, skipped: 0 },
      loadedBy: 'cli',
    });
  });

  it('reads a file piped to stdin', () => {
    const run = cwb(
      ['reference', 'load', 'deprivation', '-'],
      readFileSync(path.join(FIXTURES, 'File_7_IoD2019_sample.csv')),
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^deprivation: iod IoD2019 on 2011 LSOAs loaded from stdin\n/);
    expect(run.stdout).toMatch(/59 rows read, 59 loaded, 0 skipped, 0 excluded; 0 warnings;/);
  });

  it('explains a file it cannot load, exits 1, and says the data is unchanged', () => {
    const run = cwb([
      'reference',
      'load',
      'mutuals',
      path.join(FIXTURES, 'BasicCompanyData-2026-11-01-sample.csv'),
    ]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^cwb: The header matches no known mutuals format/);
    expect(run.stderr).toMatch(
      /line 1, Society Name: FCA Mutuals Public Register society list has this column\./,
    );
    expect(run.stderr).toMatch(/The data loaded before is unchanged\.\n$/);

    const missing = cwb(['reference', 'load', 'mutuals', 'no-such-file.csv']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('cwb: no such file: no-such-file.csv\n');
  });

  it('lists what is loaded', () => {
    const run = cwb(['reference', 'list']);
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('postcodes\tnot loaded');
    expect(lines[1]).toMatch(/^deprivation\tiod\tIoD2019\t59 rows\tloaded \d{4}-/);
    expect(lines[4]).toMatch(/^mutuals\tfca-mutuals\t2026-11\t11 rows\tloaded /);
  });
});
