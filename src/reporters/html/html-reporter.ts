import { flowStepSpecs, versionFlowStepSpecs } from './charts/flow-charts.js';
import { createHash } from 'node:crypto';
import type { MemoryGrowthReport, Report } from '../../report/report.js';
import { MIN_TREND_SAMPLES, MIN_TREND_SPAN_MS, trendShortfall } from '../../stats/memory-growth.js';
import { count, metricFigure, ms, rate } from '../format-units.js';
import type { Reporter } from '../reporter.js';
import { html, SafeHtml, type HtmlValue } from './escape-html.js';
import { chartData, chartFigure } from './charts/chart-html.js';
import { CHART_SCRIPT, UPLOT_CSS, UPLOT_JS } from './charts/chart-script.js';
import type { ChartSpec } from './charts/chart-spec.js';
import { activitySpec, errorsSpec, histogramSpec, latencySpec, throughputSpec } from './charts/run-charts.js';
import { memorySpec } from './charts/memory-chart.js';
import { describeSchedule } from '../describe-schedule.js';
import { callRows, messageLatencyMeaning } from '../describe-calls.js';
import { FLOW_CHECK_COLUMNS, FLOW_STEP_COLUMNS, flowCheckRows, flowStepRows, flowSummaryLine } from '../describe-flow.js';
import { VERSION_FLOW_CHECK_COLUMNS, VERSION_FLOW_RUN_COLUMNS, VERSION_FLOW_STEP_COLUMNS, versionFlowCheckRows, versionFlowRunRows, versionFlows, versionFlowStepRows } from '../describe-version-flows.js';
import { redactUrl, redactUrlsInText } from '../../redact/redact-url.js';
import { looksLikeLeak, memoryProcesses, memoryVerdict } from '../memory-verdict.js';

const STYLE = `
:root{--fg:#1d2433;--muted:#5b6475;--line:#d8dde6;--bg:#f5f6f8;--card:#fff;--bad:#b42318;--warn:#93370d;--good:#067647}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",Arial,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1120px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 8px;overflow-wrap:anywhere}
h2{font-size:16px;margin:0 0 10px}
h3{font-size:14px;margin:16px 0 6px}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}
.meta dt{color:var(--muted)}.meta dd{margin:0;overflow-wrap:anywhere}
.banner{padding:10px 14px;border-radius:6px;margin:12px 0;border:1px solid}
.banner ul{margin:4px 0 0;padding-left:20px}
.banner.bad{background:#fef3f2;border-color:#fda29b;color:var(--bad)}
.banner.warn{background:#fffaeb;border-color:#fec84b;color:var(--warn)}
.banner.good{background:#ecfdf3;border-color:#75e0a7;color:var(--good)}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:12px;margin:18px 0}
.figure{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.figure .label{color:var(--muted);font-size:12px}
.figure .value{font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}
.figure .unit{font-size:13px;color:var(--muted);margin-left:4px;font-weight:400}
.figure .sub{color:var(--muted);font-size:12px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px;margin:16px 0}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.pair>section{margin:0}
@media (max-width:860px){.pair{grid-template-columns:1fr}}
.chart-box{margin:0}.chart-box figcaption{font-weight:600;margin:0 0 6px}
.chart{min-height:280px;width:100%}
.uplot .u-legend{font-size:12px;text-align:left}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}
th{color:var(--muted);font-weight:600;font-size:12px}
.num{text-align:right;white-space:nowrap}.nowrap{white-space:nowrap}
th{white-space:nowrap}
.pass{color:var(--good);font-weight:600}.fail{color:var(--bad);font-weight:600}
.note{color:var(--muted);margin:8px 0 0}
footer{color:var(--muted);font-size:12px;margin:20px 0 0}
`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

const PAGE_STYLE = UPLOT_CSS + STYLE;

