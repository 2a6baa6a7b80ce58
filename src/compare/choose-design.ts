import type { Report } from '../report/report.js';
import type { Design } from './comparison.js';
import { comparedSide, type ComparedSide } from './compared-side.js';
import { pairByTime, type IntervalSample } from './interval-samples.js';
import { MIN_ROUNDS_FOR_TEST } from './round-ratio-test.js';

/** Below this many intervals per side (or pairs) no difference can reach p < 0.05. */
export const MIN_INTERVALS_FOR_SIGNIFICANCE = 4;

/** The design and what it judges: the intervals paired by time (paired) or each round's two sides (rounds); empty otherwise. */
export interface ChosenDesign {
  design: Design;
  pairs: Array<[IntervalSample, IntervalSample]>;
  rounds: Array<{ baseline: ComparedSide; candidate: ComparedSide }>;
}

/**
 * Paired when the runs overlapped: the same interval length (±10 %) and at least half of the
 * shorter run's intervals (and 4) matched by time; otherwise independent.
 */
function pairedOrIndependent(b: ComparedSide, c: ComparedSide): ChosenDesign {
  const independent: ChosenDesign = { design: 'independent', pairs: [], rounds: [] };
  const [shorterMs, longerMs] = [b.selected.typicalMs, c.selected.typicalMs].sort((x, y) => x - y) as [number, number];
  if (!(shorterMs > 0) || longerMs > shorterMs * 1.1) return independent;
  const pairs = pairByTime(b.samples, c.samples, shorterMs / 2);
  const enough = pairs.length >= MIN_INTERVALS_FOR_SIGNIFICANCE && pairs.length >= Math.min(b.samples.length, c.samples.length) / 2;
  return enough ? { design: 'paired', pairs, rounds: [] } : independent;
}

export interface DesignInput {
  rounds?: ReadonlyArray<{ baseline: Report; candidate: Report }>;
  /** false: never paired (see CompareOptions.pairByTime). */
  pairByTime?: boolean;
  /** Leading intervals dropped from each round (see comparedSide). */
  warmup: number | undefined;
}

/** Rounds when there are enough of them; otherwise paired by time when the runs overlapped, else independent. */
export function chooseDesign(b: ComparedSide, c: ComparedSide, input: DesignInput): ChosenDesign {
  const rounds = input.rounds ?? [];
  if (rounds.length >= MIN_ROUNDS_FOR_TEST) {
    return { design: 'rounds', pairs: [], rounds: rounds.map((r) => ({ baseline: comparedSide(r.baseline, input.warmup), candidate: comparedSide(r.candidate, input.warmup) })) };
  }
  return input.pairByTime === false ? { design: 'independent', pairs: [], rounds: [] } : pairedOrIndependent(b, c);
}
