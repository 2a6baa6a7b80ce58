import { describeConnectionSettings } from './describe-connection-settings.js';
import type { Report, ThresholdResult } from '../report/report.js';
import { count, ms, rate } from './format-units.js';
import { peerLimitsLines } from './peer-limits-lines.js';
import { callRows, messageLatencyMeaning } from './describe-calls.js';
import { FLOW_CHECK_COLUMNS, FLOW_STEP_COLUMNS, flowCheckRows, flowStepRows, flowSummaryLine } from './describe-flow.js';
import { VERSION_FLOW_CHECK_COLUMNS, VERSION_FLOW_RUN_COLUMNS, VERSION_FLOW_STEP_COLUMNS, versionFlowCheckRows, versionFlowRunRows, versionFlows, versionFlowStepRows } from './describe-version-flows.js';
import type { Reporter } from './reporter.js';

/**
 * User-provided text as literal inline markdown: line breaks (which would end a table row)
 * become spaces, and every character that could start markup, a table cell, raw HTML, an
 * entity or GitHub math gets a backslash.
 */
function md(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_[\]<>|~&$!#]/g, (c) => `\\${c}`);
}

function table(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}

function summaryTable(report: Report): string[] {
  const { counts, latencyMs } = report;
  return table(['metric', 'value'], [
    ['messages sent', count(counts.messagesSent)],
    ['messages received', count(counts.messagesReceived)],
    ['messages failed', count(counts.messagesFailed)],
    ['errors', count(counts.errors)],
    ['throughput', `${rate(report.throughput.messagesPerSec)} msg/s`],
    ['P50', ms(latencyMs.p50)],
    ['P90', ms(latencyMs.p90)],
    ['P99', ms(latencyMs.p99)],
    ['P99.9', ms(latencyMs.p999)],
    ['streams', `${count(counts.streamsOpened)} opened, ${count(counts.streamsCompleted)} completed, ${count(counts.streamsFailed)} failed, ${count(counts.streamsCancelled)} cancelled`],
    ['connections', `${count(report.connections.opened)} opened, ${count(report.connections.peakActive)} peak active; ${md(describeConnectionSettings(report.settings))}`],
    ...(report.calls ? [['latency', md(messageLatencyMeaning(report.calls.kind, report.flow !== undefined))]] : []),
    ...callRows(report).map(([label, value]) => [md(label), md(value)]),
  ]);
}

function tallyTable(header: [string, string], tally: Record<string, number>): string[] {
  const rows = Object.entries(tally).sort((a, b) => b[1] - a[1]).map(([key, n]) => [md(key), count(n)]);
  return rows.length ? table(header, rows) : ['(none)'];
}

function thresholdRow(result: ThresholdResult): string[] {
  const figure = (value: number): string => md(`${Math.round(value * 1000) / 1000} ${result.unit}`);
  const actual = result.noData === undefined ? figure(result.actual) : md(`no data: ${result.noData}`);
  return [result.pass ? '✅' : '❌', md(result.metric), md(result.condition), actual, figure(result.limit)];
}

function warnings(report: Report): string[] {
  const lines: string[] = [];
  if (report.partial) lines.push(`> ⚠️ **Partial run:** ${md(report.partialReason ?? 'the run did not reach its planned end')}`);
  if (report.generator.saturated) lines.push('> ⚠️ **Load generator saturated:** latencies include its own queueing.');
  const targetRate = report.generator.targetRate;
  if (targetRate && !targetRate.reached) lines.push(`> ⚠️ **Open model:** ${md(targetRate.summary)}`);
  if (report.thresholds?.abortedBy !== undefined) lines.push(`> ⚠️ **Stopped early by a threshold:** ${md(report.thresholds.abortedBy)}`);
  for (const line of peerLimitsLines(report.peerLimits)) lines.push(`> ⚠️ **Concurrency held back:** ${md(line)}`);
  return lines.length ? ['', ...lines.flatMap((line, i) => (i ? ['>', line] : [line]))] : [];
}

/** A GitHub-flavoured markdown summary, sized for a CI step summary ($GITHUB_STEP_SUMMARY). */
export function renderMarkdown(report: Report): string {
  const lines = [
    `## grpc-bench: ${md(report.name)}`,
    '',
    `Target ${md(report.target)}, call ${md(report.call)}, started ${md(report.startedAt)}, load time ${ms(report.durationMs)}.`,
    ...warnings(report),
    '',
    '### Summary',
    '',
    ...summaryTable(report),
    '',
    '### Status codes (calls)',
    '',
    ...tallyTable(['status', 'calls'], report.statusCodes),
  ];
  if (report.flow) {
    const checks = flowCheckRows(report.flow);
    lines.push('', '### Flow', '', md(flowSummaryLine(report.flow)), '', ...table([...FLOW_STEP_COLUMNS], flowStepRows(report.flow).map((row) => row.map(md))));
    if (checks.length) lines.push('', ...table([...FLOW_CHECK_COLUMNS], checks.map((row) => row.map(md))));
  }
  const flows = versionFlows(report);
  if (flows.length) {
    const checks = versionFlowCheckRows(flows);
    lines.push(
      '',
      `### Flow by version (split.by ${md(report.settings.split?.by ?? '')})`,
      '',
      "A flow run's version is that of its first response carrying the split field or header.",
      '',
      ...table([...VERSION_FLOW_RUN_COLUMNS], versionFlowRunRows(flows).map((row) => row.map(md))),
      '',
      ...table([...VERSION_FLOW_STEP_COLUMNS], versionFlowStepRows(flows).map((row) => row.map(md))),
    );
    if (checks.length) lines.push('', ...table([...VERSION_FLOW_CHECK_COLUMNS], checks.map((row) => row.map(md))));
  }
  if (Object.keys(report.errorDetails).length) lines.push('', '### Errors', '', ...tallyTable(['error', 'count'], report.errorDetails));
  const thresholds = report.thresholds;
  if (thresholds?.results.length) {
    lines.push(
      '',
      `### Thresholds: ${thresholds.passed ? '✅ passed' : '❌ failed'}`,
      '',
      ...table(['result', 'metric', 'condition', 'actual', 'limit'], thresholds.results.map(thresholdRow)),
    );
  }
  return `${lines.join('\n')}\n`;
}

export const markdownReporter: Reporter = { name: 'markdown', extension: 'md', render: renderMarkdown };
