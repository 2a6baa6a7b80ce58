import type { ChosenDesign } from './choose-design.js';
import type { ComparedSide } from './compared-side.js';
import { independentEvidence } from './independent-evidence.js';
import { pairedEvidence } from './paired-evidence.js';
import { roundsEvidence } from './rounds-evidence.js';
import type { Evidence } from './evidence.js';
import type { SampleMetric } from './sample-metrics.js';


/** The design's test on the metric; undefined when there is too little to test. */
export function findEvidence(metric: SampleMetric, design: ChosenDesign, b: ComparedSide, c: ComparedSide, alpha: number): Evidence | undefined {
  if (design.design === 'rounds') return roundsEvidence(metric, design.rounds, alpha);
  return design.design === 'paired' ? pairedEvidence(metric, design.pairs) : independentEvidence(metric, b, c);
}
