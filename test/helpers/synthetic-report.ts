import { REPORT_SCHEMA_VERSION, type Report, type ReportInterval, type MemoryGrowthReport } from '../../src/report/report.js';
import { flowFiguresOf, flowInterval } from '../../src/report/flow-interval.js';
import { flowReport } from '../../src/report/flow-report.js';
import type { FlowIntervalFigures } from '../../src/types/flow-settings.js';
import { createLatencyHistogram, encodeHistogram, mergeHistograms, recordLatencyUs } from '../../src/stats/latency-histogram.js';
import { bucketize, summarizeLatency } from '../../src/stats/summarize-latency.js';

export interface SyntheticInterval {
  /** Recorded into this interval's histogram, ms. */
  latenciesMs: ReadonlyArray<number>;
  /** Default 1000. */
  durationMs?: number;
  /** Default: one response per latency, over durationMs. */
  messagesPerSec?: number;
  errors?: number;
  streamsFailed?: number;
  /** A flow's figures in this interval: each await's match latencies (ms) and timeouts, each check's passes and fails. */
  flow?: SyntheticFlowInterval;
}

export interface SyntheticFlowInterval {
  awaits: Record<string, { latenciesMs: ReadonlyArray<number>; timeouts?: number }>;
  checks?: Record<string, { passes: number; fails: number }>;
}

function intervalFlow(spec: SyntheticFlowInterval): FlowIntervalFigures {
  const awaits: FlowIntervalFigures['awaits'] = {};
  for (const [name, step] of Object.entries(spec.awaits)) {
    const histogram = createLatencyHistogram();
    for (const ms of step.latenciesMs) recordLatencyUs(histogram, ms * 1000);
    awaits[name] = { matched: step.latenciesMs.length, timeouts: step.timeouts ?? 0, matchHistogram: step.latenciesMs.length ? encodeHistogram(histogram) : '' };
  }
  const runs = Object.values(awaits).reduce((sum, step) => sum + step.matched + step.timeouts, 0);
  return { runsStarted: runs, runsCompleted: runs, runsTimedOut: 0, unsolicited: 0, awaits, checks: { ...spec.checks } };
}

export interface SyntheticReportOptions {
  name?: string;
  startedAt?: string;
  /** Target memory growth, bytes/min: adds memory.target. */
  targetGrowthBytesPerMin?: number;
}

/** Uniform numbers in [0, 1) from a seed: repeatable test noise (xorshift32). */
export function seededUniform(seed: number): () => number {
  let state = (seed * 2654435761) >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}

/** `count` latencies spread evenly over [centerMs·(1 − spread), centerMs·(1 + spread)], plus a 1 % tail at 3×. */
export function latencySpread(centerMs: number, count = 200, spread = 0.2): number[] {
  const values = Array.from({ length: count }, (_, i) => centerMs * (1 - spread + (2 * spread * i) / Math.max(count - 1, 1)));
  for (let i = 0; i < Math.floor(count / 100); i++) values[i] = centerMs * 3;
  return values;
}

const growth = (growthBytesPerMin: number): MemoryGrowthReport => ({ startBytes: 50e6, peakBytes: 60e6, endBytes: 55e6, growthBytesPerMin, r2: 0.5, samples: 12, fittedSamples: 10, fittedSpanMs: 30_000 });

/** A complete, schema-valid Report whose intervals carry exactly the given latencies and rates. */
export function syntheticReport(intervals: ReadonlyArray<SyntheticInterval>, options: SyntheticReportOptions = {}): Report {
  let tMs = 0;
  const built: ReportInterval[] = intervals.map((spec) => {
    const histogram = createLatencyHistogram();
    for (const ms of spec.latenciesMs) recordLatencyUs(histogram, ms * 1000);
    const durationMs = spec.durationMs ?? 1000;
    tMs += durationMs;
    const summary = summarizeLatency(histogram);
    const received = spec.latenciesMs.length;
    return {
      tMs,
      durationMs,
      messagesSent: received,
      messagesReceived: received,
      messagesFailed: 0,
      errors: spec.errors ?? 0,
      streamsOpened: 0,
      streamsCompleted: 0,
      streamsFailed: spec.streamsFailed ?? 0,
      messagesPerSec: spec.messagesPerSec ?? (received * 1000) / durationMs,
      p50Ms: summary.p50,
      p99Ms: summary.p99,
      activeStreams: 8,
      activeConnections: 1,
      sendsDeferred: 0,
      maxEventLoopUtilization: 0.5,
      histogram: encodeHistogram(histogram),
      ...(spec.flow ? { flow: flowInterval([intervalFlow(spec.flow)]) } : {}),
    };
  });
  // The run's flow figures: the intervals' counts summed, their histograms merged.
  const figures = flowFiguresOf(built);
  const flow = figures ? flowReport([figures]) : undefined;
  const merged = mergeHistograms(built.map((i) => i.histogram));
  const latencyMs = summarizeLatency(merged);
  const sum = (key: 'messagesSent' | 'errors' | 'streamsFailed'): number => built.reduce((total, i) => total + i[key], 0);
  const empty = summarizeLatency(createLatencyHistogram());
  const encoded = encodeHistogram(merged);
  const emptyEncoded = encodeHistogram(createLatencyHistogram());
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'grpc-bench', version: '0.0.0-test' },
    name: options.name ?? 'synthetic',
    target: 'embedded (synthetic)',
    call: 'pb.OrderService/CreateOrderStream',
    startedAt: options.startedAt ?? '2026-01-01T00:00:00.000Z',
    durationMs: tMs,
    partial: false,
    settings: { streams: 8, connections: 1, workers: 1, durationMs: tMs, stream: { intervalMs: 0, window: 1 }, insecure: true, metadata: {}, proto: 'order.proto' },
    counts: {
      streamsOpened: 8,
      streamsCompleted: 8 - sum('streamsFailed'),
      streamsFailed: sum('streamsFailed'),
      streamsCancelled: 0,
      messagesSent: sum('messagesSent'),
      messagesReceived: sum('messagesSent'),
      messagesFailed: 0,
      inFlightAtStop: 0,
      errors: sum('errors'),
      sendsDeferred: 0,
      unsentAtStop: 0,
    },
    loadModel: 'closed',
    throughput: { messagesPerSec: tMs ? (sum('messagesSent') * 1000) / tMs : 0, sentPerSec: tMs ? (sum('messagesSent') * 1000) / tMs : 0 },
    latencyMs,
    latencyUncorrectedMs: latencyMs,
    sendLagMs: empty,
    streamStats: { timeToFirstResponseMs: empty, durationMs: empty, messagesPerStream: { min: 0, mean: 0, p50: 0, p99: 0, max: 0 } },
    auxHistograms: { sendLag: emptyEncoded, timeToFirstResponse: emptyEncoded, streamDuration: emptyEncoded, messagesPerStream: emptyEncoded },
    generator: { saturated: false, evidence: [], processCpuPercent: 50, workers: [] },
    memory: {
      client: growth(0),
      clientHeap: growth(0),
      ...(options.targetGrowthBytesPerMin === undefined ? {} : { target: { ...growth(options.targetGrowthBytesPerMin), source: 'synthetic' } }),
    },
    latencyBuckets: bucketize(merged),
    statusCodes: { OK: 8 },
    warmupMs: 0,
    errorDetails: {},
    connections: { opened: 1, closed: 1, peakActive: 1 },
    streams: { peakActive: 8 },
    ...(flow ? { flow } : {}),
    intervals: built,
    histogram: encoded,
    uncorrectedHistogram: encoded,
    workerErrors: [],
  };
}
