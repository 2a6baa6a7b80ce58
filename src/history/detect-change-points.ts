import { eDivisiveSplit } from './e-divisive-split.js';
import { segmentMoments, studentTTest, winsorized } from './student-t-test.js';

export interface ChangePointOptions {
  /** The largest p-value of Student's t-test between the segments either side for a change to count. */
  maxPValue: number;
  /** The smallest relative change of the mean that counts, as a fraction (0.05 = 5 %). */
  minMagnitude: number;
  /** The smallest absolute change of the mean that counts, in the values' unit. */
  minAbsolute: number;
  /** The fewest values a segment may have (≥ 2): a change needs this many values after it to be found. */
  minSegment: number;
  /**
   * Search and test the logarithms of the values (when all are positive): for metrics whose noise
   * is relative to their level (latency, throughput), so that a noisy fast segment and a quiet slow
   * one have comparable spreads and a step is the same size at any level. Means and magnitudes stay in the values' unit.
   */
  logScale?: boolean;
}

export const DEFAULT_CHANGE_POINT_OPTIONS: ChangePointOptions = { maxPValue: 0.001, minMagnitude: 0.05, minAbsolute: 0, minSegment: 3 };

/** A change of the mean: `values[index]` is the first value after it. */
export interface DetectedChange {
  index: number;
  /** Means of the segments before and after, as far as the neighbouring change points. */
  meanBefore: number;
  meanAfter: number;
  /** (after − before) / |before|; null when the mean before is 0. */
  relativeChange: number | null;
  /** Student's t-test between those two segments. */
  pValue: number;
}

/**
 * Besides the whole series, windows of this many runs, overlapping by half, are searched: a
 * change that is undone a few runs later (a bump) cancels out in the whole series' best split
 * but not in a window. 20 kept the false alarms of generated flat series where they were and
 * found a 10-run bump (+30 % then −25 %, 10 % noise) in about 93 % of tries instead of 8 % (bench/history-eval.ts).
 */
const WINDOW_RUNS = 20;

/** The whole series, then windows of `size` runs overlapping by half: a short-lived change hides in the whole but not in a window. */
function windows(length: number, size: number): Array<[number, number]> {
  const spans: Array<[number, number]> = [[0, length]];
  if (size > 0) for (let from = 0; from + size < length; from += Math.floor(size / 2)) spans.push([from, from + size]);
  return spans;
}

/** What the search and the tests run on: the logarithms with `logScale` when every value is positive, else the values. */
export function judgedValues(values: readonly number[], logScale: boolean | undefined): readonly number[] {
  return logScale && values.every((v) => v > 0) ? values.map(Math.log) : values;
}

function tested(values: readonly number[], judged: readonly number[], from: number, index: number, to: number): DetectedChange {
  // Each side's outliers are clipped before the test: one night at 3× would otherwise swell the spread and hide a step.
  const clipped = [...winsorized(judged, from, index), ...winsorized(judged, index, to)];
  const { pValue } = studentTTest(clipped, 0, index - from, index - from, to - from);
  const meanBefore = segmentMoments(values, from, index).mean;
  const meanAfter = segmentMoments(values, index, to).mean;
  return { index, meanBefore, meanAfter, relativeChange: meanBefore === 0 ? null : (meanAfter - meanBefore) / Math.abs(meanBefore), pValue };
}

function counts(change: DetectedChange, options: ChangePointOptions): boolean {
  const absolute = Math.abs(change.meanAfter - change.meanBefore);
  const relativeEnough = change.relativeChange === null ? absolute > 0 : Math.abs(change.relativeChange) >= options.minMagnitude;
  return change.pValue <= options.maxPValue && absolute >= options.minAbsolute && relativeEnough;
}

/** Each change point re-tested between its neighbours (the series' ends or the next change points). */
function retest(values: readonly number[], judged: readonly number[], indexes: readonly number[]): DetectedChange[] {
  return indexes.map((index, i) => tested(values, judged, i === 0 ? 0 : indexes[i - 1]!, index, i === indexes.length - 1 ? values.length : indexes[i + 1]!));
}

/**
 * Change points of the mean of `values` (in time order): E-divisive means finds the best split
 * of a segment (the whole series, and windows of WINDOW_RUNS runs); Student's t-test between its
 * two sides, each side's outliers clipped (see winsorized), decides whether it counts — as Hunter
 * and Apache Otava replaced the random permutation test, so the same series always gives the
 * same answer — and each side is split again. Then every change point is tested again between
 * its neighbours, and the weakest that no longer counts is dropped, until all count. Pure and
 * deterministic; O(k²) per scanned segment of k values.
 */
export function detectChangePoints(values: readonly number[], options: ChangePointOptions = DEFAULT_CHANGE_POINT_OPTIONS): DetectedChange[] {
  const judged = judgedValues(values, options.logScale);
  const found = new Set<number>();
  const segments: Array<[number, number]> = windows(values.length, WINDOW_RUNS);
  while (segments.length) {
    const [from, to] = segments.pop()!;
    const split = eDivisiveSplit(judged, from, to, options.minSegment);
    if (!split || !counts(tested(values, judged, from, split.index, to), options)) continue;
    found.add(split.index);
    segments.push([from, split.index], [split.index, to]);
  }
  let indexes = [...found].sort((a, b) => a - b);
  for (;;) {
    const changes = retest(values, judged, indexes);
    // Change points found in different windows may lie closer than minSegment: the closer one then fails too.
    const bounds = [0, ...indexes, values.length];
    const failing = changes.filter((change, i) => !counts(change, options) || bounds[i + 1]! - bounds[i]! < options.minSegment || bounds[i + 2]! - bounds[i + 1]! < options.minSegment);
    if (!failing.length) return changes;
    // The weakest goes first: the largest p-value, then the smallest change, then the earliest.
    const weakest = failing.reduce((worst, change) =>
      change.pValue > worst.pValue || (change.pValue === worst.pValue && Math.abs(change.meanAfter - change.meanBefore) < Math.abs(worst.meanAfter - worst.meanBefore)) ? change : worst,
    );
    indexes = indexes.filter((index) => index !== weakest.index);
  }
}
