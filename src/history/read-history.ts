import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BenchError } from '../errors/bench-error.js';
import { RECORD_SUFFIX } from './record-file-name.js';
import { runRecordSchema, type RunRecord } from './run-record.js';

export interface SkippedRecord {
  file: string;
  /** Why it was not read, in a few words. */
  reason: string;
}

export interface HistoryContents {
  records: RunRecord[];
  /** Files that look like records but are not usable ones: reported, never fatal. */
  skipped: SkippedRecord[];
}

function describeIssue(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string {
  const issue = error.issues[0]!;
  return `${issue.path.length ? `${issue.path.map(String).join('.')}: ` : ''}${issue.message}`;
}

function readRecord(path: string): RunRecord | string {
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return error instanceof SyntaxError ? `not JSON (${error.message})` : `unreadable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  const parsed = runRecordSchema.safeParse(content);
  return parsed.success ? parsed.data : `not a grpc-bench run record: ${describeIssue(parsed.error)}`;
}

/**
 * Every record in the history directory `dir`, in file-name order. A file that is not a usable
 * record is skipped and named in `skipped`. Throws HISTORY_INVALID when `dir` is not a directory.
 */
export function readHistory(dir: string): HistoryContents {
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (!stat) throw new BenchError('HISTORY_INVALID', `history: ${dir}: no such directory; expected a history directory written by run --history or history import`);
  if (!stat.isDirectory()) throw new BenchError('HISTORY_INVALID', `history: ${dir}: not a directory; expected a history directory written by run --history or history import`);
  const records: RunRecord[] = [];
  const skipped: SkippedRecord[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (file.startsWith('.') || !file.endsWith(RECORD_SUFFIX)) continue;
    const result = readRecord(join(dir, file));
    if (typeof result === 'string') skipped.push({ file: join(dir, file), reason: result });
    else records.push(result);
  }
  return { records, skipped };
}
