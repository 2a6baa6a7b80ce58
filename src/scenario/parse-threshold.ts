import { BenchError } from '../errors/bench-error.js';

export type ThresholdOperator = '<' | '<=' | '>' | '>=' | '==';

/** The canonical unit a metric is judged in; limits are converted to it when parsed. */
export type ThresholdUnit = 'ms' | '%' | 'msg/s' | 'bytes/min' | 'count';

interface MetricKind {
  unit: ThresholdUnit;
  /** Suffix as written after the number → factor to the canonical unit. */
  suffixes: Readonly<Record<string, number>>;
  /** Factor for a bare number (no suffix). */
  bareFactor: number;
  /** Largest limit a bare number / a suffixed number may have, in the written unit. */
  bareMax?: number;
  suffixedMax?: number;
  /** What a valid condition looks like, for error messages. */
  expected: string;
}

const LATENCY: MetricKind = {
  unit: 'ms',
  suffixes: { us: 0.001, µs: 0.001, ms: 1, s: 1000 },
  bareFactor: 1,
  expected: 'a latency such as "<50ms" (units us, ms, s; a bare number is ms)',
};
const PERCENT: MetricKind = {
  unit: '%',
  suffixes: { '%': 1 },
  bareFactor: 100,
  bareMax: 1,
  suffixedMax: 100,
  expected: 'a percentage such as "<0.1%" or a fraction of 1 such as "<0.001"',
};
const COUNT: MetricKind = { unit: 'count', suffixes: {}, bareFactor: 1, expected: 'a count such as "<10" (no unit)' };
const THROUGHPUT: MetricKind = {
  unit: 'msg/s',
  suffixes: { 'msg/s': 1, '/s': 1 },
  bareFactor: 1,
  expected: 'a rate such as ">9000" or ">9000msg/s"',
};
const KIB = 1024;
const MEMORY_GROWTH: MetricKind = {
  unit: 'bytes/min',
  // KB/MB/GB are decimal (SI); KiB/MiB/GiB are binary.
  suffixes: {
    'B/min': 1,
    'KB/min': 1e3,
    'kB/min': 1e3,
    'MB/min': 1e6,
    'GB/min': 1e9,
    'KiB/min': KIB,
    'MiB/min': KIB ** 2,
    'GiB/min': KIB ** 3,
  },
  bareFactor: 1,
  expected: 'a growth such as "<5MB/min" (B, KB, MB, GB, KiB, MiB or GiB per min; a bare number is bytes/min)',
};

/** Every metric a threshold may name, with how its limit is written. */
const METRICS = {
  p50: LATENCY,
  p90: LATENCY,
  p95: LATENCY,
  p99: LATENCY,
  p999: LATENCY,
  max: LATENCY,
  mean: LATENCY,
  errorRate: PERCENT,
  errors: COUNT,
  messagesPerSec: THROUGHPUT,
  streamsFailed: COUNT,
  clientMemoryGrowth: MEMORY_GROWTH,
  targetMemoryGrowth: MEMORY_GROWTH,
} as const satisfies Record<string, MetricKind>;

export type ThresholdMetric = keyof typeof METRICS;

export const THRESHOLD_METRICS = Object.keys(METRICS) as ThresholdMetric[];

/** A condition parsed: `limit` is in the metric's canonical `unit`. */
export interface ThresholdCondition {
  metric: ThresholdMetric;
  operator: ThresholdOperator;
  limit: number;
  unit: ThresholdUnit;
}

/** One threshold of a scenario, ready to be judged. */
export interface ParsedThreshold extends ThresholdCondition {
  /** As written in the scenario, e.g. `<50ms`. */
  condition: string;
  /** Stop the run as soon as the live figure fails. */
  abortOnFail: boolean;
  /** Run time before live figures are judged, ms. */
  abortAfterMs: number;
}

export const DEFAULT_ABORT_AFTER_MS = 5000;

/**
 * A threshold that cannot be parsed. `message` names the field (`thresholds.p99: …`);
 * `problem` is the same without the field, for reporting at a schema path.
 */
export class ThresholdError extends BenchError {
  readonly field: string;
  readonly problem: string;

  constructor(metric: string, problem: string) {
    super('SCENARIO_INVALID', `thresholds.${metric}: ${problem}`);
    this.field = `thresholds.${metric}`;
    this.problem = problem;
  }
}

const CONDITION_PATTERN = /^\s*(<=|>=|==|<|>)\s*(\d+(?:\.\d+)?|\.\d+)\s*(\S*)\s*$/;

function isMetric(metric: string): metric is ThresholdMetric {
  return Object.hasOwn(METRICS, metric);
}

