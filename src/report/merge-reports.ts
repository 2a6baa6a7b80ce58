import { BenchError } from '../errors/bench-error.js';
import { mergePeerLimits } from './peer-limits-report.js';
import { encodeHistogram, mergeHistograms } from '../stats/latency-histogram.js';
import { bucketize, summarizeLatency } from '../stats/summarize-latency.js';
import { assessTargetRate } from './assess-generator.js';
import { groupByWallClock } from './group-by-wall-clock.js';
import { auxFigures } from './build-report.js';
import { callsReport } from './calls-report.js';
import { flowReport, versionFlowReport } from './flow-report.js';
import { mergedFlowInterval } from './flow-interval.js';
import type { Report, ReportInterval, RoundSpan, VersionReport } from './report.js';
import { versionInterval, versionReport, type VersionInterval } from './version-report.js';

/**
 * How reports combine. `segments`: parts of one run made at the same time (machines running
 * `--segment i/n`): counts add, intervals add up by wall-clock time (groupByWallClock), durations overlap.
 * `sequential`: runs one after another (interleaved canary rounds): counts add, intervals
 * follow each other, durations add.
 */
export type MergeMode = 'segments' | 'sequential';

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
const round2 = (value: number): number => Math.round(value * 100) / 100;

function addInto(into: Record<string, number>, from: Record<string, number>): Record<string, number> {
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
  return into;
}

function mergeIntervalGroup(group: ReportInterval[], tMs: number): ReportInterval {
  const histogram = mergeHistograms(group.map((i) => i.histogram));
  const summary = summarizeLatency(histogram);
  const durationMs = Math.max(...group.map((i) => i.durationMs));
  const messagesReceived = sum(group.map((i) => i.messagesReceived));
  return {
    tMs,
    durationMs,
    messagesSent: sum(group.map((i) => i.messagesSent)),
    messagesReceived,
    messagesFailed: sum(group.map((i) => i.messagesFailed)),
    errors: sum(group.map((i) => i.errors)),
    streamsOpened: sum(group.map((i) => i.streamsOpened)),
    streamsCompleted: sum(group.map((i) => i.streamsCompleted)),
    streamsFailed: sum(group.map((i) => i.streamsFailed)),
    messagesPerSec: durationMs > 0 ? round2((messagesReceived * 1000) / durationMs) : 0,
    p50Ms: summary.p50,
    p99Ms: summary.p99,
    activeStreams: sum(group.map((i) => i.activeStreams)),
    activeConnections: sum(group.map((i) => i.activeConnections)),
    sendsDeferred: sum(group.map((i) => i.sendsDeferred)),
    maxEventLoopUtilization: Math.max(...group.map((i) => i.maxEventLoopUtilization)),
    histogram: encodeHistogram(histogram),
    ...mergedIntervalExtras(group),
  };
}

/** Sequential runs: where each one's intervals start on the merged timeline, ms. */
function sequentialOffsetsMs(reports: Report[]): number[] {
  let offsetMs = 0;
  return reports.map((report) => {
    const start = offsetMs;
    offsetMs += Math.max(report.durationMs, report.intervals.at(-1)?.tMs ?? 0);
    return start;
  });
}

/** Sequential runs: each run's place in the merged intervals. */
function roundSpans(reports: Report[]): RoundSpan[] {
  const offsets = sequentialOffsetsMs(reports);
  let firstInterval = 0;
  return reports.map((report, k) => {
    const span = { startedAt: report.startedAt, firstInterval, intervalCount: report.intervals.length, offsetMs: offsets[k]!, durationMs: report.durationMs, warmupMs: report.warmupMs };
    firstInterval += report.intervals.length;
    return span;
  });
}

function mergeIntervals(reports: Report[], mode: MergeMode): ReportInterval[] {
  if (mode === 'sequential') {
    const offsets = sequentialOffsetsMs(reports);
    return reports.flatMap((report, k) => report.intervals.map((interval) => ({ ...interval, tMs: interval.tMs + offsets[k]! })));
  }
  return groupByWallClock(reports).map(({ tMs, group }) => mergeIntervalGroup(group, tMs));
}

