import type { LiveInterval } from '../report/live-intervals.js';

/** One line of a chart: the LiveInterval field it draws. */
export interface SeriesSpec {
  field: keyof LiveInterval & string;
  label: string;
  /** CSS colour. */
  stroke: string;
}

/** One chart of the dashboard: its y-axis unit and its lines, x being the interval's end. */
export interface ChartSpec {
  id: string;
  title: string;
  unit: string;
  series: SeriesSpec[];
}

type Line = [field: SeriesSpec['field'], label: string, stroke: string];

const chart = (id: string, title: string, unit: string, lines: Line[]): ChartSpec => ({
  id,
  title,
  unit,
  series: lines.map(([field, label, stroke]) => ({ field, label, stroke })),
});

/**
 * The live charts, as data: the page script builds one uPlot chart per entry, so the charts are
 * declared here once (and can be shared with the run report's charts).
 */
export const DASHBOARD_CHARTS: readonly ChartSpec[] = [
  chart('throughput', 'Throughput', 'msg/s', [['sentPerSec', 'sent', '#1f77b4'], ['receivedPerSec', 'received', '#ff7f0e']]),
  chart('latency', 'Latency per interval', 'ms', [['p50Ms', 'P50', '#2ca02c'], ['p90Ms', 'P90', '#bcbd22'], ['p99Ms', 'P99', '#d62728']]),
  chart('errors', 'Errors per interval', 'errors', [['errors', 'errors', '#d62728']]),
  chart('active', 'Active streams and connections', 'count', [['activeStreams', 'streams', '#9467bd'], ['activeConnections', 'connections', '#8c564b']]),
];
