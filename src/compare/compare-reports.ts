import type { Report } from '../report/report.js';
import { mergeHistograms } from '../stats/latency-histogram.js';
import { summarizeLatency, type LatencySummaryMs } from '../stats/summarize-latency.js';
import { bootstrapPairedRatio, bootstrapRatio, DEFAULT_RESAMPLES, DEFAULT_SEED, mean, median, type RatioInterval } from './bootstrap-ratio.js';
import { judgedRounds } from './judged-rounds.js';
import { intervalSamples, pairByTime, selectIntervals, type IntervalSample, type SelectedIntervals } from './interval-samples.js';
import { mannWhitneyU, twoSidedNormalP, type MannWhitneyResult } from './mann-whitney-u.js';
import { MIN_ROUNDS_FOR_TEST, roundRatioTest, type RoundRatioTest } from './round-ratio-test.js';
import { wilcoxonSignedRank, type SignedRankResult } from './wilcoxon-signed-rank.js';

export type Direction = 'lower-is-better' | 'higher-is-better';
/** `info`: shown for context, no tolerance to judge it against. */
export type MetricVerdict = 'pass' | 'fail' | 'inconclusive' | 'info';
export type Verdict = 'pass' | 'fail' | 'inconclusive';

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

/** Used for every metric the caller gives no tolerance for; the others are shown but not judged. */
export const DEFAULT_MAX_REGRESSION: Readonly<Partial<Record<JudgeableMetric, number>>> = Object.freeze({
  p50: 0.1,
  p99: 0.1,
  messagesPerSec: 0.05,
  errorRate: 0.1,
});

export const DEFAULT_ALPHA = 0.05;

