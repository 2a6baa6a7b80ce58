import type { WorkerCountChoice } from '../plan/choose-worker-count.js';
import { addCounters, emptyCounters, type IntervalSnapshot, type WorkerResult } from '../types/worker-protocol.js';
import type { MonitorPlan, ReportPlan } from '../plan/run-plan.js';
import { encodeHistogram, mergeHistograms, type LatencyHistogram } from '../stats/latency-histogram.js';
import { bucketize, summarizeLatency } from '../stats/summarize-latency.js';
import { mergeCallSamples } from '../stats/call-reservoir.js';
import { TOOL_VERSION } from '../tool-version.js';
import { memoryGrowth, type MemorySample, type MemorySeries, type TimeSpan } from '../stats/memory-growth.js';
import { assessGenerator } from './assess-generator.js';
import { withMemorySamples } from './interval-memory.js';
import { reportSettings } from './report-settings.js';
import { callsReport } from './calls-report.js';
import { flowReport, versionFlowReport } from './flow-report.js';
import { mergedFlowInterval } from './flow-interval.js';
import { peerLimitsReport } from './peer-limits-report.js';
import type { PeerSettings } from '../driver/peer-settings.js';
import { REPORT_SCHEMA_VERSION, type Report, type ReportInterval, type VersionReport } from './report.js';
import { versionInterval, versionReport, type VersionPart } from './version-report.js';


function addInto(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
}

/** The snapshots after the warm-up, grouped by interval number, in interval order. */
function measuredByIndex(snapshots: ReadonlyArray<IntervalSnapshot>): Array<[number, IntervalSnapshot[]]> {
  const byIndex = new Map<number, IntervalSnapshot[]>();
  for (const snapshot of snapshots) {
    if (snapshot.warmup) continue;
    const group = byIndex.get(snapshot.index);
    if (group) group.push(snapshot);
    else byIndex.set(snapshot.index, [snapshot]);
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]);
}

/**
 * Sums the workers' interval snapshots by interval number. Every counter and histogram value
 * was sent in exactly one snapshot, so these sum to the run's totals.
 */
export function buildIntervals(snapshots: ReadonlyArray<IntervalSnapshot>): ReportInterval[] {
  return measuredByIndex(snapshots).map(([, group]) => {
    const counters = emptyCounters();
    for (const snapshot of group) addCounters(counters, snapshot.counters);
    const histogram = mergeHistograms(group.map((s) => s.histogram));
    const durationMs = Math.max(...group.map((s) => s.durationMs));
    const summary = summarizeLatency(histogram);
    const flow = mergedFlowInterval(group);
    return {
      tMs: Math.round(Math.max(...group.map((s) => s.endMs))),
      durationMs: Math.round(durationMs),
      messagesSent: counters.messagesSent,
      messagesReceived: counters.messagesReceived,
      messagesFailed: counters.messagesFailed,
      errors: counters.errors,
      streamsOpened: counters.streamsOpened,
      streamsCompleted: counters.streamsCompleted,
      streamsFailed: counters.streamsFailed,
      messagesPerSec: durationMs > 0 ? round2((counters.messagesReceived * 1000) / durationMs) : 0,
      p50Ms: summary.p50,
      p99Ms: summary.p99,
      activeStreams: group.reduce((sum, s) => sum + s.activeStreams, 0),
      activeConnections: group.reduce((sum, s) => sum + s.activeConnections, 0),
      sendsDeferred: counters.sendsDeferred,
      maxEventLoopUtilization: Math.round(Math.max(...group.map((s) => s.eventLoopUtilization)) * 1000) / 1000,
      histogram: encodeHistogram(histogram),
      statusCodes: intervalStatusCodes(group),
      heapUsedBytes: group.reduce((sum, s) => sum + s.heapUsedBytes, 0),
      ...(flow ? { flow } : {}),
    };
  });
}

