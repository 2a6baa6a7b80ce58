import { bootstrapPairedRatio, bootstrapRatio, mean, median, type RatioInterval } from './bootstrap-ratio.js';
import type { ChosenDesign } from './choose-design.js';
import type { MetricComparison, SampleTest } from './comparison.js';
import type { ComparedSide } from './compared-side.js';
import type { JudgeSettings } from './compare-options.js';
import type { Evidence } from './evidence.js';
import { findEvidence } from './find-evidence.js';
import { judgedChange, worsening } from './judged-change.js';
import { metricFigures } from './metric-figures.js';
import { metricVerdict } from './metric-verdict.js';
import type { SampleMetric } from './sample-metrics.js';

const STATISTIC_OF_DESIGN = { paired: 'medianPairRatio', rounds: 'geometricMeanRoundRatio' } as const;

/** The ratio candidate/baseline with its interval: the test's own (rounds), else a block bootstrap. */
function ratioOf(found: Evidence, metric: SampleMetric, design: ChosenDesign, blockLength: number, settings: JudgeSettings): RatioInterval {
  if (found.ratio) return found.ratio;
  const bootstrap = { confidence: 1 - settings.alpha, resamples: settings.resamples, seed: settings.seed, blockLength };
  if (design.design === 'paired') return bootstrapPairedRatio(found.baselineValues, found.candidateValues, bootstrap);
  return bootstrapRatio(found.baselineValues, found.candidateValues, metric.statistic === 'median' ? median : mean, bootstrap);
}

/**
 * One sample metric judged by the design's test. Significant: p < alpha and the ratio's
 * interval excludes 1 on the side of the change. Untested (too little data): judged on the
 * whole-comparison change, never significant, so never `fail`.
 */
export function compareSampleMetric(metric: SampleMetric, design: ChosenDesign, b: ComparedSide, c: ComparedSide, tolerance: number | undefined, settings: JudgeSettings): MetricComparison {
  const { direction } = metric;
  const figures = {
    ...metricFigures({ metric: metric.metric, label: metric.label, unit: metric.unit, direction, baseline: metric.sideValue(b), candidate: metric.sideValue(c) }),
    ...(tolerance === undefined ? {} : { tolerance: { kind: 'relative' as const, value: tolerance } }),
  };
  const found = findEvidence(metric, design, b, c, settings.alpha);
  if (!found) return { ...figures, significant: false, verdict: metricVerdict(worsening(direction, figures.relativeChange), tolerance, false) };

  const shorter = Math.min(found.baselineValues.length, found.candidateValues.length);
  const blockLength = Math.max(1, Math.min(Math.round(found.varianceInflation), Math.ceil(shorter / 2)));
  const ratio = ratioOf(found, metric, design, blockLength, settings);
  const test: SampleTest = {
    design: design.design,
    baselineCount: found.baselineValues.length,
    candidateCount: found.candidateValues.length,
    statistic: design.design === 'independent' ? metric.statistic : STATISTIC_OF_DESIGN[design.design],
    ...found.test,
    ratio,
    blockLength,
  };
  const significantlyLarger = found.z > 0 && ratio.low > 1;
  const significantlySmaller = found.z < 0 && ratio.high < 1;
  const belowAlpha = found.pValue < settings.alpha;
  const significantlyWorse = belowAlpha && (direction === 'lower-is-better' ? significantlyLarger : significantlySmaller);
  return {
    ...figures,
    test,
    pValue: found.pValue,
    significant: belowAlpha && (ratio.estimate >= 1 ? significantlyLarger : significantlySmaller),
    verdict: metricVerdict(worsening(direction, judgedChange({ test })), tolerance, significantlyWorse),
  };
}