export interface CompareOptions {
  /** Metric → allowed worsening (see JUDGEABLE_METRICS for units); laid over DEFAULT_MAX_REGRESSION. */
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

/**
 * `paired`: the runs overlapped in time (a canary beside its baseline); intervals are paired by
 * wall-clock time, so machine load common to both cancels out. `independent`: runs made at
 * different times; machine drift between them is indistinguishable from a version's effect.
 * `rounds`: interleaved rounds; one value per side per round, one log ratio per round, a t-test
 * on those (see round-ratio-test.ts): drift between rounds cancels, and the intervals of one
 * round are not mistaken for independent evidence.
 */
export type Design = 'paired' | 'independent' | 'rounds';

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
  metric: string;
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
  /** The rank test and the bootstrap ratio on per-interval values. */
  test?: SampleTest;
  /** Two-sided p-value of the test used (rank test, or a two-proportion z-test for errorRate). */
  pValue?: number;
  /** p < alpha and, where there is a ratio interval, it excludes 1 on the side of the change. */
  significant: boolean;
  verdict: MetricVerdict;
  /** One sentence: who is worse, by how much, and the evidence. */
  finding: string;
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

export interface Comparison {
  verdict: Verdict;
  /** The outcome in one sentence, naming the slower side and by how much. */
  headline: string;
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
  notes: string[];
}

/** Below this many intervals per side (or pairs) no difference can reach p < 0.05. */
const MIN_INTERVALS_FOR_SIGNIFICANCE = 4;

type LatencyKey = 'p50' | 'p90' | 'p99' | 'p999' | 'mean';
const LATENCY_METRICS: ReadonlyArray<[LatencyKey, string]> = [
  ['p50', 'P50'],
  ['p90', 'P90'],
  ['p99', 'P99'],
  ['p999', 'P99.9'],
  ['mean', 'mean latency'],
];

interface Side {
  report: Report;
  selected: SelectedIntervals;
  samples: IntervalSample[];
  overall: LatencySummaryMs;
  messagesPerSec: number;
}

function describeSide(report: Report, warmup: number | undefined): Side {
  const selected = selectIntervals(report.intervals, warmup, report.warmupMs ?? 0);
  const withResponses = selected.intervals.filter((i) => i.messagesReceived > 0 && i.histogram !== '');
  const durationMs = selected.intervals.reduce((sum, i) => sum + i.durationMs, 0);
  const received = selected.intervals.reduce((sum, i) => sum + i.messagesReceived, 0);
  return {
    report,
    selected,
    samples: intervalSamples(report, selected.intervals),
    overall: selected.intervals.length ? summarizeLatency(mergeHistograms(withResponses.map((i) => i.histogram))) : report.latencyMs,
    messagesPerSec: durationMs > 0 ? (received * 1000) / durationMs : report.throughput.messagesPerSec,
  };
}

type Pairs = Array<[IntervalSample, IntervalSample]>;
type RoundSides = Array<{ baseline: Side; candidate: Side }>;
interface ChosenDesign {
  design: Design;
  pairs: Pairs;
  rounds: RoundSides;
}

/**
 * Paired when the runs overlapped: the same interval length (±10 %) and at least half of the
 * shorter run's intervals (and 4) matched by time; otherwise independent.
 */
function chooseDesign(b: Side, c: Side): ChosenDesign {
  const independent: ChosenDesign = { design: 'independent', pairs: [], rounds: [] };
  const [shorterMs, longerMs] = [b.selected.typicalMs, c.selected.typicalMs].sort((x, y) => x - y) as [number, number];
  if (!(shorterMs > 0) || longerMs > shorterMs * 1.1) return independent;
  const pairs = pairByTime(b.samples, c.samples, shorterMs / 2);
  const enough = pairs.length >= MIN_INTERVALS_FOR_SIGNIFICANCE && pairs.length >= Math.min(b.samples.length, c.samples.length) / 2;
  return enough ? { design: 'paired', pairs, rounds: [] } : independent;
}

const percent = (fraction: number, digits = 1): string => `${(Math.abs(fraction) * 100).toFixed(digits)} %`;

function formatP(p: number): string {
  if (p < 0.001) return 'p < 0.001';
  return `p = ${p < 0.01 ? p.toFixed(4) : p.toFixed(3)}`;
}

function evidence(significant: boolean, pValue: number | undefined, ratio: RatioInterval | undefined): string {
  if (pValue === undefined) return 'not tested';
  const parts = [formatP(pValue)];
  if (ratio) parts.push(`${Math.round(ratio.confidence * 100)} % CI of ratio ${ratio.low.toFixed(2)}–${ratio.high.toFixed(2)}`);
  return `${significant ? 'significant' : 'not significant'}: ${parts.join(', ')}`;
}

/** "candidate is 12.3 % slower at P99" and the like; `worsening` is a fraction, > 0 when the candidate is worse. */
function changePhrase(metric: string, label: string, worsening: number): string {
  if (worsening === 0) return `no change in ${label}`;
  const worse = worsening > 0;
  if (metric === 'messagesPerSec') return `candidate has ${percent(worsening)} ${worse ? 'lower' : 'higher'} throughput (${label})`;
  return `candidate is ${percent(worsening)} ${worse ? 'slower' : 'faster'} at ${label}`;
}

/** `worsening` and `tolerance` in the same unit; worse than the tolerance fails only when significantly worse. */
function judge(worsening: number, tolerance: number | undefined, significantlyWorse: boolean): MetricVerdict {
  if (tolerance === undefined) return 'info';
  if (worsening <= tolerance) return 'pass';
  return significantlyWorse ? 'fail' : 'inconclusive';
}

interface SampleMetricInput {
  metric: JudgeableMetric;
  label: string;
  unit: string;
  direction: Direction;
  baseline: number;
  candidate: number;
  /** The metric's value in one interval; undefined when the interval has none (no responses). */
  value: (sample: IntervalSample) => number | undefined;
  /** The metric over a whole side (one round of it, for the rounds design). */
  sideValue: (side: Side) => number;
  statistic: 'median' | 'mean';
}

function relativeChange(baseline: number, candidate: number): number | undefined {
  return baseline === 0 ? undefined : (candidate - baseline) / baseline;
}

interface Evidence {
  /** > 0 when the candidate tends to be larger. */
  z: number;
  pValue: number;
  varianceInflation: number;
  baselineValues: number[];
  candidateValues: number[];
  test: Pick<SampleTest, 'mannWhitney' | 'signedRank' | 'roundTest'>;
  /** Set when the test gives its own interval of the ratio (rounds); otherwise it is bootstrapped. */
  ratio?: RatioInterval;
}

const defined = (value: number | undefined): value is number => value !== undefined;

/** Independent: Mann-Whitney on all usable intervals of each run. */
function independentEvidence(input: SampleMetricInput, b: Side, c: Side): Evidence | undefined {
  const baselineValues = b.samples.map(input.value).filter(defined);
  const candidateValues = c.samples.map(input.value).filter(defined);
  if (!baselineValues.length || !candidateValues.length) return undefined;
  const mannWhitney = mannWhitneyU(baselineValues, candidateValues, { timeOrdered: true });
  return { ...mannWhitney, baselineValues, candidateValues, test: { mannWhitney } };
}

/** Paired: signed-rank on log(candidate/baseline) per pair of simultaneous intervals, both values > 0. */
function pairedEvidence(input: SampleMetricInput, pairs: Pairs): Evidence | undefined {
  const baselineValues: number[] = [];
  const candidateValues: number[] = [];
  for (const [x, y] of pairs) {
    const bv = input.value(x);
    const cv = input.value(y);
    if (bv === undefined || cv === undefined || !(bv > 0 && cv > 0)) continue;
    baselineValues.push(bv);
    candidateValues.push(cv);
  }
  if (!baselineValues.length) return undefined;
  const signedRank = wilcoxonSignedRank(candidateValues.map((cv, i) => Math.log(cv / baselineValues[i]!)), { timeOrdered: true });
  return { ...signedRank, baselineValues, candidateValues, test: { signedRank } };
}

/** Rounds: a t-test on the per-round log ratios of the metric over each round's side. */
function roundsEvidence(input: SampleMetricInput, rounds: RoundSides, alpha: number): Evidence | undefined {
  const baselineValues = rounds.map((r) => input.sideValue(r.baseline));
  const candidateValues = rounds.map((r) => input.sideValue(r.candidate));
  const roundTest = roundRatioTest(baselineValues, candidateValues, 1 - alpha);
  if (!roundTest) return undefined;
  const used = baselineValues.map((bv, k) => bv > 0 && candidateValues[k]! > 0);
  return {
    z: roundTest.t,
    pValue: roundTest.pValue,
    varianceInflation: 1,
    baselineValues: baselineValues.filter((_, k) => used[k]),
    candidateValues: candidateValues.filter((_, k) => used[k]),
    test: { roundTest },
    ratio: roundTest.ratio,
  };
}

function findEvidence(input: SampleMetricInput, design: ChosenDesign, b: Side, c: Side, alpha: number): Evidence | undefined {
  if (design.design === 'rounds') return roundsEvidence(input, design.rounds, alpha);
  return design.design === 'paired' ? pairedEvidence(input, design.pairs) : independentEvidence(input, b, c);
}

const STATISTIC_OF_DESIGN = { paired: 'medianPairRatio', rounds: 'geometricMeanRoundRatio' } as const;

function compareSamples(input: SampleMetricInput, design: ChosenDesign, b: Side, c: Side, tolerance: number | undefined, settings: Settings): MetricComparison {
  const lowerIsBetter = input.direction === 'lower-is-better';
  const result: MetricComparison = {
    metric: input.metric,
    label: input.label,
    unit: input.unit,
    direction: input.direction,
    baseline: input.baseline,
    candidate: input.candidate,
    absoluteChange: input.candidate - input.baseline,
    significant: false,
    verdict: 'info',
    finding: '',
  };
  const relative = relativeChange(input.baseline, input.candidate);
  if (relative !== undefined) result.relativeChange = relative;
  if (tolerance !== undefined) result.tolerance = { kind: 'relative', value: tolerance };

  const found = findEvidence(input, design, b, c, settings.alpha);
  if (!found) {
    const worsening = relative === undefined ? 0 : lowerIsBetter ? relative : -relative;
    result.verdict = judge(worsening, tolerance, false);
    const missing = design.design === 'rounds' ? `fewer than ${MIN_ROUNDS_FOR_TEST} rounds with responses on both sides` : 'no usable intervals on one side';
    result.finding = `${changePhrase(input.metric, input.label, worsening)} (not tested: ${missing})`;
    return result;
  }
  const shorter = Math.min(found.baselineValues.length, found.candidateValues.length);
  const blockLength = Math.max(1, Math.min(Math.round(found.varianceInflation), Math.ceil(shorter / 2)));
  const bootstrap = { confidence: 1 - settings.alpha, resamples: settings.resamples, seed: settings.seed, blockLength };
  const ratio =
    found.ratio ??
    (design.design === 'paired'
      ? bootstrapPairedRatio(found.baselineValues, found.candidateValues, bootstrap)
      : bootstrapRatio(found.baselineValues, found.candidateValues, input.statistic === 'median' ? median : mean, bootstrap));
  const worsening = lowerIsBetter ? ratio.estimate - 1 : 1 - ratio.estimate;
  const significantlyLarger = found.z > 0 && ratio.low > 1;
  const significantlySmaller = found.z < 0 && ratio.high < 1;
  const belowAlpha = found.pValue < settings.alpha;
  result.significant = belowAlpha && (ratio.estimate >= 1 ? significantlyLarger : significantlySmaller);
  result.verdict = judge(worsening, tolerance, belowAlpha && (lowerIsBetter ? significantlyLarger : significantlySmaller));
  result.test = {
    design: design.design,
    baselineCount: found.baselineValues.length,
    candidateCount: found.candidateValues.length,
    statistic: design.design === 'independent' ? input.statistic : STATISTIC_OF_DESIGN[design.design],
    ...found.test,
    ratio,
    blockLength,
  };
  result.pValue = found.pValue;
  result.finding = `${changePhrase(input.metric, input.label, worsening)} (${evidence(result.significant, result.pValue, ratio)})`;
  return result;
}

/** Two-sided pooled two-proportion z-test: p of errors/sent differing between the runs. */
function twoProportionP(errorsA: number, sentA: number, errorsB: number, sentB: number): number {
  if (sentA === 0 || sentB === 0) return 1;
  const pooled = (errorsA + errorsB) / (sentA + sentB);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / sentA + 1 / sentB));
  if (!(se > 0)) return 1;
  return twoSidedNormalP((errorsB / sentB - errorsA / sentA) / se);
}

