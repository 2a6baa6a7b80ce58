// Over 300 lines: the one Report type, each field documented where it is declared (each shape declared once).
import type { LoadBalancingPolicy } from '../types/load-balancing.js';
import type { StreamSettings } from '../types/stream-settings.js';
import type { MemoryGrowth } from '../stats/memory-growth.js';
import type { WorkerCountChoice } from '../plan/choose-worker-count.js';
import type { GeneratorHealth } from '../types/worker-protocol.js';
import type { CallKind } from '../types/call-kind.js';
import type { AwaitIntervalFigures, AwaitStepFigures, FlowFigures, FlowIntervalFigures, VersionFlowFigures } from '../types/flow-settings.js';
import type { HistogramBucket, LatencySummaryMs } from '../stats/summarize-latency.js';
import type { CallSample } from '../types/worker-protocol.js';

/** Bumped whenever a field changes meaning or is removed; additions keep the version. */
export const REPORT_SCHEMA_VERSION = 1;

/** One interval of the run (1 s by default), summed over workers. */
export interface ReportInterval {
  /** End of the interval, ms since the load started. */
  tMs: number;
  durationMs: number;
  messagesSent: number;
  messagesReceived: number;
  messagesFailed: number;
  errors: number;
  streamsOpened: number;
  streamsCompleted: number;
  streamsFailed: number;
  messagesPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Streams and connections open at the end of the interval. */
  activeStreams: number;
  activeConnections: number;
  /** Open model: scheduled requests that could not go out on time in this interval. */
  sendsDeferred: number;
  /** Busiest worker's event-loop utilisation in this interval, 0..1. */
  maxEventLoopUtilization: number;
  /** This interval's latencies (µs), HdrHistogram compressed base64. */
  histogram: string;
  /** Streams that ended in this interval, by gRPC status name; absent in reports from before the field. */
  statusCodes?: Record<string, number>;
  /** Worker threads' V8 heaps in use at the end of the interval, summed, bytes; absent in reports from before the field. */
  heapUsedBytes?: number;
  /** The grpc-bench process's resident set size, the sample nearest the interval's end, bytes; absent without client samples. */
  clientRssBytes?: number;
  /** The target's memory (as `memory.target.source` says), the sample nearest the interval's end, bytes; absent when the target was not watched. */
  targetMemoryBytes?: number;
  /** With a flow: its figures in this interval, every worker merged; absent without a flow and in reports from before the field. */
  flow?: FlowIntervalReport;
}

/** One threshold of the scenario, checked against the finished run. */
export interface ThresholdResult {
  /** The metric as written in the scenario (`p99`, `errorRate`, `messagesPerSec`, …). */
  metric: string;
  /** The condition as written (`<50ms`). */
  condition: string;
  /** The observed value, in `unit`. */
  actual: number;
  /** The limit the condition compares against, in `unit`. */
  limit: number;
  /** `ms`, `%`, `msg/s`, `bytes/min`, `count`. */
  unit: string;
  pass: boolean;
  abortOnFail: boolean;
  /** Why the run has no value for the metric (then `actual` is NaN, null in JSON, and the threshold fails). */
  noData?: string;
}

export interface ThresholdsReport {
  results: ThresholdResult[];
  /** True when every threshold passed. */
  passed: boolean;
  /** Set when an abortOnFail threshold stopped the run early. */
  abortedBy?: string;
}

export interface VersionReport {
  messagesReceived: number;
  /** Share of all responses, 0..1. */
  share: number;
  latencyMs: LatencySummaryMs;
  /** Per interval, for the statistical judge; `flow`: with a flow, this version's flow figures of the interval (as `intervals[].flow`). */
  intervals: Array<{ tMs: number; durationMs: number; messagesReceived: number; messagesPerSec: number; p50Ms: number; p99Ms: number; histogram: string; flow?: FlowIntervalReport }>;
  histogram: string;
  /** With a flow: this version's flow runs, awaits and checks (docs/flows.md, "Flows in a split run"); absent without a flow or in reports from before the field. */
  flow?: VersionFlowReport;
}

