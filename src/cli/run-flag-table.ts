import { resolve } from 'node:path';
import { REPORT_FORMATS } from '../reporters/reporter-registry.js';
import { parseJsonFlag } from './parse-json-flag.js';
import { parseTagFlags } from './parse-tag-flags.js';
import { parseThresholdFlags } from './parse-threshold-flags.js';
import type { FlagContext, RunFlagSpec } from './run-flag-spec.js';
import { scheduleFlagOverrides } from './schedule-flag-overrides.js';

/** "a,,b" → ['a', 'b']. */
const list = (text: string): string[] => text.split(',').filter(Boolean);

/** A file named by a flag is relative to the working directory, not to the scenario file. */
const fromCwd = (file: string, { cwd }: FlagContext): string => (cwd === undefined ? file : resolve(cwd, file));

/** Metadata from a flag: a JSON object whose text errors never echo. */
const secretJson =
  (flag: string) =>
  (text: string): Record<string, unknown> =>
    parseJsonFlag(flag, text, true);

/**
 * The flags of `run`, which `validate` takes too, in `--help` order: each sets one scenario field,
 * so a scenario is checked exactly as it would run. The yargs options (addRunOptions), the type of
 * the parsed flags (RunFlags) and the scenario overrides (flagsToOverrides) all come from here.
 */
