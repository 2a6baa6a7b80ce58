/**
 * The page's own script, run in the browser: one uPlot chart per ChartSpec (read from the
 * #dashboard-charts JSON), fed by the /events stream. Everything it shows goes in as text
 * (textContent), never as markup. After each redraw of the throughput chart it sets
 * `data-drawn-intervals` on <body> to the intervals drawn, and `data-final` once the final
 * figures are shown, so a test observes the page rather than the clock. A partial interval
 * (the short one at the drain) is counted but not drawn: its rate would fall as a false cliff.
 */
export const DASHBOARD_SCRIPT = String.raw`
(() => {
  const specs = JSON.parse(document.getElementById('dashboard-charts').textContent);
  const body = document.body;
  const status = document.getElementById('status');
  const xs = [];
  let received = 0;
  let partial = 0;
  const columns = {};
  const charts = specs.map((spec) => {
    const holder = document.createElement('section');
    holder.className = 'chart';
    const heading = document.createElement('h2');
    heading.textContent = spec.title + ' (' + spec.unit + ')';
    holder.appendChild(heading);
    document.getElementById('charts').appendChild(holder);
    for (const s of spec.series) columns[s.field] = columns[s.field] || [];
    const hooks = spec.id === 'throughput' ? { draw: [(u) => { body.dataset.drawnIntervals = String(u.data[0].length); }] } : {};
    const chart = new uPlot({
      width: Math.min(900, document.documentElement.clientWidth - 40),
      height: 220,
      scales: { x: { time: false } },
      axes: [{ label: 'time since the load started (s)' }, { label: spec.unit, size: 70 }],
      series: [{ label: 's' }].concat(spec.series.map((s) => ({ label: s.label, stroke: s.stroke, width: 2, spanGaps: false }))),
      hooks,
    }, [xs].concat(spec.series.map((s) => columns[s.field])), holder);
    return { spec, chart };
  });
  const redraw = () => {
    for (const { spec, chart } of charts) chart.setData([xs].concat(spec.series.map((s) => columns[s.field])));
  };
  const addInterval = (interval) => {
    received += 1;
    if (interval.partial) return void (partial += 1);
    xs.push(interval.endS);
    for (const field of Object.keys(columns)) columns[field].push(interval[field]);
  };
  const intervalsText = () => received + ' intervals' + (partial ? ' (' + partial + ' partial, not drawn)' : '');
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
    body.dataset.final = '1';
  };
  const events = new EventSource('events');
  events.addEventListener('interval', (event) => {
    addInterval(JSON.parse(event.data));
    redraw();
    status.textContent = 'running: ' + intervalsText();
  });
  events.addEventListener('final', (event) => {
    showFinal(JSON.parse(event.data));
    status.textContent = 'run ended: ' + intervalsText() + '; the final figures are below';
    // The server closes once the reports are written: do not reconnect to it.
    events.close();
  });
  events.addEventListener('error', () => {
    if (body.dataset.final !== '1') status.textContent = 'disconnected: the run has ended or the dashboard was closed';
    events.close();
  });
})();
`;