function compareErrorRate(baseline: Report, candidate: Report, tolerance: number | undefined, alpha: number): MetricComparison {
  // Errors can exceed requests (a failed stream and an unanswered request both count): cap at 100 %.
  const errors = (r: Report): number => Math.min(r.counts.errors, r.counts.messagesSent);
  const ratePercent = (r: Report): number => (r.counts.messagesSent ? (errors(r) / r.counts.messagesSent) * 100 : 0);
  const b = ratePercent(baseline);
  const c = ratePercent(candidate);
  const pValue = twoProportionP(errors(baseline), baseline.counts.messagesSent, errors(candidate), candidate.counts.messagesSent);
  const significant = pValue < alpha && c !== b;
  const result: MetricComparison = {
    metric: 'errorRate',
    label: 'error rate',
    unit: '%',
    direction: 'lower-is-better',
    baseline: b,
    candidate: c,
    absoluteChange: c - b,
    pValue,
    significant,
    verdict: judge(c - b, tolerance, significant && c > b),
    finding: `${c === b ? 'no change in error rate' : `candidate's error rate is ${Math.abs(c - b).toFixed(2)} pp ${c > b ? 'higher' : 'lower'}`} (${evidence(significant, pValue, undefined)})`,
  };
  const relative = relativeChange(b, c);
  if (relative !== undefined) result.relativeChange = relative;
  if (tolerance !== undefined) result.tolerance = { kind: 'percentagePoints', value: tolerance };
  return result;
}

