import type { Report, ReportInterval } from '../report/report.js';
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

/** RFC 4180: a field holding a comma, a double quote or a line break is quoted, quotes doubled. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 records end in CRLF, the last one included. */
function csvRow(fields: string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** One row per interval, for spreadsheets and plotting. */
export function renderCsv(report: Report): string {
  const header = csvRow(COLUMNS.map(([name]) => name));
  return header + report.intervals.map((interval) => csvRow(COLUMNS.map(([, value]) => String(value(interval))))).join('');
}

export const csvReporter: Reporter = { name: 'csv', extension: 'csv', render: renderCsv };
