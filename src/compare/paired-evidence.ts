import type { ChosenDesign } from './choose-design.js';
import type { Evidence } from './evidence.js';
import type { SampleMetric } from './sample-metrics.js';
import { wilcoxonSignedRank } from './wilcoxon-signed-rank.js';

/**
 * Paired design: Wilcoxon signed-rank on log(candidate/baseline) per pair of simultaneous
 * intervals, only pairs with both values > 0; undefined when no pair has.
 */
export function pairedEvidence(metric: SampleMetric, pairs: ChosenDesign['pairs']): Evidence | undefined {
  const baselineValues: number[] = [];
  const candidateValues: number[] = [];
  for (const [x, y] of pairs) {
    const bv = metric.value(x);
    const cv = metric.value(y);
    if (bv === undefined || cv === undefined || !(bv > 0 && cv > 0)) continue;
    baselineValues.push(bv);
    candidateValues.push(cv);
  }
  if (!baselineValues.length) return undefined;
  const signedRank = wilcoxonSignedRank(candidateValues.map((cv, i) => Math.log(cv / baselineValues[i]!)), { timeOrdered: true });
  return { ...signedRank, baselineValues, candidateValues, test: { signedRank } };
}
