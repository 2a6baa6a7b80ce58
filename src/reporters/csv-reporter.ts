import type { AwaitStepReport, FlowReport, Report, ReportInterval } from '../report/report.js';
import type { Reporter } from './reporter.js';

/** Column name (units in the name) → the interval figure it holds. */
const COLUMNS: ReadonlyArray<[string, (i: ReportInterval) => number]> = [
  ['t_ms', (i) => i.tMs],
  ['duration_ms', (i) => i.durationMs],
  ['messages_sent', (i) => i.messagesSent],
  ['messages_received', (i) => i.messagesReceived],
  ['messages_failed', (i) => i.messagesFailed],
  ['errors', (i) => i.errors],
  ['streams_opened', (i) => i.streamsOpened],
  ['streams_completed', (i) => i.streamsCompleted],
  ['streams_failed', (i) => i.streamsFailed],
  ['messages_per_sec', (i) => i.messagesPerSec],
  ['p50_ms', (i) => i.p50Ms],
  ['p99_ms', (i) => i.p99Ms],
  ['active_streams', (i) => i.activeStreams],
  ['active_connections', (i) => i.activeConnections],
  ['sends_deferred', (i) => i.sendsDeferred],
  // Calls that ended in the interval, with a status (OK or not).
  ['calls_ended', (i) => Object.values(i.statusCodes ?? {}).reduce((sum, n) => sum + n, 0)],
];

/**
 * With a flow, the table gains these columns and one row per await step and per check, whole-run
 * figures; `row` tells the kinds apart (`interval`, `await`, `check`). An await row fills `p50_ms`
 * and `p99_ms` with its request → match latencies, a check row `pass_percent` (empty when never judged).
 */
const FLOW_COLUMNS = ['row', 'name', 'matched', 'timeouts', 'intermediate', 'p90_ms', 'p999_ms', 'max_ms', 'passes', 'fails', 'pass_percent'] as const;
type FlowColumn = (typeof FLOW_COLUMNS)[number] | 'p50_ms' | 'p99_ms';

/** RFC 4180: a field holding a comma, a double quote or a line break is quoted, quotes doubled. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 records end in CRLF, the last one included. */
function csvRow(fields: string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

function awaitCells(name: string, step: AwaitStepReport): Partial<Record<FlowColumn, string | number>> {
  const latency = step.latencyMs;
  // An await that never matched has no latencies: empty cells, not zeros.
  const ms = latency.count > 0 ? { p50_ms: latency.p50, p90_ms: latency.p90, p99_ms: latency.p99, p999_ms: latency.p999, max_ms: latency.max } : {};
  return { row: 'await', name, matched: step.matched, timeouts: step.timeouts, intermediate: step.intermediate, ...ms };
}

function flowRows(flow: FlowReport, header: readonly string[]): string[] {
  const cellsOf = (cells: Partial<Record<FlowColumn, string | number>>): string =>
    csvRow(header.map((column) => String(cells[column as FlowColumn] ?? '')));
  return [
    ...Object.entries(flow.awaits).map(([name, step]) => cellsOf(awaitCells(name, step))),
    ...Object.entries(flow.checks).map(([name, check]) =>
      cellsOf({ row: 'check', name, passes: check.passes, fails: check.fails, ...(check.rate === undefined ? {} : { pass_percent: check.rate * 100 }) })),
  ];
}

/** One row per interval, for spreadsheets and plotting; with a flow, its steps and checks in the same table. */
export function renderCsv(report: Report): string {
  const flow = report.flow;
  const header = [...COLUMNS.map(([name]) => name), ...(flow ? FLOW_COLUMNS : [])];
  const intervalRow = (interval: ReportInterval): string => {
    const figures = COLUMNS.map(([, value]) => String(value(interval)));
    return csvRow(flow ? [...figures, 'interval', ...FLOW_COLUMNS.slice(1).map(() => '')] : figures);
  };
  return csvRow(header) + report.intervals.map(intervalRow).join('') + (flow ? flowRows(flow, header).join('') : '');
}

export const csvReporter: Reporter = { name: 'csv', extension: 'csv', render: renderCsv };
