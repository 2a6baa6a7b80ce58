import { accessSync, closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cannotWriteError } from './cannot-write-error.js';
import { tempPathIn } from './write-file-atomic.js';

/**
 * Creates a file in `dir` and removes it again: the permission bits say yes to root everywhere,
 * and /proc or a read-only mount refuse only an actual file. Reports are written the same way
 * (a temporary file, then a rename), so this is the check that counts.
 */
function tryTempFile(dir: string): void {
  const probe = tempPathIn(dir, 'grpc-bench-check');
  closeSync(openSync(probe, 'wx'));
  rmSync(probe, { force: true });
}

/** mkdir that accepts a directory another process made a moment ago. */
function mkdirIfAbsent(path: string): void {
  try {
    mkdirSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(path).isDirectory()) throw error;
  }
}

/**
 * Creates `dir` level by level from its nearest existing ancestor and checks it can be written.
 * (A recursive mkdir never returns for some paths under /proc, so each level is made by hand.)
 * `create: false` only checks: the nearest existing ancestor must be a writable directory in which
 * a directory can be made (one is made and removed again; nothing is left behind).
 */
export function ensureWritableDir(dir: string, what: string, create = true): void {
  const missing: string[] = [];
  let existing = dir;
  while (!existsSync(existing)) {
    missing.unshift(existing);
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  try {
    if (!statSync(existing).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    accessSync(existing, constants.W_OK);
    if (!create) {
      if (missing.length) {
        // A name of its own: another run checking or creating the same path at once is not disturbed.
        rmdirSync(mkdtempSync(join(existing, '.grpc-bench-check-')));
      } else {
        tryTempFile(existing);
      }
      return;
    }
    for (const level of missing) mkdirIfAbsent(level);
    tryTempFile(dir);
  } catch (error) {
    throw cannotWriteError(what, `to ${dir}`, error);
  }
}
