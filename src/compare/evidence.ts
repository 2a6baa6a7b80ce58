import type { RatioInterval } from './bootstrap-ratio.js';
import type { SampleTest } from './comparison.js';

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
