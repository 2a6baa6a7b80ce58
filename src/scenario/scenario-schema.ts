// Over 300 lines: the one schema of the scenario file, each section with its docs, and the cross-field checks.
import { z } from 'zod';
import { REPORT_FORMATS } from '../types/report-formats.js';
import { LOAD_BALANCING_POLICIES } from '../types/load-balancing.js';
import { DEFAULT_ABORT_AFTER_MS, isFlowThresholdName, parseFlowThreshold, parseThreshold, ThresholdError, type FlowThresholdCondition, type ParsedThreshold } from './parse-threshold.js';
import { flowSchema, type Flow } from './flow-schema.js';
import { flowScenarioProblems } from './flow-scenario-problems.js';
import { formatDurationMs } from './parse-duration.js';
import { durationSchema as duration, positiveDurationSchema as positiveDuration, positiveIntSchema as positiveInt } from './duration-schema.js';
import { parseByteSize } from './parse-byte-size.js';
import { runDurationMs, type ScenarioLoad } from './scenario-load.js';
import type { StreamSettings } from '../types/stream-settings.js';
import { MIN_TREND_SPAN_MS } from '../stats/memory-growth.js';
import { parseSegment, segmentProblem } from './parse-segment.js';
import { parseStartAt } from './parse-start-at.js';
import { metadataProblems } from './metadata-problems.js';

/** gRPC's default limit on one received message: 4 MiB. */
export const DEFAULT_MAX_RECEIVE_MESSAGE_BYTES = 4 * 1024 * 1024;
/** The largest limit grpc-js takes (a 32-bit signed length). */
const LARGEST_RECEIVE_MESSAGE_BYTES = 2 ** 31 - 1;

/** A size in bytes: a whole number, or text such as "16MiB", "42 MB" (SI) or "512KiB". */
const messageSize = z
  .union([z.number().int().min(1), z.string().min(1)], { error: 'expected a whole number of bytes such as 16777216, or a size such as "16MiB"' })
  .transform((value, ctx) => {
    const bytes = typeof value === 'number' ? value : parseByteSize(value);
    if (bytes === undefined || !Number.isInteger(bytes) || bytes < 1 || bytes > LARGEST_RECEIVE_MESSAGE_BYTES) {
      ctx.addIssue({ code: 'custom', message: `expected a whole number of bytes from 1 to ${LARGEST_RECEIVE_MESSAGE_BYTES}, or a size such as "16MiB" or "42 MB"` });
      return z.NEVER;
    }
    return bytes;
  });

/** `pkg.Service/Method` or `pkg.Service.Method`. */
const callName = z.string().regex(/^[A-Za-z_][\w.]*[./][A-Za-z_]\w*$/, 'expected "package.Service/Method"');

const positiveNumber = z.number({ error: 'expected a number' }).positive('must be > 0');

const stageSchema = z.strictObject({
  duration,
  /** Messages/s at the end of the stage (open model). */
  rate: positiveNumber.optional(),
  /** Concurrent streams at the end of the stage. */
  streams: positiveInt.optional(),
  /** true: ramp linearly from the previous stage's values; false (default): hold for the stage. */
  ramp: z.boolean().default(false),
});

const loadSchema = z.strictObject({
  /** Concurrent bidi streams across all workers. */
  streams: positiveInt.default(10),
  /** Distinct HTTP/2 connections across all workers (≤ streams). */
  connections: positiveInt.default(1),
  /** Worker threads; default: the CPU count; "auto": chosen by short probe runs. Never more than connections. */
  workers: z.union([positiveInt, z.literal('auto')], { error: 'expected a whole number ≥ 1 or "auto"' }).optional(),
  /** Total run time. */
  duration: positiveDuration.optional(),
  /** Total request messages to send across all streams. */
  messages: positiveInt.optional(),
  /** Total calls (RPCs, one stream each) across all stream slots, as ghz's -n counts them. */
  calls: positiveInt.optional(),
  /** The first calls of the run (each worker its even part), left out of every figure and counted apart (ghz's --skipFirst). */
  skipCalls: positiveInt.optional(),
  /** Open model: target messages/s across all streams, on an absolute schedule. */
  rate: positiveNumber.optional(),
  /** Ramp stages for rate and/or streams; their total is the run's duration unless `duration` is set. */
  stages: z.array(stageSchema).min(1).optional(),
  /** Heap limit of each worker thread, MiB (a worker over it is ended: the run reports what it had). */
  workerHeapMb: positiveInt.optional(),
  /** Excluded from every statistic: the first part of the run. */
  warmup: duration.default(0),
});

