import type { Direction, MetricComparison } from './comparison.js';

/**
 * The relative change a sample metric is judged on, candidate against baseline: the ratio's
 * estimate − 1 when it was tested, else the whole-comparison relative change (undefined when
 * the baseline is 0).
 */
export function judgedChange(m: Pick<MetricComparison, 'test' | 'relativeChange'>): number | undefined {
  return m.test ? m.test.ratio.estimate - 1 : m.relativeChange;
}

/** A change turned into worsening: > 0 when the candidate is worse; 0 for no (known) change. */
export function worsening(direction: Direction, change: number | undefined): number {
  if (change === undefined) return 0;
  return direction === 'lower-is-better' ? change : -change;
}
