import { describeConnectionSettings } from './describe-connection-settings.js';
import { redactUrlsInText } from '../redact/redact-url.js';
import { thresholdActual } from '../compare/evaluate-thresholds.js';
import type { MemoryGrowthReport, Report, ThresholdsReport } from '../report/report.js';
import { trendShortfall } from '../stats/memory-growth.js';
import { formatDurationMs } from '../scenario/parse-duration.js';
import { count, duration, ms, rate } from './format-units.js';
import { peerLimitsLines } from './peer-limits-lines.js';
import { callRows, messageLatencyMeaning } from './describe-calls.js';
import { FLOW_CHECK_COLUMNS, FLOW_STEP_COLUMNS, flowCheckRows, flowStepRows, flowSummaryLine, textTable } from './describe-flow.js';
import { VERSION_FLOW_CHECK_COLUMNS, VERSION_FLOW_RUN_COLUMNS, VERSION_FLOW_STEP_COLUMNS, versionFlowCheckRows, versionFlowRunRows, versionFlows, versionFlowStepRows } from './describe-version-flows.js';
import type { Reporter } from './reporter.js';
import { PROBE_MS, PROBE_WARMUP_MS } from '../plan/choose-worker-count.js';

const BAR_WIDTH = 40;

function section(title: string, lines: string[]): string[] {
  return ['', `${title}:`, ...lines];
}

function histogramLines(report: Report): string[] {
  const buckets = report.latencyBuckets;
  if (!buckets.length) return ['  (no responses)'];
  const largest = Math.max(...buckets.map((b) => b.count));
  const width = Math.max(...buckets.map((b) => ms(b.upToMs).length));
  return buckets.map((b) => {
    const bar = largest ? '∎'.repeat(Math.round((b.count / largest) * BAR_WIDTH)) : '';
    return `  ${ms(b.upToMs).padStart(width)} [${count(b.count)}]\t|${bar}`;
  });
}

function distributionLines(report: Report): string[] {
  const l = report.latencyMs;
  const rows: [string, number][] = [
    ['10 %', l.p10], ['25 %', l.p25], ['50 %', l.p50], ['75 %', l.p75],
    ['90 %', l.p90], ['95 %', l.p95], ['99 %', l.p99], ['99.9 %', l.p999],
  ];
  return l.count ? rows.map(([label, value]) => `  ${label.padStart(6)} in ${ms(value)}`) : ['  (no responses)'];
}

function tally(map: Record<string, number>): string[] {
  const entries = Object.entries(map).sort((a, b) => b[1] - a[1]);
  return entries.length ? entries.map(([key, n]) => `  [${key}]   ${count(n)} ${n === 1 ? 'time' : 'times'}`) : ['  (none)'];
}