/** The policy admits only our own style and scripts (uPlot and the chart script), by hash: injected markup could not run or load anything. */
const CONTENT_SECURITY_POLICY = `default-src 'none'; style-src ${sha256(PAGE_STYLE)}; script-src ${sha256(UPLOT_JS)} ${sha256(CHART_SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;

/** A whole self-contained page: inline style, uPlot and the charts' data, nothing fetched, opens offline. */
export function htmlDocument(title: string, body: SafeHtml, charts: readonly ChartSpec[] = []): string {
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>${title}</title><style>${new SafeHtml(PAGE_STYLE)}</style></head>
<body><main>${body}</main>${chartData(charts)}<script>${new SafeHtml(UPLOT_JS)}</script><script>${new SafeHtml(CHART_SCRIPT)}</script></body></html>
`;
  return page.markup;
}

/** One key figure: a label, a number and its unit. */
export function figure(label: string, value: string, unit: string, sub?: HtmlValue): SafeHtml {
  return html`<div class="figure" data-figure="${label}"><div class="label">${label}</div><div class="value">${value}<span class="unit">${unit}</span></div>${sub ? html`<div class="sub">${sub}</div>` : ''}</div>`;
}

export interface Column {
  label: string;
  /** Right-aligned, never wrapped. */
  numeric?: boolean;
  /** Short text that must not wrap (verdicts, tolerances). */
  nowrap?: boolean;
}

export function dataTable(columns: readonly Column[], rows: readonly (readonly HtmlValue[])[]): SafeHtml {
  const cls = (c: Column | undefined): string => (c?.numeric ? 'num' : c?.nowrap ? 'nowrap' : '');
  return html`<table><thead><tr>${columns.map((c) => html`<th class="${cls(c)}">${c.label}</th>`)}</tr></thead><tbody>${rows.map(
    (row) => html`<tr>${row.map((cell, i) => html`<td class="${cls(columns[i])}">${cell}</td>`)}</tr>`,
  )}</tbody></table>`;
}

export function section(id: string, title: string, content: HtmlValue): SafeHtml {
  return html`<section id="${id}"><h2>${title}</h2>${content}</section>`;
}

export const seconds = (durationMs: number): string => (durationMs / 1000).toLocaleString('en-US', { maximumFractionDigits: 2 });

function header(report: Report): SafeHtml {
  const g = report.generator;
  const t = report.thresholds;
  return html`<header><h1>${report.name}</h1><dl class="meta">
<dt>target</dt><dd>${report.target}</dd><dt>call</dt><dd>${report.call}</dd>
<dt>started</dt><dd>${report.startedAt}</dd><dt>load duration</dt><dd>${seconds(report.durationMs)} s</dd>
<dt>load model</dt><dd>${report.loadModel}</dd>${report.warmupMs > 0 ? html`<dt>warm-up</dt><dd>first ${seconds(report.warmupMs)} s excluded from every figure</dd>` : ''}
</dl>
${report.partial ? html`<div class="banner bad" data-banner="partial"><strong>Partial run:</strong> ${report.partialReason ?? 'the run did not reach its planned end'}</div>` : ''}
${g.saturated ? html`<div class="banner warn" data-banner="saturated"><strong>Load generator saturated:</strong> latencies include its own queueing.<ul>${g.evidence.map((e) => html`<li>${e}</li>`)}</ul></div>` : ''}
${g.targetRate && !g.targetRate.reached ? html`<div class="banner warn" data-banner="target-rate"><strong>Open model:</strong> ${g.targetRate.summary}</div>` : ''}
${t ? html`<div class="banner ${t.passed ? 'good' : 'bad'}" data-banner="thresholds"><strong>Thresholds ${t.passed ? 'passed' : 'failed'}:</strong> ${t.results.filter((r) => r.pass).length} of ${t.results.length} passed${t.abortedBy ? html`; the run was stopped early by ${t.abortedBy}` : ''}.</div>` : ''}
${memoryProcesses(report).filter((p) => looksLikeLeak(p.growth)).map((p) => html`<div class="banner bad" data-banner="memory-leak"><strong>Memory:</strong> ${memoryVerdict(p.name, p.growth)}</div>`)}
${report.workerErrors.length ? html`<div class="banner bad" data-banner="worker-errors"><strong>Worker errors:</strong><ul>${report.workerErrors.map((e) => html`<li>${e}</li>`)}</ul></div>` : ''}
</header>`;
}

