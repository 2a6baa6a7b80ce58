import type { ThresholdMetric } from '../scenario/parse-threshold.js';

/** A metric the history keeps per run and judges for change points, named as in thresholds. */
export type HistoryMetric = Extract<ThresholdMetric, 'p50' | 'p90' | 'p99' | 'p999' | 'messagesPerSec' | 'errorRate' | 'clientMemoryGrowth' | 'targetMemoryGrowth'>;

export interface HistoryMetricSpec {
  metric: HistoryMetric;
  /** As people read it: `P99`. */
  label: string;
  /** The unit of the recorded value. */
  unit: 'ms' | 'msg/s' | '%' | 'bytes/min';
  /** The direction that counts as worse: latency, errors and memory growth up; throughput down. */
  worse: 'up' | 'down';
  /**
   * The smallest absolute change that counts, in `unit`, beside the relative minimum: a rate of
   * errors going from 0 % to 0.001 % is an infinite relative change and means nothing.
   */
  minAbsolute: number;
  /** Noise relative to the level (latency, throughput): changes are searched and tested on the logarithms. */
  logScale: boolean;
}

/** The metrics judged, in the order the outputs list them. */
export const HISTORY_METRICS: readonly HistoryMetricSpec[] = [
  { metric: 'p50', label: 'P50', unit: 'ms', worse: 'up', minAbsolute: 0, logScale: true },
  { metric: 'p90', label: 'P90', unit: 'ms', worse: 'up', minAbsolute: 0, logScale: true },
  { metric: 'p99', label: 'P99', unit: 'ms', worse: 'up', minAbsolute: 0, logScale: true },
  { metric: 'p999', label: 'P99.9', unit: 'ms', worse: 'up', minAbsolute: 0, logScale: true },
  { metric: 'messagesPerSec', label: 'messages/s', unit: 'msg/s', worse: 'down', minAbsolute: 0, logScale: true },
  { metric: 'errorRate', label: 'error rate', unit: '%', worse: 'up', minAbsolute: 0.1, logScale: false },
  { metric: 'clientMemoryGrowth', label: 'client memory growth', unit: 'bytes/min', worse: 'up', minAbsolute: 1_048_576, logScale: false },
  { metric: 'targetMemoryGrowth', label: 'target memory growth', unit: 'bytes/min', worse: 'up', minAbsolute: 1_048_576, logScale: false },
];

export const HISTORY_METRIC_NAMES: readonly HistoryMetric[] = HISTORY_METRICS.map((m) => m.metric);
