import { encodeHistogram, mergeHistograms } from '../stats/latency-histogram.js';
import { summarizeLatency } from '../stats/summarize-latency.js';
import type { AwaitStepFigures, FlowFigures, VersionFlowFigures } from '../types/flow-settings.js';
import type { FlowReport, VersionFlowReport } from './report.js';

function addInto(into: Record<string, number>, from: Record<string, number>): Record<string, number> {
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
  return into;
}

/** Names in the order the parts first give them (every part of one run has the same flow). */
function namesOf<T>(parts: ReadonlyArray<FlowFigures>, pick: (part: FlowFigures) => Record<string, T>): string[] {
  return [...new Set(parts.flatMap((part) => Object.keys(pick(part))))];
}

function mergeAwait(entries: AwaitStepFigures[]): AwaitStepFigures {
  return {
    matched: entries.reduce((sum, e) => sum + e.matched, 0),
    timeouts: entries.reduce((sum, e) => sum + e.timeouts, 0),
    intermediate: entries.reduce((sum, e) => sum + e.intermediate, 0),
    byStatus: entries.reduce((acc, e) => addInto(acc, e.byStatus), {} as Record<string, number>),
    matchHistogram: encodeHistogram(mergeHistograms(entries.map((e) => e.matchHistogram).filter(Boolean))),
    firstResponseHistogram: encodeHistogram(mergeHistograms(entries.map((e) => e.firstResponseHistogram).filter(Boolean))),
  };
}

/**
 * The report's `flow`: the workers' (or merged reports') flow figures summed, their HDR
 * histograms merged losslessly, with each await's latencies summarised and each check's pass rate.
 * A FlowReport is itself FlowFigures, so reports merge through the same function.
 */
export function flowReport(parts: ReadonlyArray<FlowFigures>): FlowReport {
  const sum = (pick: (part: FlowFigures) => number): number => parts.reduce((total, part) => total + pick(part), 0);
  const awaits: FlowReport['awaits'] = {};
  for (const name of namesOf(parts, (p) => p.awaits)) {
    const merged = mergeAwait(parts.flatMap((p) => (p.awaits[name] ? [p.awaits[name]] : [])));
    awaits[name] = {
      ...merged,
      latencyMs: summarizeLatency(mergeHistograms([merged.matchHistogram])),
      firstResponseMs: summarizeLatency(mergeHistograms([merged.firstResponseHistogram])),
    };
  }
  const checks: FlowReport['checks'] = {};
  for (const name of namesOf(parts, (p) => p.checks)) {
    const passes = sum((p) => p.checks[name]?.passes ?? 0);
    const fails = sum((p) => p.checks[name]?.fails ?? 0);
    checks[name] = { passes, fails, ...(passes + fails > 0 ? { rate: passes / (passes + fails) } : {}) };
  }
  const sends: Record<string, number> = {};
  for (const name of namesOf(parts, (p) => p.sends)) sends[name] = sum((p) => p.sends[name] ?? 0);
  return {
    runsStarted: sum((p) => p.runsStarted),
    runsCompleted: sum((p) => p.runsCompleted),
    runsTimedOut: sum((p) => p.runsTimedOut),
    runsUnfinished: sum((p) => p.runsUnfinished),
    sends,
    awaits,
    checks,
    unsolicited: parts.reduce((acc, p) => addInto(acc, p.unsolicited), {} as Record<string, number>),
    unawaited: sum((p) => p.unawaited),
  };
}

/** One version's flow figures from its parts (workers, or merged reports' versions), merged as flowReport merges the whole run's. */
export function versionFlowReport(parts: ReadonlyArray<VersionFlowFigures>): VersionFlowReport {
  return { ...flowReport(parts), sends: {}, runsMixedVersions: parts.reduce((total, part) => total + part.runsMixedVersions, 0) };
}
