import type { RatioInterval } from './bootstrap-ratio.js';
import type { ChosenDesign } from './choose-design.js';
import type { SampleTest } from './comparison.js';
import type { ComparedSide } from './compared-side.js';
import { independentEvidence } from './independent-evidence.js';
import { pairedEvidence } from './paired-evidence.js';
import { roundsEvidence } from './rounds-evidence.js';
import type { SampleMetric } from './sample-metrics.js';

/** What one design's test found for one metric. */
export interface Evidence {
  /** > 0 when the candidate tends to be larger. */
  z: number;
  pValue: number;
  varianceInflation: number;
  /** The values tested, each side's in the same order (paired and rounds: element k of both belong together). */
  baselineValues: number[];
  candidateValues: number[];
  test: Pick<SampleTest, 'mannWhitney' | 'signedRank' | 'roundTest'>;
  /** Set when the test gives its own interval of the ratio (rounds); otherwise it is bootstrapped. */
  ratio?: RatioInterval;
}

/** The design's test on the metric; undefined when there is too little to test. */
export function findEvidence(metric: SampleMetric, design: ChosenDesign, b: ComparedSide, c: ComparedSide, alpha: number): Evidence | undefined {
  if (design.design === 'rounds') return roundsEvidence(metric, design.rounds, alpha);
  return design.design === 'paired' ? pairedEvidence(metric, design.pairs) : independentEvidence(metric, b, c);
}
