import type { Report } from '../report/report.js';
import { count, ms, rate } from './format-units.js';
import type { Reporter } from './reporter.js';

const BAR_WIDTH = 40;

function section(title: string, lines: string[]): string[] {
  return ['', `${title}:`, ...lines];
}

function histogramLines(report: Report): string[] {
  const buckets = report.latencyBuckets;
  if (!buckets.length) return ['  (no responses)'];
  const largest = Math.max(...buckets.map((b) => b.count));
  const width = Math.max(...buckets.map((b) => ms(b.upToMs).length));
  return buckets.map((b) => {
    const bar = largest ? '∎'.repeat(Math.round((b.count / largest) * BAR_WIDTH)) : '';
    return `  ${ms(b.upToMs).padStart(width)} [${count(b.count)}]\t|${bar}`;
  });
}

function distributionLines(report: Report): string[] {
  const l = report.latencyMs;
  const rows: [string, number][] = [
    ['10 %', l.p10], ['25 %', l.p25], ['50 %', l.p50], ['75 %', l.p75],
    ['90 %', l.p90], ['95 %', l.p95], ['99 %', l.p99], ['99.9 %', l.p999],
  ];
  return l.count ? rows.map(([label, value]) => `  ${label.padStart(6)} in ${ms(value)}`) : ['  (no responses)'];
}

function tally(map: Record<string, number>): string[] {
  const entries = Object.entries(map).sort((a, b) => b[1] - a[1]);
  return entries.length ? entries.map(([key, n]) => `  [${key}]   ${count(n)} ${n === 1 ? 'time' : 'times'}`) : ['  (none)'];
}

/** The ghz-style end-of-run summary, as plain text for stdout. */
export function renderConsoleSummary(report: Report): string {
  const { counts, latencyMs } = report;
  const lines = [
    `grpc-bench ${report.tool.version}: ${report.name}${report.partial ? '   ** PARTIAL: ' + (report.partialReason ?? '') + ' **' : ''}`,
    `  target:   ${report.target}`,
    `  call:     ${report.call}`,
    '',
    'Summary:',
    `  Count:        ${count(counts.messagesReceived)} responses to ${count(counts.messagesSent)} requests`,
    `  Total:        ${ms(report.durationMs)}`,
    `  Slowest:      ${ms(latencyMs.max)}`,
    `  Fastest:      ${ms(latencyMs.min)}`,
    `  Average:      ${ms(latencyMs.mean)}`,
    `  Messages/sec: ${rate(report.throughput.messagesPerSec)}`,
    ...section('Response time histogram', histogramLines(report)),
    ...section('Latency distribution', distributionLines(report)),
    ...section('Streams', [
      `  opened ${count(counts.streamsOpened)}, completed ${count(counts.streamsCompleted)}, failed ${count(counts.streamsFailed)}, cancelled at stop ${count(counts.streamsCancelled)}; peak active ${count(report.streams.peakActive)}`,
    ]),
    ...section('Messages', [
      `  sent ${count(counts.messagesSent)} = received ${count(counts.messagesReceived)} + failed ${count(counts.messagesFailed)} + in flight at stop ${count(counts.inFlightAtStop)}`,
    ]),
    ...section('Connections', [
      `  opened ${count(report.connections.opened)}, closed ${count(report.connections.closed)}, peak active ${count(report.connections.peakActive)}`,
    ]),
    ...section('Status code distribution (streams)', tally(report.statusCodes)),
  ];
  if (counts.errors) lines.push(...section('Error distribution', tally(report.errorDetails)));
  for (const error of report.workerErrors) lines.push(`  worker error: ${error}`);
  return `${lines.join('\n')}\n`;
}

export const consoleReporter: Reporter = { name: 'console', extension: 'txt', render: renderConsoleSummary };
