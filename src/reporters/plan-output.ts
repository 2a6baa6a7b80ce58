import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { BenchError } from '../errors/bench-error.js';
import { cannotWriteError } from './cannot-write-error.js';
import { pathTimestamp } from './path-timestamp.js';
import { findReporter } from './reporter-registry.js';
import type { Reporter } from './reporter.js';
import { tempPathIn } from './write-file-atomic.js';

export interface OutputPlan {
  /** Print the console summary to stdout. */
  console: boolean;
  /** Files to write: reporter and absolute path. */
  files: Array<{ reporter: Reporter; path: string }>;
  /**
   * Where the run journal goes: `journal.jsonl` in the report directory, or `<file>.journal.jsonl`
   * beside a single report file; absent without report files or for a device such as /dev/stdout.
   */
  journal?: string;
}

/** The run journal's name in a report directory. */
export const JOURNAL_FILE = 'journal.jsonl';

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

/**
 * Creates `dir` level by level from its nearest existing ancestor and checks it can be written.
 * (A recursive mkdir never returns for some paths under /proc, so each level is made by hand.)
 * `create: false` only checks: the nearest existing ancestor must be a writable directory in which
 * the first missing level can be made (it is made and removed again; nothing is left behind).
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
        mkdirSync(missing[0]!);
        rmdirSync(missing[0]!);
      } else {
        tryTempFile(existing);
      }
      return;
    }
    for (const level of missing) mkdirSync(level);
    tryTempFile(dir);
  } catch (error) {
    throw cannotWriteError(what, `to ${dir}`, error);
  }
}

function checkWritableFile(path: string): void {
  try {
    accessSync(path, constants.W_OK);
  } catch (error) {
    throw cannotWriteError('output', `to ${path}`, error);
  }
}

/**
 * Decides where each format goes and checks, before any load is sent, that it can be written.
 * `path` naming a file takes a single file format: a path that exists and is not a directory
 * (/dev/stdout too), or one with an extension that does not exist yet; otherwise it is a directory. Without `path`: `reports/<name>-<timestamp>/`. `create: false`
 * checks the same without creating any directory (`validate`).
 */
export function planOutput(formats: string[], path: string | undefined, name: string, cwd: string, now = new Date(), create = true): OutputPlan {
  const reporters = [...new Set(formats)].map(findReporter);
  const fileReporters = reporters.filter((r) => r.name !== 'console');
  const plan: OutputPlan = { console: reporters.some((r) => r.name === 'console'), files: [] };
  if (!fileReporters.length) return plan;
  const target = path === undefined ? undefined : resolve(cwd, path);
  const existing = target === undefined ? undefined : statSync(target, { throwIfNoEntry: false });
  const isFile = target !== undefined && (existing ? !existing.isDirectory() : extname(target) !== '');
  if (isFile) {
    if (fileReporters.length > 1) {
      throw new BenchError('USAGE', `output: "${path}" names one file but ${fileReporters.length} file formats were asked for (${fileReporters.map((r) => r.name).join(', ')}); give a directory`);
    }
    // A device or FIFO is written in place; a regular file is replaced through its directory.
    if (existing && !existing.isFile()) checkWritableFile(target);
    else {
      ensureWritableDir(dirname(target), 'output', create);
      if (existing) checkWritableFile(target);
    }
    plan.files.push({ reporter: fileReporters[0]!, path: target });
    if (!existing || existing.isFile()) plan.journal = `${target}.journal.jsonl`;
    return plan;
  }
  const dir = target ?? resolve(cwd, 'reports', `${name}-${pathTimestamp(now)}`);
  ensureWritableDir(dir, 'output', create);
  for (const reporter of fileReporters) plan.files.push({ reporter, path: join(dir, `report.${reporter.extension}`) });
  plan.journal = join(dir, JOURNAL_FILE);
  return plan;
}
