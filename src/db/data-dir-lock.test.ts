import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.ts';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cwb-lock-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('lockDataDir', () => {
  it('writes this process id and removes the lock on release', () => {
    const dir = freshDir();
    const release = lockDataDir(dir);
    expect(readFileSync(path.join(dir, 'cwb.lock'), 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(path.join(dir, 'cwb.lock'))).toBe(false);
  });

  it('refuses a directory a live process holds, naming its pid', () => {
    const dir = freshDir();
    writeFileSync(path.join(dir, 'cwb.lock'), '1'); // pid 1 is always alive
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dir)).toThrow(/pid 1\)/);
  });

  it('takes over a lock left by a process that has died', () => {
    const dir = freshDir();
    writeFileSync(path.join(dir, 'cwb.lock'), '2147483646');
    const release = lockDataDir(dir);
    expect(readFileSync(path.join(dir, 'cwb.lock'), 'utf8')).toBe(String(process.pid));
    release();
  });
});