function keyFigures(report: Report): SafeHtml {
  const l = report.latencyMs;
  const c = report.counts;
  const n = (v: number): string => v.toFixed(3);
  return html`<div class="figures">
${figure('throughput', rate(report.throughput.messagesPerSec), 'msg/s', report.loadModel === 'open' ? `sent ${rate(report.throughput.sentPerSec)} msg/s` : `${count(c.messagesReceived)} responses`)}
${figure('P50', n(l.p50), 'ms')}${figure('P90', n(l.p90), 'ms')}
${figure('P99', n(l.p99), 'ms', report.loadModel === 'open' ? `uncorrected ${ms(report.latencyUncorrectedMs.p99)}` : `max ${ms(l.max)}`)}
${figure('P99.9', n(l.p999), 'ms')}
${figure('errors', count(c.errors), 'events', `${count(c.streamsFailed)} failed streams, ${count(c.messagesFailed)} failed messages`)}
${figure('streams', count(report.streams.peakActive), 'peak open', `${count(report.settings.streams)} configured, ${count(c.streamsOpened)} opened`)}
${figure('connections', count(report.connections.peakActive), 'peak open', `${count(report.settings.connections)} configured, ${count(report.connections.opened)} opened`)}
</div>`;
}

function latencySection(report: Report, histogram: ChartSpec): SafeHtml {
  const l = report.latencyMs;
  const stats: [string, number][] = [['min', l.min], ['mean', l.mean], ['P10', l.p10], ['P25', l.p25], ['P50', l.p50], ['P75', l.p75], ['P90', l.p90], ['P95', l.p95], ['P99', l.p99], ['P99.9', l.p999], ['max', l.max]];
  const distribution = dataTable(
    stats.map(([label]) => ({ label: `${label} (ms)`, numeric: true })),
    [stats.map(([, value]) => value.toFixed(3))],
  );
  const meaning = report.calls ? html`<p class="note" data-latency-meaning>Latency of ${messageLatencyMeaning(report.calls.kind, report.flow !== undefined)}.</p>` : '';
  return section('histogram', 'Response-time histogram and latency distribution', html`${meaning}${chartFigure(histogram)}<h3>Latency distribution</h3>${distribution}`);
}

function statusSection(report: Report): SafeHtml {
  const entries = Object.entries(report.statusCodes).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const table = dataTable([{ label: 'gRPC status' }, { label: 'calls ended', numeric: true }, { label: 'share (%)', numeric: true }], entries.map(([status, n]) => [status, count(n), total ? ((n / total) * 100).toFixed(1) : '0.0']));
  return section('status-codes', 'Status codes (calls)', html`<div data-status-table>${table}</div>`);
}

/** The flow's await steps and checks; nothing without a flow. */
function flowSection(report: Report): SafeHtml | '' {
  const flow = report.flow;
  if (!flow) return '';
  const columns = (labels: readonly string[]) => labels.map((label, i) => ({ label, numeric: i > 0 && i < labels.length - 1 }));
  const checks = flowCheckRows(flow);
  return section(
    'flow',
    'Flow (stream.flow)',
    html`<p>${flowSummaryLine(flow)}.</p><div data-flow-steps>${dataTable(columns(FLOW_STEP_COLUMNS), flowStepRows(flow))}</div>${checks.length ? html`<div data-flow-checks>${dataTable(FLOW_CHECK_COLUMNS.map((label, i) => ({ label, numeric: i > 0 })), checks)}</div>` : ''}<p class="note">Await latencies run from the flow run's latest send (its due time, for a run's first send in the open model) to the match.</p>`,
  );
}

