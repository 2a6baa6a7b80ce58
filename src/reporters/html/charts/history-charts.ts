import type { MetricTrend, SeriesTrend } from '../../../history/history-analysis.js';
import { relativeText, runTags } from '../../history-finding-line.js';
import { COLORS, type ChartSpec } from './chart-spec.js';

/** Memory slopes read better in MiB/min than in bytes/min. */
const scaleOf = (trend: MetricTrend): { unit: string; factor: number } => (trend.spec.unit === 'bytes/min' ? { unit: 'MiB/min', factor: 1 / 1_048_576 } : { unit: trend.spec.unit, factor: 1 });

/**
 * The mean of each segment between change points, as a flat line from its first run to its last
 * (x: run numbers), with a gap at each change point so the line steps instead of sloping.
 */
function segmentMeans(trend: MetricTrend): { x: number[]; y: (number | null)[] } {
  const bounds = [0, ...trend.changePoints.map((c) => c.runIndex), trend.values.length];
  const x: number[] = [];
  const y: (number | null)[] = [];
  for (let s = 0; s + 1 < bounds.length; s++) {
    const present = trend.values.slice(bounds[s], bounds[s + 1]).filter((v): v is number => v !== null);
    const mean = present.length ? present.reduce((a, b) => a + b, 0) / present.length : null;
    if (s > 0) {
      x.push(bounds[s]! + 0.5);
      y.push(null);
    }
    x.push(bounds[s]! + 1);
    y.push(mean);
    if (bounds[s + 1]! > bounds[s]! + 1) {
      x.push(bounds[s + 1]!);
      y.push(mean);
    }
  }
  return { x, y };
}

/**
 * One metric of one series over its runs (x: run number, oldest first): each run's value as a
 * dot, the mean of its segment dashed, each change point a vertical line between the last run
 * before it and the first after; hovering a run shows its start and tags.
 */
export function historyChartSpec(series: SeriesTrend, seriesIndex: number, trend: MetricTrend): ChartSpec {
  const { unit, factor } = scaleOf(trend);
  const x = series.runs.map((_, i) => i + 1);
  const scaled = (values: (number | null)[]): (number | null)[] => values.map((v) => (v === null ? null : v * factor));
  const scaledMeans = (means: { x: number[]; y: (number | null)[] }) => ({ x: means.x, y: scaled(means.y) });
  return {
    id: `history-${seriesIndex}-${trend.spec.metric}`,
    title: `${trend.spec.label} over runs: ${series.key}`,
    xLabel: 'run (oldest first)',
    yLabel: `${trend.spec.label} (${unit})`,
    series: [
      { label: trend.spec.label, color: COLORS.blue, unit, points: true, x, y: scaled(trend.values) },
      { label: 'segment mean', color: COLORS.grey, dash: [6, 4], unit, ...scaledMeans(segmentMeans(trend)) },
    ],
    markers: trend.changePoints.map((c) => ({ x: c.runIndex + 0.5, label: `${c.kind} ${relativeText(c.relativeChange)} at run ${c.runIndex + 1}` })),
    xNames: series.runs.map((run, i) => `run ${i + 1}: ${run.startedAt}; ${runTags(run)}`),
    xMin: series.runs.length > 1 ? 1 : 0,
    xMax: series.runs.length,
    xWhole: true,
    ...(trend.changePoints.length ? { note: `${trend.changePoints.length} change point(s), the red dashed lines; the grey dashed line is the mean of each segment.` } : {}),
  };
}
