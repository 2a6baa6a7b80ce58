import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { escapeHtml } from '../reporters/html/escape-html.js';
import { DASHBOARD_CHARTS } from './dashboard-series.js';
import { DASHBOARD_SCRIPT } from './dashboard-script.js';

const require = createRequire(import.meta.url);
let uplot: { js: string; css: string } | undefined;

/** uPlot's browser build and style sheet, read once from the installed package (inlined: no CDN). */
function uplotAssets(): { js: string; css: string } {
  return (uplot ??= {
    js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  });
}

/** JSON that is safe inside a <script> element: no `<` can close it. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

/** The Content-Security-Policy the page is served with: nothing but its own nonce'd code and /events. */
export function dashboardCsp(nonce: string): string {
  return `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

/** The live dashboard page of run `runName`: self-contained, every text escaped, scripts under `nonce`. */
export function dashboardPage(runName: string, nonce: string): string {
  const { js, css } = uplotAssets();
  const name = escapeHtml(runName);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>grpc-bench live: ${name}</title>
<style nonce="${nonce}">${css}
body { font-family: system-ui, sans-serif; margin: 20px; color: #222; }
.chart { margin: 12px 0 24px; }
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
<script type="application/json" id="dashboard-charts">${scriptJson(DASHBOARD_CHARTS)}</script>
<script nonce="${nonce}">${js}</script>
<script nonce="${nonce}">${DASHBOARD_SCRIPT}</script>
</body>
</html>
`;
}
