import type { Comparison, Design, MetricComparison } from '../compare/comparison.js';
import { comparisonHeadline, metricFinding, noteSentence } from './comparison-sentences.js';

export interface DescribedMetric extends MetricComparison {
  /** One sentence: who is worse, by how much, and the evidence. */
  finding: string;
}

/** A Comparison with its sentences: what every comparison output shows, and the JSON of `compare -O json` and comparison.json. */
export interface DescribedComparison extends Omit<Comparison, 'metrics' | 'notes'> {
  /** The outcome in one sentence, naming the slower side and by how much. */
  headline: string;
  metrics: DescribedMetric[];
  /** Caveats in words: partial runs, a saturated generator, differing settings, too few intervals. */
  notes: string[];
}

/** Every field named, optional ones too, so that a field added to the type cannot be left out of the JSON. */
type EveryField<T> = { [K in keyof Required<T>]: T[K] };

/** Drops the fields that are undefined, keeping the order of the others. */
function definedFields<T extends object>(fields: EveryField<T>): T {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;
}

/** The metric with its finding, its fields in the order comparison.json has always had (errorRate's p-value before `significant`). */
export function describeMetric(m: MetricComparison, design: Design): DescribedMetric {
  return definedFields<DescribedMetric>({
    metric: m.metric,
    label: m.label,
    unit: m.unit,
    direction: m.direction,
    baseline: m.baseline,
    candidate: m.candidate,
    absoluteChange: m.absoluteChange,
    ...(m.metric === 'errorRate' ? { pValue: m.pValue } : {}),
    significant: m.significant,
    verdict: m.verdict,
    finding: metricFinding(m, design),
    relativeChange: m.relativeChange,
    tolerance: m.tolerance,
    test: m.test,
    pValue: m.pValue,
  });
}

/** The Comparison with its headline, findings and notes in words, laid out as comparison.json. Pure. */
export function describeComparison(comparison: Comparison): DescribedComparison {
  return definedFields<DescribedComparison>({
    verdict: comparison.verdict,
    headline: comparisonHeadline(comparison),
    design: comparison.design,
    pairedIntervals: comparison.pairedIntervals,
    rounds: comparison.rounds,
    alpha: comparison.alpha,
    confidence: comparison.confidence,
    warmupIntervals: comparison.warmupIntervals,
    resamples: comparison.resamples,
    seed: comparison.seed,
    baseline: comparison.baseline,
    candidate: comparison.candidate,
    metrics: comparison.metrics.map((m) => describeMetric(m, comparison.design)),
    notes: comparison.notes.map(noteSentence),
  });
}
