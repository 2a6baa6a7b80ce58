import type { ComparedRun, MetricComparison } from '../../compare/comparison.js';
import type { Report } from '../../report/report.js';
import { isSecretKey } from '../../redact/redact-metadata.js';
import type { DescribedComparison } from '../described-comparison.js';
import { count, metricFigure, rate } from '../format-units.js';
import { html, type HtmlValue, type SafeHtml } from './escape-html.js';
import { chartFigure } from './charts/chart-html.js';
import { comparisonChartSpecs } from './charts/comparison-charts.js';
import { dataTable, htmlDocument, section, seconds } from './html-reporter.js';

interface KeyMetric {
  label: string;
  unit: string;
  lowerIsBetter: boolean;
  pick: (report: Report) => number;
  format: (value: number) => string;
}

const fixed3 = (v: number): string => v.toFixed(3);

const KEY_METRICS: readonly KeyMetric[] = [
  { label: 'throughput', unit: 'msg/s', lowerIsBetter: false, pick: (r) => r.throughput.messagesPerSec, format: rate },
  { label: 'P50', unit: 'ms', lowerIsBetter: true, pick: (r) => r.latencyMs.p50, format: fixed3 },
  { label: 'P90', unit: 'ms', lowerIsBetter: true, pick: (r) => r.latencyMs.p90, format: fixed3 },
  { label: 'P99', unit: 'ms', lowerIsBetter: true, pick: (r) => r.latencyMs.p99, format: fixed3 },
  { label: 'P99.9', unit: 'ms', lowerIsBetter: true, pick: (r) => r.latencyMs.p999, format: fixed3 },
  { label: 'mean latency', unit: 'ms', lowerIsBetter: true, pick: (r) => r.latencyMs.mean, format: fixed3 },
  { label: 'max latency', unit: 'ms', lowerIsBetter: true, pick: (r) => r.latencyMs.max, format: fixed3 },
  { label: 'errors', unit: 'count', lowerIsBetter: true, pick: (r) => r.counts.errors, format: count },
  { label: 'failed streams', unit: 'count', lowerIsBetter: true, pick: (r) => r.counts.streamsFailed, format: count },
  { label: 'responses', unit: 'count', lowerIsBetter: false, pick: (r) => r.counts.messagesReceived, format: count },
  { label: 'peak open streams', unit: 'count', lowerIsBetter: false, pick: (r) => r.streams.peakActive, format: count },
  { label: 'peak open connections', unit: 'count', lowerIsBetter: false, pick: (r) => r.connections.peakActive, format: count },
  { label: 'load duration', unit: 's', lowerIsBetter: false, pick: (r) => r.durationMs / 1000, format: (v) => v.toFixed(2) },
];

/** Signed change in percent of the baseline, classed `pass` when better and `fail` when worse. */
function changeCell(baseline: number, candidate: number, lowerIsBetter: boolean): SafeHtml {
  if (baseline === 0) return html`<span title="baseline is 0">${candidate === 0 ? '0.0 %' : 'n/a'}</span>`;
  const change = ((candidate - baseline) / baseline) * 100;
  const better = lowerIsBetter ? change < 0 : change > 0;
  const cls = change === 0 ? '' : better ? 'pass' : 'fail';
  return html`<span class="${cls}">${change > 0 ? '+' : ''}${change.toFixed(1)} %</span>`;
}

function keyMetricsTable(baseline: Report, candidate: Report): SafeHtml {
  const rows = KEY_METRICS.map((m) => {
    const b = m.pick(baseline);
    const c = m.pick(candidate);
    return [m.label, m.unit, m.format(b), m.format(c), changeCell(b, c, m.lowerIsBetter)];
  });
  return dataTable([{ label: 'metric' }, { label: 'unit' }, { label: 'baseline', numeric: true }, { label: 'candidate', numeric: true }, { label: 'change (% of baseline)', numeric: true }], rows);
}

/** Metadata keys that route a request to a version (canary headers). */
const ROUTING_KEY = /version|canary|route|routing|track|variant|subset|cohort|served/i;

/**
 * A side's name by version: the one version its responses reported (served_by), else its routing
 * metadata's value, else the run's name.
 */
export function sideName(report: Report): string {
  const versions = Object.keys(report.versions ?? {});
  if (versions.length === 1) return versions[0]!;
  const routing = Object.entries(report.settings.metadata).filter(([key]) => ROUTING_KEY.test(key) && !isSecretKey(key));
  if (routing.length) return routing.map(([, value]) => value).join(' ');
  return report.name;
}

function runCard(role: string, name: string, report: Report): SafeHtml {
  const metadata = Object.entries(report.settings.metadata);
  const versions = Object.entries(report.versions ?? {});
  const banners: HtmlValue[] = [
    report.partial && html`<div class="banner bad" data-banner="partial"><strong>Partial run:</strong> ${report.partialReason ?? 'the run did not reach its planned end'}</div>`,
    report.generator.saturated && html`<div class="banner warn" data-banner="saturated"><strong>Load generator saturated:</strong> latencies include its own queueing.</div>`,
  ];
  return section(`run-${role}`, `${role}: ${name}`, html`<dl class="meta"><dt>name</dt><dd>${report.name}</dd>${versions.length ? html`<dt>served by</dt><dd>${versions.map(([v, r]) => `${v} (${(r.share * 100).toFixed(1)} %)`).join(', ')}</dd>` : ''}<dt>target</dt><dd>${report.target}</dd><dt>call</dt><dd>${report.call}</dd><dt>started</dt><dd>${report.startedAt}</dd><dt>load duration</dt><dd>${seconds(report.durationMs)} s</dd><dt>load model</dt><dd>${report.loadModel}</dd><dt>streams / connections</dt><dd>${count(report.settings.streams)} / ${count(report.settings.connections)}</dd></dl>
<h3>Routing metadata</h3>${metadata.length ? dataTable([{ label: 'key' }, { label: 'value (secret-looking keys redacted)' }], metadata) : html`<p class="note">No request metadata.</p>`}${banners}`);
}

