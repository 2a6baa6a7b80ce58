import type { Report, ReportInterval } from '../../../report/report.js';
import { decodeHistogram } from '../../../stats/latency-histogram.js';
import { summarizeLatency } from '../../../stats/summarize-latency.js';
import { COLORS, DASHES, type ChartBand, type ChartSeriesSpec, type ChartSpec } from './chart-spec.js';
import { logLatencyBuckets } from './log-latency-buckets.js';

export const TIME_LABEL = 'time since load start (s)';

/** What the time charts read of one interval: a report's, or one the live dashboard merged from the workers' snapshots. */
export type ChartInterval = Pick<ReportInterval, 'tMs' | 'durationMs' | 'messagesSent' | 'messagesPerSec' | 'errors' | 'activeStreams' | 'activeConnections' | 'histogram' | 'statusCodes' | 'heapUsedBytes' | 'flow'>;

/** What the time charts read of a run: a finished Report, or the live dashboard's intervals so far. */
export interface ChartRun {
  intervals: readonly ChartInterval[];
  rounds?: Report['rounds'];
}

/** Interval ends in seconds; a null after each round's last interval, so the gap to the next round is not drawn as a line. */
export function intervalTimes(report: ChartRun): { x: number[]; keep: (number | null)[] } {
  const x: number[] = [];
  const keep: (number | null)[] = [];
  const roundEnds = new Set((report.rounds ?? []).slice(0, -1).map((r) => r.firstInterval + r.intervalCount - 1));
  report.intervals.forEach((interval, i) => {
    x.push(interval.tMs / 1000);
    keep.push(i);
    if (roundEnds.has(i)) {
      const next = report.intervals[i + 1];
      x.push(next ? (interval.tMs + (next.tMs - next.durationMs)) / 2000 : interval.tMs / 1000 + 0.001);
      keep.push(null);
    }
  });
  return { x, keep };
}

/** One value per interval (null: no value), with the gaps between rounds. */
export function intervalSeries(report: ChartRun, pick: (interval: ChartInterval) => number | null, style: Omit<ChartSeriesSpec, 'x' | 'y'>): ChartSeriesSpec {
  const { x, keep } = intervalTimes(report);
  return { ...style, x, y: keep.map((i) => (i === null ? null : pick(report.intervals[i]!))) };
}

export const sentPerSec = (i: ChartInterval): number => (i.durationMs > 0 ? Math.round((i.messagesSent * 100_000) / i.durationMs) / 100 : 0);

/** Each interval's percentiles (ms) from its own HDR histogram; null where it had no responses. */
export function intervalPercentiles(report: ChartRun): { p50: (number | null)[]; p90: (number | null)[]; p99: (number | null)[]; p999: (number | null)[] } {
  const out = { p50: [] as (number | null)[], p90: [] as (number | null)[], p99: [] as (number | null)[], p999: [] as (number | null)[] };
  for (const interval of report.intervals) {
    const summary = intervalSummary(interval);
    for (const key of ['p50', 'p90', 'p99', 'p999'] as const) out[key].push(summary.count ? summary[key] : null);
  }
  return out;
}

// The live dashboard redraws from all its intervals each time one comes in: each histogram is decoded once.
const summaries = new WeakMap<ChartInterval, ReturnType<typeof summarizeLatency>>();

function intervalSummary(interval: ChartInterval): ReturnType<typeof summarizeLatency> {
  let summary = summaries.get(interval);
  if (!summary) {
    const histogram = decodeHistogram(interval.histogram);
    summaries.set(interval, (summary = summarizeLatency(histogram)));
    histogram.destroy();
  }
  return summary;
}

/** The run's real end, s: the last interval's end, not a rounded-up tick. */
export const runEndSec = (report: ChartRun): number | undefined => (report.intervals.length ? report.intervals.at(-1)!.tMs / 1000 : undefined);

export function roundBands(report: ChartRun): ChartBand[] {
  return (report.rounds ?? []).map((r, i) => ({ from: r.offsetMs / 1000, to: (r.offsetMs + r.durationMs) / 1000, label: `round ${i + 1}` }));
}

export function timeChart(report: ChartRun, id: string, title: string, yLabel: string, series: ChartSeriesSpec[], note?: string): ChartSpec {
  return { id, title, xLabel: TIME_LABEL, yLabel, series, xMax: runEndSec(report), bands: roundBands(report), ...(note ? { note } : {}) };
}

