import { describe, expect, it } from 'vitest';
import { liveCharts } from '../../src/dashboard/live-charts.js';
import { LiveIntervalMerger } from '../../src/report/live-intervals.js';
import { createLatencyHistogram, decodeHistogram, encodeHistogram, recordLatencyUs } from '../../src/stats/latency-histogram.js';
import { emptyCounters } from '../../src/types/worker-protocol.js';
import { intervalSnapshot } from '../helpers/interval-snapshot.js';

function histogramOf(latenciesUs: number[]): string {
  const histogram = createLatencyHistogram();
  for (const us of latenciesUs) recordLatencyUs(histogram, us);
  return encodeHistogram(histogram);
}

describe('LiveIntervalMerger', () => {
  it('returns an interval once every worker sent it, with counts, status codes and heaps summed and the histograms merged', () => {
    const merger = new LiveIntervalMerger(2, 500);
    const counters = { ...emptyCounters(), messagesSent: 100, messagesReceived: 90, errors: 1 };
    // Worker 0 answers in 1 ms, worker 1 in 10 ms: the merged P50 lies in the first, P99 in the second.
    const first = intervalSnapshot({ workerId: 0, index: 0, durationMs: 500, warmup: false, counters, histogram: histogramOf(Array(90).fill(1000)), activeStreams: 3, activeConnections: 1, statusCodes: { OK: 2 }, heapUsedBytes: 1000 });
    const second = intervalSnapshot({ workerId: 1, index: 0, durationMs: 500, warmup: false, counters, histogram: histogramOf(Array(90).fill(10_000)), activeStreams: 2, activeConnections: 1, statusCodes: { OK: 1, UNAVAILABLE: 1 }, heapUsedBytes: 500 });
    expect(merger.add(first)).toEqual([]);
    const [merged, ...more] = merger.add(second);
    expect(more).toEqual([]);
    expect(merged!).toMatchObject({ index: 0, tMs: 500, durationMs: 500, messagesSent: 200, messagesReceived: 180, messagesPerSec: 360, errors: 2, activeStreams: 5, activeConnections: 2, workers: 2, warmup: false });
    expect(merged!.statusCodes).toEqual({ OK: 3, UNAVAILABLE: 1 });
    expect(merged!.heapUsedBytes).toBe(1500);
    const histogram = decodeHistogram(merged!.histogram);
    expect(histogram.totalCount).toBe(180);
    expect(histogram.getValueAtPercentile(50) / 1000).toBeCloseTo(1, 2);
    expect(histogram.getValueAtPercentile(99) / 1000).toBeCloseTo(10, 1);
    histogram.destroy();
    expect(merger.flush()).toEqual([]);
  });

  it('merges the workers’ flow figures of an interval, and the live charts draw each await’s P99', () => {
    const merger = new LiveIntervalMerger(2, 500);
    const flow = (latenciesUs: number[], fails: number) => ({ runsStarted: latenciesUs.length, runsCompleted: latenciesUs.length, runsTimedOut: 0, unsolicited: 1, awaits: { decided: { matched: latenciesUs.length, timeouts: 1, matchHistogram: histogramOf(latenciesUs) } }, checks: { confirmed: { passes: latenciesUs.length - fails, fails } } });
    merger.add(intervalSnapshot({ workerId: 0, index: 0, durationMs: 500, warmup: false, flow: flow(Array(99).fill(2000), 1) }));
    const [merged] = merger.add(intervalSnapshot({ workerId: 1, index: 0, durationMs: 500, warmup: false, flow: flow([50_000], 0) }));
    expect(merged!.flow).toMatchObject({ runsStarted: 100, unsolicited: 2, awaits: { decided: { matched: 100, timeouts: 2 } }, checks: { confirmed: { passes: 99, fails: 1 } } });
    expect(merged!.flow!.awaits['decided']!.latencyMs!.p50).toBeCloseTo(2, 2);
    expect(merged!.flow!.awaits['decided']!.latencyMs!.p999).toBeCloseTo(50, 1);
    const chart = liveCharts([merged!]).find((spec) => spec.id === 'flow-step-1')!;
    expect(chart.title).toBe('Flow step decided: P99 over time');
    expect(chart.series[0]!.y).toEqual([merged!.flow!.awaits['decided']!.latencyMs!.p99]);
  });

  it('keeps warm-up and measured intervals of the same number apart, and flushes what a worker never sent, in time order', () => {
    const merger = new LiveIntervalMerger(2, 1000);
    expect(merger.add(intervalSnapshot({ workerId: 0, index: 0, durationMs: 1000, warmup: true }))).toEqual([]);
    expect(merger.add(intervalSnapshot({ workerId: 0, index: 0, durationMs: 50, warmup: false, endMs: 1050 }))).toEqual([]);
    const rest = merger.flush();
    expect(rest.map((i) => [i.warmup, i.tMs, i.durationMs, i.workers])).toEqual([[true, 1000, 1000, 1], [false, 1050, 50, 1]]);
    expect(merger.flush()).toEqual([]);
  });

  it('lets an interval go incomplete once the other workers are three intervals past it (a worker that stopped)', () => {
    const merger = new LiveIntervalMerger(2, 1000);
    expect(merger.add(intervalSnapshot({ workerId: 1, index: 0, durationMs: 1000, warmup: false }))).toEqual([]);
    // Worker 1 stops; worker 0 goes on.
    expect(merger.add(intervalSnapshot({ workerId: 0, index: 0, durationMs: 1000, warmup: false })).map((i) => [i.index, i.workers])).toEqual([[0, 2]]);
    for (const index of [1, 2, 3, 4]) expect(merger.add(intervalSnapshot({ workerId: 0, index, durationMs: 1000, warmup: false }))).toEqual([]);
    // At 6 s, interval 1 (ended at 2 s) is more than three intervals behind; interval 2 not yet.
    expect(merger.add(intervalSnapshot({ workerId: 0, index: 5, durationMs: 1000, warmup: false })).map((i) => [i.index, i.workers])).toEqual([[1, 1]]);
    expect(merger.flush().map((i) => i.index)).toEqual([2, 3, 4, 5]);
  });
});
