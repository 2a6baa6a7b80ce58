/**
 * The worker wire protocol, in one file. Only plain data crosses the thread boundary:
 * histograms travel as compressed base64 strings, errors as `{code, message}`.
 */
import type { SerializedError } from '../errors/bench-error.js';
import type { Schedule } from './schedule.js';
import type { CallKind, RequestData } from './call-kind.js';
import type { StreamSettings } from './stream-settings.js';
import type { LoadBalancingPolicy } from './load-balancing.js';
import type { FlowFigures, FlowIntervalFigures, FlowSettings, VersionFlowFigures } from './flow-settings.js';

/** What every worker needs to know about the call; the same for all workers of a run. */
export interface CallSettings {
  /** "host:port" (already resolved for the embedded target). */
  target: string;
  insecure: boolean;
  /** The wire implementation; absent means grpc-js. */
  transport?: 'grpc-js' | 'http2';
  /** TLS material (PEM text) when the target is not plaintext; never written to a report. */
  tls?: TlsMaterial;
  /** Absolute path of the .proto file; absent when `descriptorSet` is given. */
  protoPath?: string;
  /** The method's descriptors found by server reflection: a FileDescriptorSet, base64. */
  descriptorSet?: string;
  importPaths: string[];
  /** Normalised "package.Service/Method". */
  call: string;
  metadata: Record<string, string>;
  /**
   * The request data as checked and converted for the method (convert-request-data.ts): what
   * protobufjs's fromObject encodes exactly as meant, templates left in place; bytes as base64.
   * A list: the messages of one call in order.
   */
  data: RequestData;
  /** The method's kind, as the proto or server reflection describes it; absent means bidi. */
  kind?: CallKind;
  split?: SplitSettings;
  /** A response message larger than this ends its stream RESOURCE_EXHAUSTED, bytes. */
  maxReceiveMessageBytes: number;
  /** The :authority pseudo-header instead of the target's host:port. */
  authority?: string;
  /** An HTTP/2 PING on each connection every this many ms; absent: none. */
  keepaliveMs?: number;
  /** How connections use the addresses the target resolves to; absent: pick_first. */
  loadBalancing?: LoadBalancingPolicy;
  /** A request message larger than this fails its call RESOURCE_EXHAUSTED, bytes; absent: no limit. */
  maxSendMessageBytes?: number;
  /** Requests gzipped on the wire; absent: not compressed. */
  compression?: 'gzip';
}

/** TLS settings as PEM text (files already read), so they cross to workers as plain data. */
export interface TlsMaterial {
  /** CA certificates that verify the server; absent: the system's roots. */
  rootCerts?: string;
  /** Client certificate chain and its private key, for mutual TLS. */
  certChain?: string;
  privateKey?: string;
  /** The name the server certificate must carry (SNI and :authority too), instead of the target's host. */
  serverName?: string;
  /** Accept any server certificate: TLS without verification of its chain or name (ghz's --skipTLS). */
  skipVerify?: boolean;
}

export interface SplitSettings {
  /** A response field … */
  field?: string;
  /** … or a response header whose value labels each response. */
  header?: string;
  /** Streams (by slot) that carry `metadata`: a share of all of them, spread evenly. */
  routedShare: number;
  routedMetadata: Record<string, string>;
}

/** Per-label responses and latencies (µs, HdrHistogram compressed base64). */
export type LabelledLatencies = Record<string, { messagesReceived: number; histogram: string }>;

export type { StreamSettings };

/** One worker's share of the run, computed by the plan. */
export interface WorkerShare {
  workerId: number;
  /** Concurrent streams this worker keeps open. */
  streams: number;
  /** Distinct HTTP/2 connections this worker opens (≤ streams). */
  connections: number;
  /** Global stream number of this worker's first stream, so stream ids are unique in the run. */
  firstStreamId: number;
  /** Streams in the whole run: a re-opened stream's id is its slot's id plus this stride. */
  streamIdStride: number;
  /** Request messages this worker may send in total; undefined = no count limit. */
  messageBudget?: number;
  /** Calls (RPCs, one stream each) this worker may make in total; undefined = no count limit. */
  callBudget?: number;
  /** This worker's first calls left out of every figure (counted in callsSkipped); ghz's --skipFirst. */
  skipCalls?: number;
  /** Send window, from the worker's start; undefined = until the budget is spent or stop. */
  durationMs?: number;
  /** Open model: this worker's part of the rate schedule (messages/s). Absent: closed model. */
  rateSchedule?: Schedule;
  /** The run's active-stream schedule (all workers); each worker takes its even part. */
  streamSchedule?: Schedule;
  workerCount: number;
  /** The first part of the run that no statistic counts, ms. */
  warmupMs: number;
  /**
   * The server's SETTINGS_MAX_CONCURRENT_STREAMS, when it advertises one: no connection
   * carries more streams at once; the slots beyond it wait, neither active nor failed.
   */
  maxStreamsPerConnection?: number;
  /** --start-at: begin the load at this wall-clock moment (epoch ms), once connected. */
  startAtMs?: number;
}