function infoMetric(metric: string, label: string, unit: string, baseline: number, candidate: number, finding: string): MetricComparison {
  const result: MetricComparison = {
    metric,
    label,
    unit,
    direction: 'lower-is-better',
    baseline,
    candidate,
    absoluteChange: candidate - baseline,
    significant: false,
    verdict: 'info',
    finding,
  };
  const relative = relativeChange(baseline, candidate);
  if (relative !== undefined) result.relativeChange = relative;
  return result;
}

/** Fewer rounds than this leave the t-test too few degrees of freedom to find a real change of a few percent. */
const RECOMMENDED_ROUNDS = 5;

function notesFor(baseline: Side, candidate: Side, design: ChosenDesign): string[] {
  const notes: string[] = [];
  if (design.design === 'independent') {
    notes.push('the runs did not overlap in time, so machine drift between them counts as a difference; on a shared machine run baseline and candidate at the same time');
  }
  if (design.design === 'rounds' && design.rounds.length < RECOMMENDED_ROUNDS) {
    notes.push(`only ${design.rounds.length} rounds: the test has ${design.rounds.length - 1} degrees of freedom and misses changes of a few percent; use ${RECOMMENDED_ROUNDS} or more`);
  }
  for (const [role, side] of [['baseline', baseline], ['candidate', candidate]] as const) {
    const r = side.report;
    if (r.partial) notes.push(`${role} run is partial (${r.partialReason ?? 'ended early'})`);
    if (r.generator?.saturated) notes.push(`${role} run's load generator was saturated; its latencies include client-side queueing`);
    const targetRate = r.generator?.targetRate;
    if (targetRate && !targetRate.reached) notes.push(`${role} run sent ${targetRate.sentPercent} % of its scheduled requests (limited by the ${targetRate.limitedBy}): the two runs may not have carried the same load`);
    if (design.design !== 'rounds' && side.selected.intervals.length < MIN_INTERVALS_FOR_SIGNIFICANCE) {
      notes.push(`${role} has only ${side.selected.intervals.length} usable intervals; at least ${MIN_INTERVALS_FOR_SIGNIFICANCE} per run are needed for a significant result — run longer`);
    }
  }
  const b = baseline.report;
  const c = candidate.report;
  const differing: string[] = [];
  const check = (what: string, x: unknown, y: unknown): void => {
    if (x !== y) differing.push(`${what} ${String(x)} vs ${String(y)}`);
  };
  check('load model', b.loadModel, c.loadModel);
  check('call', b.call, c.call);
  check('streams', b.settings?.streams, c.settings?.streams);
  check('connections', b.settings?.connections, c.settings?.connections);
  check('workers', b.settings?.workers, c.settings?.workers);
  check('window', b.settings?.stream?.window, c.settings?.stream?.window);
  const [bMs, cMs] = [baseline.selected.typicalMs, candidate.selected.typicalMs];
  if (Math.abs(bMs - cMs) > 0.1 * Math.min(bMs, cMs)) differing.push(`interval length ${Math.round(bMs)} vs ${Math.round(cMs)} ms`);
  if (differing.length) notes.push(`the runs differ in settings: ${differing.join(', ')}`);
  return notes;
}

