import jStat from 'jstat';
import { detectChangePoints, judgedValues, type DetectedChange } from './detect-change-points.js';
import type { ChangePoint, Finding, HistoryOptions } from './history-analysis.js';
import type { HistoryMetricSpec } from './history-metrics.js';
import { segmentMoments, winsorized } from './student-t-test.js';

type Judged = Omit<Finding, 'seriesKey' | 'metric' | 'label' | 'unit'>;

const kindOf = (spec: HistoryMetricSpec, before: number, after: number): ChangePoint['kind'] => ((after > before) === (spec.worse === 'up') ? 'regression' : 'improvement');

const bigEnough = (spec: HistoryMetricSpec, options: HistoryOptions, before: number, after: number): boolean => {
  const absolute = Math.abs(after - before);
  return absolute >= spec.minAbsolute && (before === 0 ? absolute > 0 : absolute / Math.abs(before) >= options.minMagnitude);
};

/**
 * The newest value alone against the stable segment before it (from `from` to the value before
 * the newest): outside the segment's prediction interval at the gate's p-value, and big enough.
 * The p-value is that of the newest value under the segment's Student t prediction.
 */
function suspected(spec: HistoryMetricSpec, options: HistoryOptions, xs: readonly number[], from: number): Omit<Judged, 'firstRun' | 'lastGoodRun' | 'runsSince'> | undefined {
  const newest = xs[xs.length - 1]!;
  const { n, mean } = segmentMoments(xs, from, xs.length - 1);
  if (n < options.minSegment || !bigEnough(spec, options, mean, newest)) return undefined;
  // The prediction on the scale the changes are tested on (logarithms for latency and throughput).
  const judged = judgedValues(xs.slice(from), spec.logScale);
  // The segment's outliers clipped as the change-point test clips them; the newest run is not.
  const segment = segmentMoments(winsorized(judged, 0, judged.length - 1), 0, judged.length - 1);
  const scale = Math.sqrt(segment.variance * (1 + 1 / n));
  const distance = Math.abs(judged[judged.length - 1]! - segment.mean);
  const pValue = scale > 0 ? 2 * (1 - jStat.studentt.cdf(distance / scale, n - 1)) : distance === 0 ? 1 : 0;
  if (pValue > options.maxPValue) return undefined;
  return { kind: kindOf(spec, mean, newest), status: 'suspected', before: mean, after: newest, relativeChange: mean === 0 ? null : (newest - mean) / Math.abs(mean), pValue };
}

/**
 * One metric of one series: its change points (over the runs that have a value) and what they
 * say about the newest run. Confirmed: the last change point began within `recentRuns` runs of
 * the newest. Otherwise suspected, when the newest run alone is outside what the segment since
 * the last change point predicts. No finding when the newest run has no value.
 */
export function judgeNewestRun(spec: HistoryMetricSpec, values: readonly (number | null)[], options: HistoryOptions): { changePoints: ChangePoint[]; finding?: Judged } {
  const present = values.flatMap((value, runIndex) => (value === null ? [] : [runIndex]));
  const xs = present.map((runIndex) => values[runIndex]!);
  const detected: DetectedChange[] = detectChangePoints(xs, { ...options, minAbsolute: spec.minAbsolute, logScale: spec.logScale });
  const changePoints: ChangePoint[] = detected.map((c) => ({ runIndex: present[c.index]!, meanBefore: c.meanBefore, meanAfter: c.meanAfter, relativeChange: c.relativeChange, pValue: c.pValue, kind: kindOf(spec, c.meanBefore, c.meanAfter) }));
  if (values.length === 0 || values[values.length - 1] === null) return { changePoints };
  const last = detected[detected.length - 1];
  if (last && xs.length - last.index <= options.recentRuns) {
    const change = changePoints[changePoints.length - 1]!;
    return {
      changePoints,
      finding: { kind: change.kind, status: 'confirmed', before: change.meanBefore, after: change.meanAfter, relativeChange: change.relativeChange, pValue: change.pValue, firstRun: change.runIndex, lastGoodRun: present[last.index - 1]!, runsSince: xs.length - last.index },
    };
  }
  const alone = suspected(spec, options, xs, last?.index ?? 0);
  return alone ? { changePoints, finding: { ...alone, firstRun: present[present.length - 1]!, lastGoodRun: present[present.length - 2]!, runsSince: 1 } } : { changePoints };
}