/** One version's flow figures: FlowReport's shape (`sends` empty: sends are not split) and the runs that saw another version too. */
export type VersionFlowReport = FlowReport & Pick<VersionFlowFigures, 'runsMixedVersions'>;

export interface GeneratorReport {
  /** True when the load generator's own queueing likely inflated the latencies. */
  saturated: boolean;
  /** Why it is (or is not) considered saturated, one line per finding. */
  evidence: string[];
  /** Process CPU time (all threads, start-up included) per second of wall time, as a percentage of one core. */
  processCpuPercent: number;
  workers: GeneratorHealth[];
  /** Open model: whether the scheduled rate went out, and if not, what held it back. Absent in the closed model. */
  targetRate?: TargetRateReport;
}

/** The open model's schedule against what was sent. */
export interface TargetRateReport {
  /** At least 99 % of the scheduled requests went out. */
  reached: boolean;
  /**
   * Requests the schedule had due after the warm-up, until sending stopped. Without a warm-up
   * this is `counts.messagesSent + counts.unsentAtStop` exactly; with one, requests due in the
   * warm-up that went out after it count in `messagesSent` (and those never sent in `unsentAtStop`) but not here.
   */
  scheduled: number;
  /** `counts.messagesSent`. */
  sent: number;
  /** sent / scheduled × 100 (100 when nothing was scheduled). */
  sentPercent: number;
  /** scheduled and sent per second of sending time (as `throughput.sentPerSec`), msg/s. */
  scheduledPerSec: number;
  sentPerSec: number;
  /**
   * Not reached: `generator` when it was saturated (see `evidence`: its event loop was busy or
   * late, or requests went out late although a stream had room); otherwise `target`: no stream had
   * room, because responses came back too slowly for the requests allowed in flight.
   */
  limitedBy?: 'generator' | 'target';
  /** The verdict in one line, as the console prints it. */
  summary: string;
}

/**
 * One memory series. Start, peak and end come from every sample, start-up and shutdown
 * included; the slope and r² only from the samples taken while the load ran (after the
 * warm-up, until sending stopped), so start-up growth and the drop at shutdown do not tilt them.
 * Below 10 fitted samples or 30 s the slope is not judged (see trendShortfall).
 */
export type MemoryGrowthReport = MemoryGrowth;

export interface ReportSettings {
  streams: number;
  connections: number;
  workers: number;
  /** `load.workers: auto`: each probe's throughput (msg/s) and worker utilisation, the count chosen and why. */
  workerChoice?: WorkerCountChoice;
  durationMs?: number;
  messages?: number;
  /** `load.calls`: the calls (RPCs) this process was to make; absent without a count. */
  calls?: number;
  /** The scenario's `stream` section, ms (`timeoutMs` since the per-message timeout is kept). */
  stream: StreamSettings;
  insecure: boolean;
  /** The wire implementation the run used; absent in reports from before the choice existed (grpc-js). */
  transport?: 'grpc-js' | 'http2';
  /** How each connection's calls used the addresses the target resolved to (`loadBalancing`, ghz's --lb-strategy); absent in reports from before the choice existed (pick_first). */
  loadBalancing?: LoadBalancingPolicy;
  /** The largest response message accepted, bytes; absent in reports from before the limit was kept (none). */
  maxReceiveMessageBytes?: number;
  /** Values of secret-looking keys are redacted. */
  metadata: Record<string, string>;
  /** The .proto file, or "server reflection". */
  proto: string;
  /** The TLS files used (paths as in the scenario, never their contents) and the server name. */
  tls?: { cacert?: string; cert?: string; key?: string; serverName?: string };
  /** The scenario's thresholds as written, so that `grpc-bench merge` can judge the merged report again. */
  thresholds?: Array<{ metric: string; condition: string; abortOnFail: boolean }>;
  /** Open model: the message rate as planned for this process (msg/s; a segment's share); absent in the closed model and in older reports. */
  rateSchedule?: ReportSchedule;
  /** `load.stages` with `streams`: the active streams as planned; absent without. */
  streamSchedule?: ReportSchedule;
  /** `split`: the response field or `header:<name>` the results are split by, and the streams given routing metadata (secret-looking values redacted). */
  split?: { by: string; routed?: { share: number; metadata: Record<string, string> } };
  /** How memory was watched: the target's pid or metrics URL (user, password and secret-looking query values redacted), the sampling period and the live metrics port; absent in older reports and in reports rebuilt from a journal. */
  monitor?: { pid?: number; metricsUrl?: string; intervalMs: number; metricsPort?: number };
}