export interface WorkerTask {
  call: CallSettings;
  stream: StreamSettings;
  /** `stream.flow`: each stream runs it (bidi methods only). */
  flow?: FlowSettings;
  share: WorkerShare;
  /** Period of interval snapshots, ms. */
  snapshotIntervalMs: number;
  /** After sending stops: how long in-flight requests may take before streams are cancelled, ms. */
  drainTimeoutMs: number;
  /** How long to wait for connections to become ready, ms. */
  connectTimeoutMs: number;
  /** The main thread's end of the control channel is posted here (MessagePort). */
  port: import('node:worker_threads').MessagePort;
}

/** Counters a worker keeps; every field is additive, so workers' and intervals' values sum. */
export interface WorkerCounters {
  messagesSent: number;
  messagesReceived: number;
  /** Requests whose stream ended (non-OK, or OK without answering) before their response. */
  messagesFailed: number;
  streamsOpened: number;
  streamsCompleted: number;
  streamsFailed: number;
  /** Streams cancelled by grpc-bench itself when the drain timeout ran out. */
  streamsCancelled: number;
  /** Server-streaming calls the client ended on purpose after stream.messages responses or stream.duration (counted in streamsCompleted, status OK). */
  callsEndedByClient: number;
  /** Calls left out of every figure because they were among the first load.skipCalls (ghz's --skipFirst); not in streamsOpened. */
  callsSkipped: number;
  /** Connections that became ready (a reconnect counts again). */
  connectionsOpened: number;
  connectionsClosed: number;
  /** Error events: failed streams by status, unanswered requests on OK streams, unmatched responses. */
  errors: number;
  /** Open model: scheduled requests that could not go out on time (window full, back-pressure). */
  sendsDeferred: number;
}

export function emptyCounters(): WorkerCounters {
  return {
    messagesSent: 0,
    messagesReceived: 0,
    messagesFailed: 0,
    streamsOpened: 0,
    streamsCompleted: 0,
    streamsFailed: 0,
    streamsCancelled: 0,
    callsEndedByClient: 0,
    callsSkipped: 0,
    connectionsOpened: 0,
    connectionsClosed: 0,
    errors: 0,
    sendsDeferred: 0,
  };
}

export function addCounters(into: WorkerCounters, from: WorkerCounters): void {
  for (const key of Object.keys(into) as (keyof WorkerCounters)[]) into[key] += from[key];
}

/** Connection events listed per interval at most: the list stays small whatever happens. */
export const MAX_CONNECTION_EVENTS = 16;

/** One connection of a worker became ready or was lost; `address` as the transport saw the peer, when it knows it. */
export interface ConnectionEvent {
  event: 'opened' | 'closed';
  /** The connection's index within its worker. */
  connection: number;
  address?: string;
}

/** Worker → main, every `snapshotIntervalMs` and once at the end: what happened since the last one. */
export interface IntervalSnapshot {
  type: 'interval';
  workerId: number;
  /** Interval number since the worker started, from 0. */
  index: number;
  /** Length of this interval, ms (the last one is usually shorter). */
  durationMs: number;
  /** End of this interval, ms since this worker's load started. */
  endMs: number;
  /** The interval ended within the warm-up: it counts nothing and is left out of the report. */
  warmup: boolean;
  counters: WorkerCounters;
  /** Stream-end statuses in this interval, by gRPC status name. */
  statusCodes: Record<string, number>;
  histogram: string;
  /** Open model: latencies from the actual send (µs); absent in the closed model, where they are the same. */
  uncorrectedHistogram?: string;
  activeStreams: number;
  activeConnections: number;
  /** The interval's first MAX_CONNECTION_EVENTS connections opened and closed (the counters hold them all); absent when none. */
  connectionEvents?: ConnectionEvent[];
  /** Requests sent and not yet answered, at the end of the interval. */
  inFlight: number;
  /** Split runs: this interval's responses by label. */
  labels?: LabelledLatencies;
  /** With a flow: what its runs, steps and checks counted in this interval. */
  flow?: FlowIntervalFigures;
  /** With a flow in a split run: the same by version (see VersionFlowFigures); intervals add up to the result's `flowVersions`. */
  flowVersions?: Record<string, FlowIntervalFigures>;
  /** This worker thread's V8 heap in use at the end of the interval. */
  heapUsedBytes: number;
  /** Share of the interval this worker's event loop was busy, 0..1. */
  eventLoopUtilization: number;
}

/** How hard the worker itself had to work: the evidence for a saturated load generator. */
export interface GeneratorHealth {
  workerId: number;
  /** Share of the counted time the event loop was busy (≈ the thread's CPU), 0..1. */
  eventLoopUtilization: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  eventLoopDelayMeanMs: number;
  /** Busy time of the event loop over the whole load, ms. */
  busyMs: number;
  /**
   * How long the event-loop figures above cover, ms: from max(warm-up, 1 s) after the worker's
   * load started to its end; 0 when the load ended first (nothing to judge). Absent in older reports.
   */
  countedMs?: number;
  /** Open model: P99 of how late requests went out while a stream had room for them, ms (0 in the closed model). */
  scheduleLagP99Ms?: number;
}