function intervalStatusCodes(group: ReadonlyArray<IntervalSnapshot>): Record<string, number> {
  const codes: Record<string, number> = {};
  for (const snapshot of group) addInto(codes, snapshot.statusCodes);
  return codes;
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

export interface BuildReportInput {
  /** The run as planned (all a run journal keeps of it). */
  plan: ReportPlan;
  /** The address load went to (the embedded service's real address, for example). */
  target: string;
  protoPath: string;
  startedAt: Date;
  results: ReadonlyArray<WorkerResult>;
  snapshots: ReadonlyArray<IntervalSnapshot>;
  partialReason?: string;
  workerErrors: string[];
  /** Process CPU time over the load, µs. */
  processCpuUs: number;
  /** Wall time over which processCpuUs was measured (start-up included), ms. */
  processWallMs: number;
  /**
   * The grpc-bench process's RSS, sampled on the intervals' clock (ms since the load started); its growth is fitted on the span the load ran (after the
   * warm-up, until sending stopped) when the caller knows it, else on every sample.
   */
  clientRss: MemorySeries;
  /** On the intervals' clock, as clientRss. */
  targetMemory?: MemorySeries & { source: string };
  /** `load.workers: auto`: the probes and the count they chose. */
  workerChoice?: WorkerCountChoice;
  /** The server's SETTINGS as read before load. */
  peer?: PeerSettings;
  /** How memory was watched; absent when not known (a report rebuilt from a run journal). */
  monitor?: MonitorPlan;
  /** Figures the caller had no measurement of (a report rebuilt from a run journal): zeros stand in for them. */
  notMeasured?: NonNullable<Report['notMeasured']>;
}

function nonEmpty(encoded: ReadonlyArray<string | undefined>): string[] {
  return encoded.filter((h): h is string => h !== undefined && h !== '');
}

/** Worker heaps summed per interval, timed at the interval's end (the latest worker's), in ms since the load started. */
function workerHeapSamples(snapshots: ReadonlyArray<IntervalSnapshot>): MemorySample[] {
  const byIndex = new Map<number, MemorySample>();
  for (const s of snapshots) {
    const sample = byIndex.get(s.index) ?? { tMs: 0, bytes: 0 };
    sample.tMs = Math.max(sample.tMs, s.endMs);
    sample.bytes += s.heapUsedBytes;
    byIndex.set(s.index, sample);
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, sample]) => sample);
}

/** When every worker was loading, on the workers' own clock: after the warm-up, until the first stopped sending. */
function workerLoadSpan(warmupMs: number, results: ReadonlyArray<WorkerResult>): TimeSpan {
  return { fromMs: warmupMs, toMs: Math.min(...results.map((r) => r.sendingMs)) };
}

type AuxHistograms = Record<keyof Report['auxHistograms'], LatencyHistogram>;

/** sendLagMs, streamStats and the histograms behind them; also used when merging reports. */
export function auxFigures(h: AuxHistograms): Pick<Report, 'sendLagMs' | 'streamStats' | 'auxHistograms'> {
  return {
    sendLagMs: summarizeLatency(h.sendLag),
    streamStats: {
      timeToFirstResponseMs: summarizeLatency(h.timeToFirstResponse),
      durationMs: summarizeLatency(h.streamDuration),
      messagesPerStream: countSummary(h.messagesPerStream),
    },
    auxHistograms: {
      sendLag: encodeHistogram(h.sendLag),
      timeToFirstResponse: encodeHistogram(h.timeToFirstResponse),
      streamDuration: encodeHistogram(h.streamDuration),
      messagesPerStream: encodeHistogram(h.messagesPerStream),
    },
  };
}

function countSummary(histogram: ReturnType<typeof mergeHistograms>) {
  const n = histogram.totalCount;
  return {
    min: n ? histogram.minNonZeroValue : 0,
    mean: n ? Math.round(histogram.mean * 100) / 100 : 0,
    p50: n ? histogram.getValueAtPercentile(50) : 0,
    p99: n ? histogram.getValueAtPercentile(99) : 0,
    max: n ? histogram.maxValue : 0,
  };
}