export const RUN_FLAG_TABLE = [
  { flag: 'c', group: 'Load', type: 'number', describe: 'Concurrent streams (load.streams)', sets: 'load.streams' },
  { flag: 'n', group: 'Load', type: 'number', describe: 'Total request messages (load.messages)', sets: 'load.messages' },
  { flag: 'calls', group: 'Load', type: 'number', describe: 'Total calls (RPCs) across all streams, as ghz -n counts them (load.calls)', sets: 'load.calls' },
  { flag: 'z', group: 'Load', type: 'string', describe: 'Run duration, e.g. 10s (load.duration)', sets: 'load.duration' },
  { flag: 'connections', group: 'Load', type: 'number', describe: 'HTTP/2 connections, ≤ streams (load.connections)', sets: 'load.connections' },
  {
    flag: 'workers', group: 'Load',
    type: 'string',
    // A number, "auto", or the text as given (the scenario check then names it).
    coerce: (text: string): number | string => (text === 'auto' || text.trim() === '' || Number.isNaN(Number(text)) ? text : Number(text)),
    describe: 'Worker threads, or "auto": short probes pick the count that pays (load.workers; default: CPU count)',
    sets: 'load.workers',
  },
  { flag: 'stream-call-count', group: 'Streams', type: 'number', describe: 'Messages per stream before half-close (stream.messages)', sets: 'stream.messages' },
  { flag: 'stream-call-duration', group: 'Streams', type: 'string', describe: 'Lifetime of one stream, e.g. 5s (stream.duration)', sets: 'stream.duration' },
  { flag: 'stream-interval', group: 'Streams', type: 'string', describe: 'Pause between sends on a stream, e.g. 10ms (stream.interval)', sets: 'stream.interval' },
  { flag: 'window', group: 'Streams', type: 'number', describe: 'Requests in flight per stream; 1 = ping-pong (stream.window)', sets: 'stream.window' },
  { flag: 'correlate-by', group: 'Streams', type: 'string', describe: 'Response field echoing a request field (stream.correlateBy)', sets: 'stream.correlateBy' },
  {
    flag: 'd', group: 'Request',
    alias: 'data',
    type: 'string',
    describe: 'Request message as JSON, or a JSON list of the messages of one call; strings may hold {{templates}}',
    sets: 'data',
    convert: (text: string) => parseJsonFlag('-d/--data', text, false, true),
  },
  { flag: 'm', group: 'Request', alias: 'metadata', type: 'string', describe: 'Request metadata as a JSON object', sets: 'metadata', convert: secretJson('-m/--metadata') },
  { flag: 'insecure', group: 'Connection and TLS', type: 'boolean', describe: 'Plaintext (no TLS); TLS with verification is the default', sets: 'insecure' },
  {
    flag: 'transport', group: 'Connection and TLS',
    type: 'string',
    choices: ['grpc-js', 'http2'],
    describe: 'Wire implementation: grpc-js (default, reference behaviour) or http2 (node:http2, less CPU per message) (transport)',
    sets: 'transport',
  },
  {
    flag: 'max-recv-message-size', group: 'Connection and TLS',
    type: 'string',
    describe: 'Largest response message accepted, bytes or e.g. 16MiB; larger ends the stream RESOURCE_EXHAUSTED (maxReceiveMessageSize, default 4MiB)',
    sets: 'maxReceiveMessageSize',
  },
  // TLS, under ghz's names.
  { flag: 'cacert', group: 'Connection and TLS', type: 'string', describe: 'CA certificate file (PEM) that verifies the server (tls.cacert; default: system roots)', sets: 'tls.cacert', convert: fromCwd },
  { flag: 'cert', group: 'Connection and TLS', type: 'string', describe: 'Client certificate file (PEM) for mutual TLS, with --key (tls.cert)', sets: 'tls.cert', convert: fromCwd },
  { flag: 'key', group: 'Connection and TLS', type: 'string', describe: 'Private key file (PEM) of the client certificate (tls.key)', sets: 'tls.key', convert: fromCwd },
  {
    flag: 'server-name', group: 'Connection and TLS',
    alias: 'cname',
    type: 'string',
    describe: 'Name the server certificate must carry, instead of the host (tls.serverName)',
    sets: 'tls.serverName',
  },
  { flag: 'proto', group: 'Request', type: 'string', describe: 'The .proto file (default: bundled order.proto for embedded, server reflection otherwise)', sets: 'proto', convert: fromCwd },
  { flag: 'import-paths', group: 'Request', type: 'string', describe: 'Comma-separated proto import paths', sets: 'importPaths', convert: (text: string, context: FlagContext): string[] => list(text).map((dir) => fromCwd(dir, context)) },
  { flag: 'call', group: 'Request', type: 'string', describe: 'package.Service/Method (default pb.OrderService/CreateOrderStream)', sets: 'call' },
  { flag: 'name', group: 'Reports', type: 'string', describe: 'Run name, used in report paths', sets: 'name' },
  {
    flag: 'O', group: 'Reports',
    alias: 'format',
    type: 'string',
    describe: `Report formats, comma-separated: ${REPORT_FORMATS.join(', ')}`,
    sets: 'output.formats',
    convert: (text: string) => text.split(',').map((format) => format.trim()).filter(Boolean),
  },
  { flag: 'o', group: 'Reports', alias: 'output', type: 'string', describe: 'Report file (one format) or directory; default reports/<name>-<time>/', sets: 'output.path' },
  { flag: 'debug-log', group: 'Reports', type: 'string', describe: "Write a JSON-lines debug log of the run's events to this file (output.debugLog; ghz's --debug)", sets: 'output.debugLog', convert: fromCwd },
  { flag: 'history', group: 'Reports', type: 'string', describe: "Append the finished run's record to this history directory (output.history); judge it with grpc-bench history", sets: 'output.history', convert: fromCwd },
  {
    flag: 'tag', group: 'Reports',
    type: 'string',
    repeatable: true,
    describe: "A tag kept with the run's history record, e.g. commit=3f9c0a1; repeatable (output.tags.<key>)",
    sets: 'output.tags',
    convert: parseTagFlags,
  },
  { flag: 'baseline', group: 'Canary', type: 'string', describe: 'Canary comparison: the stable target (with --candidate; compare.baseline)', sets: 'compare.baseline' },
  { flag: 'candidate', group: 'Canary', type: 'string', describe: 'Canary comparison: the target under test (compare.candidate)', sets: 'compare.candidate' },
  { flag: 'rounds', group: 'Canary', type: 'number', describe: 'Canary comparison: interleaved rounds A B A B … (compare.rounds, default 5)', sets: 'compare.rounds' },
  {
    flag: 'baseline-metadata', group: 'Canary',
    type: 'string',
    describe: 'Canary comparison: metadata (JSON object) sent only to the baseline (compare.baselineMetadata)',
    sets: 'compare.baselineMetadata',
    convert: secretJson('--baseline-metadata'),
  },
  {
    flag: 'candidate-metadata', group: 'Canary',
    type: 'string',
    describe: 'Canary comparison: metadata (JSON object) sent only to the candidate, e.g. a routing header (compare.candidateMetadata)',
    sets: 'compare.candidateMetadata',
    convert: secretJson('--candidate-metadata'),
  },
  { flag: 'max-regression', group: 'Canary', type: 'string', describe: 'Canary comparison tolerances, e.g. p99=10%,messagesPerSec=5%', sets: 'compare.maxRegression' },
  { flag: 'r', group: 'Load', alias: 'rate', type: 'number', describe: 'Open model: target messages/s across all streams (load.rate)', sets: 'load.rate' },
  { flag: 'warmup', group: 'Load', type: 'string', describe: 'Leading time excluded from every statistic, e.g. 2s (load.warmup)', sets: 'load.warmup' },
  { flag: 'stream-timeout', group: 'Streams', type: 'string', describe: 'Per-message timeout → DEADLINE_EXCEEDED (stream.timeout)', sets: 'stream.timeout' },
  { flag: 'monitor-pid', group: 'Thresholds and monitoring', type: 'number', describe: "Sample the target's memory by pid (monitor.pid)", sets: 'monitor.pid' },
  { flag: 'metrics-url', group: 'Thresholds and monitoring', type: 'string', describe: "Sample the target's memory from its Prometheus endpoint (monitor.metricsUrl)", sets: 'monitor.metricsUrl' },
  {
    flag: 'metrics-port', group: 'Thresholds and monitoring',
    type: 'number',
    describe: 'Serve live grpc_bench_* metrics on 127.0.0.1:<port>/metrics during the run; 0 picks a free one (monitor.metricsPort)',
    sets: 'monitor.metricsPort',
  },
  {
    flag: 'dashboard', group: 'Thresholds and monitoring',
    type: 'string',
    // Bare --dashboard: a free port. A number as a number; other text as given (the scenario check then names it).
    coerce: (text: string): number | string => (text.trim() === '' ? 0 : Number.isNaN(Number(text)) ? text : Number(text)),
    describe: 'Serve a live dashboard (charts per interval, final figures) on http://127.0.0.1:<port>/ during the run; bare or 0: a free port; write --dashboard=PORT before a positional (monitor.dashboardPort)',
    sets: 'monitor.dashboardPort',
  },
  { flag: 'segment', group: 'Segments', type: 'string', describe: 'Run part i of n of the load, e.g. 2/3 (segment); join the parts with grpc-bench merge', sets: 'segment' },
  { flag: 'start-at', group: 'Segments', type: 'string', describe: 'Begin the load at this wall-clock time, ISO-8601 UTC or +30s, after connecting (startAt; env GRPC_BENCH_START_AT)', sets: 'startAt' },
  {
    flag: 'threshold', group: 'Thresholds and monitoring',
    type: 'string',
    repeatable: true,
    describe: "A pass/fail threshold, e.g. 'p99<50ms'; repeatable (thresholds.<metric>)",
    sets: 'thresholds',
    convert: parseThresholdFlags,
  },
  // ghz's schedules: a step or line schedule sets load.stages and the level at their start.
  { flag: 'load-schedule', group: 'ghz schedules', type: 'string', describe: 'ghz-style rate schedule: const, step or line', sets: 'load.stages', via: scheduleFlagOverrides },
  { flag: 'load-start', group: 'ghz schedules', type: 'number', describe: 'Rate at the start of a step/line schedule', sets: 'load.stages', via: scheduleFlagOverrides },
  { flag: 'load-end', group: 'ghz schedules', type: 'number', describe: 'Rate at the end of a step/line schedule', sets: 'load.stages', via: scheduleFlagOverrides },
  { flag: 'load-step', group: 'ghz schedules', type: 'number', describe: 'Rate increase per step (step) or per second (line)', sets: 'load.stages', via: scheduleFlagOverrides },
  { flag: 'load-step-duration', group: 'ghz schedules', type: 'string', describe: 'Length of one step, e.g. 5s', sets: 'load.stages', via: scheduleFlagOverrides },
  { flag: 'load-max-duration', group: 'ghz schedules', type: 'string', describe: 'Length of the whole schedule', sets: 'load.stages', via: scheduleFlagOverrides },
  { flag: 'concurrency-schedule', group: 'ghz schedules', type: 'string', describe: 'ghz-style stream-count schedule: const, step or line', sets: 'load.stages', via: scheduleFlagOverrides },
  { flag: 'concurrency-start', group: 'ghz schedules', type: 'number', describe: 'Streams at the start of a step/line schedule', sets: 'load.stages', via: scheduleFlagOverrides },
  { flag: 'concurrency-end', group: 'ghz schedules', type: 'number', describe: 'Streams at the end', sets: 'load.stages', via: scheduleFlagOverrides },
  { flag: 'concurrency-step', group: 'ghz schedules', type: 'number', describe: 'Streams added per step (step) or per second (line)', sets: 'load.stages', via: scheduleFlagOverrides },
  { flag: 'concurrency-step-duration', group: 'ghz schedules', type: 'string', describe: 'Length of one step', sets: 'load.stages', via: scheduleFlagOverrides },
  { flag: 'concurrency-max-duration', group: 'ghz schedules', type: 'string', describe: 'Length of the whole schedule', sets: 'load.stages', via: scheduleFlagOverrides },
] as const satisfies readonly RunFlagSpec[];
