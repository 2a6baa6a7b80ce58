import type { Report } from '../report/report.js';
import { toGhzReport } from './ghz-report.js';
import { ghzDuration } from './ghz-units.js';
import { escapeHtml } from './html/escape-html.js';
import type { Reporter } from './reporter.js';

const row = (cells: Array<string | number>, tag = 'td'): string => `<tr>${cells.map((c) => `<${tag}>${escapeHtml(String(c))}</${tag}>`).join('')}</tr>`;

/**
 * ghz's `-O html` sections (summary, histogram, latency distribution, status codes, errors) as
 * one self-contained page: no script and no CDN (ghz's page loads d3 and Bulma from CDNs);
 * the histogram's bars are CSS widths.
 */
export function renderGhzHtml(report: Report): string {
  const ghz = toGhzReport(report);
  const title = `ghz${ghz.name ? ` - ${ghz.name}` : ''}`;
  const most = Math.max(1, ...(ghz.histogram ?? []).map((b) => b.count));
  const histogram = (ghz.histogram ?? [])
    .map((b) => `<tr><td>${(b.mark * 1000).toFixed(3)} ms</td><td>${b.count}</td><td><span class="bar" style="width:${Math.round((b.count / most) * 300)}px"></span></td></tr>`)
    .join('');
  const m = ghz.grpcBench.perMessageLatencyMs;
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1.5em}td,th{padding:.2em .8em;text-align:left;border-bottom:1px solid #ddd}.bar{display:inline-block;height:.8em;background:#3273dc}</style>
</head><body>
<h1>${escapeHtml(title)}</h1><p>${escapeHtml(ghz.date)} · end reason: ${escapeHtml(ghz.endReason)} · ${escapeHtml(String(ghz.options['call'] ?? ''))} on ${escapeHtml(String(ghz.options['host'] ?? ''))}</p>
<h2>Summary</h2><table>
${row(['Count', ghz.count])}${row(['Total', ghzDuration(ghz.total)])}${row(['Slowest', ghzDuration(ghz.slowest)])}${row(['Fastest', ghzDuration(ghz.fastest)])}${row(['Average', ghzDuration(ghz.average)])}${row(['Requests/sec', ghz.rps.toFixed(2)])}
</table>
<h2>Response time histogram</h2><table>${row(['Mark', 'Count', ''], 'th')}${histogram}</table>
<h2>Latency distribution</h2><table>${row(['Percentage', 'Latency'], 'th')}${(ghz.latencyDistribution ?? []).map((d) => row([`${d.percentage} %`, ghzDuration(d.latency)])).join('')}</table>
<h2>Status code distribution</h2><table>${row(['Status', 'Count'], 'th')}${Object.entries(ghz.statusCodeDistribution).map(([s, n]) => row([s, n])).join('')}</table>
<h2>Error distribution</h2><table>${row(['Count', 'Error'], 'th')}${Object.entries(ghz.errorDistribution).map(([e, n]) => row([n, e])).join('')}</table>
<h2>grpc-bench: per message</h2><table>${row(['Messages sent', ghz.grpcBench.messagesSent])}${row(['Responses', ghz.grpcBench.messagesReceived])}${row(['p50 / p90 / p99 / p99.9 / max', `${m.p50} / ${m.p90} / ${m.p99} / ${m.p999} / ${m.max} ms`])}</table>
<p>Details: ${ghz.grpcBench.details.kept} of ${ghz.grpcBench.details.calls} calls kept (${escapeHtml(ghz.grpcBench.details.policy)}).</p>
</body></html>
`;
}

export const ghzHtmlReporter: Reporter = { name: 'ghz-html', extension: 'html', render: renderGhzHtml };
