import type { Report } from '../report/report.js';
import { chooseDesign } from './choose-design.js';
import { compareErrorRate } from './compare-error-rate.js';
import { checkCompareOptions, type CompareOptions } from './compare-options.js';
import { compareSampleMetric } from './compare-sample-metric.js';
import { comparedRun, comparedSide } from './compared-side.js';
import type { Comparison, MetricComparison, Verdict } from './comparison.js';
import { comparisonNotes } from './comparison-notes.js';
import { compareFlows } from './compare-flows.js';
import { infoMetrics } from './info-metrics.js';
import { judgedRounds } from './judged-rounds.js';
import { SAMPLE_METRICS } from './sample-metrics.js';

/** Any metric failing fails the comparison; otherwise any inconclusive makes it inconclusive. */
function overallVerdict(metrics: ReadonlyArray<MetricComparison>): Verdict {
  const verdicts = metrics.map((m) => m.verdict);
  return verdicts.includes('fail') ? 'fail' : verdicts.includes('inconclusive') ? 'inconclusive' : 'pass';
}

/**
 * Baseline (v1) against candidate (v2). A metric fails only when the candidate is worse than
 * its tolerance AND the difference is significant (a rank test on per-interval values with
 * p < alpha — Mann-Whitney U for runs at different times, Wilcoxon signed-rank on intervals
 * paired by time for runs that overlapped, a t-test on per-round log ratios for interleaved
 * rounds — and the confidence interval of the ratio excludes 1 on the bad side); worse than the
 * tolerance without significance is inconclusive.
 * Pure: same inputs, same result. Numbers, verdicts and notes as data; the sentences that
 * explain them are the reporters' (src/reporters/comparison-sentences.ts).
 */
export function compareReports(baseline: Report, candidate: Report, options: CompareOptions): Comparison {
  if (!options.rounds && baseline.rounds?.length && candidate.rounds?.length) {
    // Sides merged from interleaved rounds: judged round by round, as the canary run judged them.
    const judged = judgedRounds(baseline, candidate);
    return compareReports(judged.baseline, judged.candidate, { ...options, warmupIntervals: 0, rounds: judged.rounds });
  }
  const settings = checkCompareOptions(options);
  const b = comparedSide(baseline, settings.warmup);
  const c = comparedSide(candidate, settings.warmup);
  const design = chooseDesign(b, c, { rounds: options.rounds, pairByTime: options.pairByTime, warmup: settings.warmup });
  const flows = compareFlows(design, b, c, settings);

  // A version of a split run has no error counts of its own (see versionView): no error rate, no failed streams.
  // Its throughput is its share of the streams, set by the router's weights, not its speed: shown, not judged.
  const errorsCounted = ![baseline, candidate].some((r) => r.notMeasured?.includes('errorCounts'));
  const toleranceOf = (metric: (typeof SAMPLE_METRICS)[number]) => (metric.metric === 'messagesPerSec' && !errorsCounted ? undefined : settings.tolerances[metric.toleranceOf]);
  const metrics: MetricComparison[] = [
    ...SAMPLE_METRICS.map((metric) => compareSampleMetric(metric, design, b, c, toleranceOf(metric), settings)),
    ...(errorsCounted ? [compareErrorRate(baseline, candidate, settings.tolerances.errorRate, settings.alpha)] : []),
    ...flows.metrics,
    ...(errorsCounted ? infoMetrics(baseline, candidate) : []),
  ];
  return {
    verdict: overallVerdict(metrics),
    design: design.design,
    pairedIntervals: design.pairs.length,
    rounds: design.rounds.length,
    alpha: settings.alpha,
    confidence: 1 - settings.alpha,
    warmupIntervals: Math.max(b.selected.warmupIntervals, c.selected.warmupIntervals),
    resamples: settings.resamples,
    seed: settings.seed,
    baseline: comparedRun(b),
    candidate: comparedRun(c),
    metrics,
    notes: [...comparisonNotes(b, c, design), ...flows.notes],
  };
}
