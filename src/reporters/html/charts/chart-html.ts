import { html, SafeHtml } from '../escape-html.js';
import { jsonForScript, type ChartSpec } from './chart-spec.js';

/** Where one chart is drawn (its section heading is its title): a box the page script fills with uPlot's canvas and legend. */
export function chartFigure(spec: ChartSpec): SafeHtml {
  return html`<figure class="chart-box"><div class="chart" data-chart="${spec.id}" role="img" aria-label="${spec.title}"></div>${spec.note ? html`<p class="note">${spec.note}</p>` : ''}</figure>`;
}

/** The charts' data, inert JSON (never run: its type is not a script type) that the page script reads. */
export function chartData(specs: readonly ChartSpec[]): SafeHtml {
  return new SafeHtml(`<script type="application/json" data-charts>${jsonForScript(specs)}</script>`);
}
