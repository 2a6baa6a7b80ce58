import type { Report } from '../report/report.js';
import type { LiveStatus } from '../run/live-status.js';
import type { LatencySummaryMs } from '../stats/summarize-latency.js';
import type { ThresholdMetric } from './parse-threshold.js';

/** A finished run, or the running totals of one still going. */
export type MetricSource = { report: Report } | { live: LiveStatus };

const LATENCY_FIELDS: Partial<Record<ThresholdMetric, keyof LatencySummaryMs>> = {
  p50: 'p50',
  p90: 'p90',
  p95: 'p95',
  p99: 'p99',
  p999: 'p999',
  max: 'max',
  mean: 'mean',
};

function latencyValue(metric: ThresholdMetric, latency: LatencySummaryMs): number | undefined {
  const field = LATENCY_FIELDS[metric];
  if (field === undefined) return undefined;
  return latency.count > 0 ? latency[field] : undefined;
}

const errorRatePercent = (errors: number, sent: number): number | undefined => (sent > 0 ? (errors / sent) * 100 : undefined);

function fromReport(metric: ThresholdMetric, report: Report): number | undefined {
  switch (metric) {
    case 'errorRate':
      return errorRatePercent(report.counts.errors, report.counts.messagesSent);
    case 'errors':
      return report.counts.errors;
    case 'messagesPerSec':
      return report.throughput.messagesPerSec;
    case 'streamsFailed':
      return report.counts.streamsFailed;
    case 'clientMemoryGrowth':
      return report.memory.client.samples >= 2 ? report.memory.client.growthBytesPerMin : undefined;
    case 'targetMemoryGrowth':
      return report.memory.target && report.memory.target.samples >= 2 ? report.memory.target.growthBytesPerMin : undefined;
    default:
      return latencyValue(metric, report.latencyMs);
  }
}

/** Live figures are cumulative since the run started (latencies: since the warm-up ended). */
function fromLive(metric: ThresholdMetric, live: LiveStatus): number | undefined {
  switch (metric) {
    case 'errorRate':
      return errorRatePercent(live.errors, live.messagesSent);
    case 'errors':
      return live.errors;
    case 'messagesPerSec':
      return live.elapsedMs > 0 ? (live.messagesReceived * 1000) / live.elapsedMs : undefined;
    case 'streamsFailed':
      return live.streamsFailed;
    case 'clientMemoryGrowth':
    case 'targetMemoryGrowth':
      // Memory growth is a fit over the whole run: judged at the end only.
      return undefined;
    default:
      return latencyValue(metric, live.latencyMs);
  }
}

/**
 * The value of `metric` in its canonical unit (ms, %, msg/s, bytes/min or a count), or
 * undefined when the source has no data for it (no responses, nothing sent, memory not watched).
 */
export function metricValue(metric: ThresholdMetric, source: MetricSource): number | undefined {
  return 'report' in source ? fromReport(metric, source.report) : fromLive(metric, source.live);
}
