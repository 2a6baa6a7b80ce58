import type { HistoryAnalysis } from '../../history/history-analysis.js';
import { historyHeadline, historyMethod, seriesOf, TREND_COLUMNS, trendRow } from '../history-console.js';
import { findingLine } from '../history-finding-line.js';
import { chartFigure } from './charts/chart-html.js';
import type { ChartSpec } from './charts/chart-spec.js';
import { historyChartSpec } from './charts/history-charts.js';
import { html } from './escape-html.js';
import { dataTable, htmlDocument, section } from './html-reporter.js';

/**
 * The history as one self-contained trend page, drawn by the run report's chart machinery
 * (uPlot inlined, the same script and policy): the verdict and findings, then per series a
 * table and one chart per metric with its change points. Every text from the records is escaped.
 */
export function renderHistoryHtml(analysis: HistoryAnalysis): string {
  const charts: ChartSpec[] = [];
  const sections = analysis.series.map((series, seriesIndex) => {
    const rows = series.metrics.map((trend) => trendRow(trend, analysis.findings.find((f) => f.seriesKey === series.key && f.metric === trend.spec.metric)));
    const drawn = series.metrics.filter((trend) => trend.values.some((v) => v !== null)).map((trend) => historyChartSpec(series, seriesIndex, trend));
    charts.push(...drawn);
    const missing = series.metrics.filter((trend) => trend.values.every((v) => v === null)).map((t) => t.spec.label);
    return section(
      `series-${seriesIndex}`,
      `${series.key}: ${series.runs.length} runs`,
      html`${dataTable(TREND_COLUMNS.map((label, i) => ({ label, numeric: i > 0 })), rows)}${drawn.map((spec) => html`<h3>${spec.title}</h3>${chartFigure(spec)}`)}${missing.length ? html`<p class="note">No values recorded for ${missing.join(', ')} (memory growth needs 30 s of load; split runs keep latency and rate per version).</p>` : ''}`,
    );
  });
  const failed = analysis.verdict === 'fail';
  const body = html`<header><h1>grpc-bench history</h1>
<div class="banner ${failed ? 'bad' : analysis.findings.length ? 'warn' : 'good'}" data-banner="verdict"><strong>${historyHeadline(analysis)}</strong>${analysis.findings.length ? html`<ul data-findings>${analysis.findings.map((f) => html`<li data-finding="${f.kind}-${f.status}">${findingLine(f, seriesOf(analysis, f))}</li>`)}</ul>` : ''}</div></header>
${sections}
<footer>${historyMethod(analysis.options)} Hover a run for its tags; drag across a chart to zoom, double-click to zoom out.</footer>`;
  return htmlDocument('grpc-bench history', body, charts);
}
