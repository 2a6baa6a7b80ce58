import type { FlowReport } from '../report/report.js';
import type { FlowThresholdCondition } from '../scenario/parse-threshold.js';
import type { LatencySummaryMs } from '../stats/summarize-latency.js';

/** What a flow threshold reads: the report's `flow`, or a running flow's totals so far (LiveFlowStatus). */
export interface FlowStanding {
  awaits: Record<string, { matched: number; timeouts: number; latencyMs: LatencySummaryMs }>;
  checks: Record<string, { passes: number; fails: number; rate?: number }>;
}

/**
 * A flow threshold's figure from the report's `flow` (or the live totals), in the threshold's unit (ms, %, count);
 * undefined when the run has none: no flow, no match of the await (latencies), no judgement of the check (rate).
 */
export function flowMetricValue(threshold: Pick<FlowThresholdCondition, 'subject' | 'name' | 'statistic'>, flow: FlowStanding | undefined): number | undefined {
  if (threshold.subject === 'checks') {
    const check = flow?.checks[threshold.name];
    if (check === undefined) return undefined;
    if (threshold.statistic === 'passes') return check.passes;
    if (threshold.statistic === 'fails') return check.fails;
    return check.rate === undefined ? undefined : check.rate * 100;
  }
  const step = flow?.awaits[threshold.name];
  if (step === undefined) return undefined;
  if (threshold.statistic === 'count') return step.matched;
  if (threshold.statistic === 'timeouts') return step.timeouts;
  if (step.latencyMs.count === 0) return undefined;
  return step.latencyMs[threshold.statistic as 'p50' | 'p90' | 'p95' | 'p99' | 'p999' | 'max' | 'mean'];
}

/** Why there is no figure (see flowMetricValue). */
export function missingFlowDataReason(threshold: Pick<FlowThresholdCondition, 'subject' | 'name'>, flow: FlowReport | undefined): string {
  if (flow === undefined) return 'the report has no flow figures';
  return threshold.subject === 'checks' ? `check ${threshold.name} was never judged` : `await ${threshold.name} never matched`;
}