interface Settings {
  alpha: number;
  resamples: number;
  seed: number;
}

function headline(verdict: Verdict, metrics: ReadonlyArray<MetricComparison>): string {
  const judged = metrics.filter((m) => m.verdict !== 'info');
  if (verdict === 'fail') return `regression: ${judged.filter((m) => m.verdict === 'fail').map((m) => m.finding).join('; ')}`;
  if (verdict === 'inconclusive') {
    const unsure = judged.filter((m) => m.verdict === 'inconclusive');
    return `inconclusive: ${unsure.map((m) => m.finding).join('; ')} — worse than the tolerance but not significant; run longer or on a quieter machine`;
  }
  return `pass: no metric is worse than its tolerance (${judged.map(shortChange).join(', ')})`;
}

/** "P99 +2.1 %": the judged change, candidate against baseline. */
function shortChange(m: MetricComparison): string {
  const signed = (value: number, digits: number): string => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}`;
  if (m.unit === '%') return `${m.label} ${signed(m.absoluteChange, 2)} pp`;
  const relative = m.test ? m.test.ratio.estimate - 1 : m.relativeChange;
  return relative === undefined ? `${m.label} unchanged` : `${m.label} ${signed(relative * 100, 1)} %`;
}

function checkOptions(options: CompareOptions): { tolerances: Partial<Record<JudgeableMetric, number>>; alpha: number; warmup: number | undefined } {
  for (const [metric, value] of Object.entries(options.maxRegression)) {
    if (!(metric in JUDGEABLE_METRICS)) throw new RangeError(`compareReports: no tolerance can be set for "${metric}"; expected one of ${Object.keys(JUDGEABLE_METRICS).join(', ')}`);
    if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`compareReports: tolerance for ${metric} must be a number ≥ 0, got ${value}`);
  }
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`compareReports: alpha must be within (0, 1), got ${alpha}`);
  const warmup = options.warmupIntervals;
  if (warmup !== undefined && !(Number.isInteger(warmup) && warmup >= 0)) throw new RangeError(`compareReports: warmupIntervals must be a whole number ≥ 0, got ${warmup}`);
  return { tolerances: { ...DEFAULT_MAX_REGRESSION, ...(options.maxRegression as Partial<Record<JudgeableMetric, number>>) }, alpha, warmup };
}

function comparedRun(side: Side): ComparedRun {
  return {
    name: side.report.name,
    startedAt: side.report.startedAt,
    intervalsTotal: side.report.intervals.length,
    warmupIntervals: side.selected.warmupIntervals,
    intervalsUsed: side.selected.intervals.length,
    intervalMs: Math.round(side.selected.typicalMs),
  };
}

/** Rounds when there are enough of them; otherwise paired by time when the runs overlapped, else independent. */
function chooseJudgedDesign(b: Side, c: Side, options: CompareOptions, warmup: number | undefined): ChosenDesign {
  const rounds = options.rounds ?? [];
  if (rounds.length >= MIN_ROUNDS_FOR_TEST) {
    return { design: 'rounds', pairs: [], rounds: rounds.map((r) => ({ baseline: describeSide(r.baseline, warmup), candidate: describeSide(r.candidate, warmup) })) };
  }
  return options.pairByTime === false ? { design: 'independent', pairs: [], rounds: [] } : chooseDesign(b, c);
}

/**
 * Baseline (v1) against candidate (v2). A metric fails only when the candidate is worse than
 * its tolerance AND the difference is significant (a rank test on per-interval values with
 * p < alpha — Mann-Whitney U for runs at different times, Wilcoxon signed-rank on intervals
 * paired by time for runs that overlapped, a t-test on per-round log ratios for interleaved
 * rounds — and the confidence interval of the ratio excludes 1 on the bad side); worse than the
 * tolerance without significance is inconclusive.
 * Pure: same inputs, same result.
 */
export function compareReports(baseline: Report, candidate: Report, options: CompareOptions): Comparison {
  if (!options.rounds && baseline.rounds?.length && candidate.rounds?.length) {
    // Sides merged from interleaved rounds: judged round by round, as the canary run judged them.
    const judged = judgedRounds(baseline, candidate);
    return compareReports(judged.baseline, judged.candidate, { ...options, warmupIntervals: 0, rounds: judged.rounds });
  }
  const { tolerances, alpha, warmup } = checkOptions(options);
  const settings: Settings = { alpha, resamples: options.resamples ?? DEFAULT_RESAMPLES, seed: options.seed ?? DEFAULT_SEED };
  const b = describeSide(baseline, warmup);
  const c = describeSide(candidate, warmup);
  const design = chooseJudgedDesign(b, c, options, warmup);

  const metrics: MetricComparison[] = LATENCY_METRICS.map(([key, label]) =>
    compareSamples(
      {
        metric: key,
        label,
        unit: 'ms',
        direction: 'lower-is-better',
        baseline: b.overall[key],
        candidate: c.overall[key],
        value: (sample) => sample.latency?.[key],
        sideValue: (side) => side.overall[key],
        statistic: 'median',
      },
      design,
      b,
      c,
      tolerances[key],
      settings,
    ),
  );
  metrics.push(
    compareSamples(
      {
        metric: 'messagesPerSec',
        label: 'messages/s',
        unit: 'msg/s',
        direction: 'higher-is-better',
        baseline: b.messagesPerSec,
        candidate: c.messagesPerSec,
        value: (sample) => sample.messagesPerSec,
        sideValue: (side) => side.messagesPerSec,
        statistic: 'mean',
      },
      design,
      b,
      c,
      tolerances.messagesPerSec,
      settings,
    ),
  );
  metrics.push(compareErrorRate(baseline, candidate, tolerances.errorRate, alpha));
  const failedB = baseline.counts.streamsFailed;
  const failedC = candidate.counts.streamsFailed;
  metrics.push(infoMetric('streamsFailed', 'failed streams', 'count', failedB, failedC, `candidate failed ${failedC === failedB ? 'as many' : `${Math.abs(failedC - failedB)} ${failedC > failedB ? 'more' : 'fewer'}`} streams`));
  const memoryB = baseline.memory?.target;
  const memoryC = candidate.memory?.target;
  if (memoryB && memoryC) {
    const delta = memoryC.growthBytesPerMin - memoryB.growthBytesPerMin;
    metrics.push(
      infoMetric('targetMemoryGrowth', 'target memory growth', 'bytes/min', memoryB.growthBytesPerMin, memoryC.growthBytesPerMin,
        `the candidate target's memory grows ${(Math.abs(delta) / 1048576).toFixed(2)} MiB/min ${delta >= 0 ? 'faster' : 'slower'}`),
    );
  }

  const verdicts = metrics.map((m) => m.verdict);
  const verdict: Verdict = verdicts.includes('fail') ? 'fail' : verdicts.includes('inconclusive') ? 'inconclusive' : 'pass';
  return {
    verdict,
    headline: headline(verdict, metrics),
    design: design.design,
    pairedIntervals: design.pairs.length,
    rounds: design.rounds.length,
    alpha,
    confidence: 1 - alpha,
    warmupIntervals: Math.max(b.selected.warmupIntervals, c.selected.warmupIntervals),
    resamples: settings.resamples,
    seed: settings.seed,
    baseline: comparedRun(b),
    candidate: comparedRun(c),
    metrics,
    notes: notesFor(b, c, design),
  };
}
