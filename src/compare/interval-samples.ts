import type { FlowIntervalReport, Report, ReportInterval } from '../report/report.js';
import { decodeHistogram } from '../stats/latency-histogram.js';
import { summarizeLatency, type LatencySummaryMs } from '../stats/summarize-latency.js';
import { median } from './bootstrap-ratio.js';

/**
 * Without an explicit warm-up, the intervals covering this much of the start of the load are
 * dropped (1 at 1 s intervals), less what the run's own warm-up (load.warmup) already left out.
 */
export const DEFAULT_WARMUP_MS = 1000;

export interface SelectedIntervals {
  intervals: ReportInterval[];
  /** Median interval length, ms. */
  typicalMs: number;
  /** Leading intervals dropped as warm-up. */
  warmupIntervals: number;
}

/** One usable interval of a run, as compare samples it. */
export interface IntervalSample {
  /** Wall-clock end of the interval, ms since the epoch: the report's startedAt + tMs. */
  endMs: number;
  messagesPerSec: number;
  /** From the interval's own histogram; absent when it has no responses. */
  latency?: LatencySummaryMs;
  /** With a flow: the interval's flow figures (each await's latencies summarised from its own histogram). */
  flow?: FlowIntervalReport;
}

/**
 * Drops the warm-up (`warmup` intervals; by default those covering the first DEFAULT_WARMUP_MS,
 * where a fresh worker thread still runs cold code, after the run's own `excludedMs` warm-up)
 * and trailing intervals shorter than half the typical (median) interval: the partial last one.
 */
export function selectIntervals(intervals: ReadonlyArray<ReportInterval>, warmup?: number, excludedMs = 0): SelectedIntervals {
  if (!intervals.length) return { intervals: [], typicalMs: 0, warmupIntervals: 0 };
  const typicalMs = median(intervals.map((i) => i.durationMs));
  const warmupIntervals = warmup ?? (typicalMs > 0 ? Math.ceil(Math.max(0, DEFAULT_WARMUP_MS - excludedMs) / typicalMs) : 1);
  let end = intervals.length;
  while (end > 0 && intervals[end - 1]!.durationMs < typicalMs / 2) end--;
  return { intervals: intervals.slice(Math.min(warmupIntervals, end), end), typicalMs, warmupIntervals };
}

export function intervalSamples(report: Report, intervals: ReadonlyArray<ReportInterval>): IntervalSample[] {
  const startMs = Date.parse(report.startedAt);
  return intervals.map((interval) => {
    const sample: IntervalSample = { endMs: startMs + interval.tMs, messagesPerSec: interval.messagesPerSec };
    if (interval.messagesReceived > 0 && interval.histogram !== '') sample.latency = summarizeLatency(decodeHistogram(interval.histogram));
    if (interval.flow) sample.flow = interval.flow;
    return sample;
  });
}

/**
 * Intervals of two runs that ran at the same time, matched by wall-clock end (each used once,
 * ends at most `toleranceMs` apart), in time order. Empty when the runs did not overlap.
 */
export function pairByTime(
  a: ReadonlyArray<IntervalSample>,
  b: ReadonlyArray<IntervalSample>,
  toleranceMs: number,
): Array<[IntervalSample, IntervalSample]> {
  const pairs: Array<[IntervalSample, IntervalSample]> = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const gap = a[i]!.endMs - b[j]!.endMs;
    if (Math.abs(gap) <= toleranceMs) pairs.push([a[i++]!, b[j++]!]);
    else if (gap < 0) i++;
    else j++;
  }
  return pairs;
}
