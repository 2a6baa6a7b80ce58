import type { ComparedSide } from './compared-side.js';
import type { Evidence } from './evidence.js';
import { mannWhitneyU } from './mann-whitney-u.js';
import type { SampleMetric } from './sample-metrics.js';

const defined = (value: number | undefined): value is number => value !== undefined;

/** Independent design: Mann-Whitney U on all usable intervals of each run; undefined when a side has none. */
export function independentEvidence(metric: SampleMetric, b: ComparedSide, c: ComparedSide): Evidence | undefined {
  const baselineValues = b.samples.map(metric.value).filter(defined);
  const candidateValues = c.samples.map(metric.value).filter(defined);
  if (!baselineValues.length || !candidateValues.length) return undefined;
  const mannWhitney = mannWhitneyU(baselineValues, candidateValues, { timeOrdered: true });
  return { ...mannWhitney, baselineValues, candidateValues, test: { mannWhitney } };
}
