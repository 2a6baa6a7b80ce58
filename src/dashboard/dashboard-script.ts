/**
 * The page's own script, run in the browser after CHART_SCRIPT: each `interval` event of /events
 * holds the charts as they stand (the run report's ChartSpecs), drawn with the report's own code
 * (`grpcBenchCharts.show`, which only hands uPlot the new data when the series are the same); the
 * `final` event shows the final figures and the report's charts. Everything it shows goes in as text
 * (textContent), never as markup. After each redraw of the throughput chart it sets
 * `data-drawn-intervals` on <body> to the intervals drawn, and `data-final` once the final figures
 * are shown, so a test observes the page rather than the clock.
 */
export const DASHBOARD_SCRIPT = String.raw`
(() => {
  const body = document.body;
  const status = document.getElementById('status');
  const charts = document.getElementById('charts');
  let received = 0;
  let warmup = 0;
  const counted = (plot) => { body.dataset.drawnIntervals = String(plot.data[0].length); };
  const hostOf = (spec) => {
    let host = charts.querySelector('[data-chart="' + CSS.escape(spec.id) + '"]');
    if (!host) {
      const box = document.createElement('figure');
      box.className = 'chart-box';
      const heading = document.createElement('h2');
      host = document.createElement('div');
      host.className = 'chart';
      host.dataset.chart = spec.id;
      host.setAttribute('role', 'img');
      const note = document.createElement('p');
      note.className = 'note';
      box.append(heading, host, note);
      charts.appendChild(box);
    }
    host.setAttribute('aria-label', spec.title);
    host.parentElement.querySelector('h2').textContent = spec.title;
    host.parentElement.querySelector('.note').textContent = spec.note || '';
    return host;
  };
  const showCharts = (specs) => {
    for (const spec of specs) grpcBenchCharts.show(spec, hostOf(spec), spec.id === 'throughput' ? counted : undefined);
  };
  const intervalsText = () => received + ' intervals' + (warmup ? ' (' + warmup + ' in the warm-up, not drawn)' : '');
  const fmt = (value, digits) => (typeof value === 'number' ? value.toLocaleString('en-US', { maximumFractionDigits: digits }) : '—');
  const showFinal = (final) => {
    const rows = [
      ['duration', fmt(final.durationMs / 1000, 2) + ' s'],
      ['messages sent / received', fmt(final.messagesSent, 0) + ' / ' + fmt(final.messagesReceived, 0)],
      ['received per second', fmt(final.messagesPerSec, 1) + ' msg/s'],
      ['sent per second (while sending)', fmt(final.sentPerSec, 1) + ' msg/s'],
      ['latency P50 / P90 / P99 / P99.9 / max', ['p50', 'p90', 'p99', 'p999', 'max'].map((p) => fmt(final.latencyMs[p], 3)).join(' / ') + ' ms'],
      ['errors', fmt(final.errors, 0)],
      ['streams failed', fmt(final.streamsFailed, 0)],
    ];
    if (final.thresholdsPassed !== undefined) rows.push(['thresholds', final.thresholdsPassed ? 'passed' : 'FAILED']);
    if (final.partial) rows.push(['partial', final.partialReason || 'yes']);
    const table = document.getElementById('final-figures');
    for (const [name, value] of rows) {
      const tr = table.insertRow();
      tr.insertCell().textContent = name;
      tr.insertCell().textContent = value;
    }
    document.getElementById('final').hidden = false;
  };
  const events = new EventSource('events');
  events.addEventListener('interval', (event) => {
    const update = JSON.parse(event.data);
    received = update.intervals;
    warmup = update.warmupIntervals;
    showCharts(update.charts);
    status.textContent = 'running: ' + intervalsText();
  });
  events.addEventListener('final', (event) => {
    const final = JSON.parse(event.data);
    showFinal(final);
    showCharts(final.charts);
    body.dataset.final = '1';
    status.textContent = 'run ended: ' + intervalsText() + '; the final figures and the report’s charts are below';
    // The server closes once the reports are written: do not reconnect to it.
    events.close();
  });
  events.addEventListener('error', () => {
    if (body.dataset.final !== '1') status.textContent = 'disconnected: the run has ended or the dashboard was closed';
    events.close();
  });
})();
`;
