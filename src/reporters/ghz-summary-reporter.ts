import type { Report } from '../report/report.js';
import { toGhzReport, type GhzReport } from './ghz-report.js';
import { ghzDuration, twoColumns } from './ghz-units.js';
import type { Reporter } from './reporter.js';

/** ghz's response-time histogram: marks in ms, counts, bars of up to 40 ∎ scaled to the largest count. */
function histogramLines(buckets: NonNullable<GhzReport['histogram']>): string {
  const marks = buckets.map((b) => (b.mark * 1000).toFixed(3));
  const counts = buckets.map((b) => String(b.count));
  const markWidth = Math.max(...marks.map((m) => m.length));
  const countWidth = Math.max(...counts.map((c) => c.length));
  const most = Math.max(...buckets.map((b) => b.count));
  return buckets
    .map((b, i) => `  ${marks[i]!.padEnd(markWidth)} [${counts[i]}]${' '.repeat(countWidth - counts[i]!.length)} |${'∎'.repeat(most > 0 ? Math.floor((b.count * 40 + most / 2) / most) : 0)}\n`)
    .join('');
}

/** ghz's default output: the summary, histogram, latency distribution, status codes and errors; then grpc-bench's per-message line. */
export function renderGhzSummary(report: Report): string {
  const ghz = toGhzReport(report);
  const m = ghz.grpcBench.perMessageLatencyMs;
  const lines = [
    '',
    'Summary:',
    ...(ghz.name ? [`  Name:\t\t${ghz.name}`] : []),
    `  Count:\t${ghz.count}`,
    `  Total:\t${ghzDuration(ghz.total)}`,
    `  Slowest:\t${ghzDuration(ghz.slowest)}`,
    `  Fastest:\t${ghzDuration(ghz.fastest)}`,
    `  Average:\t${ghzDuration(ghz.average)}`,
    `  Requests/sec:\t${ghz.rps.toFixed(2)}`,
    '',
    'Response time histogram:',
    `${ghz.histogram ? histogramLines(ghz.histogram) : ''}Latency distribution:${(ghz.latencyDistribution ?? []).map((d) => `\n  ${d.percentage} % in ${ghzDuration(d.latency)} `).join('')}`,
    '',
  ];
  const statuses = Object.entries(ghz.statusCodeDistribution);
  const errors = Object.entries(ghz.errorDistribution);
  const status = statuses.length ? `Status code distribution:\n${twoColumns(statuses.map(([name, n]) => [`[${name}]`, `${n} responses`]))}` : '';
  const error = errors.length ? `Error distribution:\n${twoColumns(errors.map(([text, n]) => [`[${n}]`, text]))}` : '';
  const bench = `grpc-bench: ${ghz.grpcBench.messagesReceived} responses to ${ghz.grpcBench.messagesSent} messages; per message p50 ${m.p50} ms, p90 ${m.p90} ms, p99 ${m.p99} ms, p99.9 ${m.p999} ms, max ${m.max} ms\n`;
  return `${lines.join('\n')}\n${status}\n${error}\n${bench}`;
}

export const ghzSummaryReporter: Reporter = { name: 'ghz-summary', extension: 'txt', render: renderGhzSummary };