const streamSchema = z.strictObject({
  /** Requests per stream; then the stream half-closes, drains, and a new one opens. */
  messages: positiveInt.optional(),
  /** Lifetime of one stream; then it half-closes, drains, and a new one opens. */
  duration: positiveDuration.optional(),
  /** Pause between sends on one stream. */
  interval: duration.default(0),
  /** Requests in flight per stream; 1 = ping-pong. */
  window: positiveInt.default(1),
  /** A response field that echoes the request field of the same name; without it responses match requests in order. */
  correlateBy: z.string().regex(/^[A-Za-z_]\w*$/, 'expected a field name').optional(),
  /** Per-message timeout: a request unanswered this long ends its stream as DEADLINE_EXCEEDED. */
  timeout: positiveDuration.optional(),
  /** What each stream says and waits for, step by step, instead of one answer per request (docs/flows.md). */
  flow: flowSchema.optional(),
});

const splitSchema = z.strictObject({
  /** A response field (`served_by`) or `header:<name>` whose value splits the results (e.g. by version). */
  by: z.string().regex(/^(header:[A-Za-z0-9-]+|[A-Za-z_]\w*)$/, 'expected a response field name or "header:<name>"'),
  /** A share of the streams carries routing metadata, e.g. to reach a header-routed canary. */
  routed: z
    .strictObject({
      share: z.number().min(0, 'must be within 0..1').max(1, 'must be within 0..1'),
      metadata: z.record(z.string(), z.string()),
    })
    .optional(),
});

/** A threshold: a condition string, or the condition with abort settings. */
const thresholdSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { condition: value } : value),
  z.strictObject(
    {
      condition: z.string({ error: 'expected a condition string such as "<50ms"' }),
      /** Stop the run as soon as the live figure fails. */
      abortOnFail: z.boolean().default(false),
      /** Run time before live figures are judged. */
      abortAfter: duration.default(DEFAULT_ABORT_AFTER_MS),
    },
    { error: 'expected a condition string such as "<50ms" or { condition, abortOnFail, abortAfter }' },
  ),
);

/** A threshold on a flow's step or check (`step.confirm.p99`), as written and parsed. */
export interface FlowThreshold extends FlowThresholdCondition {
  condition: string;
  abortOnFail: boolean;
  abortAfterMs: number;
}

/**
 * metric → condition; parsed here so a bad one is reported with every other problem, before
 * any load. Each entry is checked on its own, so one malformed entry hides no other. Flow
 * thresholds (`step.…`, `checks.…`) are kept apart: they are judged from the report's `flow`.
 */
const thresholdsSchema = z.record(z.string(), z.unknown()).transform((entries, ctx) => {
  const parsed: ParsedThreshold[] = [];
  const flow: FlowThreshold[] = [];
  for (const [metric, value] of Object.entries(entries)) {
    const entry = thresholdSchema.safeParse(value);
    if (!entry.success) {
      for (const issue of entry.error.issues) ctx.addIssue({ ...issue, path: [metric, ...issue.path] });
      continue;
    }
    const { condition, abortOnFail, abortAfter } = entry.data;
    try {
      if (isFlowThresholdName(metric)) flow.push({ ...parseFlowThreshold(metric, condition), condition, abortOnFail, abortAfterMs: abortAfter });
      else parsed.push({ ...parseThreshold(metric, condition), condition, abortOnFail, abortAfterMs: abortAfter });
    } catch (error) {
      if (!(error instanceof ThresholdError)) throw error;
      ctx.addIssue({ code: 'custom', path: [metric], message: error.problem });
    }
  }
  return { metrics: parsed, flow };
});

