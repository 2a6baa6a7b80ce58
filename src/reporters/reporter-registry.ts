import { BenchError } from '../errors/bench-error.js';
import { consoleReporter } from './console-reporter.js';
import { csvReporter } from './csv-reporter.js';
import { htmlReporter } from './html/html-reporter.js';
import { influxReporter } from './influx-reporter.js';
import { jsonReporter } from './json-reporter.js';
import { junitReporter } from './junit-reporter.js';
import { markdownReporter } from './markdown-reporter.js';
import { prometheusReporter } from './prometheus-reporter.js';
import type { Reporter } from './reporter.js';

/** Every report format, by its `-O` name. A new format is one file and one line here. */
const REPORTERS: ReadonlyMap<string, Reporter> = new Map(
  [
    consoleReporter,
    jsonReporter,
    csvReporter,
    junitReporter,
    markdownReporter,
    prometheusReporter,
    influxReporter,
    htmlReporter,
  ].map((r) => [r.name, r]),
);

export const REPORT_FORMATS = [...REPORTERS.keys()];

export function findReporter(name: string): Reporter {
  const reporter = REPORTERS.get(name);
  if (!reporter) throw new BenchError('USAGE', `format: unknown report format "${name}"; expected one of ${REPORT_FORMATS.join(', ')}`);
  return reporter;
}
