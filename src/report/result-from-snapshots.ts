import { addCounters, emptyCounters, emptyResult, type IntervalSnapshot, type LabelledLatencies, type WorkerResult } from '../types/worker-protocol.js';
import { encodeHistogram, mergeHistograms } from '../stats/latency-histogram.js';
import type { VersionFlowFigures } from '../types/flow-settings.js';
import { flowFiguresOf } from './flow-interval.js';

/** Split runs: each label's responses and latencies over the snapshots; undefined when none has labels. */
function labelsOf(snapshots: ReadonlyArray<IntervalSnapshot>): LabelledLatencies | undefined {
  const byLabel = new Map<string, { messagesReceived: number; histograms: string[] }>();
  for (const snapshot of snapshots) {
    for (const [label, part] of Object.entries(snapshot.labels ?? {})) {
      const entry = byLabel.get(label) ?? { messagesReceived: 0, histograms: [] };
      entry.messagesReceived += part.messagesReceived;
      if (part.histogram !== '') entry.histograms.push(part.histogram);
      byLabel.set(label, entry);
    }
  }
  if (!byLabel.size) return undefined;
  return Object.fromEntries([...byLabel].map(([label, { messagesReceived, histograms }]) => [label, { messagesReceived, histogram: encodeHistogram(mergeHistograms(histograms)) }]));
}

/** Split runs with a flow: each version's flow figures over the snapshots (as flowFiguresOf; runs seeing another version are not in intervals: 0). */
function flowVersionsOf(snapshots: ReadonlyArray<IntervalSnapshot>): Record<string, VersionFlowFigures> | undefined {
  const versions = new Set(snapshots.flatMap((s) => Object.keys(s.flowVersions ?? {})));
  if (!versions.size) return undefined;
  const figures: Record<string, VersionFlowFigures> = {};
  for (const version of versions) figures[version] = { ...flowFiguresOf(snapshots.map((s) => ({ flow: s.flowVersions?.[version] })))!, runsMixedVersions: 0 };
  return figures;
}

/**
 * What a crashed worker measured, rebuilt from the interval snapshots it sent before it died:
 * its counters and latencies up to the last snapshot. Requests it had sent and not seen
 * answered by then count as in flight at stop, so sent = received + failed + in flight holds.
 */
export function resultFromSnapshots(workerId: number, snapshots: ReadonlyArray<IntervalSnapshot>): WorkerResult {
  const everyOwn = snapshots.filter((s) => s.workerId === workerId);
  const own = everyOwn.filter((s) => !s.warmup);
  const result = emptyResult(workerId);
  const counters = emptyCounters();
  const statusCodes: Record<string, number> = {};
  for (const snapshot of own) {
    addCounters(counters, snapshot.counters);
    for (const [name, n] of Object.entries(snapshot.statusCodes)) statusCodes[name] = (statusCodes[name] ?? 0) + n;
  }
  // Streams still open when the worker died ended with it, by grpc-bench's hand: cancelled,
  // so opened = completed + failed + cancelled holds too.
  counters.streamsCancelled += Math.max(counters.streamsOpened - counters.streamsCompleted - counters.streamsFailed - counters.streamsCancelled, 0);
  // Elapsed time runs from the start of the load, as a finished worker's does: the warm-up's
  // intervals count here (the report subtracts the warm-up), though their figures do not.
  const durationMs = everyOwn.reduce((sum, s) => sum + s.durationMs, 0);
  const labels = labelsOf(own);
  const flow = flowFiguresOf(own);
  const flowVersions = flowVersionsOf(own);
  return {
    ...result,
    counters,
    statusCodes,
    histogram: encodeHistogram(mergeHistograms(own.map((s) => s.histogram))),
    ...(labels ? { labels } : {}),
    inFlightAtStop: Math.max(counters.messagesSent - counters.messagesReceived - counters.messagesFailed, 0),
    peakActiveConnections: Math.max(0, ...own.map((s) => s.activeConnections)),
    peakActiveStreams: Math.max(0, ...own.map((s) => s.activeStreams)),
    elapsedMs: durationMs,
    sendingMs: durationMs,
    snapshotCount: everyOwn.length,
    ...(flow ? { flow } : {}),
    ...(flowVersions ? { flowVersions } : {}),
  };
}