const compareSchema = z.strictObject({
  /** Target of the stable version ("host:port" or embedded). */
  baseline: z.string().min(1),
  /** Target of the version under test. */
  candidate: z.string().min(1),
  /** Rounds of A then B; each side runs the whole load once per round. The judge tests the rounds' ratios: 5 or more find changes of a few percent. */
  rounds: positiveInt.default(5),
  /**
   * Metadata sent only to one side, laid over `metadata`: e.g. the header a router sends to the
   * canary, so that baseline and candidate can be the same address behind Envoy or Istio.
   */
  baselineMetadata: z.record(z.string(), z.string()).optional(),
  candidateMetadata: z.record(z.string(), z.string()).optional(),
  /** Allowed worsening per metric, e.g. "p99=10%,messagesPerSec=5%". */
  maxRegression: z.string().optional(),
});

const tlsSchema = z.strictObject({
  /** CA certificates (PEM) that verify the server; default: the system's roots. */
  cacert: z.string().min(1).optional(),
  /** Client certificate (PEM) for mutual TLS, with `key`. */
  cert: z.string().min(1).optional(),
  /** The client certificate's private key (PEM). */
  key: z.string().min(1).optional(),
  /** The name the server certificate must carry, instead of the target's host (also SNI and :authority). */
  serverName: z.string().min(1).optional(),
  /** Accept any server certificate, unverified (ghz's --skipTLS): for test servers only. */
  skipVerify: z.boolean().optional(),
});

const monitorSchema = z.strictObject({
  /** A local target process to sample memory from (/proc). */
  pid: positiveInt.optional(),
  /** A Prometheus endpoint of the target (process_resident_memory_bytes, heap gauges). */
  metricsUrl: z.url({ error: 'expected an http(s) URL' }).optional(),
  /** Serve grpc-bench's own live metrics at http://127.0.0.1:<port>/metrics during the run; 0 picks a free port. */
  metricsPort: z.number({ error: 'expected a port number' }).int('expected a whole number').min(0, 'must be 0..65535').max(65535, 'must be 0..65535').optional(),
  /** Serve the live dashboard at http://127.0.0.1:<port>/ during the run (`run` only); 0 picks a free port. */
  dashboardPort: z.number({ error: 'expected a port number' }).int('expected a whole number').min(0, 'must be 0..65535').max(65535, 'must be 0..65535').optional(),
  /** Memory sampling period. */
  interval: positiveDuration.default(500),
});

/** A reporter's name, one of REPORT_FORMATS. */
const reportFormat = z.string().refine((name) => (REPORT_FORMATS as ReadonlyArray<string>).includes(name), { error: () => `expected one of ${REPORT_FORMATS.join(', ')}` });

const outputSchema = z.strictObject({
  /** Report formats to write; `console` prints to stdout. */
  formats: z.array(reportFormat).min(1).default(['console', 'json']),
  /** A file (one format) or a directory; default `reports/<name>-<timestamp>/`. */
  path: z.string().min(1).optional(),
  /** A JSON-lines debug log of the run's events (ghz's --debug): settings (redacted), connections, intervals, first errors per status, the end. */
  debugLog: z.string().min(1).optional(),
  /** A run history directory: the finished run's record is appended there (see `grpc-bench history`). */
  history: z.string().min(1).optional(),
  /** Tags kept with the run's history record, e.g. { commit: "3f9c0a1" }. */
  tags: z.record(z.string().regex(/^[\w.-]+$/, 'expected letters, digits, ".", "_" or "-"'), z.string()).default({}),
});

/**
 * The one scenario schema. YAML files and CLI flags both end up here; the types used by the
 * rest of the pipeline are inferred from it. Durations are strings in the file and
 * milliseconds (`…Ms`) after parsing.
 */
