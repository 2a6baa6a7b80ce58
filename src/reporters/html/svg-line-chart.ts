import { html, type SafeHtml } from './escape-html.js';

export interface Point {
  x: number;
  y: number;
}

export interface LineSeries {
  label: string;
  points: readonly Point[];
  /** Any SVG paint: `#1f77b4`. */
  color: string;
  dashed?: boolean;
}

export interface ChartAxis {
  /** What is measured: `throughput`. */
  label: string;
  /** Shown in the axis title and, unless `unitOnTicks` is false, after every tick: `msg/s`. */
  unit: string;
  unitOnTicks?: boolean;
  /** Counts: ticks only at whole numbers. */
  integer?: boolean;
}

export interface LineChartOptions {
  /** Goes to `data-chart`, so pages and tests can find the chart. */
  id: string;
  title: string;
  x: ChartAxis;
  y: ChartAxis;
  /** viewBox size in px; the chart scales to its container. */
  width?: number;
  height?: number;
}

/** Approximate advance of one 11 px sans-serif character, px: sizes the margins without a layout engine. */
export const CHAR_WIDTH = 6.5;

/** Evenly spaced ticks from 0 to at least `max`, on a 1-2-2.5-5 step (about `target` of them). */
export function niceTicks(max: number, target = 5, integer = false): number[] {
  const top = Number.isFinite(max) && max > 0 ? max : 1;
  const rough = top / target;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough * (1 - 1e-9))!;
  if (integer) step = Math.max(1, Math.round(step));
  const decimals = decimalsOf(step);
  const n = Math.ceil(top / step - 1e-9);
  return Array.from({ length: n + 1 }, (_, i) => Number((i * step).toFixed(decimals)));
}

/** Fewest decimals that write `step` exactly (0.25 → 2). */
export function decimalsOf(step: number): number {
  for (let d = 0; d < 10; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-6) return d;
  return 10;
}

/** A tick label: the step's decimals, thousands separators, the unit unless the axis says otherwise. */
export function tickLabel(value: number, ticks: readonly number[], axis: ChartAxis): string {
  const decimals = ticks.length > 1 ? decimalsOf(ticks[1]! - ticks[0]!) : 0;
  const text = value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  return axis.unitOnTicks === false ? text : `${text} ${axis.unit}`;
}

/** A value for a tooltip: up to 3 decimals, with its unit where ticks carry one. */
export function valueLabel(value: number, axis: ChartAxis): string {
  const text = value.toLocaleString('en-US', { maximumFractionDigits: axis.integer ? 0 : 3 });
  return axis.unitOnTicks === false ? text : `${text} ${axis.unit}`;
}

export const axisTitle = (axis: ChartAxis): string => `${axis.label} (${axis.unit})`;

const fixed = (n: number): string => n.toFixed(1);

/** Points drawn as hover targets only up to this many per series, to keep long runs' pages small. */
const MAX_MARKERS = 300;

/** One row above the plot; labels too long for their share of the width are cut, whole in the tooltip. */
function legend(series: readonly LineSeries[], left: number, plotW: number): SafeHtml {
  const maxChars = Math.max(Math.floor((plotW / series.length - 44) / CHAR_WIDTH), 4);
  let x = left;
  return html`<g class="legend">${series.map((s) => {
    const label = s.label.length > maxChars ? `${s.label.slice(0, maxChars - 1)}…` : s.label;
    const item = html`<g transform="translate(${fixed(x)},14)"><title>${s.label}</title><line x1="0" y1="0" x2="18" y2="0" stroke="${s.color}" stroke-width="2.5"${s.dashed ? html` stroke-dasharray="5 3"` : ''}/><text x="24" y="4">${label}</text></g>`;
    x += 24 + label.length * CHAR_WIDTH + 20;
    return item;
  })}</g>`;
}

