import type { Comparison, ComparedRun, MetricComparison } from '../compare/comparison.js';
import type { DescribedComparison } from './described-comparison.js';
import { count, rate } from './format-units.js';

/** How the two report files are named to the reader; defaults to "baseline" and "candidate". */
export interface ComparisonLabels {
  baseline: string;
  candidate: string;
}

export const COMPARISON_COLUMNS = ['metric', 'baseline', 'candidate', 'change', 'tolerance', 'ratio (CI)', 'p', 'verdict'] as const;

const signed = (value: number, digits: number): string => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}`;

function formatValue(value: number, unit: string): string {
  switch (unit) {
    case 'ms':
      return `${value.toFixed(3)} ms`;
    case 'msg/s':
      return `${rate(value)} msg/s`;
    case '%':
      return `${value.toFixed(2)} %`;
    case 'bytes/min':
      return `${(value / 1048576).toFixed(2)} MiB/min`;
    default:
      return count(value);
  }
}

function formatChange(m: MetricComparison): string {
  if (m.unit === '%') return `${signed(m.absoluteChange, 2)} pp`;
  if (m.unit === 'count') return signed(m.absoluteChange, 0);
  if (m.relativeChange === undefined) return m.absoluteChange === 0 ? '0 %' : formatValue(m.absoluteChange, m.unit);
  return `${signed(m.relativeChange * 100, 1)} %`;
}

function formatTolerance(m: MetricComparison): string {
  if (!m.tolerance) return '—';
  const sign = m.direction === 'lower-is-better' ? '+' : '−';
  return m.tolerance.kind === 'percentagePoints' ? `${sign}${m.tolerance.value} pp` : `${sign}${+(m.tolerance.value * 100).toFixed(2)} %`;
}

function formatRatio(m: MetricComparison): string {
  const ratio = m.test?.ratio;
  return ratio ? `${ratio.estimate.toFixed(2)} (${ratio.low.toFixed(2)}–${ratio.high.toFixed(2)})` : '—';
}

export function formatPValue(p: number | undefined): string {
  if (p === undefined) return '—';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

export function formatVerdict(verdict: MetricComparison['verdict']): string {
  return verdict === 'info' ? '—' : verdict.toUpperCase();
}

/** One table row, in COMPARISON_COLUMNS order. */
export function comparisonRow(m: MetricComparison): string[] {
  return [m.label, formatValue(m.baseline, m.unit), formatValue(m.candidate, m.unit), formatChange(m), formatTolerance(m), formatRatio(m), formatPValue(m.pValue), formatVerdict(m.verdict)];
}

export function describeRun(label: string, run: ComparedRun): string {
  return `${label} (${run.name}, ${run.startedAt}): ${run.intervalsUsed} of ${run.intervalsTotal} intervals of ${run.intervalMs} ms used (${run.warmupIntervals} dropped as warm-up)`;
}

/** Methods line: what the p-values and intervals mean. */
export function methodLine(comparison: Pick<Comparison, 'design' | 'alpha' | 'confidence' | 'rounds' | 'pairedIntervals' | 'resamples' | 'seed'> & { metrics: ReadonlyArray<Pick<MetricComparison, 'metric'>> }): string {
  const confidence = Math.round(comparison.confidence * 100);
  const shares = comparison.metrics.some((m) => m.metric.startsWith('checks.') || m.metric.endsWith('.timeoutRate')) ? 'error rate, flow step timeouts, check pass rates' : 'error rate';
  const tail = `(${shares}: two-proportion z-test); fail = worse than tolerance and significant at alpha ${comparison.alpha}.`;
  if (comparison.design === 'rounds') {
    return `change: whole-run figures; ratio: the geometric mean of the ${comparison.rounds} per-round ratios candidate/baseline (each round's figure from its merged histogram; messages/s over its measured time), the change that is judged, with its ${confidence} % t interval; p: two-sided one-sample t-test on the per-round log ratios, ${comparison.rounds - 1} degrees of freedom ${tail}`;
  }
  const bootstrap = `with its ${confidence} % bootstrap CI (${comparison.resamples} resamples, seed ${comparison.seed})`;
  if (comparison.design === 'paired') {
    return `change: whole-run figures; ratio: the median of the per-pair ratios candidate/baseline, the change that is judged, ${bootstrap}; p: two-sided Wilcoxon signed-rank on the per-interval log ratios of the ${comparison.pairedIntervals} intervals paired by time (the runs overlapped), corrected for serial correlation ${tail}`;
  }
  return `change: whole-run figures; ratio: candidate/baseline of the per-interval median (mean for messages/s), the change that is judged, ${bootstrap}; p: two-sided Mann-Whitney U on per-interval values (the runs did not overlap), corrected for serial correlation ${tail}`;
}

/** The comparison as a console table, the per-metric findings and the verdict line. */
export function renderComparisonConsole(comparison: DescribedComparison, labels: ComparisonLabels = { baseline: 'baseline', candidate: 'candidate' }): string {
  const rows = [[...COMPARISON_COLUMNS] as string[], ...comparison.metrics.map(comparisonRow)];
  const widths = COMPARISON_COLUMNS.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const table = rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd());
  table.splice(1, 0, widths.map((w) => '─'.repeat(w)).join('  '));
  const lines = [
    'grpc-bench compare',
    `  baseline:  ${describeRun(labels.baseline, comparison.baseline)}`,
    `  candidate: ${describeRun(labels.candidate, comparison.candidate)}`,
    '',
    ...table,
    '',
    'Findings:',
    ...comparison.metrics.filter((m) => m.verdict !== 'info' || m.test).map((m) => `  ${m.label}: ${m.finding}`),
  ];
  if (comparison.notes.length) lines.push('', 'Notes:', ...comparison.notes.map((n) => `  ${n}`));
  lines.push('', methodLine(comparison), '', `Verdict: ${comparison.verdict.toUpperCase()} — ${comparison.headline}`);
  return `${lines.join('\n')}\n`;
}