const VERDICT_CLASS: Record<string, string> = { pass: 'good', fail: 'bad', inconclusive: 'warn' };

function tolerance(m: MetricComparison): string {
  if (!m.tolerance) return '—';
  return m.tolerance.kind === 'relative' ? `${(m.tolerance.value * 100).toFixed(1)} % worse` : `${m.tolerance.value} pp worse`;
}

const intervalsUsed = (run: ComparedRun): string => `${run.intervalsUsed} of ${run.intervalsTotal} (${run.warmupIntervals} warm-up dropped)`;

const LATENCY_KEYS = new Set(['p50', 'p90', 'p99', 'p999', 'mean']);

/** The same metric over the whole run (every interval after the warm-up), where it differs from the judged figure. */
function wholeRun(metric: string, report: Report): number | undefined {
  if (LATENCY_KEYS.has(metric)) return report.latencyMs[metric as 'p50' | 'p90' | 'p99' | 'p999' | 'mean'];
  const step = /^step\.(.+)\.(p50|p99|mean)$/.exec(metric);
  if (step) return report.flow?.awaits[step[1]!]?.latencyMs[step[2] as 'p50' | 'p99' | 'mean'];
  if (metric === 'messagesPerSec') return report.throughput.messagesPerSec;
  return undefined;
}

function wholeRunCell(m: MetricComparison, baseline: Report, candidate: Report): string {
  const b = wholeRun(m.metric, baseline);
  const c = wholeRun(m.metric, candidate);
  return b === undefined || c === undefined ? '—' : `${metricFigure(b, m.unit)} / ${metricFigure(c, m.unit)}`;
}

function verdictSection(comparison: DescribedComparison, baseline: Report, candidate: Report): SafeHtml {
  const rows = comparison.metrics.map((m) => [
    m.label,
    metricFigure(m.baseline, m.unit),
    metricFigure(m.candidate, m.unit),
    wholeRunCell(m, baseline, candidate),
    tolerance(m),
    m.pValue === undefined ? '—' : m.pValue.toPrecision(2),
    html`<span class="${m.verdict === 'pass' ? 'pass' : m.verdict === 'info' ? '' : 'fail'}">${m.verdict}</span>`,
    m.finding,
  ]);
  return section(
    'verdicts',
    'Statistical comparison',
    html`<div class="banner ${VERDICT_CLASS[comparison.verdict] ?? 'warn'}" data-banner="verdict" data-verdict="${comparison.verdict}">${comparison.headline}</div>
${comparison.notes.length ? html`<ul>${comparison.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}
${dataTable([{ label: 'metric', nowrap: true }, { label: 'baseline (judged)', numeric: true }, { label: 'candidate (judged)', numeric: true }, { label: 'whole run: baseline / candidate', numeric: true }, { label: 'tolerance', nowrap: true }, { label: 'p-value', numeric: true }, { label: 'verdict', nowrap: true }, { label: 'finding' }], rows)}
<p class="note">Significance level ${comparison.alpha}; intervals used: ${intervalsUsed(comparison.baseline)} of the baseline, ${intervalsUsed(comparison.candidate)} of the candidate; ${
      comparison.design === 'rounds'
        ? `${comparison.rounds} interleaved rounds, each one ratio: t-test on the per-round log ratios with ${comparison.rounds - 1} degrees of freedom, t interval of the ratio`
        : `bootstrap ${count(comparison.resamples)} resamples, seed ${comparison.seed}`
    }.</p>`,
  );
}

/**
 * Two runs side by side: overlaid throughput and P99 over time, key metrics with their change,
 * and, when a Comparison is given, its statistical verdicts. Works from the two Reports alone.
 */
export function renderComparisonHtml(baseline: Report, candidate: Report, comparison?: DescribedComparison): string {
  const names = { baseline: sideName(baseline), candidate: sideName(candidate) };
  if (names.baseline === names.candidate) Object.assign(names, { baseline: `baseline ${names.baseline}`, candidate: `candidate ${names.candidate}` });
  const charts = comparisonChartSpecs({ name: names.baseline, report: baseline }, { name: names.candidate, report: candidate });
  const body = html`<header><h1>Comparison: ${names.baseline} vs ${names.candidate}</h1><p class="note">baseline ${baseline.name}, candidate ${candidate.name}</p></header>
<div class="pair">${runCard('baseline', names.baseline, baseline)}${runCard('candidate', names.candidate, candidate)}</div>
${comparison ? verdictSection(comparison, baseline, candidate) : ''}
${section('key-metrics', 'Whole-run figures (every interval after the warm-up; not what the comparison judged)', keyMetricsTable(baseline, candidate))}
${charts.map((spec) => section(spec.id, spec.title, chartFigure(spec)))}
<footer>grpc-bench ${candidate.tool.version}. Time axes: seconds since each run's load started; shaded spans are rounds. Change = (candidate − baseline) / baseline. Drag across a chart to zoom, double-click to zoom out.</footer>`;
  return htmlDocument(`${names.baseline} vs ${names.candidate} — grpc-bench comparison`, body, charts);
}