/** A split run's flow by version (split.by); nothing without both. */
function versionFlowSection(report: Report): SafeHtml | '' {
  const flows = versionFlows(report);
  if (!flows.length) return '';
  const numeric = (labels: readonly string[], text: number) => labels.map((label, i) => ({ label, numeric: i >= text && i < labels.length - 1 }));
  const checks = versionFlowCheckRows(flows);
  return section(
    'flow-versions',
    `Flow by version (split.by ${report.settings.split?.by ?? ''})`,
    html`<div data-flow-version-runs>${dataTable(numeric(VERSION_FLOW_RUN_COLUMNS, 1), versionFlowRunRows(flows))}</div><div data-flow-version-steps>${dataTable(numeric(VERSION_FLOW_STEP_COLUMNS, 2), versionFlowStepRows(flows))}</div>${checks.length ? html`<div data-flow-version-checks>${dataTable(VERSION_FLOW_CHECK_COLUMNS.map((label, i) => ({ label, numeric: i > 1 })), checks)}</div>` : ''}<p class="note">A flow run's version is that of its first response carrying the split field or header; sends are not split.</p>`,
  );
}

/** Calls: kind, count, rate and whole-call latency; nothing for a report from before calls were counted. */
function callsSection(report: Report): SafeHtml | '' {
  const rows = callRows(report);
  if (!rows.length) return '';
  return section('calls', 'Calls', html`<div data-calls-table>${dataTable([{ label: 'figure' }, { label: 'value' }], rows)}</div><p class="note">A call is one RPC (one stream); its latency runs from its start to its status.</p>`);
}

const mib = (bytes: number): string => (bytes / 1048576).toFixed(1);

function memorySection(report: Report, chart: ChartSpec | undefined): SafeHtml {
  const rows: [string, MemoryGrowthReport][] = [['client worker heaps (summed)', report.memory.clientHeap]];
  // A report rebuilt from a run journal has no client memory samples: no row of zeros.
  if (!report.notMeasured?.includes('clientMemory')) rows.unshift(['client resident set size', report.memory.client]);
  if (report.memory.target) rows.push([`target (${redactUrlsInText(report.memory.target.source)})`, report.memory.target]);
  const table = dataTable(
    [{ label: 'process' }, { label: 'start (MiB)', numeric: true }, { label: 'peak (MiB)', numeric: true }, { label: 'end (MiB)', numeric: true }, { label: 'growth (MiB/min)', numeric: true }, { label: 'fit r²', numeric: true }, { label: 'samples', numeric: true }],
    rows.map(([label, g]) => {
      const judged = trendShortfall(g) === undefined;
      return [label, mib(g.startBytes), mib(g.peakBytes), mib(g.endBytes), judged ? mib(g.growthBytesPerMin) : 'no trend', judged ? g.r2.toFixed(2) : '', count(g.samples)];
    }),
  );
  const verdicts = html`<ul data-memory-verdicts>${memoryProcesses(report).map((p) => html`<li class="${looksLikeLeak(p.growth) ? 'fail' : ''}">${memoryVerdict(p.name, p.growth)}</li>`)}</ul>`;
  return section(
    'memory',
    'Memory',
    html`${verdicts}${chart ? chartFigure(chart) : html`<p class="note">This report has no per-interval memory readings, so no memory-over-time chart is drawn.</p>`}${table}<p class="note">Growth: least-squares slope over the samples taken while the load ran. "no trend": fewer than ${MIN_TREND_SAMPLES} samples or less than ${MIN_TREND_SPAN_MS / 1000} s of load sampled, where start-up growth would pass for a leak (report.json keeps the slope).</p>`,
  );
}