function mergeVersions(reports: Report[], mode: MergeMode, totalReceived: number): Record<string, VersionReport> | undefined {
  if (!reports.some((r) => r.versions)) return undefined;
  const labels = [...new Set(reports.flatMap((r) => Object.keys(r.versions ?? {})))].sort();
  const versions: Record<string, VersionReport> = {};
  for (const label of labels) {
    const parts = reports.map((r) => r.versions?.[label]).filter((v): v is VersionReport => Boolean(v));
    const histogram = mergeHistograms(parts.map((p) => p.histogram));
    const received = sum(parts.map((p) => p.messagesReceived));
    let intervals: VersionInterval[];
    if (mode === 'sequential') {
      intervals = parts.flatMap((p) => p.intervals);
    } else {
      const timed = reports.flatMap((r) => (r.versions?.[label] ? [{ startedAt: r.startedAt, intervals: r.versions[label].intervals }] : []));
      intervals = groupByWallClock(timed).map(({ tMs, group }) => versionInterval(tMs, Math.max(...group.map((g) => g.durationMs)), group, mergedFlowInterval(group)));
    }
    const flows = parts.flatMap((p) => (p.flow ? [p.flow] : []));
    versions[label] = { ...versionReport(histogram, received, totalReceived, intervals), ...(flows.length ? { flow: versionFlowReport(flows) } : {}) };
  }
  return versions;
}

/**
 * Merges reports losslessly where the data allows: histograms are merged bucket by bucket,
 * counts and status codes add up, percentiles are recomputed from the merged histograms.
 * Memory figures describe one process each and are taken from the first report.
 * Thresholds are not carried over: the caller re-evaluates them on the result.
 */
