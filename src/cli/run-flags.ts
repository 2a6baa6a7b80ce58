import { resolve } from 'node:path';
import { BenchError } from '../errors/bench-error.js';
import type { DeepPartial } from '../scenario/load-scenario.js';
import type { ScenarioInput } from '../scenario/scenario-schema.js';
import { ghzScheduleToStages, mergeStages } from './ghz-schedules.js';

/** The run command's flags, named as in ghz where ghz has the option. */
export interface RunFlags {
  c?: number;
  n?: number;
  z?: string;
  connections?: number;
  workers?: number | 'auto';
  'stream-call-count'?: number;
  'stream-call-duration'?: string;
  'stream-interval'?: string;
  window?: number;
  'correlate-by'?: string;
  d?: string;
  m?: string;
  insecure?: boolean;
  transport?: 'grpc-js' | 'http2';
  /** Bytes, or a size such as "16MiB" (maxReceiveMessageSize). */
  'max-recv-message-size'?: string;
  /** TLS, under ghz's names: CA file, client certificate and key files, server name (--cname too). */
  cacert?: string;
  cert?: string;
  key?: string;
  'server-name'?: string;
  proto?: string;
  'import-paths'?: string;
  call?: string;
  name?: string;
  format?: string;
  output?: string;
  rate?: number;
  baseline?: string;
  candidate?: string;
  rounds?: number;
  'max-regression'?: string;
  'baseline-metadata'?: string;
  'candidate-metadata'?: string;
  warmup?: string;
  'stream-timeout'?: string;
  'monitor-pid'?: number;
  'metrics-url'?: string;
  /** Live grpc_bench_* metrics on 127.0.0.1:<port>/metrics during the run. */
  'metrics-port'?: number;
  /** `p99<50ms`; repeatable (an array when given more than once). */
  threshold?: string | string[];
  /** `i/n`: this process runs part i of n of the run. */
  segment?: string;
  'load-schedule'?: string;
  'load-start'?: number;
  'load-end'?: number;
  'load-step'?: number;
  'load-step-duration'?: string;
  'load-max-duration'?: string;
  'concurrency-schedule'?: string;
  'concurrency-start'?: number;
  'concurrency-end'?: number;
  'concurrency-step'?: number;
  'concurrency-step-duration'?: string;
  'concurrency-max-duration'?: string;
}

function ghzStages(flags: RunFlags): ReturnType<typeof mergeStages> {
  const rate = ghzScheduleToStages('--load', {
    schedule: flags['load-schedule'],
    start: flags['load-start'],
    end: flags['load-end'],
    step: flags['load-step'],
    stepDuration: flags['load-step-duration'],
    maxDuration: flags['load-max-duration'],
  });
  const streams = ghzScheduleToStages('--concurrency', {
    schedule: flags['concurrency-schedule'],
    start: flags['concurrency-start'],
    end: flags['concurrency-end'],
    step: flags['concurrency-step'],
    stepDuration: flags['concurrency-step-duration'],
    maxDuration: flags['concurrency-max-duration'],
  });
  return mergeStages(rate, streams);
}

/** `--threshold p99<50ms` (repeatable) → { p99: '<50ms' }; the schema checks metric and condition. */
function parseThresholdFlags(values: string | string[] | undefined): Record<string, string> | undefined {
  if (values === undefined) return undefined;
  const thresholds: Record<string, string> = {};
  for (const text of [values].flat()) {
    const match = /^\s*([A-Za-z]\w*)\s*([<>=].*)$/.exec(String(text));
    if (!match) throw new BenchError('USAGE', `--threshold: expected a metric then a condition, e.g. 'p99<50ms', got ${JSON.stringify(text)}`);
    thresholds[match[1]!] = match[2]!;
  }
  return thresholds;
}

/** `secret`: the text may hold credentials (metadata), so errors never echo it. */
function parseJsonFlag(flag: string, text: string, secret = false): Record<string, unknown> {
  const shown = secret ? '(value not shown: metadata may hold secrets)' : JSON.stringify(text.slice(0, 60));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = secret ? 'not valid JSON' : `not valid JSON (${(error as Error).message})`;
    throw new BenchError('USAGE', `${flag}: ${reason}, got ${shown}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BenchError('USAGE', `${flag}: expected a JSON object, got ${shown}`);
  }
  return value as Record<string, unknown>;
}

/** --cacert/--cert/--key/--server-name → `tls`; file paths from flags are relative to `cwd`, not the scenario file. */
function tlsFlags(flags: RunFlags, cwd: string | undefined): DeepPartial<ScenarioInput>['tls'] {
  const path = (file: string | undefined): string | undefined => (file === undefined || cwd === undefined ? file : resolve(cwd, file));
  const tls = { cacert: path(flags.cacert), cert: path(flags.cert), key: path(flags.key), serverName: flags['server-name'] };
  return Object.values(tls).some((value) => value !== undefined) ? tls : undefined;
}

/** Flags → the scenario's shape; undefined entries leave the file's value alone. */
export function flagsToOverrides(flags: RunFlags, target: string | undefined, cwd?: string): DeepPartial<ScenarioInput> {
  const formats = flags.format?.split(',').map((f) => f.trim()).filter(Boolean);
  const scheduled = ghzStages(flags);
  return {
    name: flags.name,
    target,
    proto: flags.proto,
    importPaths: flags['import-paths']?.split(',').filter(Boolean),
    call: flags.call,
    insecure: flags.insecure,
    transport: flags.transport,
    maxReceiveMessageSize: flags['max-recv-message-size'],
    tls: tlsFlags(flags, cwd),
    metadata: flags.m === undefined ? undefined : (parseJsonFlag('-m/--metadata', flags.m, true) as Record<string, string>),
    data: flags.d === undefined ? undefined : parseJsonFlag('-d/--data', flags.d),
    load: {
      streams: scheduled.streams ?? flags.c,
      connections: flags.connections,
      workers: flags.workers,
      duration: flags.z,
      messages: flags.n,
      rate: scheduled.rate ?? flags.rate,
      stages: scheduled.stages,
      warmup: flags.warmup,
    },
    stream: {
      messages: flags['stream-call-count'],
      duration: flags['stream-call-duration'],
      interval: flags['stream-interval'],
      window: flags.window,
      correlateBy: flags['correlate-by'],
      timeout: flags['stream-timeout'],
    },
    monitor: { pid: flags['monitor-pid'], metricsUrl: flags['metrics-url'], metricsPort: flags['metrics-port'] },
    compare:
      flags.baseline === undefined && flags.candidate === undefined
        ? undefined
        : // Missing halves are reported by the schema (compare.candidate: expected a string).
          ({
            baseline: flags.baseline,
            candidate: flags.candidate,
            rounds: flags.rounds,
            maxRegression: flags['max-regression'],
            baselineMetadata: flags['baseline-metadata'] === undefined ? undefined : parseJsonFlag('--baseline-metadata', flags['baseline-metadata'], true),
            candidateMetadata: flags['candidate-metadata'] === undefined ? undefined : parseJsonFlag('--candidate-metadata', flags['candidate-metadata'], true),
          } as { baseline: string; candidate: string }),
    thresholds: parseThresholdFlags(flags.threshold),
    segment: flags.segment,
    output: { formats, path: flags.output },
  };
}
