import type { Report } from '../report/report.js';
import { cannotWriteError } from './cannot-write-error.js';
import { consoleReporter } from './console-reporter.js';
import type { OutputPlan } from './plan-output.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** Names of this process's standard output: the report goes through `stdout` (a socket or pipe may not be opened by name). */
const STDOUT_PATHS = new Set(['/dev/stdout', '/dev/fd/1', '/proc/self/fd/1']);

/**
 * The one place reports touch the disk and stdout. Each file is written whole or not at all
 * (see writeFileAtomic). Returns the files written.
 */
export function writeReports(report: Report, plan: OutputPlan, stdout: (text: string) => void): string[] {
  if (plan.console) stdout(consoleReporter.render(report));
  const written: string[] = [];
  for (const { reporter, path } of plan.files) {
    try {
      if (STDOUT_PATHS.has(path)) stdout(reporter.render(report));
      else writeFileAtomic(path, reporter.render(report));
    } catch (error) {
      throw cannotWriteError('output', path, error);
    }
    written.push(path);
  }
  return written;
}
