import type { RatioInterval } from './bootstrap-ratio.js';
import type { JudgeableMetric } from './compare-options.js';
import type { MannWhitneyResult } from './mann-whitney-u.js';
import type { RoundRatioTest } from './round-ratio-test.js';
import type { SignedRankResult } from './wilcoxon-signed-rank.js';

/*
 * What compareReports returns: numbers, verdicts and notes as data. The sentences that explain
 * them (each metric's finding, the headline, the notes in words) are the reporters' job; see
 * src/reporters/comparison-sentences.ts.
 */

export type Direction = 'lower-is-better' | 'higher-is-better';
/** `info`: shown for context, no tolerance to judge it against. */
export type MetricVerdict = 'pass' | 'fail' | 'inconclusive' | 'info';
export type Verdict = 'pass' | 'fail' | 'inconclusive';

/**
 * `paired`: the runs overlapped in time (a canary beside its baseline); intervals are paired by
 * wall-clock time, so machine load common to both cancels out. `independent`: runs made at
 * different times; machine drift between them is indistinguishable from a version's effect.
 * `rounds`: interleaved rounds; one value per side per round, one log ratio per round, a t-test
 * on those (see round-ratio-test.ts): drift between rounds cancels, and the intervals of one
 * round are not mistaken for independent evidence.
 */
export type Design = 'paired' | 'independent' | 'rounds';

/** A flow's latencies judged per await step, and the proportions judged like the error rate. */
export type FlowLatencyKey = 'p50' | 'p99' | 'mean';
/** `step.<await>.p99` and the like, `step.<await>.timeoutRate`, `checks.<check>.rate`: the names flow thresholds use. */
export type FlowMetricKey = `step.${string}.${FlowLatencyKey | 'timeoutRate'}` | `checks.${string}.rate`;

/** The judgeable metrics, a flow's, then two shown for context only. */
export type MetricKey = JudgeableMetric | FlowMetricKey | 'streamsFailed' | 'targetMemoryGrowth';

export interface SampleTest {
  design: Design;
  /** Values used on each side: per interval (paired: the number of pairs, twice) or, for rounds, per round. */
  baselineCount: number;
  candidateCount: number;
  /**
   * What the ratio is. Independent: of the `median` (latencies) or `mean` (throughput) of each
   * run's per-interval values. Paired: `medianPairRatio`, the median of the per-pair ratios.
   * Rounds: `geometricMeanRoundRatio`, exp of the mean per-round log ratio.
   */
  statistic: 'median' | 'mean' | 'medianPairRatio' | 'geometricMeanRoundRatio';
  /** Independent design: Mann-Whitney U, its variance inflated for the serial correlation of the intervals. */
  mannWhitney?: MannWhitneyResult;
  /** Paired design: Wilcoxon signed-rank on the per-pair log ratios, likewise inflated. */
  signedRank?: SignedRankResult;
  /** Rounds design: the one-sample t-test on the per-round log ratios; `ratio` is its t interval. */
  roundTest?: RoundRatioTest;
  ratio: RatioInterval;
  /** Block length of the bootstrap, from the serial correlation ρ: (1 + ρ)/(1 − ρ), rounded. */
  blockLength: number;
}

export interface MetricComparison {
  metric: MetricKey;
  label: string;
  /** `ms`, `msg/s`, `%`, `count`, `bytes/min`. */
  unit: string;
  direction: Direction;
  /** Whole-comparison figures: latencies from the merged histograms of the intervals used. */
  baseline: number;
  candidate: number;
  /** candidate − baseline, in `unit`. */
  absoluteChange: number;
  /** (candidate − baseline) / baseline; absent when the baseline is 0. */
  relativeChange?: number;
  /** Allowed worsening: a fraction of the baseline (`relative`) or percentage points. */
  tolerance?: { kind: 'relative' | 'percentagePoints'; value: number };
  /** The rank test and the bootstrap ratio on per-interval values; absent when untested. */
  test?: SampleTest;
  /** Two-sided p-value of the test used (rank test, or a two-proportion z-test for errorRate). */
  pValue?: number;
  /** p < alpha and, where there is a ratio interval, it excludes 1 on the side of the change. */
  significant: boolean;
  verdict: MetricVerdict;
}

export interface ComparedRun {
  name: string;
  startedAt: string;
  intervalsTotal: number;
  /** Leading intervals dropped as warm-up. */
  warmupIntervals: number;
  /** Intervals after dropping warm-up and trailing partial ones. */
  intervalsUsed: number;
  intervalMs: number;
}

export type Role = 'baseline' | 'candidate';

/** A setting the two runs differ in, with each run's value (`intervalMs`: rounded, ms). */
export interface SettingDifference {
  setting: 'loadModel' | 'call' | 'streams' | 'connections' | 'workers' | 'window' | 'intervalMs';
  baseline: string | number | undefined;
  candidate: string | number | undefined;
}

/** A caveat about the comparison, with its figures. */
export type ComparisonNote =
  /** Independent design: machine drift between the runs counts as a difference. */
  | { kind: 'runsDidNotOverlap' }
  /** Rounds design with fewer rounds than recommended. */
  | { kind: 'fewRounds'; rounds: number; degreesOfFreedom: number; recommendedRounds: number }
  | { kind: 'partialRun'; role: Role; reason: string | undefined }
  | { kind: 'generatorSaturated'; role: Role }
  | { kind: 'targetRateNotReached'; role: Role; sentPercent: number; limitedBy: 'generator' | 'target' | undefined }
  /** Interval designs: a run with fewer usable intervals than a significant result needs. */
  | { kind: 'fewIntervals'; role: Role; intervals: number; neededIntervals: number }
  | { kind: 'settingsDiffer'; differences: SettingDifference[] }
  /** Flow steps and checks only one run has (`await <name>`, `check <name>`): not compared. */
  | { kind: 'flowPartsNotCompared'; baselineOnly: string[]; candidateOnly: string[] }
  /** Tolerances given for flow metrics that no compared step or check has. */
  | { kind: 'toleranceNotUsed'; metrics: string[] }
  /** Two versions of one split run (`compare --versions`): errors not compared, messages/s not judged. */
  | { kind: 'versionsOfOneRun' };

export interface Comparison {
  verdict: Verdict;
  design: Design;
  /** Paired design: intervals matched by time; 0 otherwise. */
  pairedIntervals: number;
  /** Rounds design: the rounds judged; 0 otherwise. */
  rounds: number;
  alpha: number;
  confidence: number;
  /** Leading intervals dropped as warm-up (the larger of the two runs' counts; each run has its own in ComparedRun). */
  warmupIntervals: number;
  resamples: number;
  seed: number;
  baseline: ComparedRun;
  candidate: ComparedRun;
  metrics: MetricComparison[];
  /** Caveats: partial runs, a saturated generator, differing settings, too few intervals. */
  notes: ComparisonNote[];
}
