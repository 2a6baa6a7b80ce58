import { html, type SafeHtml } from './escape-html.js';
import { axisTitle, CHAR_WIDTH, niceTicks, tickLabel, valueLabel, type ChartAxis } from './svg-line-chart.js';

export interface Bar {
  label: string;
  value: number;
  /** Any SVG paint. */
  color: string;
  /** Hover text; defaults to `label: value unit`. */
  tip?: string;
}

export interface BarChartOptions {
  /** Goes to `data-chart`, so pages and tests can find the chart. */
  id: string;
  title: string;
  /** What the bars are, for the category axis title: `latency, bucket upper bound` in `ms`. */
  category: ChartAxis;
  /** What the bar lengths measure. */
  value: ChartAxis;
  /** Bars grow rightwards, one row per bar: for long category names (status codes). */
  horizontal?: boolean;
  /** viewBox width in px; the chart scales to its container. */
  width?: number;
  /** viewBox height of a vertical chart, px; a horizontal one grows with its rows. */
  height?: number;
}

const fixed = (n: number): string => n.toFixed(1);
const ROW_HEIGHT = 28;
/** Non-zero bars are at least this long, px, so a small count next to a huge one still shows. */
const MIN_VISIBLE = 2;

const barLength = (value: number, scaled: number): number => (value > 0 ? Math.max(scaled, MIN_VISIBLE) : 0);