/** A load schedule as the report keeps it: from `initial`, each stage ramps or holds to `value`; a stage without `durationMs` lasts to the end of the run. */
export interface ReportSchedule {
  initial: number;
  stages: Array<{ durationMs?: number; value: number; ramp: boolean }>;
}

/** The server's HTTP/2 SETTINGS, read once before load, and how far they held the run's concurrency back. */
export interface PeerLimitsReport {
  /** SETTINGS_MAX_CONCURRENT_STREAMS; absent when the server advertised none. */
  maxConcurrentStreams?: number;
  /** SETTINGS_MAX_HEADER_LIST_SIZE, bytes; absent when the server advertised none (the run then checked its headers against 8 KiB). */
  maxHeaderListSizeBytes?: number;
  /** Present when the server capped concurrency: fewer streams ran at once than the scenario asked for. */
  capped?: {
    /** The limit a connection's extra streams were held back by, or the refusals when the server refused streams. */
    by: 'SETTINGS_MAX_CONCURRENT_STREAMS' | 'REFUSED_STREAM';
    /** Stream slots the scenario asked for (load.streams). */
    streamsAsked: number;
    connections: number;
    /** Slots that ran: at most the limit on each connection. */
    streamsAccepted: number;
    /** Slots that never opened: they waited the whole run, neither active nor failed. */
    streamsHeldBack: number;
    /** The most streams open at once on one connection. */
    peakStreamsPerConnection: number;
    /** Streams the server refused (RST_STREAM REFUSED_STREAM); also in streamsFailed as UNAVAILABLE. */
    streamsRefused: number;
  };
}

/** What ghz's report formats need beyond the figures, set by `grpc-bench ghz`. */
export interface GhzRunInfo {
  /** ghz's settings by their names (flags and config file merged; secret-looking metadata values redacted). */
  options: Record<string, unknown>;
  tags?: Record<string, string>;
  /** The calls asked for (`-n`), when a count was asked for. */
  callsPlanned?: number;
}

