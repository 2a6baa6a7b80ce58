import type { Report, ThresholdResult, ThresholdsReport } from '../report/report.js';
import type { LiveStatus } from '../report/live-status.js';
import { metricValue, missingDataReason } from './metric-value.js';
import { flowThresholdMetric, type ParsedThreshold, type ThresholdOperator, type ThresholdUnit } from '../scenario/parse-threshold.js';
import type { FlowThreshold } from '../scenario/scenario-schema.js';
import { flowMetricValue, missingFlowDataReason } from './flow-metric-value.js';

export function meetsCondition(actual: number, operator: ThresholdOperator, limit: number): boolean {
  switch (operator) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '==':
      return actual === limit;
  }
}

/** A threshold of either kind by its name and condition as written: what `abortedBy` names. */
export interface ThresholdName {
  metric: string;
  condition: string;
}

/** How a threshold is named in messages and in `abortedBy`: `p99 <50ms`. */
export function thresholdLabel(threshold: ThresholdName): string {
  return `${threshold.metric} ${threshold.condition.trim()}`;
}

/** A flow threshold's name: `step.confirm.p99` with its condition. */
export function flowThresholdName(threshold: FlowThreshold): ThresholdName {
  return { metric: flowThresholdMetric(threshold), condition: threshold.condition };
}

/** One verdict; `noData` is asked only when there is no figure. */
function judged(metric: string, threshold: Pick<ParsedThreshold, 'condition' | 'limit' | 'unit' | 'operator' | 'abortOnFail'>, actual: number | undefined, noData: () => string): ThresholdResult {
  return {
    metric,
    condition: threshold.condition,
    actual: actual ?? NaN,
    limit: threshold.limit,
    unit: threshold.unit,
    pass: actual !== undefined && meetsCondition(actual, threshold.operator, threshold.limit),
    abortOnFail: threshold.abortOnFail,
    ...(actual === undefined ? { noData: noData() } : {}),
  };
}

/**
 * Judges every threshold against the finished run. Pure. A metric the run has no data for
 * (no responses, memory not watched, too short a run to fit a memory trend) fails, with
 * `actual` NaN (null in JSON) and the reason in `noData`. A run stopped
 * by an abortOnFail threshold (`abortedBy`) never passes. `flowThresholds` (`step.…`, `checks.…`)
 * are judged from the report's `flow` the same way.
 */
export function evaluateThresholds(report: Report, thresholds: ReadonlyArray<ParsedThreshold>, abortedBy?: ThresholdName, flowThresholds: ReadonlyArray<FlowThreshold> = []): ThresholdsReport {
  const results = thresholds.map((threshold) => judged(threshold.metric, threshold, metricValue(threshold.metric, { report }), () => missingDataReason(threshold.metric, report)));
  // A flow's steps and checks, judged from report.flow.
  for (const threshold of flowThresholds) {
    results.push(judged(flowThresholdMetric(threshold), threshold, flowMetricValue(threshold, report.flow), () => missingFlowDataReason(threshold, report.flow)));
  }
  return {
    results,
    passed: abortedBy === undefined && results.every((r) => r.pass),
    ...(abortedBy === undefined ? {} : { abortedBy: thresholdLabel(abortedBy) }),
  };
}

/** An abortOnFail threshold that failed on the live figures: its name and the figure that failed it. */
export interface LiveFailure extends ThresholdName {
  /** In the threshold's unit. */
  actual: number;
  unit: ThresholdUnit;
  /** Run time when it was judged, ms. */
  elapsedMs: number;
}

type LiveJudged = Pick<ParsedThreshold, 'condition' | 'abortOnFail' | 'abortAfterMs' | 'operator' | 'limit' | 'unit'>;

/** The failure, when the abortOnFail threshold is due (its abortAfter has passed) and its live figure fails. */
function liveFailure(metric: string, threshold: LiveJudged, elapsedMs: number, actual: () => number | undefined): LiveFailure | undefined {
  if (!threshold.abortOnFail || elapsedMs < threshold.abortAfterMs) return undefined;
  const value = actual();
  if (value === undefined || meetsCondition(value, threshold.operator, threshold.limit)) return undefined;
  return { metric, condition: threshold.condition, actual: value, unit: threshold.unit, elapsedMs };
}

/**
 * The first abortOnFail threshold whose live figure fails, once its abortAfter has passed:
 * the run's own first, then the flow's (`step.…`, `checks.…`, from `live.flow`, the running
 * totals since the start); undefined while there is no data for it. Pure.
 */
export function firstLiveFailure(live: LiveStatus, thresholds: ReadonlyArray<ParsedThreshold>, flowThresholds: ReadonlyArray<FlowThreshold> = []): LiveFailure | undefined {
  for (const threshold of thresholds) {
    const failure = liveFailure(threshold.metric, threshold, live.elapsedMs, () => metricValue(threshold.metric, { live }));
    if (failure) return failure;
  }
  for (const threshold of flowThresholds) {
    const failure = liveFailure(flowThresholdMetric(threshold), threshold, live.elapsedMs, () => flowMetricValue(threshold, live.flow));
    if (failure) return failure;
  }
  return undefined;
}

/** The line that says, when it happens, why the run stops early: `threshold p99 <5ms failed live (62.1 ms after 5.0 s): …`. */
export function liveFailureLine(failure: LiveFailure): string {
  return `threshold ${thresholdLabel(failure)} failed live (${formatThresholdValue(failure.actual, failure.unit)} after ${(failure.elapsedMs / 1000).toFixed(1)} s): stopping, draining in-flight requests, then writing the partial report (abortOnFail)`;
}

/** Short, readable decimals: 3 places, or 3 significant digits below 1. */
function decimals(value: number): string {
  return String(Math.abs(value) >= 1 || value === 0 ? Number(value.toFixed(3)) : Number(value.toPrecision(3)));
}

const BYTE_SCALES: ReadonlyArray<[number, string]> = [
  [1e9, 'GB'],
  [1e6, 'MB'],
  [1e3, 'KB'],
];

/** A metric's value with its unit, e.g. `62.1 ms`, `0.4 %`, `5.2 MB/min`; `no data` for NaN. */
export function formatThresholdValue(value: number, unit: string): string {
  if (Number.isNaN(value)) return 'no data';
  switch (unit) {
    case 'msg/s':
      return `${Number(value.toFixed(2))} msg/s`;
    case 'count':
      return String(value);
    case 'bytes/min': {
      const [scale, name] = BYTE_SCALES.find(([s]) => Math.abs(value) >= s) ?? [1, 'B'];
      return `${Number((value / scale).toFixed(2))} ${name}/min`;
    }
    default:
      return `${decimals(value)} ${unit}`;
  }
}

/** The observed value with its unit, or why there is none: `no data: no responses`. */
export function thresholdActual(result: Pick<ThresholdResult, 'actual' | 'unit' | 'noData'>): string {
  return result.noData === undefined ? formatThresholdValue(result.actual, result.unit) : `no data: ${result.noData}`;
}

/** `thresholds failed: p99 62.1 ms (<50ms), errorRate 0.4 % (<0.1%)`, and what aborted the run. */
export function thresholdsFailedMessage(thresholds: ThresholdsReport): string {
  const failed = thresholds.results.filter((r) => !r.pass).map((r) => `${r.metric} ${thresholdActual(r)} (${r.condition.trim()})`);
  const aborted = thresholds.abortedBy === undefined ? [] : [`the run was aborted by ${thresholds.abortedBy}`];
  return `thresholds failed: ${[failed.join(', '), ...aborted].filter(Boolean).join('; ')}`;
}
