import type { LabelledLatencies } from '../types/worker-protocol.js';
import { encodeHistogram, mergeHistograms, type LatencyHistogram } from '../stats/latency-histogram.js';
import { summarizeLatency } from '../stats/summarize-latency.js';
import type { FlowIntervalReport, VersionReport } from './report.js';

export type VersionInterval = VersionReport['intervals'][number];

/** One version's responses in one part of an interval: a worker's snapshot or a report's interval. */
export type VersionPart = LabelledLatencies[string];

const round2 = (value: number): number => Math.round(value * 100) / 100;

/**
 * One interval of one version: its parts' responses added and their histograms merged; `flow`, its flow figures.
 * `durationMs` is the whole interval's (not only the parts'), so the rate is over the same time
 * as the run's own interval; times are kept in whole ms, as reports keep them.
 */
export function versionInterval(tMs: number, durationMs: number, parts: ReadonlyArray<VersionPart>, flow?: FlowIntervalReport): VersionInterval {
  const histogram = mergeHistograms(parts.map((p) => p.histogram));
  const summary = summarizeLatency(histogram);
  const messagesReceived = parts.reduce((sum, p) => sum + p.messagesReceived, 0);
  return {
    tMs: Math.round(tMs),
    durationMs: Math.round(durationMs),
    messagesReceived,
    messagesPerSec: durationMs > 0 ? round2((messagesReceived * 1000) / durationMs) : 0,
    p50Ms: summary.p50,
    p99Ms: summary.p99,
    histogram: encodeHistogram(histogram),
    ...(flow ? { flow } : {}),
  };
}

/** One version's whole-run figures; `totalReceived` is every version's responses, for its share. */
export function versionReport(histogram: LatencyHistogram, messagesReceived: number, totalReceived: number, intervals: VersionInterval[]): VersionReport {
  return {
    messagesReceived,
    share: totalReceived ? Math.round((messagesReceived / totalReceived) * 10000) / 10000 : 0,
    latencyMs: summarizeLatency(histogram),
    intervals,
    histogram: encodeHistogram(histogram),
  };
}