/**
 * A line chart as an inline SVG, drawn entirely here (no script needed to see it): axes from 0 with
 * unit-bearing ticks, a grid, one path per series, a legend, and hover targets with `<title>` tooltips.
 */
export function svgLineChart(series: readonly LineSeries[], options: LineChartOptions): SafeHtml {
  const width = options.width ?? 960;
  const height = options.height ?? 300;
  const drawn = series.map((s) => ({ ...s, points: s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)) }));
  const all = drawn.flatMap((s) => s.points);
  const open = html`<svg class="chart" data-chart="${options.id}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${options.title}" xmlns="http://www.w3.org/2000/svg">`;
  if (!all.length) {
    return html`${open}<text class="empty" x="${width / 2}" y="${height / 2}" text-anchor="middle">no data</text></svg>`;
  }

  const xTicks = niceTicks(Math.max(...all.map((p) => p.x)), 8, options.x.integer);
  const yTicks = niceTicks(Math.max(...all.map((p) => p.y)), 5, options.y.integer);
  const yLabels = yTicks.map((t) => tickLabel(t, yTicks, options.y));
  const left = 30 + Math.max(...yLabels.map((l) => l.length)) * CHAR_WIDTH + 8;
  const top = 32;
  const right = 20;
  const bottom = 48;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const xMax = xTicks.at(-1)!;
  const yMax = yTicks.at(-1)!;
  const sx = (x: number): number => left + (x / xMax) * plotW;
  const sy = (y: number): number => top + plotH - (y / yMax) * plotH;

  const grid = yTicks.map(
    (t, i) => html`<line class="grid" x1="${fixed(left)}" x2="${fixed(left + plotW)}" y1="${fixed(sy(t))}" y2="${fixed(sy(t))}"/><text class="tick" x="${fixed(left - 6)}" y="${fixed(sy(t) + 4)}" text-anchor="end">${yLabels[i]!}</text>`,
  );
  const xAxis = xTicks.map(
    (t) => html`<line class="axis" x1="${fixed(sx(t))}" x2="${fixed(sx(t))}" y1="${fixed(top + plotH)}" y2="${fixed(top + plotH + 4)}"/><text class="tick" x="${fixed(sx(t))}" y="${fixed(top + plotH + 17)}" text-anchor="middle">${tickLabel(t, xTicks, options.x)}</text>`,
  );
  const paths = drawn.map((s, i) => {
    const d = s.points.map((p, j) => `${j ? 'L' : 'M'}${fixed(sx(p.x))} ${fixed(sy(p.y))}`).join(' ');
    const markers = s.points.length <= MAX_MARKERS
      ? s.points.map((p) => {
        const tip = `${s.label} at ${valueLabel(p.x, options.x)}: ${valueLabel(p.y, options.y)}`;
        return html`<circle class="point" cx="${fixed(sx(p.x))}" cy="${fixed(sy(p.y))}" r="3" fill="${s.color}" stroke="transparent" stroke-width="8" data-tip="${tip}"><title>${tip}</title></circle>`;
      })
      : [];
    return html`<g class="series" data-series="${i}"><path class="line" d="${d}" fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round"${s.dashed ? html` stroke-dasharray="6 4"` : ''}/>${markers}</g>`;
  });

  return html`${open}${legend(drawn, left, plotW)}${grid}<line class="axis" x1="${fixed(left)}" x2="${fixed(left)}" y1="${top}" y2="${fixed(top + plotH)}"/><line class="axis" x1="${fixed(left)}" x2="${fixed(left + plotW)}" y1="${fixed(top + plotH)}" y2="${fixed(top + plotH)}"/>${xAxis}${paths}<text class="axis-title" x="${fixed(left + plotW / 2)}" y="${height - 8}" text-anchor="middle">${axisTitle(options.x)}</text><text class="axis-title" transform="translate(14 ${fixed(top + plotH / 2)}) rotate(-90)" text-anchor="middle">${axisTitle(options.y)}</text></svg>`;
}
