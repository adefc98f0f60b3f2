import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(import.meta.dirname, '../..');

/*
 * The real council files live in ../shared beside the repository, not in it. A clone made
 * elsewhere (CI's scratch directory) finds them beside the repository it was cloned from, or
 * where CWB_SHARED_DIR says. Never skipped: when none of these holds them, the test fails
 * saying where it looked.
 */

/** The directory of `../shared/data/real`, wherever this checkout can find it. */
export function realDataDir(): string {
  const candidates = [
    process.env.CWB_SHARED_DIR,
    path.resolve(REPO, '../shared'),
    besideOrigin(),
  ].filter((dir): dir is string => dir !== undefined && dir !== '');
  for (const dir of candidates) {
    const real = path.join(dir, 'data/real');
    if (existsSync(real)) return real;
  }
  throw new Error(
    `The real council files (shared/data/real) are not in ${candidates.join(', ')}: set CWB_SHARED_DIR to the shared directory.`,
  );
}

/** ../shared beside the repository this one was cloned from, when that is a local directory. */
function besideOrigin(): string | undefined {
  try {
    const origin = execFileSync('git', ['-C', REPO, 'remote', 'get-url', 'origin'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const local = origin.startsWith('file://') ? new URL(origin).pathname : origin;
    return path.isAbsolute(local) ? path.resolve(local, '../shared') : undefined;
  } catch {
    return undefined;
  }
}
