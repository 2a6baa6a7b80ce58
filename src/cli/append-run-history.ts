import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BenchError } from '../errors/bench-error.js';
import { appendRecord } from '../history/append-record.js';
import { recordFromReport } from '../history/record-from-report.js';
import type { Report } from '../report/report.js';
import type { CliIo } from './cli-io.js';

/** Before any load: a history path that exists must be a directory (a missing one is created when the run ends). */
export function checkHistoryDir(dir: string | undefined, cwd: string): void {
  if (dir === undefined) return;
  const stat = statSync(resolve(cwd, dir), { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) throw new BenchError('HISTORY_INVALID', `output.history: ${dir}: not a directory; expected a history directory (created if missing)`);
}

/**
 * After the reports are written: the run's record appended to the history directory, with its
 * tags. A partial run is not recorded (it would stand in the series beside whole runs).
 */
export function appendRunHistory(report: Report, output: { history?: string | undefined; tags: Record<string, string> }, io: CliIo): void {
  if (output.history === undefined) return;
  if (report.partial) {
    io.stderr(`warning: history: the run ended early (${report.partialReason ?? 'partial'}); not recorded in ${output.history}\n`);
    return;
  }
  const appended = appendRecord(resolve(io.cwd, output.history), recordFromReport(report, output.tags, new Date()));
  io.stderr(appended.duplicate ? `history: already recorded: ${appended.path}\n` : `history: recorded ${appended.path}\n`);
}
