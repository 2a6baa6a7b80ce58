import type { MetricComparison } from './comparison.js';

type Figures = Pick<MetricComparison, 'metric' | 'label' | 'unit' | 'direction' | 'baseline' | 'candidate' | 'absoluteChange' | 'relativeChange'>;

/** The figures every metric shows: the two values, their difference and, when the baseline is not 0, the relative change. */
export function metricFigures(figures: Omit<Figures, 'absoluteChange' | 'relativeChange'>): Figures {
  const { baseline, candidate } = figures;
  const result: Figures = { ...figures, absoluteChange: candidate - baseline };
  if (baseline !== 0) result.relativeChange = (candidate - baseline) / baseline;
  return result;
}