function thresholdsSection(report: Report): SafeHtml | '' {
  const t = report.thresholds;
  if (!t) return '';
  const rows = t.results.map((r) => [r.metric, r.condition, r.noData === undefined ? metricFigure(r.actual, r.unit) : `no data: ${r.noData}`, metricFigure(r.limit, r.unit), html`<span class="${r.pass ? 'pass' : 'fail'}">${r.pass ? 'PASS' : 'FAIL'}</span>`, r.abortOnFail ? 'yes' : 'no']);
  return section('thresholds', 'Thresholds', dataTable([{ label: 'metric' }, { label: 'condition' }, { label: 'actual', numeric: true }, { label: 'limit', numeric: true }, { label: 'verdict' }, { label: 'abort on fail' }], rows));
}

function generatorSection(report: Report): SafeHtml {
  const g = report.generator;
  const workers = dataTable(
    [{ label: 'worker' }, { label: 'event loop busy (%)', numeric: true }, { label: 'loop delay mean (ms)', numeric: true }, { label: 'loop delay P99 (ms)', numeric: true }, { label: 'loop delay max (ms)', numeric: true }],
    g.workers.map((w) => [String(w.workerId), (w.eventLoopUtilization * 100).toFixed(0), w.eventLoopDelayMeanMs.toFixed(3), w.eventLoopDelayP99Ms.toFixed(3), w.eventLoopDelayMaxMs.toFixed(3)]),
  );
  const verdicts = [...(g.saturated ? ['saturated'] : []), ...(g.targetRate && !g.targetRate.reached ? ['target rate not reached'] : [])];
  return section('generator', `Load generator${verdicts.length ? ` (${verdicts.join('; ')})` : ''}`, html`${g.targetRate ? html`<p>${g.targetRate.summary}.</p>` : ''}<p>Process CPU: ${g.processCpuPercent}% of one core.</p>${g.evidence.length ? html`<ul>${g.evidence.map((e) => html`<li>${e}</li>`)}</ul>` : ''}${workers}`);
}

function settingsSection(report: Report): SafeHtml {
  const s = report.settings;
  const optional = (v: number | string | undefined, unit = ''): string => (v === undefined ? '—' : `${typeof v === 'number' ? count(v) : v}${unit}`);
  const rows: [string, string][] = [
    ['load model', report.loadModel],
    ['streams', count(s.streams)],
    ['connections', count(s.connections)],
    ['workers', count(s.workers)],
    ['duration', optional(s.durationMs, ' ms')],
    ['messages (whole run)', optional(s.messages)],
    ['calls (whole run)', optional(s.calls)],
    ['messages per stream', optional(s.stream.messages)],
    ['stream lifetime', optional(s.stream.durationMs, ' ms')],
    ['interval between sends', `${count(s.stream.intervalMs)} ms`],
    ['window (requests in flight per stream)', count(s.stream.window)],
    ['correlate by', optional(s.stream.correlateBy)],
    ['insecure', s.insecure ? 'yes' : 'no'],
    ['transport', s.transport ?? 'grpc-js'],
    ['load balancing (loadBalancing)', s.loadBalancing ?? 'pick_first'],
    ['proto', s.proto],
    ['warm-up', `${count(report.warmupMs)} ms`],
    ['target rate (open model schedule)', report.generator.targetRate ? `${rate(report.generator.targetRate.scheduledPerSec)} msg/s scheduled, ${rate(report.generator.targetRate.sentPerSec)} msg/s sent` : '— (closed model)'],
    ['rate schedule (as planned)', s.rateSchedule ? describeSchedule(s.rateSchedule, 'msg/s') : '—'],
    ['stream schedule (as planned)', s.streamSchedule ? describeSchedule(s.streamSchedule, 'streams') : '—'],
    ['target memory source', report.memory.target ? redactUrlsInText(report.memory.target.source) : '— (not watched)'],
    ['target metrics URL (monitor.metricsUrl)', s.monitor?.metricsUrl ? redactUrl(s.monitor.metricsUrl) : '—'],
    ['target pid (monitor.pid)', s.monitor?.pid === undefined ? '—' : String(s.monitor.pid)],
    ['memory sampling interval', s.monitor ? `${count(s.monitor.intervalMs)} ms` : '—'],
    ['live metrics port (monitor.metricsPort)', s.monitor?.metricsPort === undefined ? '—' : String(s.monitor.metricsPort)],
    ['thresholds (as written)', s.thresholds?.length ? s.thresholds.map((t) => `${t.metric} ${t.condition}${t.abortOnFail ? ' (abort on fail)' : ''}`).join('; ') : '—'],
    ['rounds (interleaved comparison)', report.rounds ? count(report.rounds.length) : '—'],
    ['split by (split.by)', s.split ? s.split.by : '—'],
    ['split: versions seen', report.versions ? Object.keys(report.versions).join(', ') : '—'],
    ['routed streams (split.routed)', s.split?.routed ? `${(s.split.routed.share * 100).toLocaleString('en-US', { maximumFractionDigits: 1 })} % of streams carry ${Object.entries(s.split.routed.metadata).map(([k, v]) => `${k}: ${v}`).join(', ')}` : '—'],
  ];
  const metadata = Object.entries(s.metadata);
  return section(
    'settings',
    'Settings',
    html`${dataTable([{ label: 'setting' }, { label: 'value' }], rows)}<h3>Metadata</h3>${metadata.length ? dataTable([{ label: 'key' }, { label: 'value (secret-looking keys redacted)' }], metadata) : html`<p class="note">No request metadata.</p>`}`,
  );
}

