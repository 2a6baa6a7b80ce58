import { describe, expect, it } from 'vitest';
import { liveCharts } from '../../src/dashboard/live-charts.js';
import { LiveIntervalMerger, type LiveInterval } from '../../src/report/live-intervals.js';
import { runChartSpecs } from '../../src/reporters/html/html-reporter.js';
import { createLatencyHistogram, encodeHistogram, recordLatencyUs } from '../../src/stats/latency-histogram.js';
import { emptyCounters } from '../../src/types/worker-protocol.js';
import { intervalSnapshot } from '../helpers/interval-snapshot.js';
import { syntheticReport } from '../helpers/synthetic-report.js';

function histogramOf(latenciesMs: number[]): string {
  const histogram = createLatencyHistogram();
  for (const ms of latenciesMs) recordLatencyUs(histogram, ms * 1000);
  return encodeHistogram(histogram);
}

/** Three 1 s intervals of one worker, then the drain: 40 ms in which nothing was sent. */
function liveIntervals(): LiveInterval[] {
  const merger = new LiveIntervalMerger(1, 1000);
  const out: LiveInterval[] = [];
  for (const index of [0, 1, 2]) {
    out.push(...merger.add(intervalSnapshot({
      workerId: 0, index, durationMs: 1000, warmup: false,
      counters: { ...emptyCounters(), messagesSent: 100, messagesReceived: 100, errors: index },
      statusCodes: index === 2 ? { OK: 3, UNAVAILABLE: 1 } : {},
      histogram: histogramOf(Array(100).fill(index + 1)), activeStreams: 4, activeConnections: 2, heapUsedBytes: 1 << 20,
    })));
  }
  out.push(...merger.add(intervalSnapshot({ workerId: 0, index: 3, durationMs: 40, endMs: 3040, warmup: false, counters: { ...emptyCounters(), messagesReceived: 4 } })));
  return out;
}

const styles = (spec: { series: { label: string; color: string; dash?: number[]; unit: string }[] }) => spec.series.map(({ label, color, dash, unit }) => ({ label, color, dash, unit }));

describe('liveCharts', () => {
  it('draws the merged intervals as the run report’s time charts: the same ids, titles, series, colours and units', () => {
    const live = liveCharts(liveIntervals());
    const report = runChartSpecs(syntheticReport([{ latenciesMs: [1] }]));
    const reported = [report.throughput, report.latency, report.errors, report.activity];
    expect(live.map((c) => [c.id, c.title, c.yLabel])).toEqual(reported.map((c) => [c.id, c.title, c.yLabel]));
    for (const [n, spec] of reported.entries()) {
      // The live errors chart has status-code series the synthetic report lacks: the rest must match.
      expect(styles(live[n]!).slice(0, spec.series.length)).toEqual(styles(spec));
    }
  });

  it('fills them with the intervals’ figures, the drain left off the throughput chart', () => {
    const [throughput, latency, errors, activity] = liveCharts(liveIntervals());
    expect(throughput!.series.map((s) => [s.label, s.y])).toEqual([['received', [100, 100, 100, null]], ['sent', [100, 100, 100, null]]]);
    expect(throughput!.xMax).toBe(3.04);
    expect(latency!.series[0]!.label).toBe('P50');
    expect(latency!.series[0]!.y.slice(0, 3).map((v) => Math.round(v!))).toEqual([1, 2, 3]);
    expect(latency!.series[0]!.y[3]).toBeNull();
    expect(errors!.series.map((s) => [s.label, s.y])).toEqual([
      ['errors', [0, 1, 2, 0]],
      ['streams ended OK', [0, 0, 3, 0]],
      ['streams ended UNAVAILABLE', [0, 0, 1, 0]],
    ]);
    expect(activity!.series.map((s) => s.y)).toEqual([[4, 4, 4, 0], [2, 2, 2, 0]]);
  });

  it('does not say the status codes are missing while no stream has ended yet', () => {
    const [, , errors] = liveCharts(liveIntervals().slice(0, 2));
    expect(errors!.series.map((s) => s.label)).toEqual(['errors']);
    expect(errors!.note).toBeUndefined();
  });
});
