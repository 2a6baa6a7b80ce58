import { toGhzReport } from './ghz-report.js';
import type { Reporter } from './reporter.js';

/** A CSV field: quoted when it holds a comma, a quote or a line break (ghz writes error texts bare). */
const field = (text: string): string => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

/** ghz's `-O csv`: one line per call of `details` (here the bounded sample): duration in ms, status, error. */
export const ghzCsvReporter: Reporter = {
  name: 'ghz-csv',
  extension: 'csv',
  render: (report) =>
    `\nduration (ms),status,error${(toGhzReport(report).details ?? []).map((d) => `\n${(d.latency / 1e6).toFixed(2)},${d.status},${field(d.error)}`).join('')}\n`,
};
