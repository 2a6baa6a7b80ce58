import { CHART_SCRIPT, UPLOT_CSS, UPLOT_JS } from '../reporters/html/charts/chart-script.js';
import { escapeHtml } from '../reporters/html/escape-html.js';
import { DASHBOARD_SCRIPT } from './dashboard-script.js';

/** The Content-Security-Policy the page is served with: nothing but its own nonce'd code and /events. */
export function dashboardCsp(nonce: string): string {
  return `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

/** The live dashboard page of run `runName`: self-contained, every text escaped, scripts under `nonce`. */
export function dashboardPage(runName: string, nonce: string): string {
  const name = escapeHtml(runName);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>grpc-bench live: ${name}</title>
<style nonce="${nonce}">${UPLOT_CSS}
body { font-family: system-ui, sans-serif; margin: 20px; color: #222; max-width: 1120px; }
.chart-box { margin: 12px 0 24px; }
.chart { min-height: 280px; width: 100%; }
.uplot .u-legend { font-size: 12px; text-align: left; }
.note { color: #555; margin: 6px 0 0; }
h2 { font-size: 15px; margin: 0 0 4px; }
#status { color: #555; }
#final table { border-collapse: collapse; }
#final td { border-bottom: 1px solid #ddd; padding: 3px 12px 3px 0; }
</style>
</head>
<body data-drawn-intervals="0">
<h1>grpc-bench live: ${name}</h1>
<p id="status">waiting for the first interval…</p>
<div id="charts"></div>
<section id="final" hidden><h2>Final figures</h2><table id="final-figures"></table></section>
<script nonce="${nonce}">${UPLOT_JS}</script>
<script nonce="${nonce}">${CHART_SCRIPT}</script>
<script nonce="${nonce}">${DASHBOARD_SCRIPT}</script>
</body>
</html>
`;
}
