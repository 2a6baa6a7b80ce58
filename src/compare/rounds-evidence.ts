import type { ChosenDesign } from './choose-design.js';
import type { Evidence } from './evidence.js';
import { roundRatioTest } from './round-ratio-test.js';
import type { SampleMetric } from './sample-metrics.js';

/**
 * Rounds design: a t-test on the per-round log ratios of the metric over each round's side,
 * with its t interval of the ratio; undefined with fewer than MIN_ROUNDS_FOR_TEST rounds that
 * have a value > 0 on both sides.
 */
export function roundsEvidence(metric: SampleMetric, rounds: ChosenDesign['rounds'], alpha: number): Evidence | undefined {
  const baselineValues = rounds.map((r) => metric.sideValue(r.baseline));
  const candidateValues = rounds.map((r) => metric.sideValue(r.candidate));
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