/**
 * The closing interval of the run, or of a round, in which nothing was sent: the drain of the last replies, a few
 * ms long. Its rate says nothing of the load's throughput, so it is left undrawn (not a cliff); its messages are in
 * the totals.
 */
function isDrain(report: ChartRun, interval: ChartInterval): boolean {
  if (interval.messagesSent !== 0 || report.intervals.length < 2) return false;
  const index = report.intervals.indexOf(interval);
  const closing = new Set([report.intervals.length - 1, ...(report.rounds ?? []).map((r) => r.firstInterval + r.intervalCount - 1)]);
  return closing.has(index);
}

/** An interval's received rate as the charts draw it: null for a drain interval. */
export const drawnReceivedRate = (report: ChartRun, interval: ChartInterval): number | null => (isDrain(report, interval) ? null : interval.messagesPerSec);

export function throughputSpec(report: ChartRun): ChartSpec {
  return timeChart(report, 'throughput', 'Throughput over time', 'throughput (msg/s)', [
    intervalSeries(report, (i) => drawnReceivedRate(report, i), { label: 'received', color: COLORS.blue, unit: 'msg/s' }),
    intervalSeries(report, (i) => (isDrain(report, i) ? null : sentPerSec(i)), { label: 'sent', color: COLORS.teal, dash: DASHES[1], unit: 'msg/s' }),
  ], 'Each point is one interval’s rate over its real length, so a shorter interval is not a drop; the closing interval of the run or of a round in which nothing was sent (the drain of the last replies) is counted in the totals but not drawn.');
}

export function latencySpec(report: ChartRun): ChartSpec {
  const p = intervalPercentiles(report);
  const { x, keep } = intervalTimes(report);
  const lines = [['P50', p.p50, COLORS.blue], ['P90', p.p90, COLORS.teal], ['P99', p.p99, COLORS.orange], ['P99.9', p.p999, COLORS.red]] as const;
  const series = lines.map(([label, values, color], n): ChartSeriesSpec => ({ label, color, dash: DASHES[n], unit: 'ms', x, y: keep.map((i) => (i === null ? null : values[i]!)) }));
  return timeChart(report, 'latency-over-time', 'Latency percentiles over time', 'latency (ms)', series, 'Percentiles of each interval’s own responses; no point where an interval had none.');
}

export function errorsSpec(report: ChartRun): ChartSpec {
  const names = [...new Set(report.intervals.flatMap((i) => Object.keys(i.statusCodes ?? {})))].sort((a, b) => (a === 'OK' ? -1 : b === 'OK' ? 1 : a.localeCompare(b)));
  const palette = [COLORS.purple, COLORS.orange, COLORS.pink, COLORS.grey, COLORS.teal];
  const statusSeries = names.map((name, n) =>
    intervalSeries(report, (i) => (i.statusCodes ? (i.statusCodes[name] ?? 0) : null), { label: `streams ended ${name}`, color: name === 'OK' ? COLORS.green : palette[n % palette.length]!, dash: DASHES[(n + 1) % DASHES.length], unit: 'streams' }),
  );
  return timeChart(report, 'errors-over-time', 'Errors and stream-end status codes over time', 'per interval (count)', [
    intervalSeries(report, (i) => i.errors, { label: 'errors', color: COLORS.red, unit: 'events' }),
    ...statusSeries,
  ], report.intervals.some((i) => i.statusCodes) ? undefined : 'This report has no per-interval status codes; only errors are drawn.');
}

export function activitySpec(report: ChartRun): ChartSpec {
  return timeChart(report, 'activity', 'Active streams and connections over time', 'open at interval end (count)', [
    intervalSeries(report, (i) => i.activeStreams, { label: 'streams', color: COLORS.purple, unit: 'streams' }),
    intervalSeries(report, (i) => i.activeConnections, { label: 'connections', color: COLORS.teal, dash: DASHES[1], unit: 'connections' }),
  ]);
}

export function histogramSpec(report: Report): ChartSpec {
  const buckets = logLatencyBuckets(report.histogram);
  return {
    id: 'latency-histogram',
    title: 'Response-time histogram (log latency axis)',
    xLabel: 'latency, bucket upper bound (ms, log scale)',
    yLabel: 'responses (count)',
    xLog: true,
    series: [{ label: 'responses', color: COLORS.blue, unit: 'responses', bars: true, x: buckets.map((b) => b.upToMs), y: buckets.map((b) => b.count) }],
  };
}
