import type { Report } from '../report/report.js';
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from './bootstrap-ratio.js';

/**
 * Metrics a tolerance can be set for. `relative`: allowed worsening as a fraction of the
 * baseline (0.1 = 10 %). `percentagePoints`: allowed absolute rise of a percentage (0.1 = 0.1 pp).
 */
export const JUDGEABLE_METRICS = {
  p50: 'relative',
  p90: 'relative',
  p99: 'relative',
  p999: 'relative',
  mean: 'relative',
  messagesPerSec: 'relative',
  errorRate: 'percentagePoints',
} as const;
export type JudgeableMetric = keyof typeof JUDGEABLE_METRICS;

/** What flow metric names take a tolerance, for the messages that list them. */
export const FLOW_TOLERANCE_NAMES = 'step.<await>.p50, step.<await>.p99, step.<await>.mean, step.<await>.timeoutRate, checks.<check>.rate';

/**
 * A flow metric's tolerance kind (see compare-flows.ts): its latencies relative, its shares in
 * percentage points; undefined for a name that is no flow metric. Without one of its own a flow
 * metric takes the run's (p50, p99, mean; errorRate for the shares).
 */
export function flowToleranceKind(metric: string): 'relative' | 'percentagePoints' | undefined {
  if (/^step\..+\.(p50|p99|mean)$/.test(metric)) return 'relative';
  if (/^step\..+\.timeoutRate$/.test(metric) || /^checks\..+\.rate$/.test(metric)) return 'percentagePoints';
  return undefined;
}

/** Used for every metric the caller gives no tolerance for; the others are shown but not judged. */
export const DEFAULT_MAX_REGRESSION: Readonly<Partial<Record<JudgeableMetric, number>>> = Object.freeze({
  p50: 0.1,
  p99: 0.1,
  messagesPerSec: 0.05,
  errorRate: 0.1,
});

export const DEFAULT_ALPHA = 0.05;

export interface CompareOptions {
  /** Metric → allowed worsening (see JUDGEABLE_METRICS for units, flowToleranceKind for a flow's); laid over DEFAULT_MAX_REGRESSION. */
  maxRegression: Record<string, number>;
  /** Significance level; the ratio's confidence interval is at 1 − alpha. Default 0.05. */
  alpha?: number;
  /** Leading intervals of each report left out of every figure; default: those covering the first second (DEFAULT_WARMUP_MS). */
  warmupIntervals?: number;
  /** Bootstrap resamples (default 2000) and seed (default 1): same inputs, same verdict. */
  resamples?: number;
  seed?: number;
  /**
   * Default true: when the runs overlapped in time, pair their intervals by wall-clock time
   * (report startedAt + interval tMs). Pass false for reports whose tMs are not wall-clock
   * offsets from startedAt, such as runs merged one after another.
   */
  pairByTime?: boolean;
  /**
   * Interleaved rounds (A B A B …): each round's baseline and candidate report, measured
   * intervals only. With at least 2 rounds the judge uses the round as its unit (design
   * `rounds`); `baseline` and `candidate` then only give the whole-comparison figures.
   * Absent: reports merged from interleaved rounds (their `rounds` field) are split into their
   * rounds again and judged so, with no further warm-up dropped.
   */
  rounds?: ReadonlyArray<{ baseline: Report; candidate: Report }>;
}

/** What the statistics need of the options, checked and with defaults applied. */
export interface JudgeSettings {
  alpha: number;
  resamples: number;
  seed: number;
}

export interface CheckedCompareOptions extends JudgeSettings {
  /** DEFAULT_MAX_REGRESSION with the caller's tolerances laid over it. */
  tolerances: Partial<Record<JudgeableMetric, number>>;
  /** The caller's tolerances for flow metrics by name (`step.confirm.p99`). */
  flowTolerances: Record<string, number>;
  warmup: number | undefined;
}

/** Throws a RangeError naming the first option that is out of range. */
export function checkCompareOptions(options: CompareOptions): CheckedCompareOptions {
  for (const [metric, value] of Object.entries(options.maxRegression)) {
    if (!(metric in JUDGEABLE_METRICS) && flowToleranceKind(metric) === undefined) throw new RangeError(`compareReports: no tolerance can be set for "${metric}"; expected one of ${Object.keys(JUDGEABLE_METRICS).join(', ')}, ${FLOW_TOLERANCE_NAMES}`);
    if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`compareReports: tolerance for ${metric} must be a number ≥ 0, got ${value}`);
  }
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`compareReports: alpha must be within (0, 1), got ${alpha}`);
  const warmup = options.warmupIntervals;
  if (warmup !== undefined && !(Number.isInteger(warmup) && warmup >= 0)) throw new RangeError(`compareReports: warmupIntervals must be a whole number ≥ 0, got ${warmup}`);
  const given = Object.entries(options.maxRegression);
  return {
    tolerances: { ...DEFAULT_MAX_REGRESSION, ...Object.fromEntries(given.filter(([metric]) => metric in JUDGEABLE_METRICS)) },
    flowTolerances: Object.fromEntries(given.filter(([metric]) => !(metric in JUDGEABLE_METRICS))),
    alpha,
    warmup,
    resamples: options.resamples ?? DEFAULT_RESAMPLES,
    seed: options.seed ?? DEFAULT_SEED,
  };
}