/** Main → worker. */
export type ControlMessage = { type: 'stop' };

/** The task's return value: the worker's whole run. */
/** One finished call (a stream), as ghz's `details` list it. */
export interface CallRecord {
  /** When the call ended, epoch ms. */
  endedAtEpochMs: number;
  durationUs: number;
  /** gRPC status name (`OK`, `UNAVAILABLE`). */
  status: string;
  /** The status details of a failed call; empty for OK. */
  error: string;
}

/** A bounded sample of calls: `kept` is a uniform random sample (reservoir) of the `seen` calls. */
export interface CallSample {
  seen: number;
  kept: CallRecord[];
}

/** At most this many calls are kept per worker and in a report, whatever the run's length: memory stays bounded. */
export const CALL_SAMPLE_SIZE = 2_000;

export interface WorkerResult {
  workerId: number;
  /** When this worker's load began, epoch ms (absent: it never began). */
  loadStartedAtEpochMs?: number;
  counters: WorkerCounters;
  statusCodes: Record<string, number>;
  /** "STATUS: details" → count, capped in size by the worker. */
  errorDetails: Record<string, number>;
  histogram: string;
  uncorrectedHistogram?: string;
  /** Split runs: every response by label. */
  labels?: LabelledLatencies;
  /** Open model: how late deferred sends went out (µs). */
  sendLagHistogram: string;
  /** Open model: scheduled requests never sent because the run ended first. */
  unsentAtStop: number;
  /** Open model: requests the schedule had due after the warm-up, until sending stopped. */
  messagesScheduled?: number;
  /** Per finished stream: time to first response (µs), lifetime (µs), responses. */
  streamFirstResponseHistogram: string;
  streamDurationHistogram: string;
  messagesPerStreamHistogram: string;
  /** A uniform sample of this worker's finished calls (streams), at most CALL_SAMPLE_SIZE: ghz's per-call `details`. */
  callSample?: CallSample;
  /** Per call (stream) that ended with a status: from its start (its first request's due time in the open model) to its status, µs. */
  callLatencyHistogram: string;
  /** The same, for the calls that ended OK (µs). */
  okCallLatencyHistogram?: string;
  generator: GeneratorHealth;
  /** Requests still unanswered when the worker stopped (cancelled at the drain timeout). */
  inFlightAtStop: number;
  peakActiveConnections: number;
  peakActiveStreams: number;
  /** How far the server let this worker's streams go: see ShareConcurrency. */
  concurrency?: ShareConcurrency;
  /** Set when the worker could not run its share at all (bad proto, unreachable target). */
  fatal?: SerializedError;
  /** From the start of the load (connections ready), warm-up included, to the last stream ended, ms; 0 when stopped while connecting. */
  elapsedMs: number;
  /** From the start of the load to when sending stopped, ms; 0 when stopped while connecting. */
  sendingMs: number;
  /** Interval snapshots posted, the last one included: the main thread waits for all of them. */
  snapshotCount: number;
  /** True when the worker stopped early on a `stop` message. */
  stoppedEarly: boolean;
  /** With a flow: its runs, steps and checks as this worker measured them. */
  flow?: FlowFigures;
  /** With a flow in a split run: its figures by version (see VersionFlowFigures). */
  flowVersions?: Record<string, VersionFlowFigures>;
}

/** Streams a worker could not run at once because of the server's limits. */
export interface ShareConcurrency {
  /** Stream slots that never opened: beyond maxStreamsPerConnection on their connection. */
  heldBackStreams: number;
  /** The most streams open at once on any one connection. */
  peakStreamsPerConnection: number;
  /** Streams the server refused (RST_STREAM REFUSED_STREAM); also counted as failed, UNAVAILABLE. */
  refusedStreams: number;
}

/** A result with nothing measured: for a worker that could not start. */
export function emptyResult(workerId: number): WorkerResult {
  return {
    workerId,
    counters: emptyCounters(),
    statusCodes: {},
    errorDetails: {},
    histogram: '',
    sendLagHistogram: '',
    unsentAtStop: 0,
    streamFirstResponseHistogram: '',
    streamDurationHistogram: '',
    messagesPerStreamHistogram: '',
    callLatencyHistogram: '',
    generator: { workerId, eventLoopUtilization: 0, eventLoopDelayP99Ms: 0, eventLoopDelayMaxMs: 0, eventLoopDelayMeanMs: 0, busyMs: 0 },
    inFlightAtStop: 0,
    peakActiveConnections: 0,
    peakActiveStreams: 0,
    elapsedMs: 0,
    sendingMs: 0,
    snapshotCount: 0,
    stoppedEarly: false,
  };
}