/** Split runs: each label's merged histogram and its own interval series. */
export function buildVersions(
  results: ReadonlyArray<WorkerResult>,
  snapshots: ReadonlyArray<IntervalSnapshot>,
  totalReceived: number,
): Record<string, VersionReport> {
  // A flow's versions may include one no response was counted for (its runs all timed out).
  const labels = new Set(results.flatMap((r) => [...Object.keys(r.labels ?? {}), ...Object.keys(r.flowVersions ?? {})]));
  const groups = measuredByIndex(snapshots);
  const versions: Record<string, VersionReport> = {};
  for (const label of [...labels].sort()) {
    const histogram = mergeHistograms(results.map((r) => r.labels?.[label]?.histogram).filter((h): h is string => Boolean(h)));
    const received = results.reduce((sum, r) => sum + (r.labels?.[label]?.messagesReceived ?? 0), 0);
    const intervals = groups.map(([, group]) => {
      const durationMs = Math.max(...group.map((s) => s.durationMs));
      const parts = group.map((s) => s.labels?.[label]).filter((p): p is VersionPart => Boolean(p));
      return versionInterval(Math.max(...group.map((s) => s.endMs)), durationMs, parts, mergedFlowInterval(group.map((s) => ({ flow: s.flowVersions?.[label] }))));
    });
    const flows = results.flatMap((r) => (r.flowVersions?.[label] ? [r.flowVersions[label]] : []));
    // A label only matched responses had (not a flow run's first) has no flow figures.
    versions[label] = { ...versionReport(histogram, received, totalReceived, intervals), ...(flows.length ? { flow: versionFlowReport(flows) } : {}) };
  }
  return versions;
}

/** Without the workers' health figures, the zeros standing in for them must not read as a healthy generator. */
function withoutHealth(notMeasured: BuildReportInput['notMeasured'], generator: Report['generator']): Report['generator'] {
  if (!notMeasured?.includes('generatorHealth')) return generator;
  return { ...generator, evidence: ['not known: no generator figures were measured (event-loop delay, CPU)'] };
}