export const scenarioSchema = z
  .strictObject({
    name: z.string().min(1).regex(/^[\w.-]+$/, 'expected letters, digits, ".", "_" or "-"').default('grpc-bench'),
    /** "host:port", or `embedded` to start the reference Order service in-process. */
    target: z.string().min(1).default('embedded'),
    /** Path to the .proto file, relative to the scenario file. Default: the bundled order.proto for embedded, server reflection otherwise. */
    proto: z.string().min(1).optional(),
    /** A compiled FileDescriptorSet (`protoc --descriptor_set_out`, ghz's --protoset), relative to the scenario file; `proto` wins. */
    protoset: z.string().min(1).optional(),
    /** Import paths for the proto, relative to the scenario file. */
    importPaths: z.array(z.string()).default([]),
    call: callName.default('pb.OrderService/CreateOrderStream'),
    insecure: z.boolean().default(false),
    /** The wire implementation: grpc-js (the reference behaviour) or node:http2 directly (less CPU per message). */
    transport: z.enum(['grpc-js', 'http2']).default('grpc-js'),
    /** Metadata sent with the server reflection requests only (ghz's --reflect-metadata), e.g. credentials the reflection service wants. */
    reflectionMetadata: z.record(z.string(), z.string()).optional(),
    /** The largest request message sent (bytes, or "16MiB"; ghz's --max-send-message-size); a larger one fails its call RESOURCE_EXHAUSTED. Default: no limit. */
    maxSendMessageSize: messageSize.optional(),
    /** Compress requests on the wire (ghz's --enable-compression); default none. */
    compression: z.enum(['gzip']).optional(),
    /** The :authority pseudo-header instead of the target's host:port (ghz's --authority); a TLS serverName still wins for TLS. */
    authority: z.string().min(1).optional(),
    /** HTTP/2 PING every this long on each connection, to keep it alive (ghz's --keepalive); none by default. */
    keepalive: positiveDuration.optional(),
    /**
     * How each connection's calls use the addresses the target's name resolves to (ghz's --lb-strategy):
     * pick_first, the first that connects (the default); round_robin, all of them in turn (grpc-js: the
     * channel's round_robin policy; http2: connections spread over the addresses).
     */
    loadBalancing: z.enum(LOAD_BALANCING_POLICIES).default('pick_first'),
    /** The largest response message accepted (bytes, or "16MiB"); a larger one ends its stream RESOURCE_EXHAUSTED. Default gRPC's 4 MiB. */
    maxReceiveMessageSize: messageSize.default(DEFAULT_MAX_RECEIVE_MESSAGE_BYTES),
    /** TLS files (PEM), relative to the scenario file, and the name the server certificate must carry. */
    tls: tlsSchema.optional(),
    metadata: z.record(z.string(), z.string()).default({}),
    /**
     * The request message, or a list of them: the messages of one call in order (unary and server
     * streaming take one per call, round-robin); string values may hold templates such as {{requestId}}.
     */
    data: z
      .union([z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown())).min(1, 'expected at least one message')], {
        error: 'expected a message object, or a list of message objects',
      })
      .default({}),
    load: loadSchema.prefault({}),
    stream: streamSchema.prefault({}),
    output: outputSchema.prefault({}),
    monitor: monitorSchema.prefault({}),
    /** CI perf gate: metric → condition, e.g. { p99: "<50ms" }. */
    thresholds: thresholdsSchema.prefault({}),
    /** Canary comparison: interleaved rounds against two targets, judged like `grpc-bench compare`. */
    compare: compareSchema.optional(),
    /** Split results by version (a response field or header) into per-version histograms. */
    split: splitSchema.optional(),
    /** This process runs part i of n of the run ("i/n", from 1); `grpc-bench merge` joins the parts' reports. */
    segment: z
      .string({ error: 'expected "i/n" such as "1/3"' })
      .transform((text, ctx) => {
        const segment = parseSegment(text);
        if (typeof segment !== 'string') return segment;
        ctx.addIssue({ code: 'custom', message: segment });
        return z.NEVER;
      })
      .optional(),
    /** Wall-clock start of the load (ISO-8601 UTC or "+30s"), so that every segment starts at once; epoch ms once parsed. */
    startAt: z
      .string({ error: 'expected an ISO-8601 UTC time or "+30s"' })
      .transform((text, ctx) => {
        const atMs = parseStartAt(text, Date.now());
        if (typeof atMs === 'number') return atMs;
        ctx.addIssue({ code: 'custom', message: atMs });
        return z.NEVER;
      })
      .optional(),
  })
  .superRefine((scenario, ctx) => {
    for (const { path, problem } of metadataProblems(scenario)) ctx.addIssue({ code: 'custom', path, message: problem });
    for (const { path, problem } of flowScenarioProblems(scenario)) ctx.addIssue({ code: 'custom', path, message: problem });
    const openModel = scenario.load.rate !== undefined || Boolean(scenario.load.stages?.some((s) => s.rate !== undefined));
    if (openModel && scenario.stream.interval > 0) {
      ctx.addIssue({ code: 'custom', path: ['stream', 'interval'], message: 'cannot be combined with a rate (the open model paces sends by rate)' });
    }
    if (scenario.load.stages && scenario.load.rate === undefined && scenario.load.stages.some((s) => s.rate !== undefined) && scenario.load.stages[0]!.rate === undefined) {
      ctx.addIssue({ code: 'custom', path: ['load', 'stages', 0, 'rate'], message: 'the first stage needs a rate when later stages have one and load.rate is not set' });
    }
    if (scenario.load.connections > scenario.load.streams) {
      ctx.addIssue({
        code: 'custom',
        path: ['load', 'connections'],
        message: `must be ≤ load.streams (${scenario.load.streams}), got ${scenario.load.connections}`,
      });
    }
    if (scenario.segment) {
      const slots = Math.max(scenario.load.streams, ...(scenario.load.stages ?? []).map((s) => s.streams ?? 0));
      const { connections, messages, calls } = scenario.load;
      const problem = segmentProblem({ streams: slots, connections, ...(messages === undefined ? {} : { messages }), ...(calls === undefined ? {} : { calls }) }, scenario.segment.count);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['segment'], message: problem });
      if (scenario.compare) ctx.addIssue({ code: 'custom', path: ['segment'], message: 'cannot be combined with compare (merge the segments, then compare the merged reports)' });
    }
    const tlsGiven = Object.values(scenario.tls ?? {}).some((value) => value !== undefined);
    if (tlsGiven && scenario.insecure) {
      ctx.addIssue({ code: 'custom', path: ['insecure'], message: 'cannot be combined with tls (insecure is plaintext; tls settings need TLS)' });
    }
    if (scenario.tls && (scenario.tls.cert === undefined) !== (scenario.tls.key === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['tls', scenario.tls.cert === undefined ? 'cert' : 'key'], message: 'tls.cert and tls.key go together (a client certificate and its private key)' });
    }
    if (tlsGiven && scenario.target === 'embedded' && !scenario.compare) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'the embedded target is plaintext; tls needs a host:port target' });
    }
    const runMs = runDurationMs({ durationMs: scenario.load.duration, stages: scenario.load.stages?.map((s) => ({ durationMs: s.duration })), messages: scenario.load.messages, calls: scenario.load.calls });
    for (const metric of ['clientMemoryGrowth', 'targetMemoryGrowth'] as const) {
      if (runMs === undefined || runMs - scenario.load.warmup >= MIN_TREND_SPAN_MS || !scenario.thresholds.metrics.some((t) => t.metric === metric)) continue;
      ctx.addIssue({
        code: 'custom',
        path: ['thresholds', metric],
        message: `needs ${formatDurationMs(MIN_TREND_SPAN_MS)} or more of load after the warm-up to fit a memory trend; this run has ${formatDurationMs(Math.max(0, runMs - scenario.load.warmup))} (raise load.duration)`,
      });
    }
    const watchesTarget = scenario.target === 'embedded' || scenario.monitor.pid !== undefined || scenario.monitor.metricsUrl !== undefined;
    if (!watchesTarget && scenario.thresholds.metrics.some((t) => t.metric === 'targetMemoryGrowth')) {
      ctx.addIssue({ code: 'custom', path: ['thresholds', 'targetMemoryGrowth'], message: "needs the target's memory: set monitor.pid or monitor.metricsUrl" });
    }
  });

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ParsedScenario = z.output<typeof scenarioSchema>;

