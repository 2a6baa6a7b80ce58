import type { Report } from '../report/report.js';
import { ghzPrometheusBuckets, toGhzReport, type GhzReport } from './ghz-report.js';
import type { Reporter } from './reporter.js';

/** A label value in the text exposition format: backslash, double quote and line break escaped. */
const labelValue = (text: string): string => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** ghz's labels: name, end_reason, and its other options as text (`-` → `_`; a const schedule's settings left out). */
function labels(ghz: GhzReport): string {
  const pairs: Array<[string, string]> = [['name', ghz.name ?? ''], ['end_reason', ghz.endReason]];
  for (const [key, value] of Object.entries(ghz.options)) {
    // `name` is already the first label: a label given twice is invalid in the exposition format.
    if (value === undefined || key === 'data' || key === 'metadata' || key === 'name') continue;
    const family = key.startsWith('load-') ? 'load' : key.startsWith('concurrency-') ? 'concurrency' : undefined;
    if (family && (ghz.options[`${family}-schedule`] ?? 'const') === 'const') continue;
    pairs.push([key.replace(/-/g, '_'), Array.isArray(value) ? value.join(',') : typeof value === 'object' ? JSON.stringify(value) : String(value)]);
  }
  pairs.sort(([a], [b]) => a.localeCompare(b));
  return `{${pairs.map(([k, v]) => `${k}="${labelValue(v)}"`).join(',')}}`;
}

/**
 * ghz's `-O prometheus`: run gauges, the response-time histogram and the latency summary; durations in ns.
 * The histogram counts every call, cumulatively, so `+Inf` equals `_count` (ghz's `_count` is every call too).
 */
export function renderGhzPrometheus(report: Report): string {
  const ghz = toGhzReport(report);
  const l = labels(ghz);
  const gauge = (name: string, value: number): string => `# TYPE ${name} gauge\n${name}${l} ${value}\n`;
  const errors = Object.values(ghz.errorDistribution).reduce((sum, n) => sum + n, 0);
  const withLabel = (extra: string): string => `${l.slice(0, -1)}${l.length > 2 ? ',' : ''}${extra}}`;
  const buckets = ghzPrometheusBuckets(report).map((b) => `ghz_run_histogram_bucket${withLabel(`le="${b.markS}"`)} ${b.cumulative}\n`);
  const sumNs = ghz.average * ghz.count;
  return [
    gauge('ghz_run_count', ghz.count),
    gauge('ghz_run_total', ghz.total),
    gauge('ghz_run_average', ghz.average),
    gauge('ghz_run_fastest', ghz.fastest),
    gauge('ghz_run_slowest', ghz.slowest),
    gauge('ghz_run_rps', ghz.rps),
    `# TYPE ghz_run_histogram histogram\n${buckets.join('')}ghz_run_histogram_bucket${withLabel('le="+Inf"')} ${ghz.count}\nghz_run_histogram_sum${l} ${sumNs}\nghz_run_histogram_count${l} ${ghz.count}\n`,
    `# TYPE ghz_run_latency summary\n${(ghz.latencyDistribution ?? []).map((d) => `ghz_run_latency${withLabel(`quantile="${d.percentage / 100}"`)} ${d.latency}\n`).join('')}ghz_run_latency_sum${l} ${sumNs}\nghz_run_latency_count${l} ${ghz.count}\n`,
    gauge('ghz_run_errors', errors),
  ].join('');
}

export const ghzPrometheusReporter: Reporter = { name: 'ghz-prometheus', extension: 'prom', render: renderGhzPrometheus };