const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`;

function growthLine(label: string, g: MemoryGrowthReport): string {
  const shortfall = trendShortfall(g);
  const trend = shortfall === undefined ? `growth ${mib(g.growthBytesPerMin)}/min (r² ${g.r2.toFixed(2)}, ${g.fittedSamples} samples)` : `no trend from ${shortfall}`;
  return `  ${label}: start ${mib(g.startBytes)}, peak ${mib(g.peakBytes)}, end ${mib(g.endBytes)}, ${trend}`;
}

/** `load.workers: auto`: what each probed count delivered, and the count the run used. */
function workerChoiceLines(report: Report): string[] {
  const choice = report.settings.workerChoice;
  if (!choice) return [];
  const probes = choice.probes.map((p) => `${p.workers} → ${count(Math.round(p.messagesPerSec))} msg/s (busy ${(p.workerUtilization * 100).toFixed(0)}%)`);
  return [
    `  workers: ${choice.workers} (auto: ${choice.reason})`,
    ...(probes.length ? [`  probes (${probes.length} × ${formatDurationMs(PROBE_MS)}, the first ${formatDurationMs(PROBE_WARMUP_MS)} of each left out): ${probes.join('; ')}`] : []),
  ];
}

/** What a report rebuilt from a run journal shows where it has no data. */
const NOT_MEASURED = '  not measured: a run journal does not hold these figures';

/** Load model, coordinated omission, stream lifecycle, memory and generator health. */
function extraSections(report: Report): string[] {
  const lines: string[] = [];
  if (report.loadModel === 'open') {
    const u = report.latencyUncorrectedMs;
    lines.push(
      ...section('Open model (latency from the intended send time; uncorrected beside it)', [
        `  P50 ${ms(report.latencyMs.p50)} (uncorrected ${ms(u.p50)}), P99 ${ms(report.latencyMs.p99)} (uncorrected ${ms(u.p99)}), max ${ms(report.latencyMs.max)} (uncorrected ${ms(u.max)})`,
        `  sent ${rate(report.throughput.sentPerSec)} msg/s; deferred sends ${count(report.counts.sendsDeferred)} (lag P99 ${ms(report.sendLagMs.p99)}, max ${ms(report.sendLagMs.max)}); unsent at stop ${count(report.counts.unsentAtStop)}`,
      ]),
    );
  }
  const st = report.streamStats;
  const missing = new Set(report.notMeasured ?? []);
  lines.push(
    ...section(
      'Stream lifecycle',
      missing.has('streamStats')
        ? [NOT_MEASURED]
        : [
            `  time to first response: P50 ${ms(st.timeToFirstResponseMs.p50)}, P99 ${ms(st.timeToFirstResponseMs.p99)}`,
            `  stream duration: P50 ${duration(st.durationMs.p50)}, max ${duration(st.durationMs.max)}; responses per stream: mean ${st.messagesPerStream.mean}, min ${st.messagesPerStream.min}, max ${st.messagesPerStream.max}`,
          ],
    ),
  );
  // The slopes are fitted on the load after the warm-up.
  const memory = [
    missing.has('clientMemory') ? `  client RSS: ${NOT_MEASURED.trim()}` : growthLine('client RSS', report.memory.client),
    growthLine('client worker heaps', report.memory.clientHeap),
  ];
  if (report.memory.target) memory.push(growthLine(`target (${redactUrlsInText(report.memory.target.source)})`, report.memory.target));
  lines.push(...section('Memory', memory));
  const g = report.generator;
  const missedRate = g.targetRate && !g.targetRate.reached ? `TARGET RATE NOT REACHED (limited by the ${g.targetRate.limitedBy})` : undefined;
  const verdicts = [...(g.saturated ? ['SATURATED — latencies include its own queueing'] : []), ...(missedRate ? [missedRate] : [])];
  lines.push(
    ...section(verdicts.length ? `Load generator: ${verdicts.join('; ')}` : 'Load generator', [
      ...(g.targetRate ? [`  ${g.targetRate.summary}`] : []),
      ...g.evidence.map((e) => `  ${e}`),
      ...(missing.has('generatorHealth') ? [] : [`  process CPU ${g.processCpuPercent}% of one core; workers busy ${g.workers.map((w) => `${(w.eventLoopUtilization * 100).toFixed(0)}%`).join(', ')}`]),
      ...workerChoiceLines(report),
    ]),
  );
  if (report.warmupMs > 0) lines.push('', `Warm-up: the first ${formatDurationMs(report.warmupMs)} were excluded from every figure.`);
  return lines;
}

/** The verdict table: metric, condition, actual with unit, PASS/FAIL. */
function thresholdLines(thresholds: ThresholdsReport): string[] {
  const rows = thresholds.results.map((r) => [r.metric, r.condition.trim(), thresholdActual(r), r.pass ? 'PASS' : 'FAIL']);
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) => `  ${row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column]!) : cell)).join('   ')}`);
  if (thresholds.abortedBy !== undefined) lines.push(`  the run was aborted early by ${thresholds.abortedBy} (abortOnFail)`);
  return lines;
}

function flowLines(flow: NonNullable<Report['flow']>): string[] {
  const checks = flowCheckRows(flow);
  return [`  ${flowSummaryLine(flow)}`, ...textTable(FLOW_STEP_COLUMNS, flowStepRows(flow)), ...(checks.length ? textTable(FLOW_CHECK_COLUMNS, checks) : [])];
}

/** A split run's flow by version: runs, then each step and check with a row per version. */
function versionFlowLines(flows: ReturnType<typeof versionFlows>): string[] {
  const checks = versionFlowCheckRows(flows);
  return [
    ...textTable(VERSION_FLOW_RUN_COLUMNS, versionFlowRunRows(flows)),
    ...textTable(VERSION_FLOW_STEP_COLUMNS, versionFlowStepRows(flows)),
    ...(checks.length ? textTable(VERSION_FLOW_CHECK_COLUMNS, checks) : []),
  ];
}

/** The ghz-style end-of-run summary, as plain text for stdout. */
export function renderConsoleSummary(report: Report): string {
  const { counts, latencyMs } = report;
  const flows = versionFlows(report);
  const lines = [
    `grpc-bench ${report.tool.version}: ${report.name}${report.partial ? '   ** PARTIAL: ' + (report.partialReason ?? '') + ' **' : ''}`,
    `  target:   ${report.target}`,
    `  call:     ${report.call}`,
    '',
    'Summary:',
    `  Count:        ${count(counts.messagesReceived)} responses to ${count(counts.messagesSent)} requests`,
    `  Total:        ${duration(report.durationMs)}`,
    `  Slowest:      ${ms(latencyMs.max)}`,
    `  Fastest:      ${ms(latencyMs.min)}`,
    `  Average:      ${ms(latencyMs.mean)}`,
    `  Messages/sec: ${rate(report.throughput.messagesPerSec)}`,
    ...(report.calls ? [`  Latency:      ${messageLatencyMeaning(report.calls.kind, report.flow !== undefined)}`] : []),
    ...(report.calls ? section('Calls', callRows(report).map(([label, value]) => `  ${`${label}:`.padEnd(22)}${value}`)) : []),
    ...(report.flow ? section('Flow (stream.flow; latencies from the flow run\'s latest send)', flowLines(report.flow)) : []),
    ...(flows.length ? section(`Flow by version (split.by ${report.settings.split?.by ?? ''}; a flow run's version is its first labelled response's)`, versionFlowLines(flows)) : []),
    ...section('Response time histogram', histogramLines(report)),
    ...section('Latency distribution', distributionLines(report)),
    ...section('Streams', [
      `  opened ${count(counts.streamsOpened)}, completed ${count(counts.streamsCompleted)}, failed ${count(counts.streamsFailed)}, cancelled at stop ${count(counts.streamsCancelled)}; peak active ${count(report.streams.peakActive)}`,
      ...peerLimitsLines(report.peerLimits).map((line) => `  ${line}`),
    ]),
    ...section('Messages', [
      `  sent ${count(counts.messagesSent)} = received ${count(counts.messagesReceived)} + failed ${count(counts.messagesFailed)} + in flight at stop ${count(counts.inFlightAtStop)}`,
    ]),
    ...section('Connections', [
      `  opened ${count(report.connections.opened)}, closed ${count(report.connections.closed)}, peak active ${count(report.connections.peakActive)}; ${describeConnectionSettings(report.settings)}`,
    ]),
    ...section('Status code distribution (calls)', tally(report.statusCodes)),
  ];
  if (counts.errors) lines.push(...section('Error distribution', tally(report.errorDetails)));
  lines.push(...extraSections(report));
  if (report.thresholds) lines.push(...section(`Thresholds (${report.thresholds.passed ? 'all passed' : 'FAILED'})`, thresholdLines(report.thresholds)));
  for (const error of report.workerErrors) lines.push(`  worker error: ${error}`);
  return `${lines.join('\n')}\n`;
}

export const consoleReporter: Reporter = { name: 'console', extension: 'txt', render: renderConsoleSummary };