/** A scenario after validation and defaults; frozen, never mutated. */
export interface Scenario extends Omit<ParsedScenario, 'load' | 'stream' | 'monitor' | 'thresholds'> {
  /** Where relative paths (proto) resolve from: the scenario file's directory or the cwd. */
  baseDir: string;
  /** The scenario file, when there is one (for error messages). */
  sourceFile?: string;
  load: ScenarioLoad;
  stream: StreamSettings;
  monitor: { pid?: number; metricsUrl?: string; intervalMs: number; metricsPort?: number; dashboardPort?: number };
  /** CI perf gate over the whole run's figures. */
  thresholds: ParsedThreshold[];
  /** `stream.flow`, with the thresholds on its steps and checks (judged after the run from `report.flow`). */
  flow?: ScenarioFlow;
}

export interface ScenarioFlow extends Flow {
  thresholds: FlowThreshold[];
}

/** Applies the defaults that depend on other fields, and names durations by their unit. */
export function finishScenario(parsed: ParsedScenario, baseDir: string, sourceFile?: string): Scenario {
  const { load, stream, monitor, thresholds } = parsed;
  return {
    ...parsed,
    thresholds: thresholds.metrics,
    ...(stream.flow === undefined ? {} : { flow: { ...stream.flow, thresholds: thresholds.flow } }),
    baseDir,
    ...(sourceFile === undefined ? {} : { sourceFile }),
    load: {
      streams: load.streams,
      connections: load.connections,
      ...(load.workers === undefined ? {} : { workers: load.workers }),
      ...(load.duration === undefined ? {} : { durationMs: load.duration }),
      ...(load.messages === undefined ? {} : { messages: load.messages }),
      ...(load.calls === undefined ? {} : { calls: load.calls }),
      ...(load.skipCalls === undefined ? {} : { skipCalls: load.skipCalls }),
      ...(load.rate === undefined ? {} : { rate: load.rate }),
      ...(load.stages ? { stages: load.stages.map((s) => ({ durationMs: s.duration, ...(s.rate === undefined ? {} : { rate: s.rate }), ...(s.streams === undefined ? {} : { streams: s.streams }), ramp: s.ramp })) } : {}),
      warmupMs: load.warmup,
      ...(load.workerHeapMb === undefined ? {} : { workerHeapMb: load.workerHeapMb }),
    },
    stream: {
      ...(stream.messages === undefined ? {} : { messages: stream.messages }),
      ...(stream.duration === undefined ? {} : { durationMs: stream.duration }),
      intervalMs: stream.interval,
      window: stream.window,
      ...(stream.correlateBy === undefined ? {} : { correlateBy: stream.correlateBy }),
      ...(stream.timeout === undefined ? {} : { timeoutMs: stream.timeout }),
    },
    monitor: {
      ...(monitor.pid === undefined ? {} : { pid: monitor.pid }),
      ...(monitor.metricsUrl === undefined ? {} : { metricsUrl: monitor.metricsUrl }),
      ...(monitor.metricsPort === undefined ? {} : { metricsPort: monitor.metricsPort }),
      ...(monitor.dashboardPort === undefined ? {} : { dashboardPort: monitor.dashboardPort }),
      intervalMs: monitor.interval,
    },
  };
}
