import type { Report } from '../report/report.js';
import type { LiveStatus } from '../report/live-status.js';
import type { LatencySummaryMs } from '../stats/summarize-latency.js';
import { trendShortfall } from '../stats/memory-growth.js';
import type { ThresholdMetric } from '../scenario/parse-threshold.js';

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
    case 'targetMemoryGrowth': {
      // A slope from a few samples or seconds measures start-up, not a leak: not judged.
      const growth = memoryOf(metric, report);
      return growth && trendShortfall(growth) === undefined ? growth.growthBytesPerMin : undefined;
    }
    default:
      return latencyValue(metric, report.latencyMs);
  }
}

function memoryOf(metric: 'clientMemoryGrowth' | 'targetMemoryGrowth', report: Report): Report['memory']['client'] | undefined {
  return metric === 'clientMemoryGrowth' ? report.memory.client : report.memory.target;
}

/** Why a finished run has no value for `metric` (see metricValue), for the gate's message. */
export function missingDataReason(metric: ThresholdMetric, report: Report): string {
  switch (metric) {
    case 'errorRate':
      return 'nothing was sent';
    case 'clientMemoryGrowth':
    case 'targetMemoryGrowth': {
      const growth = memoryOf(metric, report);
      return growth === undefined ? "the target's memory was not watched" : `no trend from ${trendShortfall(growth) ?? 'these samples'}`;
    }
    default:
      return 'no responses';
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
