import type { Report } from '../report/report.js';

/** A report format: renders a finished Report to a string. One writer does all the I/O. */
export interface Reporter {
  /** The `-O` name. */
  name: string;
  /** File extension for `reports/<run>/report.<ext>`. */
  extension: string;
  render(report: Report): string;
}
