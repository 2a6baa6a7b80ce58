import type { Finding, HistoryRun, SeriesTrend } from '../history/history-analysis.js';
import { metricFigure } from './format-units.js';

/** +12.3 %, or "from 0" when the mean before was 0. */
export function relativeText(relativeChange: number | null): string {
  if (relativeChange === null) return 'from 0';
  const percent = relativeChange * 100;
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(1)} %`;
}

/** A p-value that stays readable at 1e-12; below 1e-15 the t distribution's tail is under double precision. */
export const pText = (pValue: number): string => (pValue >= 0.001 ? pValue.toFixed(3) : pValue < 1e-15 ? '< 1e-15' : pValue.toExponential(1));

/** Control characters (a terminal escape, a line break) in a tag shown as "?": a record cannot restyle the terminal or forge a line. */
const printable = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');

/** `commit=abc123, branch=main`, or "no tags". */
export function runTags(run: HistoryRun): string {
  const tags = Object.entries(run.tags);
  return tags.length ? tags.map(([key, value]) => `${printable(key)}=${printable(value)}`).join(', ') : 'no tags';
}

/** `run 11 of 15 (2026-12-07T02:17:00.000Z; commit=abc123)`: runs are counted from 1, oldest first. */
export function runLabel(series: SeriesTrend, index: number): string {
  const run = series.runs[index]!;
  return `run ${index + 1} of ${series.runs.length} (${run.startedAt}; ${runTags(run)})`;
}

/**
 * One line per finding, naming the series, the metric, the size, the runs and their tags:
 * `regression confirmed: nightly · pb.OrderService/CreateOrderStream: P99 2.100 ms → 3.400 ms
 * (+61.9 %, p 3.1e-6), from run 11 of 15 (…; commit=abc) on, 5 runs; last run before: run 10 of 15 (…; commit=def)`.
 */
export function findingLine(finding: Finding, series: SeriesTrend): string {
  const size = `${finding.label} ${metricFigure(finding.before, finding.unit)} → ${metricFigure(finding.after, finding.unit)} (${relativeText(finding.relativeChange)}, p ${pText(finding.pValue)})`;
  const where =
    finding.status === 'confirmed'
      ? `from ${runLabel(series, finding.firstRun)} on, ${finding.runsSince} run${finding.runsSince === 1 ? '' : 's'}`
      : `the newest run alone, ${runLabel(series, finding.firstRun)}, against the segment before it`;
  return `${finding.kind} ${finding.status}: ${series.key}: ${size}, ${where}; last run before: ${runLabel(series, finding.lastGoodRun)}`;
}
