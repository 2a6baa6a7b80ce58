import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cannotWriteError } from './cannot-write-error.js';
import { ensureWritableDir } from './ensure-writable-dir.js';
import { pathTimestamp } from './path-timestamp.js';

/**
 * Creates a new, empty default report directory `<parent>/<name>-<timestamp>`, or `…-2`, `-3` …
 * when a run started in the same second already has it: mkdir is the atomic claim, so two runs
 * never write into one directory. `create: false` (validate) only checks that `parent` can be
 * written, leaving nothing behind.
 */
export function claimReportDir(parent: string, name: string, now: Date, create = true): string {
  ensureWritableDir(parent, 'output', create);
  const base = join(parent, `${name}-${pathTimestamp(now)}`);
  if (!create) return base;
  for (let n = 1; ; n++) {
    const dir = n === 1 ? base : `${base}-${n}`;
    try {
      mkdirSync(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw cannotWriteError('output', `to ${dir}`, error);
    }
  }
}
