import { linkSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchError } from '../errors/bench-error.js';
import { tempPathIn } from '../reporters/write-file-atomic.js';
import { RECORD_SUFFIX, recordFileName } from './record-file-name.js';
import type { RunRecord } from './run-record.js';

export interface AppendedRecord {
  path: string;
  /** The store already held this run (same id): nothing was written. */
  duplicate: boolean;
}

/** A hard link fails when `path` exists; a file system without hard links gets a rename (the name is the run's own). */
function linkWithoutOverwrite(temp: string, path: string): void {
  try {
    linkSync(temp, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
    renameSync(temp, path);
  }
}

const errorText = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/**
 * Adds one run's record to the history directory `dir` (created if missing). The record is
 * written whole to a hidden temporary file, then hard-linked to its own name, which fails
 * rather than overwrites: a reader or a kill -9 at any moment sees the whole record or none,
 * and two writers appending at once each keep their own (their names differ by run id).
 * Throws HISTORY_UNWRITABLE naming the directory.
 */
export function appendRecord(dir: string, record: RunRecord): AppendedRecord {
  const name = recordFileName(record);
  const path = join(dir, name);
  try {
    mkdirSync(dir, { recursive: true });
    if (readdirSync(dir).some((file) => file.endsWith(`-${record.runId}${RECORD_SUFFIX}`))) return { path, duplicate: true };
    const temp = tempPathIn(dir, name);
    try {
      writeFileSync(temp, `${JSON.stringify(record)}\n`, { flag: 'wx' });
      linkWithoutOverwrite(temp, path);
    } catch (error) {
      // Another writer linked the same run first.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && (error as NodeJS.ErrnoException).syscall === 'link') return { path, duplicate: true };
      throw error;
    } finally {
      rmSync(temp, { force: true });
    }
  } catch (error) {
    throw new BenchError('HISTORY_UNWRITABLE', `history: ${dir}: cannot append the run's record (${errorText(error)}); expected a writable directory`);
  }
  return { path, duplicate: false };
}
