import { encodeHistogram, mergeHistograms } from '../stats/latency-histogram.js';
import { summarizeLatency } from '../stats/summarize-latency.js';
import type { FlowFigures, FlowIntervalFigures } from '../types/flow-settings.js';
import type { AwaitIntervalReport, FlowIntervalReport } from './report.js';

/** Names in the order the parts first give them. */
function namesOf(parts: ReadonlyArray<FlowIntervalFigures>, pick: (part: FlowIntervalFigures) => Record<string, unknown>): string[] {
  return [...new Set(parts.flatMap((part) => Object.keys(pick(part))))];
}

function mergeAwait(entries: ReadonlyArray<FlowIntervalFigures['awaits'][string]>): AwaitIntervalReport {
  const encoded = entries.map((e) => e.matchHistogram).filter(Boolean);
  const merged = encoded.length ? mergeHistograms(encoded) : undefined;
  const step: AwaitIntervalReport = {
    matched: entries.reduce((sum, e) => sum + e.matched, 0),
    timeouts: entries.reduce((sum, e) => sum + e.timeouts, 0),
    matchHistogram: merged && merged.totalCount ? encodeHistogram(merged) : '',
  };
  if (merged && merged.totalCount) {
    const { p50, p90, p99, p999, mean } = summarizeLatency(merged);
    step.latencyMs = { p50, p90, p99, p999, mean };
  }
  return step;
}

/**
 * One interval's flow figures from its parts: the workers' snapshots of it, or the same interval
 * of several reports (an interval report is itself FlowIntervalFigures). Counts add, the match
 * histograms merge losslessly, each await's latencies are summarised from the merge.
 */
export function flowInterval(parts: ReadonlyArray<FlowIntervalFigures>): FlowIntervalReport {
  const sum = (pick: (part: FlowIntervalFigures) => number): number => parts.reduce((total, part) => total + pick(part), 0);
  const awaits: FlowIntervalReport['awaits'] = {};
  for (const name of namesOf(parts, (p) => p.awaits)) awaits[name] = mergeAwait(parts.flatMap((p) => (p.awaits[name] ? [p.awaits[name]] : [])));
  const checks: FlowIntervalReport['checks'] = {};
  for (const name of namesOf(parts, (p) => p.checks)) checks[name] = { passes: sum((p) => p.checks[name]?.passes ?? 0), fails: sum((p) => p.checks[name]?.fails ?? 0) };
  return {
    runsStarted: sum((p) => p.runsStarted),
    runsCompleted: sum((p) => p.runsCompleted),
    runsTimedOut: sum((p) => p.runsTimedOut),
    unsolicited: sum((p) => p.unsolicited),
    awaits,
    checks,
  };
}

/** The parts' flow figures merged; undefined when none has any (no flow, or reports from before the field). */
export function mergedFlowInterval(parts: ReadonlyArray<{ flow?: FlowIntervalFigures }>): FlowIntervalReport | undefined {
  const flows = parts.flatMap((part) => (part.flow ? [part.flow] : []));
  return flows.length ? flowInterval(flows) : undefined;
}

/** Unsolicited responses rebuilt from intervals, which count them without their status. */
export const UNKNOWN_STATUS = '(status unknown)';

/**
 * A flow's whole-run figures rebuilt from its intervals (a crashed worker's snapshots, a run
 * journal): the runs, each await's matches, timeouts and match histogram, each check's passes
 * and fails, the unsolicited count. Intervals do not carry sends, intermediate responses,
 * statuses or first-response times: those stay empty. Flow runs started and neither completed
 * nor timed out were under way when the worker stopped. Undefined without flow figures.
 */
export function flowFiguresOf(parts: ReadonlyArray<{ flow?: FlowIntervalFigures }>): FlowFigures | undefined {
  const all = mergedFlowInterval(parts);
  if (!all) return undefined;
  return {
    runsStarted: all.runsStarted,
    runsCompleted: all.runsCompleted,
    runsTimedOut: all.runsTimedOut,
    runsUnfinished: Math.max(all.runsStarted - all.runsCompleted - all.runsTimedOut, 0),
    sends: {},
    awaits: Object.fromEntries(Object.entries(all.awaits).map(([name, step]) => [name, { matched: step.matched, timeouts: step.timeouts, intermediate: 0, byStatus: {}, matchHistogram: step.matchHistogram, firstResponseHistogram: '' }])),
    checks: all.checks,
    unsolicited: all.unsolicited ? { [UNKNOWN_STATUS]: all.unsolicited } : {},
    unawaited: 0,
  };
}
