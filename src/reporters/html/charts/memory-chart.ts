import type { Report, ReportInterval } from '../../../report/report.js';
import { trendShortfall } from '../../../stats/memory-growth.js';
import { memoryProcesses } from '../../memory-verdict.js';
import { COLORS, DASHES, type ChartSeriesSpec, type ChartSpec } from './chart-spec.js';
import { intervalSeries, timeChart } from './run-charts.js';

const MIB = 1048576;
const mib = (bytes: number): number => Math.round((bytes / MIB) * 1000) / 1000;
const PROCESS_COLORS: Record<string, string> = { 'Target memory': COLORS.red, 'Client RSS': COLORS.blue, 'Client worker heaps': COLORS.purple };

/**
 * A process's readings per interval and, dashed in the same colour, the report's fitted slope
 * drawn through their mean (the report keeps the slope, not the intercept). Undefined with
 * fewer than two readings: no line to draw.
 */
export function memorySeries(report: Report, name: string, slopeBytesPerMin: number, bytesAt: (i: ReportInterval) => number | undefined, judged: boolean): ChartSeriesSpec[] | undefined {
  const read = report.intervals.filter((i) => bytesAt(i) !== undefined);
  if (read.length < 2) return undefined;
  const meanT = read.reduce((s, i) => s + i.tMs, 0) / read.length;
  const meanB = read.reduce((s, i) => s + bytesAt(i)!, 0) / read.length;
  const slopePerMs = slopeBytesPerMin / 60_000;
  const color = PROCESS_COLORS[name] ?? COLORS.grey;
  // intervalSeries hands back the report's own intervals, typed by the few fields the time charts need.
  const at = (i: unknown): number | undefined => bytesAt(i as ReportInterval);
  return [
    intervalSeries(report, (i) => { const b = at(i); return b === undefined ? null : mib(b); }, { label: name, color, unit: 'MiB' }),
    intervalSeries(report, (i) => (at(i) === undefined ? null : mib(meanB + slopePerMs * (i.tMs - meanT))), {
      label: `${name} fitted slope${judged ? '' : ' (too short to judge)'}`,
      color,
      dash: DASHES[1],
      unit: 'MiB',
    }),
  ];
}

/** Target memory, client RSS and worker heaps over time (MiB), the target's first, each with its fitted slope dashed. */
export function memorySpec(report: Report): ChartSpec | undefined {
  const series = memoryProcesses(report).flatMap((p) => memorySeries(report, p.name, p.growth.growthBytesPerMin, p.bytesAt, trendShortfall(p.growth) === undefined) ?? []);
  if (series.length === 0) return undefined;
  return timeChart(report, 'memory-over-time', 'Memory over time', 'memory (MiB)', series,
    'Each reading is the sample nearest the interval’s end; dashed: the report’s fitted slope of that series (least squares over the samples taken while the load ran), drawn through the readings’ mean.');
}