function errorsSection(report: Report): SafeHtml {
  const entries = Object.entries(report.errorDetails).sort((a, b) => b[1] - a[1]);
  return section('errors', 'Error details', entries.length ? dataTable([{ label: 'status: details' }, { label: 'count', numeric: true }], entries.map(([detail, n]) => [detail, count(n)])) : html`<p class="note">No errors.</p>`);
}

/** The run's charts, as data for the page script (and for any page that reuses it). */
export function runChartSpecs(report: Report): { throughput: ChartSpec; latency: ChartSpec; errors: ChartSpec; activity: ChartSpec; memory?: ChartSpec; histogram: ChartSpec } {
  const memory = memorySpec(report);
  return { throughput: throughputSpec(report), latency: latencySpec(report), errors: errorsSpec(report), activity: activitySpec(report), ...(memory ? { memory } : {}), histogram: histogramSpec(report) };
}

/** The run as one self-contained HTML page: figures, uPlot charts (zoom by dragging, values on hover) and tables. */
export function renderHtmlReport(report: Report): string {
  const c = runChartSpecs(report);
  const flowCharts = [...flowStepSpecs(report), ...versionFlowStepSpecs(report)];
  const body = html`${header(report)}${keyFigures(report)}
${section('throughput', 'Throughput over time', chartFigure(c.throughput))}
${section('latency-over-time', 'Latency percentiles over time', chartFigure(c.latency))}
${latencySection(report, c.histogram)}
${section('errors-over-time', 'Errors and status codes over time', chartFigure(c.errors))}
${statusSection(report)}
${callsSection(report)}
${flowSection(report)}
${versionFlowSection(report)}
${flowCharts.map((spec) => section(spec.id, spec.title, chartFigure(spec)))}
${section('activity', 'Active streams and connections over time', chartFigure(c.activity))}
${memorySection(report, c.memory)}${thresholdsSection(report)}${generatorSection(report)}${settingsSection(report)}${errorsSection(report)}
<footer>grpc-bench ${report.tool.version}, report schema ${report.schemaVersion}. Latencies in milliseconds at microsecond resolution; intervals end at the time shown. Drag across a chart to zoom, double-click to zoom out.</footer>`;
  return htmlDocument(`${report.name} — grpc-bench report`, body, [...Object.values(c), ...flowCharts]);
}

export const htmlReporter: Reporter = { name: 'html', extension: 'html', render: renderHtmlReport };
