import type { Direction, MetricComparison } from './comparison.js';
import { metricFigures } from './metric-figures.js';
import { metricVerdict } from './metric-verdict.js';
import { twoProportionP } from './two-proportion-p.js';

/** `hits` of `total` (errors of requests sent, passes of checks judged); hits ≤ total. */
export interface ProportionCounts {
  hits: number;
  total: number;
}

/**
 * A share, in %, judged in percentage points on the whole runs' counts with the two-proportion
 * z-test: worse than the tolerance fails only when the difference is significant.
 */
export function compareProportion(
  figures: Pick<MetricComparison, 'metric' | 'label'> & { direction: Direction },
  baseline: ProportionCounts,
  candidate: ProportionCounts,
  tolerance: number | undefined,
  alpha: number,
): MetricComparison {
  const percentOf = (counts: ProportionCounts): number => (counts.total ? (counts.hits / counts.total) * 100 : 0);
  const b = percentOf(baseline);
  const c = percentOf(candidate);
  const pValue = twoProportionP(baseline.hits, baseline.total, candidate.hits, candidate.total);
  const significant = pValue < alpha && c !== b;
  const worseBy = figures.direction === 'lower-is-better' ? c - b : b - c;
  return {
    ...metricFigures({ ...figures, unit: '%', baseline: b, candidate: c }),
    ...(tolerance === undefined ? {} : { tolerance: { kind: 'percentagePoints', value: tolerance } }),
    pValue,
    significant,
    verdict: metricVerdict(worseBy, tolerance, significant && worseBy > 0),
  };
}
