import type { Direction, FlowMetricKey } from './comparison.js';
import type { ComparedSide } from './compared-side.js';
import type { JudgeableMetric } from './compare-options.js';
import type { IntervalSample } from './interval-samples.js';

/** A metric judged on samples: per interval (paired, independent) or per round. */
export interface SampleMetric {
  metric: Exclude<JudgeableMetric, 'errorRate'> | FlowMetricKey;
  /** Whose tolerance applies: the metric's own, or for a flow step's latency the run's latency one. */
  toleranceOf: Exclude<JudgeableMetric, 'errorRate'>;
  label: string;
  unit: string;
  direction: Direction;
  /** The metric in one interval; undefined when the interval has none (no responses). */
  value: (sample: IntervalSample) => number | undefined;
  /** The metric over a whole side (or one round of it): the Comparison's baseline and candidate figures. */
  sideValue: (side: ComparedSide) => number;
  /** Independent design: the statistic of each run's per-interval values whose ratio is bootstrapped. */
  statistic: 'median' | 'mean';
}

type LatencyKey = 'p50' | 'p90' | 'p99' | 'p999' | 'mean';

const latency = (metric: LatencyKey, label: string): SampleMetric => ({
  metric,
  toleranceOf: metric,
  label,
  unit: 'ms',
  direction: 'lower-is-better',
  value: (sample) => sample.latency?.[metric],
  sideValue: (side) => side.overall[metric],
  statistic: 'median',
});

/** In the order the Comparison lists them. */
export const SAMPLE_METRICS: ReadonlyArray<SampleMetric> = [
  latency('p50', 'P50'),
  latency('p90', 'P90'),
  latency('p99', 'P99'),
  latency('p999', 'P99.9'),
  latency('mean', 'mean latency'),
  {
    metric: 'messagesPerSec',
    toleranceOf: 'messagesPerSec',
    label: 'messages/s',
    unit: 'msg/s',
    direction: 'higher-is-better',
    value: (sample) => sample.messagesPerSec,
    sideValue: (side) => side.messagesPerSec,
    statistic: 'mean',
  },
];
