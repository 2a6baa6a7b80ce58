import { BenchError } from '../errors/bench-error.js';
import { consoleReporter } from './console-reporter.js';
import { csvReporter } from './csv-reporter.js';
import { htmlReporter } from './html/html-reporter.js';
import { influxReporter } from './influx-reporter.js';
import { ghzCsvReporter } from './ghz-csv-reporter.js';
import { ghzHtmlReporter } from './ghz-html-reporter.js';
import { ghzInfluxDetailsReporter, ghzInfluxSummaryReporter } from './ghz-influx-reporters.js';
import { ghzJsonReporter, ghzPrettyReporter } from './ghz-json-reporters.js';
import { ghzPrometheusReporter } from './ghz-prometheus-reporter.js';
import { ghzSummaryReporter } from './ghz-summary-reporter.js';
import { jsonReporter } from './json-reporter.js';
import { junitReporter } from './junit-reporter.js';
import { markdownReporter } from './markdown-reporter.js';
import { prometheusReporter } from './prometheus-reporter.js';
import type { Reporter } from './reporter.js';
import { REPORT_FORMATS, type ReportFormat } from '../types/report-formats.js';

/** The reporter of each format: a new format is one file, one line here and its name in REPORT_FORMATS. */
const REPORTERS: Readonly<Record<ReportFormat, Reporter>> = {
  console: consoleReporter,
  json: jsonReporter,
  csv: csvReporter,
  junit: junitReporter,
  markdown: markdownReporter,
  prometheus: prometheusReporter,
  influx: influxReporter,
  html: htmlReporter,
  'ghz-summary': ghzSummaryReporter,
  'ghz-json': ghzJsonReporter,
  'ghz-pretty': ghzPrettyReporter,
  'ghz-csv': ghzCsvReporter,
  'ghz-html': ghzHtmlReporter,
  'ghz-influx-summary': ghzInfluxSummaryReporter,
  'ghz-influx-details': ghzInfluxDetailsReporter,
  'ghz-prometheus': ghzPrometheusReporter,
};

export { REPORT_FORMATS };

export function findReporter(name: string): Reporter {
  const reporter = (REPORT_FORMATS as ReadonlyArray<string>).includes(name) ? REPORTERS[name as ReportFormat] : undefined;
  if (!reporter) throw new BenchError('USAGE', `format: unknown report format "${name}"; expected one of ${REPORT_FORMATS.join(', ')}`);
  return reporter;
}
