import { accessSync, constants, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { BenchError } from '../errors/bench-error.js';
import { cannotWriteError } from './cannot-write-error.js';
import { claimReportDir } from './claim-report-dir.js';
import { findReporter } from './reporter-registry.js';
import type { Reporter } from './reporter.js';
import { ensureWritableDir } from './ensure-writable-dir.js';

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
  const dir = target ?? claimReportDir(resolve(cwd, 'reports'), name, now, create);
  if (target !== undefined) ensureWritableDir(dir, 'output', create);
  for (const reporter of fileReporters) plan.files.push({ reporter, path: join(dir, `report.${reporter.extension}`) });
  plan.journal = join(dir, JOURNAL_FILE);
  return plan;
}