/** Everything one run measured. Reporters render it; compare and gate read it back from JSON. */
export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: 'grpc-bench'; version: string };
  name: string;
  target: string;
  call: string;
  /** `--segment i/n`: this report is part `index` (from 1) of `count` of one run; `grpc-bench merge` joins the parts. */
  segment?: { index: number; count: number };
  /** A merged report: the segments it was merged from (`indexes`) out of `count`. */
  mergedSegments?: { count: number; indexes: number[] };
  /** ISO 8601. */
  startedAt: string;
  /** Load time after the warm-up: from `warmupMs` after the load started to the last stream ended, drain included, ms (the longest worker). */
  durationMs: number;
  /** True when the run did not go to its planned end (interrupted, a worker crashed). */
  partial: boolean;
  partialReason?: string;
  settings: ReportSettings;
  counts: {
    streamsOpened: number;
    streamsCompleted: number;
    streamsFailed: number;
    /** Cancelled by grpc-bench when the drain timeout ran out at the end of the run, when half-closed with every request answered it still received responses, or still open in a worker that crashed. */
    streamsCancelled: number;
    /** Server-streaming calls the client ended on purpose after `stream.messages` responses or `stream.duration`: counted in streamsCompleted and as OK; absent when none. */
    callsEndedByClient?: number;
    /** The first calls of the run left out of every figure (`load.skipCalls`, ghz's --skipFirst), not in streamsOpened or any other count; absent when none. */
    callsSkipped?: number;
    messagesSent: number;
    messagesReceived: number;
    /** Requests whose stream ended before their response came. */
    messagesFailed: number;
    /** Requests still unanswered when the run stopped. sent = received + failed + inFlightAtStop. */
    inFlightAtStop: number;
    errors: number;
    /** Open model: scheduled requests that found no stream with room when they fell due (window full, back-pressure). */
    sendsDeferred: number;
    /** Open model: requests due when sending stopped and never sent; without a warm-up, messagesSent + unsentAtStop = generator.targetRate.scheduled. */
    unsentAtStop: number;
  };
  /** `open` (a target rate, paced on a schedule) or `closed` (each stream sends when its window frees). */
  loadModel: 'open' | 'closed';
  throughput: {
    /** Responses received per second of load time (durationMs, drain included). */
    messagesPerSec: number;
    /** Requests sent per second while sending (excludes the drain): the open model's achieved rate. */
    sentPerSec: number;
  };
  /** Latency of every response. Open model: from when the request was due (coordinated omission corrected). */
  latencyMs: LatencySummaryMs;
  /** From when the request was actually sent; equal to latencyMs in the closed model. */
  latencyUncorrectedMs: LatencySummaryMs;
  /** Open model: how late the deferred sends went out. */
  sendLagMs: LatencySummaryMs;
  streamStats: {
    /** From a stream's first request to its first response. */
    timeToFirstResponseMs: LatencySummaryMs;
    /** From open to end, per finished stream. */
    durationMs: LatencySummaryMs;
    /** Responses per finished stream (a count, not ms). */
    messagesPerStream: { min: number; mean: number; p50: number; p99: number; max: number };
  };
  /** The HDR histograms behind sendLagMs and streamStats (compressed base64), so reports merge losslessly. */
  auxHistograms: { sendLag: string; timeToFirstResponse: string; streamDuration: string; messagesPerStream: string };
  generator: GeneratorReport;
  memory: {
    /** The grpc-bench process (all threads): resident set size. */
    client: MemoryGrowthReport;
    /** Worker threads' V8 heaps, summed. */
    clientHeap: MemoryGrowthReport;
    /** The target, when it can be watched (embedded, monitor.pid or monitor.metricsUrl). */
    target?: MemoryGrowthReport & { source: string };
    /** Client memory per stream: (client RSS peak − start) / streams.peakActive, bytes; absent without streams. */
    perStreamBytes?: number;
  };
  /** ghz-style response-time histogram (equal-width buckets, ms). */
  latencyBuckets: HistogramBucket[];
  /**
   * A uniform random sample of the finished calls (streams; CALL_SAMPLE_SIZE at most, however long
   * the run): ghz's per-call `details`. Absent in reports from before the field.
   */
  callSample?: CallSample;
  /** `grpc-bench ghz`: ghz's settings as given, for the `options` and `tags` of ghz's report formats. */
  ghz?: GhzRunInfo;
  /** Stream (call) outcomes by gRPC status name. */
  statusCodes: Record<string, number>;
  /** Calls: their kind, count, rate and whole-call latency; absent in reports from before calls were counted. */
  calls?: CallsReport;
  /** `stream.flow`: flow runs, each send and await step, checks and unsolicited responses (docs/flows.md); absent without a flow. */
  flow?: FlowReport;
  /** Warm-up excluded from every statistic, ms. */
  warmupMs: number;
  /** "STATUS: details" → count. */
  errorDetails: Record<string, number>;
  connections: { opened: number; closed: number; peakActive: number };
  streams: { peakActive: number };
  /** Absent when the server's SETTINGS could not be read before load. */
  peerLimits?: PeerLimitsReport;
  intervals: ReportInterval[];
  /** All latencies (µs), HdrHistogram compressed base64: merge it, re-compute any percentile. */
  histogram: string;
  uncorrectedHistogram: string;
  /** Split runs: results by label (e.g. version from served_by), all in the same run. */
  versions?: Record<string, VersionReport>;
  /** Present when the scenario has thresholds. */
  thresholds?: ThresholdsReport;
  /** Worker failures, if any. */
  workerErrors: string[];
  /**
   * Figures this report holds no data for, their fields left at zero: a report rebuilt from a
   * run journal has no stream statistics, client memory samples or generator health.
   */
  notMeasured?: NotMeasured[];
  /**
   * Interleaved canary rounds merged one after another (a side's baseline.json or
   * candidate.json): where each round's intervals lie, so that `compare` judges the rounds
   * again exactly as the run did.
   */
  rounds?: RoundSpan[];
}

