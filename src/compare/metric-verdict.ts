import type { MetricVerdict } from './comparison.js';

/**
 * Tolerance × significance. `worsening` and `tolerance` in the same unit (a fraction of the
 * baseline, or percentage points), `worsening` > 0 when the candidate is worse: no tolerance is
 * `info`; within it `pass`; worse than it `fail` only when significantly worse, else `inconclusive`.
 */
export function metricVerdict(worsening: number, tolerance: number | undefined, significantlyWorse: boolean): MetricVerdict {
  if (tolerance === undefined) return 'info';
  if (worsening <= tolerance) return 'pass';
  return significantlyWorse ? 'fail' : 'inconclusive';
}
