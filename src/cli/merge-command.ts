import { thresholdsFailedMessage } from '../compare/evaluate-thresholds.js';
import { loadReportFile } from '../compare/load-report-file.js';
import { BenchError } from '../errors/bench-error.js';
import { mergeSegmentReports } from '../compare/merge-segments.js';
import { planOutput } from '../reporters/plan-output.js';
import { writeReports } from '../reporters/write-reports.js';
import type { CliIo } from './cli-io.js';
import { parseFormats } from './parse-formats.js';

export const DEFAULT_MERGE_FORMATS = 'console,json';

export interface MergeFlags {
  /** The segments' report.json files. */
  reports: string[];
  format?: string;
  output?: string;
}

/**
 * `grpc-bench merge seg-1.json … seg-n.json -o merged.json`: the reports of the segments of
 * one run → the report of the whole run, its thresholds judged again. Exits 99
 * (THRESHOLDS_FAILED) when they fail on the merged report, after it is written.
 */
export async function mergeCommand(flags: MergeFlags, io: CliIo): Promise<number> {
  const formats = parseFormats(flags.format ?? DEFAULT_MERGE_FORMATS);
  const parts = flags.reports.map((file) => ({ file, report: loadReportFile(file, io.cwd) }));
  const { report, warnings } = mergeSegmentReports(parts);
  for (const warning of warnings) io.stderr(`merge: warning: ${warning}\n`);
  const output = planOutput(formats, flags.output, `${report.name}-merged`, io.cwd);
  const written = writeReports(report, output, io.stdout);
  for (const path of written) io.stderr(`report written: ${path}\n`);

  if (report.thresholds && !report.thresholds.passed) throw new BenchError('THRESHOLDS_FAILED', thresholdsFailedMessage(report.thresholds));
  if (report.counts.messagesReceived === 0 && report.counts.messagesSent > 0) {
    throw new BenchError('ALL_REQUESTS_FAILED', `no response succeeded in any segment: ${report.counts.messagesSent} requests sent, ${report.counts.errors} errors (see the report)`);
  }
  return 0;
}