/** Workers' results → the Report: merged histogram, summed counters, derived figures. */
export function buildReport(input: BuildReportInput): Report {
  const { plan, results } = input;
  const counters = emptyCounters();
  const statusCodes: Record<string, number> = {};
  const errorDetails: Record<string, number> = {};
  for (const result of results) {
    addCounters(counters, result.counters);
    addInto(statusCodes, result.statusCodes);
    addInto(errorDetails, result.errorDetails);
  }
  const histogram = mergeHistograms(nonEmpty(results.map((r) => r.histogram)));
  const openModel = plan.load.rateSchedule !== undefined;
  const uncorrected = openModel ? mergeHistograms(nonEmpty(results.map((r) => r.uncorrectedHistogram))) : histogram;
  const latencyUncorrectedMs = summarizeLatency(uncorrected);
  const latencyMs = summarizeLatency(histogram);
  const durationMs = Math.max(0, Math.max(0, ...results.map((r) => r.elapsedMs)) - plan.load.warmupMs);
  // Warm-up is excluded from the counts, so it is excluded from the time they are divided by.
  const sendingMs = Math.max(0, ...results.map((r) => r.sendingMs)) - plan.load.warmupMs;
  const inFlightAtStop = results.reduce((sum, r) => sum + r.inFlightAtStop, 0);
  const clientMemory = memoryGrowth(input.clientRss.samples, input.clientRss.fitSpan);
  const peakActiveStreams = results.reduce((sum, r) => sum + r.peakActiveStreams, 0);
  const unsentAtStop = results.reduce((sum, r) => sum + r.unsentAtStop, 0);
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'grpc-bench', version: TOOL_VERSION },
    name: plan.name,
    target: input.target,
    call: plan.call,
    ...(plan.segment ? { segment: { index: plan.segment.index, count: plan.segment.count } } : {}),
    startedAt: input.startedAt.toISOString(),
    durationMs: Math.round(durationMs),
    partial: input.partialReason !== undefined,
    ...(input.partialReason === undefined ? {} : { partialReason: input.partialReason }),
    settings: reportSettings(plan, input.protoPath, input.workerChoice, input.monitor),
    counts: {
      streamsOpened: counters.streamsOpened,
      streamsCompleted: counters.streamsCompleted,
      streamsFailed: counters.streamsFailed,
      streamsCancelled: counters.streamsCancelled,
      ...(counters.callsEndedByClient ? { callsEndedByClient: counters.callsEndedByClient } : {}),
      ...(counters.callsSkipped ? { callsSkipped: counters.callsSkipped } : {}),
      messagesSent: counters.messagesSent,
      messagesReceived: counters.messagesReceived,
      messagesFailed: counters.messagesFailed,
      inFlightAtStop,
      errors: counters.errors,
      sendsDeferred: counters.sendsDeferred,
      unsentAtStop,
    },
    loadModel: openModel ? 'open' : 'closed',
    warmupMs: plan.load.warmupMs,
    throughput: {
      messagesPerSec: durationMs > 0 ? round2((counters.messagesReceived * 1000) / durationMs) : 0,
      sentPerSec: sendingMs > 0 ? round2((counters.messagesSent * 1000) / sendingMs) : 0,
    },
    latencyMs,
    latencyUncorrectedMs,
    ...auxFigures({
      sendLag: mergeHistograms(nonEmpty(results.map((r) => r.sendLagHistogram))),
      timeToFirstResponse: mergeHistograms(nonEmpty(results.map((r) => r.streamFirstResponseHistogram))),
      streamDuration: mergeHistograms(nonEmpty(results.map((r) => r.streamDurationHistogram))),
      messagesPerStream: mergeHistograms(nonEmpty(results.map((r) => r.messagesPerStreamHistogram))),
    }),
    generator: withoutHealth(input.notMeasured, assessGenerator({
      workers: results.map((r) => r.generator),
      openModel,
      processCpuUs: input.processCpuUs,
      durationMs: input.processWallMs,
      latencyP99Ms: latencyMs.p99,
      serviceP99Ms: latencyUncorrectedMs.p99,
      ...(openModel
        ? {
            schedule: {
              // A worker that crashed reported no schedule: what it sent and left unsent stands for it.
              scheduled: results.reduce((sum, r) => sum + (r.messagesScheduled ?? r.counters.messagesSent + r.unsentAtStop), 0),
              sent: counters.messagesSent,
              sendingMs,
              sendsDeferred: counters.sendsDeferred,
              inFlightLimit: plan.load.streams * plan.stream.window,
            },
          }
        : {}),
    })),
    memory: {
      client: clientMemory,
      clientHeap: memoryGrowth(workerHeapSamples(input.snapshots), workerLoadSpan(plan.load.warmupMs, results)),
      ...(input.targetMemory ? { target: { source: input.targetMemory.source, ...memoryGrowth(input.targetMemory.samples, input.targetMemory.fitSpan) } } : {}),
      ...(peakActiveStreams > 0 ? { perStreamBytes: Math.round(Math.max(clientMemory.peakBytes - clientMemory.startBytes, 0) / peakActiveStreams) } : {}),
    },
    latencyBuckets: bucketize(histogram),
    callSample: mergeCallSamples(results.flatMap((r) => (r.callSample ? [r.callSample] : []))),
    statusCodes,
    calls: callsReport(
      plan.callKind ?? 'bidi',
      statusCodes,
      mergeHistograms(nonEmpty(results.map((r) => r.callLatencyHistogram))),
      durationMs,
      mergeHistograms(nonEmpty(results.map((r) => r.okCallLatencyHistogram))),
    ),
    ...(results.some((r) => r.flow) ? { flow: flowReport(results.flatMap((r) => (r.flow ? [r.flow] : []))) } : {}),
    errorDetails,
    connections: {
      opened: counters.connectionsOpened,
      closed: counters.connectionsClosed,
      peakActive: results.reduce((sum, r) => sum + r.peakActiveConnections, 0),
    },
    streams: { peakActive: peakActiveStreams },
    ...(input.peer ? { peerLimits: peerLimitsReport(input.peer, plan, results) } : {}),
    intervals: withMemorySamples(buildIntervals(input.snapshots), { clientRss: input.clientRss.samples, ...(input.targetMemory ? { target: input.targetMemory.samples } : {}) }),
    ...(plan.split ? { versions: buildVersions(results, input.snapshots, counters.messagesReceived) } : {}),
    histogram: encodeHistogram(histogram),
    uncorrectedHistogram: encodeHistogram(uncorrected),
    workerErrors: input.workerErrors,
    ...(input.notMeasured ? { notMeasured: input.notMeasured } : {}),
  };
  return report;
}
