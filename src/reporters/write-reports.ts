import { writeFileSync } from 'node:fs';
import { BenchError } from '../errors/bench-error.js';
import type { Report } from '../report/report.js';
import { consoleReporter } from './console-reporter.js';
import type { OutputPlan } from './plan-output.js';

/** The one place reports touch the disk and stdout. Returns the files written. */
export function writeReports(report: Report, plan: OutputPlan, stdout: (text: string) => void): string[] {
  if (plan.console) stdout(consoleReporter.render(report));
  const written: string[] = [];
  for (const { reporter, path } of plan.files) {
    try {
      writeFileSync(path, reporter.render(report));
    } catch (error) {
      throw new BenchError('OUTPUT_UNWRITABLE', `output: cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    written.push(path);
  }
  return written;
}
