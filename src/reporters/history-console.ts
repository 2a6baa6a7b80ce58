import type { Finding, HistoryAnalysis, HistoryOptions, MetricTrend, SeriesTrend } from '../history/history-analysis.js';
import { metricFigure } from './format-units.js';
import { findingLine, relativeText } from './history-finding-line.js';

/** The series a finding is about. */
export function seriesOf(analysis: HistoryAnalysis, finding: Finding): SeriesTrend {
  return analysis.series.find((s) => s.key === finding.seriesKey)!;
}

/** How the history was judged, in one sentence under the tables. */
export function historyMethod(o: HistoryOptions): string {
  return `E-divisive means with Student's t-test: a change counts at p ≤ ${o.maxPValue} and ≥ ${(o.minMagnitude * 100).toFixed(1)} %, with ≥ ${o.minSegment} runs on each side; new while it began within the last ${o.recentRuns} runs.`;
}

/** The gate's verdict in one line. */
export function historyHeadline(analysis: HistoryAnalysis): string {
  const count = (kind: Finding['kind'], status: Finding['status']): number => analysis.findings.filter((f) => f.kind === kind && f.status === status).length;
  const runs = analysis.series.reduce((sum, s) => sum + s.runs.length, 0);
  const parts = [`${count('regression', 'confirmed')} confirmed regression(s)`, `${count('regression', 'suspected')} suspected`, `${count('improvement', 'confirmed') + count('improvement', 'suspected')} improvement(s)`];
  return `history: ${analysis.verdict === 'fail' ? 'FAIL' : 'PASS'}: ${parts.join(', ')} at the newest run; ${analysis.series.length} series, ${runs} runs`;
}

/** One table row per metric: the newest value, the mean of the segment it is in, the change points and the last one. */
export function trendRow(trend: MetricTrend, finding: Finding | undefined): string[] {
  const newest = trend.values[trend.values.length - 1];
  const last = trend.changePoints[trend.changePoints.length - 1];
  const segmentStart = last?.runIndex ?? 0;
  const segment = trend.values.slice(segmentStart).filter((v): v is number => v !== null);
  const mean = segment.length ? segment.reduce((a, b) => a + b, 0) / segment.length : undefined;
  return [
    trend.spec.label,
    newest === null || newest === undefined ? 'no value' : metricFigure(newest, trend.spec.unit),
    mean === undefined ? '—' : metricFigure(mean, trend.spec.unit),
    String(trend.changePoints.length),
    last ? `run ${last.runIndex + 1}: ${last.kind} ${relativeText(last.relativeChange)}` : '—',
    finding ? `${finding.kind} ${finding.status}` : trend.values.every((v) => v === null) ? 'no data' : 'ok',
  ];
}

export const TREND_COLUMNS = ['metric', 'newest run', 'segment mean', 'change points', 'last change', 'newest run is'] as const;

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd());
}

/** The analysis for a terminal: the verdict, one line per finding, then a table per series. */
export function renderHistoryConsole(analysis: HistoryAnalysis): string {
  const lines = [historyHeadline(analysis), ...analysis.findings.map((f) => `  ${findingLine(f, seriesOf(analysis, f))}`), ''];
  for (const series of analysis.series) {
    lines.push(`${series.key} (${series.runs.length} runs, ${series.runs[0]!.startedAt} … ${series.runs[series.runs.length - 1]!.startedAt})`);
    const rows = series.metrics.map((trend) => trendRow(trend, analysis.findings.find((f) => f.seriesKey === series.key && f.metric === trend.spec.metric)));
    lines.push(...table([[...TREND_COLUMNS], ...rows]).map((l) => `  ${l}`), '');
  }
  lines.push(historyMethod(analysis.options), '');
  return lines.join('\n');
}