export function mergeReports(reports: Report[], mode: MergeMode): Report {
  if (reports.length === 0) throw new BenchError('USAGE', 'merge: no reports given');
  const first = reports[0]!;
  const histogram = mergeHistograms(reports.map((r) => r.histogram));
  const uncorrected = mergeHistograms(reports.map((r) => r.uncorrectedHistogram ?? r.histogram));
  const durationMs = mode === 'segments' ? Math.max(...reports.map((r) => r.durationMs)) : sum(reports.map((r) => r.durationMs));
  const counts = { ...first.counts };
  const statusCodes = reports.reduce((acc, r) => addInto(acc, r.statusCodes), {} as Record<string, number>);
  // Over every report's keys: an optional count (callsEndedByClient) may be absent from the first.
  for (const key of new Set(reports.flatMap((r) => Object.keys(r.counts))) as Set<keyof Report['counts']>) counts[key] = sum(reports.map((r) => r.counts[key] ?? 0));
  const sentSeconds = sum(reports.map((r) => (r.throughput.sentPerSec > 0 ? r.counts.messagesSent / r.throughput.sentPerSec : 0)));
  const sendingSeconds = mode === 'segments' ? Math.max(...reports.map((r) => (r.throughput.sentPerSec > 0 ? r.counts.messagesSent / r.throughput.sentPerSec : 0))) : sentSeconds;
  const peak = (values: number[]): number => (mode === 'segments' ? sum(values) : Math.max(...values));
  const partial = reports.filter((r) => r.partial);
  const merged: Report = {
    ...first,
    durationMs,
    partial: partial.length > 0,
    ...(partial.length ? { partialReason: partial.map((r) => r.partialReason ?? 'partial').join('; ') } : {}),
    settings: {
      ...first.settings,
      streams: peak(reports.map((r) => r.settings.streams)),
      connections: peak(reports.map((r) => r.settings.connections)),
      workers: peak(reports.map((r) => r.settings.workers)),
    },
    counts,
    throughput: {
      messagesPerSec: durationMs > 0 ? round2((counts.messagesReceived * 1000) / durationMs) : 0,
      sentPerSec: sendingSeconds > 0 ? round2(counts.messagesSent / sendingSeconds) : 0,
    },
    latencyMs: summarizeLatency(histogram),
    latencyUncorrectedMs: summarizeLatency(uncorrected),
    latencyBuckets: bucketize(histogram),
    ...auxFigures({
      sendLag: mergeHistograms(reports.map((r) => r.auxHistograms.sendLag)),
      timeToFirstResponse: mergeHistograms(reports.map((r) => r.auxHistograms.timeToFirstResponse)),
      streamDuration: mergeHistograms(reports.map((r) => r.auxHistograms.streamDuration)),
      messagesPerStream: mergeHistograms(reports.map((r) => r.auxHistograms.messagesPerStream)),
    }),
    statusCodes,
    ...(reports.every((r) => r.calls)
      ? {
          calls: callsReport(
            first.calls!.kind,
            statusCodes,
            mergeHistograms(reports.map((r) => r.calls!.histogram)),
            durationMs,
            reports.every((r) => r.calls!.okHistogram !== undefined) ? mergeHistograms(reports.map((r) => r.calls!.okHistogram!)) : undefined,
          ),
        }
      : {}),
    ...(reports.some((r) => r.flow) ? { flow: flowReport(reports.flatMap((r) => (r.flow ? [r.flow] : []))) } : {}),
    errorDetails: reports.reduce((acc, r) => addInto(acc, r.errorDetails), {} as Record<string, number>),
    connections: {
      opened: sum(reports.map((r) => r.connections.opened)),
      closed: sum(reports.map((r) => r.connections.closed)),
      peakActive: peak(reports.map((r) => r.connections.peakActive)),
    },
    streams: { peakActive: peak(reports.map((r) => r.streams.peakActive)) },
    generator: {
      saturated: reports.some((r) => r.generator.saturated),
      evidence: reports.flatMap((r, i) => r.generator.evidence.map((e) => `part ${i + 1}: ${e}`)),
      processCpuPercent: Math.max(...reports.map((r) => r.generator.processCpuPercent)),
      workers: reports.flatMap((r) => r.generator.workers),
      ...(reports.some((r) => r.generator.targetRate)
        ? {
            targetRate: assessTargetRate(
              {
                scheduled: sum(reports.map((r) => r.generator.targetRate?.scheduled ?? r.counts.messagesSent + r.counts.unsentAtStop)),
                sent: counts.messagesSent,
                sendingMs: sendingSeconds * 1000,
                sendsDeferred: counts.sendsDeferred,
                inFlightLimit: peak(reports.map((r) => r.settings.streams)) * first.settings.stream.window,
              },
              reports.some((r) => r.generator.saturated),
            ),
          }
        : {}),
    },
    intervals: mergeIntervals(reports, mode),
    histogram: encodeHistogram(histogram),
    uncorrectedHistogram: encodeHistogram(uncorrected),
    workerErrors: reports.flatMap((r) => r.workerErrors),
  };
  delete merged.thresholds;
  if (mode === 'sequential') merged.rounds = roundSpans(reports);
  else delete merged.rounds;
  const peerLimits = mergePeerLimits(reports, mode);
  if (peerLimits) merged.peerLimits = peerLimits;
  const versions = mergeVersions(reports, mode, counts.messagesReceived);
  if (versions) merged.versions = versions;
  else delete merged.versions;
  return merged;
}

type IntervalExtras = Pick<ReportInterval, 'statusCodes' | 'heapUsedBytes' | 'clientRssBytes' | 'targetMemoryBytes' | 'flow'>;

/**
 * Per-interval status codes and memory, kept only when every merged interval has them (flow figures
 * when any has them: a segment without a flow counted none). Each
 * segment is its own grpc-bench process, so heaps and client RSS add up (the whole generator's
 * memory); every segment watched the same target, so its readings are not added: the highest is kept.
 */
function mergedIntervalExtras(group: ReadonlyArray<ReportInterval>): IntervalExtras {
  const extras: IntervalExtras = {};
  if (group.every((i) => i.statusCodes)) {
    const codes: Record<string, number> = {};
    for (const i of group) for (const [name, n] of Object.entries(i.statusCodes!)) codes[name] = (codes[name] ?? 0) + n;
    extras.statusCodes = codes;
  }
  if (group.every((i) => i.heapUsedBytes !== undefined)) extras.heapUsedBytes = sum(group.map((i) => i.heapUsedBytes!));
  if (group.every((i) => i.clientRssBytes !== undefined)) extras.clientRssBytes = sum(group.map((i) => i.clientRssBytes!));
  if (group.every((i) => i.targetMemoryBytes !== undefined)) extras.targetMemoryBytes = Math.max(...group.map((i) => i.targetMemoryBytes!));
  const flow = mergedFlowInterval(group);
  if (flow) extras.flow = flow;
  return extras;
}
