import type { Report } from '../report/report.js';
import { toGhzReport, type GhzReport } from './ghz-report.js';
import type { Reporter } from './reporter.js';

/** ghz's escaping of tag values: space, comma and equals sign get a backslash. */
const clean = (text: string): string => text.replace(/[ ,=]/g, (c) => `\\${c}`);

/** A value as JSON text quoted again as a JSON string, then escaped (ghz's data, metadata and tags tags). */
const quotedJson = (value: unknown): string => (value === undefined ? '""' : clean(JSON.stringify(JSON.stringify(value))));

const seconds = (ns: unknown): number => (typeof ns === 'number' ? ns / 1e9 : 0);

/** ghz's tag set: the run's settings, then (for the summary line) its error count. */
function influxTags(ghz: GhzReport, withErrors: boolean): string {
  const o = ghz.options;
  const tags: string[] = [];
  if (ghz.name) tags.push(`name="${clean(ghz.name.trim())}"`);
  if (o['proto']) tags.push(`proto="${String(o['proto'])}"`);
  else if (o['protoset']) tags.push(`Protoset="${String(o['protoset'])}"`);
  tags.push(`call="${String(o['call'] ?? '')}"`, `host="${String(o['host'] ?? '')}"`, `n=${Number(o['total'] ?? 0)}`);
  const schedule = (family: string, constTag: string, constKey: string): void => {
    if ((o[`${family}-schedule`] ?? 'const') === 'const') tags.push(`${constTag}=${Number(o[constKey] ?? 0)}`);
    else for (const key of ['schedule', 'start', 'end', 'step', 'step-duration', 'max-duration']) tags.push(`${family}-${key}=${String(o[`${family}-${key}`] ?? 0)}`);
  };
  schedule('concurrency', 'c', 'concurrency');
  schedule('load', 'rps', 'rps');
  tags.push(`z=${Number(o['duration'] ?? 0)}`, `timeout=${seconds(o['timeout'])}`, `dial_timeout=${seconds(o['dial-timeout'])}`, `keepalive=${seconds(o['keepalive'])}`);
  tags.push(`data=${quotedJson(o['data'] ?? null)}`, `metadata=${o['metadata'] === undefined ? '""' : quotedJson(o['metadata'])}`, `tags=${ghz.tags ? quotedJson(ghz.tags) : '""'}`);
  if (withErrors) {
    const errors = Object.values(ghz.errorDistribution).reduce((sum, n) => sum + n, 0);
    tags.push(`errors=${errors}`, `has_errors=${errors > 0}`);
  }
  return tags.join(',');
}

/** The report's date in ns since 1970, as text (beyond 2^53). */
const dateNs = (ghz: GhzReport): string => `${Date.parse(ghz.date)}000000`;

/** ghz's `-O influx-summary`: one `ghz_run` line; durations in ns. */
export function renderGhzInfluxSummary(report: Report): string {
  const ghz = toGhzReport(report);
  const at = (percentage: number): number | undefined => ghz.latencyDistribution?.find((d) => d.percentage === percentage)?.latency;
  const errors = Object.values(ghz.errorDistribution).reduce((sum, n) => sum + n, 0);
  const fields = [
    `count=${ghz.count}`, `total=${ghz.total}`, `average=${ghz.average}`, `fastest=${ghz.fastest}`, `slowest=${ghz.slowest}`, `rps=${ghz.rps.toFixed(2)}`,
    ...(at(50) === undefined ? [] : [`median=${at(50)}`]),
    ...(at(95) === undefined ? [] : [`p95=${at(95)}`]),
    `errors=${errors}`,
  ];
  return `ghz_run,${influxTags(ghz, true)} ${fields.join(',')} ${dateNs(ghz)}\n`;
}

/** ghz's `-O influx-details`: one `ghz_detail` line per call of `details` (the bounded sample). */
export function renderGhzInfluxDetails(report: Report): string {
  const ghz = toGhzReport(report);
  const common = influxTags(ghz, false);
  return (ghz.details ?? [])
    .map((d) => {
      const at = Date.parse(d.timestamp);
      const nanos = /\.(\d+)Z$/.exec(d.timestamp)?.[1]?.padEnd(9, '0') ?? '000000000';
      return `ghz_detail,${common},hasError=${d.error !== ''} latency=${d.latency},error="${clean(d.error)}",status="${d.status}" ${Math.floor(at / 1000)}${nanos}\n`;
    })
    .join('');
}

export const ghzInfluxSummaryReporter: Reporter = { name: 'ghz-influx-summary', extension: 'influx', render: renderGhzInfluxSummary };
export const ghzInfluxDetailsReporter: Reporter = { name: 'ghz-influx-details', extension: 'influx', render: renderGhzInfluxDetails };
