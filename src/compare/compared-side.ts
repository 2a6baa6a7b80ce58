import type { FlowLatencyMs, Report } from '../report/report.js';
import { mergeHistograms } from '../stats/latency-histogram.js';
import { summarizeLatency, type LatencySummaryMs } from '../stats/summarize-latency.js';
import type { ComparedRun } from './comparison.js';
import { intervalSamples, selectIntervals, type IntervalSample, type SelectedIntervals } from './interval-samples.js';

/** One side of a comparison (or one round of it): the intervals used and its figures over them. */
export interface ComparedSide {
  report: Report;
  selected: SelectedIntervals;
  samples: IntervalSample[];
  /** From the merged histograms of the intervals used; the report's own when none is left. */
  overall: LatencySummaryMs;
  /** Responses over the measured time of the intervals used; the report's own when that is 0. */
  messagesPerSec: number;
  /** With a flow: each await's match latencies over the intervals used (their merged histograms); the report's whole-run ones when the intervals carry none. */
  flowLatencyMs: Record<string, FlowLatencyMs>;
}

/** Each await's latencies from the merged histograms of the intervals used; the whole run's for reports whose intervals have no flow figures. */
function flowLatencies(report: Report, intervals: SelectedIntervals['intervals']): Record<string, FlowLatencyMs> {
  const latencies: Record<string, FlowLatencyMs> = {};
  for (const [name, step] of Object.entries(report.flow?.awaits ?? {})) {
    if (!intervals.some((i) => i.flow)) {
      latencies[name] = step.latencyMs;
      continue;
    }
    const encoded = intervals.map((i) => i.flow?.awaits[name]?.matchHistogram ?? '').filter(Boolean);
    if (encoded.length) latencies[name] = summarizeLatency(mergeHistograms(encoded));
  }
  return latencies;
}

/** `warmup`: leading intervals to drop; undefined drops those covering the first second (see selectIntervals). */
export function comparedSide(report: Report, warmup: number | undefined): ComparedSide {
  const selected = selectIntervals(report.intervals, warmup, report.warmupMs ?? 0);
  const withResponses = selected.intervals.filter((i) => i.messagesReceived > 0 && i.histogram !== '');
  const durationMs = selected.intervals.reduce((sum, i) => sum + i.durationMs, 0);
  const received = selected.intervals.reduce((sum, i) => sum + i.messagesReceived, 0);
  return {
    report,
    selected,
    samples: intervalSamples(report, selected.intervals),
    overall: selected.intervals.length ? summarizeLatency(mergeHistograms(withResponses.map((i) => i.histogram))) : report.latencyMs,
    messagesPerSec: durationMs > 0 ? (received * 1000) / durationMs : report.throughput.messagesPerSec,
    flowLatencyMs: flowLatencies(report, selected.intervals),
  };
}

/** The side as the Comparison shows it. */
export function comparedRun(side: ComparedSide): ComparedRun {
  return {
    name: side.report.name,
    startedAt: side.report.startedAt,
    intervalsTotal: side.report.intervals.length,
    warmupIntervals: side.selected.warmupIntervals,
    intervalsUsed: side.selected.intervals.length,
    intervalMs: Math.round(side.selected.typicalMs),
  };
}