/** `errorCounts`: one version's view of a split run (compare --versions), whose errors and failed streams are the whole run's, not the version's. */
export type NotMeasured = 'streamStats' | 'clientMemory' | 'generatorHealth' | 'errorCounts';

/**
 * Calls (RPCs): each stream is one call of the method's kind. The figures ghz reports (count,
 * average, fastest, slowest, rps, status code distribution) derive from these and `statusCodes`.
 */
export interface CallsReport {
  /** The method's kind, from the proto or server reflection. */
  kind: CallKind;
  /** Calls that ended with a status after the warm-up, OK or not: the sum of `statusCodes` (calls grpc-bench cancelled at the drain are `counts.streamsCancelled`). */
  count: number;
  /** `count` per second of load time (`durationMs`), calls/s. */
  perSec: number;
  /**
   * Each counted call, whole: from its start to its status. The start is when its first request
   * was due in the open model (coordinated omission corrected), when it opened in the closed model.
   */
  latencyMs: LatencySummaryMs;
  /** The HDR histogram behind latencyMs (µs, compressed base64), so reports merge losslessly. */
  histogram: string;
  /** The same for the calls that ended OK only (ghz's latency figures without --count-errors); absent in older reports. */
  okHistogram?: string;
}

/**
 * A flow's figures over the run (FlowFigures, summed over workers, histograms merged), with each
 * await's latencies summarised and each check's pass rate. Counts cover flow runs started after
 * the warm-up. With a flow, `counts.messagesReceived` and `latencyMs` hold the awaits' matches.
 */
export interface FlowReport extends Omit<FlowFigures, 'awaits' | 'checks'> {
  awaits: Record<string, AwaitStepReport>;
  /** `rate`: passes / (passes + fails), 0..1; absent when the check was never judged. */
  checks: Record<string, { passes: number; fails: number; rate?: number }>;
}

export interface AwaitStepReport extends AwaitStepFigures {
  /** From the flow run's latest send (its due time, for a run's first send in the open model) to the match. */
  latencyMs: LatencySummaryMs;
  /** From the same moment to the flow run's first response after it. */
  firstResponseMs: LatencySummaryMs;
}

/** One interval's flow figures: the intervals of a run sum to its `flow` counts, and their histograms merge to its. */
export interface FlowIntervalReport extends Omit<FlowIntervalFigures, 'awaits'> {
  awaits: Record<string, AwaitIntervalReport>;
}

export interface AwaitIntervalReport extends AwaitIntervalFigures {
  /** This interval's match latencies, from `matchHistogram`; absent when nothing matched. */
  latencyMs?: FlowLatencyMs;
}

/** The match-latency figures an interval keeps of an await step, ms. */
export type FlowLatencyMs = Pick<LatencySummaryMs, 'p50' | 'p90' | 'p99' | 'p999' | 'mean'>;

/** One round of an interleaved comparison inside a merged report. */
export interface RoundSpan {
  /** The round's own start (ISO 8601). */
  startedAt: string;
  /** The round's first interval is `intervals[firstInterval]`; it has `intervalCount` of them. */
  firstInterval: number;
  intervalCount: number;
  /** Added to the round's own interval `tMs` in the merged report. */
  offsetMs: number;
  durationMs: number;
  warmupMs: number;
}
