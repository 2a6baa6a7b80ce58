import type { FlowReport } from '../report/report.js';
import { count, ms } from './format-units.js';

export const FLOW_STEP_COLUMNS = ['step', 'matched', 'timeouts', 'intermediate', 'P50', 'P90', 'P99', 'max', 'first response P50', 'by status'] as const;
export const FLOW_CHECK_COLUMNS = ['check', 'passed', 'failed', 'pass rate'] as const;

/** "KEY n" pairs, most first; "—" when empty. */
export function tallyText(tally: Record<string, number>): string {
  const entries = Object.entries(tally).sort((a, b) => b[1] - a[1]);
  return entries.length ? entries.map(([key, n]) => `${key} ${count(n)}`).join(', ') : '—';
}

/** One line about the flow runs, sends and responses outside any await. */
export function flowSummaryLine(flow: FlowReport): string {
  const sends = Object.entries(flow.sends).map(([name, n]) => `${name} ${count(n)}`).join(', ');
  return (
    `flow runs: ${count(flow.runsStarted)} started, ${count(flow.runsCompleted)} completed, ${count(flow.runsTimedOut)} timed out (DEADLINE_EXCEEDED), ${count(flow.runsUnfinished)} unfinished at their stream's end; ` +
    `sent: ${sends || '—'}; unsolicited: ${tallyText(flow.unsolicited)}; during a pause: ${count(flow.unawaited)}`
  );
}

/** Each await step as a row of FLOW_STEP_COLUMNS; latencies from the flow run's latest send. */
export function flowStepRows(flow: FlowReport): string[][] {
  return Object.entries(flow.awaits).map(([name, step]) => {
    const l = step.latencyMs;
    const none = '—';
    return [
      name,
      count(step.matched),
      count(step.timeouts),
      count(step.intermediate),
      l.count ? ms(l.p50) : none,
      l.count ? ms(l.p90) : none,
      l.count ? ms(l.p99) : none,
      l.count ? ms(l.max) : none,
      step.firstResponseMs.count ? ms(step.firstResponseMs.p50) : none,
      tallyText(step.byStatus),
    ];
  });
}

/** Each check as a row of FLOW_CHECK_COLUMNS. */
export function flowCheckRows(flow: FlowReport): string[][] {
  return Object.entries(flow.checks).map(([name, check]) => [name, count(check.passes), count(check.fails), check.rate === undefined ? '—' : `${(check.rate * 100).toFixed(2)}%`]);
}

/** Plain-text table: columns padded to their widest cell. */
export function textTable(columns: readonly string[], rows: readonly string[][]): string[] {
  const all = [columns as string[], ...rows];
  const widths = columns.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  return all.map((row) => `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}`);
}
