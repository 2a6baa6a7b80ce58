import type { LoadBalancingPolicy } from '../types/load-balancing.js';
import type { ParsedThreshold } from '../scenario/parse-threshold.js';
import type { Segment } from '../scenario/parse-segment.js';
import type { FlowThreshold, Scenario } from '../scenario/scenario-schema.js';
import type { Schedule } from '../types/schedule.js';
import type { StreamSettings } from '../types/stream-settings.js';
import type { CallKind } from '../types/call-kind.js';
import type { WorkerShare } from '../types/worker-protocol.js';

/** The load as it will run: machine defaults applied, schedules built, this segment's share taken; ms. */
export interface PlannedLoad {
  /** Stream slots: the most streams open at once (load.streams, or the largest stage). */
  streams: number;
  connections: number;
  /** Worker threads; with chooseWorkers, the most that probes may try. */
  workers: number;
  /** `workers: auto`: probe 1, 2, 4 … up to `workers` and run with the count that pays (see probe-worker-counts.ts). */
  chooseWorkers?: boolean;
  /** The send window; undefined when only a message count bounds the run. */
  durationMs?: number;
  messages?: number;
  /** Calls (RPCs) in the whole run (this segment's share); each stream a slot opens is one call. */
  calls?: number;
  /** The first calls of the run (this segment's share) left out of every figure. */
  skipCalls?: number;
  /** Open model: messages/s over time across all workers. Absent: closed model. */
  rateSchedule?: Schedule;
  /** Active streams over time; absent: all slots for the whole run. */
  streamSchedule?: Schedule;
  /** Segments: the id of this process's first stream (default 0) … */
  firstStreamId?: number;
  /** … and the whole run's stream count, the step of re-opened streams' ids (default: streams). */
  streamIdStride?: number;
  /**
   * The warm-up boundary: the first part of the load that no statistic counts, ms from each
   * worker's load start. Decided once, here; the workers end an interval on it, so every
   * reported interval lies wholly after it.
   */
  warmupMs: number;
  /** --start-at: the wall-clock moment (epoch ms) every worker begins its load, once connected. */
  startAtMs?: number;
  workerHeapMb?: number;
}

/** Where memory is sampled, and how often. */
export interface MonitorPlan {
  pid?: number;
  metricsUrl?: string;
  /** Sampling period, ms. */
  intervalMs: number;
  metricsPort?: number;
}

/**
 * One run, as planned from a Scenario (planScenario): what every stage after the plan needs,
 * and nothing they would have to work out again. The request data and the TLS material are
 * not here: the run's checks read and convert them (they need the proto and the files).
 */
export interface RunPlan {
  name: string;
  /** As written in the scenario. */
  call: string;
  segment?: Segment;
  /** As written: "host:port", or `embedded`. */
  target: string;
  transport: 'grpc-js' | 'http2';
  /** How each connection's calls use the addresses the target resolves to. */
  loadBalancing: LoadBalancingPolicy;
  insecure: boolean;
  /** A response message larger than this ends its stream RESOURCE_EXHAUSTED, bytes. */
  maxReceiveMessageBytes: number;
  metadata: Record<string, string>;
  /** The TLS files as named in the scenario (never their contents). */
  tls?: Scenario['tls'];
  split?: Scenario['split'];
  /** The method's kind, once the proto or server reflection told it (after planning); absent: bidi. */
  callKind?: CallKind;
  load: PlannedLoad;
  stream: StreamSettings;
  monitor: MonitorPlan;
  thresholds: ParsedThreshold[];
  /** Thresholds on the flow's steps and checks (`step.…`, `checks.…`), judged after the run from the report's `flow`. */
  flowThresholds?: FlowThreshold[];
  /** One per worker, in worker order. */
  shares: WorkerShare[];
}

/** What a report is built from: the plan without what only the workers and monitors use. */
export type ReportPlan = Omit<RunPlan, 'shares' | 'monitor'>;
