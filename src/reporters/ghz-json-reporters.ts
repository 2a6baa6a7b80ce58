import { toGhzReport } from './ghz-report.js';
import type { Reporter } from './reporter.js';

/** ghz's `-O json`: its report on one line. */
export const ghzJsonReporter: Reporter = { name: 'ghz-json', extension: 'json', render: (report) => `${JSON.stringify(toGhzReport(report))}\n` };

/** ghz's `-O pretty`: the same, indented by two spaces. */
export const ghzPrettyReporter: Reporter = { name: 'ghz-pretty', extension: 'json', render: (report) => `${JSON.stringify(toGhzReport(report), null, 2)}\n` };