function shorten(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, Math.max(chars - 1, 1))}…`;
}

function svgOpen(options: BarChartOptions, width: number, height: number): SafeHtml {
  return html`<svg class="chart" data-chart="${options.id}" data-orientation="${options.horizontal ? 'horizontal' : 'vertical'}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${options.title}" xmlns="http://www.w3.org/2000/svg">`;
}

function barRect(bar: Bar, options: BarChartOptions, x: number, y: number, w: number, h: number): SafeHtml {
  const tip = bar.tip ?? `${bar.label}: ${valueLabel(bar.value, options.value)}`;
  return html`<rect class="bar" x="${fixed(x)}" y="${fixed(y)}" width="${fixed(Math.max(w, 0))}" height="${fixed(Math.max(h, 0))}" fill="${bar.color}" data-tip="${tip}"><title>${tip}</title></rect>`;
}

function vertical(bars: readonly Bar[], options: BarChartOptions, width: number): SafeHtml {
  const height = options.height ?? 300;
  const ticks = niceTicks(Math.max(...bars.map((b) => b.value)), 5, options.value.integer);
  const tickLabels = ticks.map((t) => tickLabel(t, ticks, options.value));
  const left = 30 + Math.max(...tickLabels.map((l) => l.length)) * CHAR_WIDTH + 8;
  const top = 20;
  const bottom = 52;
  const plotW = width - left - 16;
  const plotH = height - top - bottom;
  const max = ticks.at(-1)!;
  const sy = (v: number): number => top + plotH - (v / max) * plotH;
  const slot = plotW / bars.length;
  const labelEvery = Math.ceil((Math.max(...bars.map((b) => b.label.length)) * CHAR_WIDTH + 8) / slot);
  const grid = ticks.map(
    (t, i) => html`<line class="grid" x1="${fixed(left)}" x2="${fixed(left + plotW)}" y1="${fixed(sy(t))}" y2="${fixed(sy(t))}"/><text class="tick" x="${fixed(left - 6)}" y="${fixed(sy(t) + 4)}" text-anchor="end">${tickLabels[i]!}</text>`,
  );
  const columns = bars.map((bar, i) => {
    const x = left + i * slot + slot * 0.1;
    const centre = left + (i + 0.5) * slot;
    const label = i % labelEvery === 0 ? html`<text class="tick" x="${fixed(centre)}" y="${fixed(top + plotH + 16)}" text-anchor="middle">${bar.label}</text>` : '';
    const count = slot >= 36 ? html`<text class="bar-value" x="${fixed(centre)}" y="${fixed(sy(bar.value) - 4)}" text-anchor="middle">${valueLabel(bar.value, { ...options.value, unitOnTicks: false })}</text>` : '';
    const h = barLength(bar.value, top + plotH - sy(bar.value));
    return html`${barRect(bar, options, x, top + plotH - h, slot * 0.8, h)}${count}${label}`;
  });
  return html`${svgOpen(options, width, height)}${grid}${columns}<line class="axis" x1="${fixed(left)}" x2="${fixed(left + plotW)}" y1="${fixed(top + plotH)}" y2="${fixed(top + plotH)}"/><text class="axis-title" x="${fixed(left + plotW / 2)}" y="${height - 10}" text-anchor="middle">${axisTitle(options.category)}</text><text class="axis-title" transform="translate(14 ${fixed(top + plotH / 2)}) rotate(-90)" text-anchor="middle">${axisTitle(options.value)}</text></svg>`;
}

function horizontal(bars: readonly Bar[], options: BarChartOptions, width: number): SafeHtml {
  const top = 26;
  const bottom = 48;
  const height = top + bars.length * ROW_HEIGHT + bottom;
  const labelChars = Math.floor((width * 0.4) / CHAR_WIDTH);
  const left = Math.min(Math.max(...bars.map((b) => b.label.length)), labelChars) * CHAR_WIDTH + 16;
  const plotW = width - left - 90;
  const plotH = bars.length * ROW_HEIGHT;
  const ticks = niceTicks(Math.max(...bars.map((b) => b.value)), 6, options.value.integer);
  const max = ticks.at(-1)!;
  const sx = (v: number): number => left + (v / max) * plotW;
  const grid = ticks.map(
    (t) => html`<line class="grid" x1="${fixed(sx(t))}" x2="${fixed(sx(t))}" y1="${top}" y2="${fixed(top + plotH)}"/><text class="tick" x="${fixed(sx(t))}" y="${fixed(top + plotH + 16)}" text-anchor="middle">${tickLabel(t, ticks, options.value)}</text>`,
  );
  const rows = bars.map((bar, i) => {
    const y = top + i * ROW_HEIGHT;
    return html`<text class="tick" x="${fixed(left - 8)}" y="${fixed(y + ROW_HEIGHT / 2 + 4)}" text-anchor="end">${shorten(bar.label, labelChars)}</text>${barRect(bar, options, left, y + 5, barLength(bar.value, sx(bar.value) - left), ROW_HEIGHT - 10)}<text class="bar-value" x="${fixed(sx(bar.value) + 6)}" y="${fixed(y + ROW_HEIGHT / 2 + 4)}">${valueLabel(bar.value, options.value)}</text>`;
  });
  return html`${svgOpen(options, width, height)}<text class="axis-title" x="4" y="16">${axisTitle(options.category)}</text>${grid}${rows}<line class="axis" x1="${fixed(left)}" x2="${fixed(left)}" y1="${top}" y2="${fixed(top + plotH)}"/><text class="axis-title" x="${fixed(left + plotW / 2)}" y="${height - 8}" text-anchor="middle">${axisTitle(options.value)}</text></svg>`;
}

/**
 * A bar chart as an inline SVG, drawn entirely here: one `rect.bar` per bar (zero-height bars
 * included, so the count matches the data), a value axis from 0 with unit-bearing ticks, and
 * `<title>` tooltips. Vertical by default (histograms); horizontal for long category names.
 */
export function svgBarChart(bars: readonly Bar[], options: BarChartOptions): SafeHtml {
  const width = options.width ?? 960;
  if (!bars.length) {
    const height = options.horizontal ? 80 : (options.height ?? 300);
    return html`${svgOpen(options, width, height)}<text class="empty" x="${width / 2}" y="${height / 2}" text-anchor="middle">no data</text></svg>`;
  }
  return options.horizontal ? horizontal(bars, options, width) : vertical(bars, options, width);
}