/** Removes float noise from unit conversion (0.007 × 100 = 0.7000000000000001). */
function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

/**
 * `<50ms` for p99 → { operator '<', limit 50, unit 'ms' }. Pure. Throws ThresholdError
 * (SCENARIO_INVALID) naming `thresholds.<metric>`, the value given and what was expected.
 */
export function parseThreshold(metric: string, condition: string): ThresholdCondition {
  if (!isMetric(metric)) {
    throw new ThresholdError(metric, `unknown metric; expected one of ${THRESHOLD_METRICS.join(', ')}, got ${JSON.stringify(metric)}`);
  }
  return { metric, ...parseCondition(metric, METRICS[metric], condition) };
}

/** The operator and the limit in the kind's canonical unit; throws ThresholdError naming `thresholds.<metric>`. */
function parseCondition(metric: string, kind: MetricKind, condition: string): { operator: ThresholdOperator; limit: number; unit: ThresholdUnit } {
  const got = `got ${JSON.stringify(condition)}`;
  const match = CONDITION_PATTERN.exec(condition);
  const suffix = match?.[3] ?? '';
  const factor = suffix === '' ? kind.bareFactor : Object.hasOwn(kind.suffixes, suffix) ? kind.suffixes[suffix] : undefined;
  if (match === null || factor === undefined) {
    throw new ThresholdError(metric, `expected an operator (<, <=, >, >=, ==) then ${kind.expected}, ${got}`);
  }
  const written = Number(match[2]);
  const max = suffix === '' ? kind.bareMax : kind.suffixedMax;
  if (max !== undefined && written > max) {
    throw new ThresholdError(metric, `must be at most ${max}${suffix}: expected ${kind.expected}, ${got}`);
  }
  return { operator: match[1] as ThresholdOperator, limit: tidy(written * factor), unit: kind.unit };
}

/** What a threshold may judge of a flow's await step (`step.confirm.p99`) or of a named check (`checks.confirmed.rate`). */
const FLOW_STATISTICS = {
  step: { p50: LATENCY, p90: LATENCY, p95: LATENCY, p99: LATENCY, p999: LATENCY, max: LATENCY, mean: LATENCY, count: COUNT, timeouts: COUNT },
  checks: { rate: PERCENT, passes: COUNT, fails: COUNT },
} as const satisfies Record<string, Record<string, MetricKind>>;

export type FlowThresholdSubject = keyof typeof FLOW_STATISTICS;

/** A flow threshold's condition parsed; `name` is the await step's or the check's. */
export interface FlowThresholdCondition {
  subject: FlowThresholdSubject;
  name: string;
  statistic: string;
  operator: ThresholdOperator;
  limit: number;
  unit: ThresholdUnit;
}

/** Whether a threshold's name is about a flow (`step.…` or `checks.…`) rather than the whole run. */
export function isFlowThresholdName(metric: string): boolean {
  return /^(step|checks)\./.test(metric);
}

/** A flow threshold's name as written: `step.confirm.p99`. */
export function flowThresholdMetric(threshold: Pick<FlowThresholdCondition, 'subject' | 'name' | 'statistic'>): string {
  return `${threshold.subject}.${threshold.name}.${threshold.statistic}`;
}

/**
 * `step.<await>.<statistic>` or `checks.<check>.<statistic>` with its condition. Pure. Throws
 * ThresholdError naming `thresholds.<metric>`; whether the step or check exists is the flow's
 * business (checked with the scenario).
 */
export function parseFlowThreshold(metric: string, condition: string): FlowThresholdCondition {
  const match = /^(step|checks)\.([A-Za-z_][\w-]*)\.([A-Za-z0-9]+)$/.exec(metric);
  const subject = match?.[1] as FlowThresholdSubject | undefined;
  const statistics = subject === undefined ? undefined : (FLOW_STATISTICS[subject] as Readonly<Record<string, MetricKind>>);
  if (match === null || subject === undefined || statistics === undefined) {
    throw new ThresholdError(metric, `expected step.<await step>.<${Object.keys(FLOW_STATISTICS.step).join('|')}> or checks.<check>.<${Object.keys(FLOW_STATISTICS.checks).join('|')}>, got ${JSON.stringify(metric)}`);
  }
  const statistic = match[3]!;
  const kind = Object.hasOwn(statistics, statistic) ? statistics[statistic] : undefined;
  if (kind === undefined) {
    throw new ThresholdError(metric, `unknown ${subject === 'step' ? 'step' : 'check'} statistic; expected one of ${Object.keys(statistics).join(', ')}, got ${JSON.stringify(statistic)}`);
  }
  return { subject, name: match[2]!, statistic, ...parseCondition(metric, kind, condition) };
}
