import { COLORS, DASHES, type ChartSpec } from './chart-spec.js';
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
