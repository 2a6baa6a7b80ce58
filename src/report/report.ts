import type { HistogramBucket, LatencySummaryMs } from '../stats/summarize-latency.js';

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
  /** This interval's latencies (µs), HdrHistogram compressed base64. */
  histogram: string;
}

export interface ReportSettings {
  streams: number;
  connections: number;
  workers: number;
  durationMs?: number;
  messages?: number;
  stream: { messages?: number; durationMs?: number; intervalMs: number; window: number; correlateBy?: string };
  insecure: boolean;
  /** Values of secret-looking keys are redacted. */
  metadata: Record<string, string>;
  proto: string;
}

/** Everything one run measured. Reporters render it; compare and gate read it back from JSON. */
export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: 'grpc-bench'; version: string };
  name: string;
  target: string;
  call: string;
  /** ISO 8601. */
  startedAt: string;
  /** Load time: first stream opened to last stream ended, ms (the longest worker). */
  durationMs: number;
  /** True when the run did not go to its planned end (interrupted, a worker crashed). */
  partial: boolean;
  partialReason?: string;
  settings: ReportSettings;
  counts: {
    streamsOpened: number;
    streamsCompleted: number;
    streamsFailed: number;
    /** Cancelled by grpc-bench when the drain timeout ran out at the end of the run. */
    streamsCancelled: number;
    messagesSent: number;
    messagesReceived: number;
    /** Requests whose stream ended before their response came. */
    messagesFailed: number;
    /** Requests still unanswered when the run stopped. sent = received + failed + inFlightAtStop. */
    inFlightAtStop: number;
    errors: number;
  };
  throughput: { messagesPerSec: number };
  latencyMs: LatencySummaryMs;
  /** ghz-style response-time histogram (equal-width buckets, ms). */
  latencyBuckets: HistogramBucket[];
  /** Stream outcomes by gRPC status name. */
  statusCodes: Record<string, number>;
  /** "STATUS: details" → count. */
  errorDetails: Record<string, number>;
  connections: { opened: number; closed: number; peakActive: number };
  streams: { peakActive: number };
  intervals: ReportInterval[];
  /** All latencies (µs), HdrHistogram compressed base64: merge it, re-compute any percentile. */
  histogram: string;
  /** Worker failures, if any. */
  workerErrors: string[];
}
