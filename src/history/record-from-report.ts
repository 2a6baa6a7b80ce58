import { createHash } from 'node:crypto';
import { metricValue } from '../compare/metric-value.js';
import type { Report, VersionReport } from '../report/report.js';
import { redactUrlsInText } from '../redact/redact-url.js';
import { TOOL_VERSION } from '../tool-version.js';
import { HISTORY_METRIC_NAMES, type HistoryMetric } from './history-metrics.js';
import { RUN_RECORD_VERSION, type RecordSeries, type RunRecord } from './run-record.js';

/** Tags with their keys sorted, so that the order they were given in leaves no trace. */
export function sortedTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function wholeRunSeries(report: Report): RecordSeries {
  const metrics: Partial<Record<HistoryMetric, number | null>> = {};
  for (const metric of HISTORY_METRIC_NAMES) metrics[metric] = metricValue(metric, { report }) ?? null;
  return {
    metrics,
    intervals: report.intervals.map((i) => ({ tMs: i.tMs, durationMs: i.durationMs, messagesPerSec: i.messagesPerSec, p50Ms: i.p50Ms, p99Ms: i.p99Ms, errors: i.errors })),
    histogram: report.histogram,
  };
}

/** One version of a split run: its latencies and rate; errors and memory are not split by version, so they are null. */
function versionSeries(version: string, side: VersionReport, report: Report): RecordSeries {
  const l = side.latencyMs;
  const latency = (value: number): number | null => (l.count > 0 ? value : null);
  return {
    version,
    metrics: {
      p50: latency(l.p50),
      p90: latency(l.p90),
      p99: latency(l.p99),
      p999: latency(l.p999),
      messagesPerSec: report.durationMs > 0 ? (side.messagesReceived * 1000) / report.durationMs : null,
      errorRate: null,
      clientMemoryGrowth: null,
      targetMemoryGrowth: null,
    },
    intervals: side.intervals.map((i) => ({ tMs: i.tMs, durationMs: i.durationMs, messagesPerSec: i.messagesPerSec, p50Ms: i.p50Ms, p99Ms: i.p99Ms })),
    histogram: side.histogram,
  };
}

/**
 * The history's record of a finished run. A split run (report `versions`) gives one series per
 * version, so v1 and v2 are judged apart; otherwise the whole run is one series.
 */
export function recordFromReport(report: Report, tags: Readonly<Record<string, string>>, recordedAt: Date): RunRecord {
  const runId = createHash('sha256').update(JSON.stringify([report.startedAt, report.name, report.call, report.histogram])).digest('hex').slice(0, 16);
  const versions = Object.entries(report.versions ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    kind: 'grpc-bench-run-record',
    recordVersion: RUN_RECORD_VERSION,
    runId,
    tool: { name: 'grpc-bench', version: TOOL_VERSION },
    recordedAt: recordedAt.toISOString(),
    startedAt: report.startedAt,
    name: report.name,
    target: redactUrlsInText(report.target),
    call: report.call,
    tags: sortedTags(tags),
    durationMs: report.durationMs,
    loadModel: report.loadModel,
    settings: report.settings,
    series: versions.length ? versions.map(([version, side]) => versionSeries(version, side, report)) : [wholeRunSeries(report)],
  };
}
