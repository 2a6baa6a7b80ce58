import type { Report } from '../../../report/report.js';
import { COLORS, DASHES, type ChartSeriesSpec, type ChartSpec } from './chart-spec.js';
import { intervalSeries, timeChart, type ChartRun } from './run-charts.js';

/** The awaits whose latencies the run's intervals carry, in the flow's order. */
export function awaitNames(run: ChartRun): string[] {
  return [...new Set(run.intervals.flatMap((i) => Object.keys(i.flow?.awaits ?? {})))];
}

/** One interval's P50 or P99 of an await, ms; null where it matched nothing. */
export const stepLatency = (name: string, key: 'p50' | 'p99') => (interval: ChartRun['intervals'][number]): number | null => interval.flow?.awaits[name]?.latencyMs?.[key] ?? null;

/** One chart per await of the flow: its match latency's P99 (and P50) in each interval. None without per-interval flow figures. */
export function flowStepSpecs(report: ChartRun): ChartSpec[] {
  return awaitNames(report).map((name, n) =>
    timeChart(report, `flow-step-${n + 1}`, `Flow step ${name}: P99 over time`, 'match latency (ms)', [
      intervalSeries(report, stepLatency(name, 'p99'), { label: 'P99', color: COLORS.orange, unit: 'ms' }),
      intervalSeries(report, stepLatency(name, 'p50'), { label: 'P50', color: COLORS.blue, dash: DASHES[1], unit: 'ms' }),
    ], `From each flow run's latest send to the match at await ${name}, per interval; no point where nothing matched.`),
  );
}

/**
 * A split run with a flow: one chart per await, its match P99 in each interval with a line per version
 * (`versions.<version>.intervals[].flow`). None without per-interval flow figures by version.
 */
export function versionFlowStepSpecs(report: Report): ChartSpec[] {
  const versions = Object.entries(report.versions ?? {})
    .filter(([, side]) => side.intervals.some((i) => i.flow))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (!versions.length) return [];
  const colors = Object.values(COLORS);
  const names = [...new Set(versions.flatMap(([, side]) => side.intervals.flatMap((i) => Object.keys(i.flow?.awaits ?? {}))))];
  return names.map((name, n) => {
    const series = versions.map(([version, side], v): ChartSeriesSpec => ({
      label: `${version} P99`,
      color: colors[v % colors.length]!,
      dash: DASHES[Math.floor(v / colors.length) % DASHES.length],
      unit: 'ms',
      x: side.intervals.map((i) => i.tMs / 1000),
      y: side.intervals.map((i) => i.flow?.awaits[name]?.latencyMs?.p99 ?? null),
    }));
    return timeChart(report, `flow-version-step-${n + 1}`, `Flow step ${name} by version: P99 over time`, 'match latency (ms)', series, `Each version's flow runs (a run's version is its first labelled response's), per interval; no point where nothing matched.`);
  });
}
