import type { FlowReport } from '../report/report.js';
import type { ChosenDesign } from './choose-design.js';
import type { CheckedCompareOptions } from './compare-options.js';
import { compareProportion } from './compare-proportion.js';
import { compareSampleMetric } from './compare-sample-metric.js';
import type { ComparedSide } from './compared-side.js';
import type { ComparisonNote, FlowLatencyKey, MetricComparison } from './comparison.js';
import type { SampleMetric } from './sample-metrics.js';

const LATENCY_LABELS: ReadonlyArray<[FlowLatencyKey, string]> = [
  ['p50', 'P50'],
  ['p99', 'P99'],
  ['mean', 'mean'],
];

/** One await's match latency as a sample metric: per interval from the interval's flow figures, per side from its merged histograms. */
function stepLatency(name: string, key: FlowLatencyKey, label: string): SampleMetric {
  return {
    metric: `step.${name}.${key}`,
    toleranceOf: key,
    label: `step ${name} ${label}`,
    unit: 'ms',
    direction: 'lower-is-better',
    value: (sample) => sample.flow?.awaits[name]?.latencyMs?.[key],
    sideValue: (side) => side.flowLatencyMs[name]?.[key] ?? 0,
    statistic: 'median',
  };
}

/** `names` of both sides: those in common (in the baseline's order) and those only one has. */
function split(baseline: string[], candidate: string[]): { common: string[]; baselineOnly: string[]; candidateOnly: string[] } {
  return {
    common: baseline.filter((name) => candidate.includes(name)),
    baselineOnly: baseline.filter((name) => !candidate.includes(name)),
    candidateOnly: candidate.filter((name) => !baseline.includes(name)),
  };
}

/** Tolerances given for flow metrics that were not compared (a misspelt step, a check only one run has). */
function unusedTolerances(settings: CheckedCompareOptions, metrics: ReadonlyArray<MetricComparison>): ComparisonNote[] {
  const compared = new Set<string>(metrics.map((m) => m.metric));
  const unused = Object.keys(settings.flowTolerances).filter((metric) => !compared.has(metric));
  return unused.length ? [{ kind: 'toleranceNotUsed', metrics: unused }] : [];
}

/**
 * The flows of both runs compared where they have the same await and check names: each await's
 * P50, P99 and mean match latency judged like the run's latencies (the same design, the
 * latency tolerances), its timeout share and each check's pass rate like the error rate (two
 * proportions, the error-rate tolerance in percentage points). Steps and checks only one run has
 * are named in a note; without a flow on both sides there is nothing to compare.
 */
export function compareFlows(design: ChosenDesign, b: ComparedSide, c: ComparedSide, settings: CheckedCompareOptions): { metrics: MetricComparison[]; notes: ComparisonNote[] } {
  const empty: FlowReport = { runsStarted: 0, runsCompleted: 0, runsTimedOut: 0, runsUnfinished: 0, sends: {}, awaits: {}, checks: {}, unsolicited: {}, unawaited: 0 };
  const flowB = b.report.flow;
  const flowC = c.report.flow;
  if (!flowB && !flowC) return { metrics: [], notes: unusedTolerances(settings, []) };
  const awaits = split(Object.keys((flowB ?? empty).awaits), Object.keys((flowC ?? empty).awaits));
  const checks = split(Object.keys((flowB ?? empty).checks), Object.keys((flowC ?? empty).checks));
  const metrics: MetricComparison[] = [];
  for (const name of awaits.common) {
    for (const [key, label] of LATENCY_LABELS) metrics.push(compareSampleMetric(stepLatency(name, key, label), design, b, c, settings.flowTolerances[`step.${name}.${key}`] ?? settings.tolerances[key], settings));
    const timeouts = (flow: FlowReport): { hits: number; total: number } => ({ hits: flow.awaits[name]!.timeouts, total: flow.awaits[name]!.matched + flow.awaits[name]!.timeouts });
    metrics.push(compareProportion({ metric: `step.${name}.timeoutRate`, label: `step ${name} timeouts`, direction: 'lower-is-better' }, timeouts(flowB!), timeouts(flowC!), settings.flowTolerances[`step.${name}.timeoutRate`] ?? settings.tolerances.errorRate, settings.alpha));
  }
  for (const name of checks.common) {
    const passes = (flow: FlowReport): { hits: number; total: number } => ({ hits: flow.checks[name]!.passes, total: flow.checks[name]!.passes + flow.checks[name]!.fails });
    metrics.push(compareProportion({ metric: `checks.${name}.rate`, label: `check ${name} pass rate`, direction: 'higher-is-better' }, passes(flowB!), passes(flowC!), settings.flowTolerances[`checks.${name}.rate`] ?? settings.tolerances.errorRate, settings.alpha));
  }
  const named = (kind: string, names: string[]): string[] => names.map((name) => `${kind} ${name}`);
  const baselineOnly = [...named('await', awaits.baselineOnly), ...named('check', checks.baselineOnly)];
  const candidateOnly = [...named('await', awaits.candidateOnly), ...named('check', checks.candidateOnly)];
  const notes: ComparisonNote[] = baselineOnly.length || candidateOnly.length ? [{ kind: 'flowPartsNotCompared', baselineOnly, candidateOnly }] : [];
  return { metrics, notes: [...notes, ...unusedTolerances(settings, metrics)] };
}
