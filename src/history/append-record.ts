import { linkSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
      linkSync(temp, path);
    } finally {
      rmSync(temp, { force: true });
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { path, duplicate: true };
    throw new BenchError('HISTORY_UNWRITABLE', `history: ${dir}: cannot append the run's record (${errorText(error)}); expected a writable directory`);
  }
  return { path, duplicate: false };
}
