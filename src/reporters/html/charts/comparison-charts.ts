import type { Report } from '../../../report/report.js';
import { COLORS, DASHES, type ChartSeriesSpec, type ChartSpec } from './chart-spec.js';
import { awaitNames, stepLatency } from './flow-charts.js';
import { drawnReceivedRate, intervalPercentiles, intervalSeries, intervalTimes, roundBands, runEndSec, TIME_LABEL } from './run-charts.js';

export interface ComparedSide {
  /** How the side is named on the page: `v1`. */
  name: string;
  report: Report;
}

/** Round N of both sides as one band, from the earlier start to the later end: the sides' rounds share a time axis, and two labels on one band would overlap. */
function bands(baseline: ComparedSide, candidate: ComparedSide): ChartSpec['bands'] {
  const a = roundBands(baseline.report);
  const b = roundBands(candidate.report);
  return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => {
    const sides = [a[i], b[i]].filter((band) => band !== undefined);
    return { from: Math.min(...sides.map((band) => band.from)), to: Math.max(...sides.map((band) => band.to)), label: `round ${i + 1}` };
  });
}

const xMax = (a: Report, b: Report): number | undefined => {
  const ends = [runEndSec(a), runEndSec(b)].filter((v): v is number => v !== undefined);
  return ends.length ? Math.max(...ends) : undefined;
};

/** Both sides' P99 of each await they share, one chart per await, on the comparison's time axis. */
function flowStepComparisonSpecs(baseline: ComparedSide, candidate: ComparedSide, common: Pick<ChartSpec, 'xLabel' | 'xMax' | 'bands'>): ChartSpec[] {
  const shared = awaitNames(baseline.report).filter((name) => awaitNames(candidate.report).includes(name));
  return shared.map((name, n) => ({
    id: `flow-step-${n + 1}-compare`,
    title: `Flow step ${name}: P99 over time (each interval’s own P99)`,
    yLabel: 'match latency (ms)',
    ...common,
    series: [
      intervalSeries(baseline.report, stepLatency(name, 'p99'), { label: baseline.name, color: COLORS.blue, dash: DASHES[0], unit: 'ms' }),
      intervalSeries(candidate.report, stepLatency(name, 'p99'), { label: candidate.name, color: COLORS.orange, dash: DASHES[1], unit: 'ms' }),
    ],
  }));
}

/** Both sides' throughput, per-interval P99 and each shared flow await's P99 on one time axis; rounds shaded, gaps between rounds left open. */
export function comparisonChartSpecs(baseline: ComparedSide, candidate: ComparedSide): ChartSpec[] {
  const sides = [
    { side: baseline, color: COLORS.blue, dash: DASHES[0] },
    { side: candidate, color: COLORS.orange, dash: DASHES[1] },
  ];
  const common = { xLabel: TIME_LABEL, xMax: xMax(baseline.report, candidate.report), bands: bands(baseline, candidate) };
  const p99 = sides.map(({ side, color, dash }): ChartSeriesSpec => {
    const { x, keep } = intervalTimes(side.report);
    const values = intervalPercentiles(side.report).p99;
    return { label: side.name, color, dash, unit: 'ms', x, y: keep.map((i) => (i === null ? null : values[i]!)) };
  });
  return [
    { id: 'throughput-compare', title: 'Throughput over time', yLabel: 'received (msg/s)', ...common, series: sides.map(({ side, color, dash }) => intervalSeries(side.report, (i) => drawnReceivedRate(side.report, i), { label: side.name, color, dash, unit: 'msg/s' })) },
    { id: 'p99-compare', title: 'P99 latency over time (each interval’s own P99)', yLabel: 'latency (ms)', ...common, series: p99 },
    ...flowStepComparisonSpecs(baseline, candidate, common),
  ];
}
