import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** uPlot's browser build and stylesheet, inlined so the page fetches nothing. */
export const UPLOT_JS = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
export const UPLOT_CSS = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');

/**
 * The browser side: reads every `<script type="application/json" data-charts>` element (an array
 * of ChartSpec) and draws each spec with uPlot into `<div data-chart="id">`. Labels reach the
 * page only as text (uPlot sets textContent), never as markup. `grpcBenchCharts.show(spec, host,
 * onDraw)` is the same drawing for the live dashboard: called again for a host with the same series,
 * it only hands uPlot the new data (setData); `onDraw(plot)` runs after each redraw.
 */
export const CHART_SCRIPT = `
(() => {
  const fmt = (v, unit) => v == null ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: 3 }) + (unit ? ' ' + unit : '');
  const bandsPlugin = (spec) => ({
    hooks: {
      drawClear: (u) => {
        const ctx = u.ctx;
        ctx.save();
        (spec.bands || []).forEach((b, i) => {
          const x0 = u.valToPos(b.from, 'x', true);
          const x1 = u.valToPos(b.to, 'x', true);
          ctx.fillStyle = i % 2 ? 'rgba(37,99,235,0.07)' : 'rgba(234,88,12,0.07)';
          ctx.fillRect(x0, u.bbox.top, Math.max(x1 - x0, 1), u.bbox.height);
          ctx.fillStyle = '#5b6475';
          ctx.font = (11 * devicePixelRatio) + 'px sans-serif';
          ctx.fillText(b.label, x0 + 3 * devicePixelRatio, u.bbox.top + 12 * devicePixelRatio);
        });
        ctx.restore();
      },
    },
  });
  const markersPlugin = (spec) => ({
    hooks: {
      draw: (u) => {
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = '#dc2626';
        ctx.fillStyle = '#dc2626';
        ctx.lineWidth = 2 * devicePixelRatio;
        ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
        ctx.font = (11 * devicePixelRatio) + 'px sans-serif';
        spec.markers.forEach((m, i) => {
          const x = u.valToPos(m.x, 'x', true);
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          // A caption near the right edge goes to the left of its line, so it is not cut off.
          const right = x > u.bbox.left + u.bbox.width * 0.6;
          ctx.textAlign = right ? 'right' : 'left';
          ctx.fillText(m.label, x + (right ? -4 : 4) * devicePixelRatio, u.bbox.top + (12 + 13 * (i % 3)) * devicePixelRatio);
        });
        ctx.restore();
      },
    },
  });
  const draw = (spec, host, onDraw) => {
    const width = Math.max(host.clientWidth, 320);
    const bars = uPlot.paths.bars({ size: [0.8, 40] });
    const opts = {
      width,
      height: 280,
      scales: {
        x: spec.xLog ? { time: false, distr: 3, log: 10 } : { time: false, range: (u, min, max) => [spec.xMin ?? Math.min(0, min), spec.xMax ?? max] },
        y: { range: (u, min, max) => [0, max > 0 ? max * 1.05 : 1] },
      },
      axes: [
        { label: spec.xLabel, values: (u, ticks) => ticks.map((t) => (t == null ? '' : fmt(t))), ...(spec.xWhole ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] } : {}) },
        { label: spec.yLabel, size: 70, values: (u, ticks) => ticks.map((t) => (t == null ? '' : fmt(t))) },
      ],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      series: [
        { label: spec.xLabel, value: (u, v) => {
            // Other series may add x values of their own (a step between segments): names go by the first series' x.
            const name = spec.xNames && v != null ? spec.xNames[spec.series[0].x.indexOf(v)] : undefined;
            return name ?? fmt(v);
          } },
        ...spec.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          fill: s.bars ? s.color + '99' : undefined,
          width: 2,
          dash: s.dash,
          spanGaps: false,
          points: { show: !!s.points, size: 6 },
          paths: s.bars ? bars : undefined,
          value: (u, v) => fmt(v, s.unit),
        })),
      ],
      plugins: [...(spec.bands && spec.bands.length ? [bandsPlugin(spec)] : []), ...(spec.markers && spec.markers.length ? [markersPlugin(spec)] : [])],
      hooks: onDraw ? { draw: [onDraw] } : {},
    };
    host.textContent = '';
    const plot = new uPlot(opts, uPlot.join(spec.series.map((s) => [s.x, s.y])), host);
    host.dataset.drawn = 'true';
    return plot;
  };
  const shown = new WeakMap();
  const show = (spec, host, onDraw) => {
    const key = JSON.stringify([spec.xLog, spec.series.map((s) => [s.label, s.color, s.dash, s.bars, s.unit, s.points])]);
    const last = shown.get(host);
    if (last && last.key === key) {
      // The closures of the drawn chart (x range, bands) read this object: give it the new figures.
      Object.assign(last.spec, spec);
      last.plot.setData(uPlot.join(spec.series.map((s) => [s.x, s.y])));
      return;
    }
    // A series came or went (a new status code): uPlot's series are fixed, so the chart is drawn anew.
    if (last) last.plot.destroy();
    shown.set(host, { key, spec, plot: draw(spec, host, onDraw) });
  };
  window.grpcBenchCharts = { show };
  for (const element of document.querySelectorAll('script[type="application/json"][data-charts]')) {
    for (const spec of JSON.parse(element.textContent)) {
      const host = document.querySelector('[data-chart="' + CSS.escape(spec.id) + '"]');
      if (host) show(spec, host);
    }
  }
})();
`;
