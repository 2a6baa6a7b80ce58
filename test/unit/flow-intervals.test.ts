import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlowRecorder } from '../../src/driver/flow-recorder.js';
import { buildIntervals } from '../../src/report/build-report.js';
import { flowInterval, UNKNOWN_STATUS } from '../../src/report/flow-interval.js';
import { resultFromSnapshots } from '../../src/report/result-from-snapshots.js';
import { flowReport } from '../../src/report/flow-report.js';
import { LiveStatusTracker } from '../../src/report/live-status.js';
import { createLatencyHistogram, encodeHistogram, mergeHistograms, recordLatencyUs } from '../../src/stats/latency-histogram.js';
import type { FlowSettings } from '../../src/types/flow-settings.js';
import type { IntervalSnapshot } from '../../src/types/worker-protocol.js';
import { intervalSnapshot } from '../helpers/interval-snapshot.js';

const FLOW: FlowSettings = {
  onTimeout: 'continue',
  steps: [{ send: 'order' }, { await: 'reserved', until: { status: 'RESERVED' }, within: 100, checks: { ok: { status: 'RESERVED' } } }],
};

/** What one worker counted in one interval: match latencies (µs), timeouts, failed checks. */
interface Slice {
  latenciesUs: number[];
  timeouts: number;
  fails: number;
}

const snapshot = (workerId: number, index: number, flow: IntervalSnapshot['flow']): IntervalSnapshot => intervalSnapshot({ workerId, index, durationMs: 1000, warmup: false, ...(flow ? { flow } : {}) });

/** The share's run latencies: not what these tests look at (flow-figures.test.ts does). */
const RUN_LATENCIES = { addLatencies: () => {} };

/** Each worker counts its slices, one interval each, as the flow streams would; returns the snapshots and the totals. */
function record(perWorker: Slice[][]): { snapshots: IntervalSnapshot[]; totals: ReturnType<FlowRecorder['result']>[] } {
  const snapshots: IntervalSnapshot[] = [];
  const totals = perWorker.map((slices, workerId) => {
    const recorder = new FlowRecorder(FLOW);
    const tally = recorder.awaits.get('reserved')!;
    const check = recorder.checks.get('ok')!;
    slices.forEach((slice, index) => {
      for (const us of slice.latenciesUs) recordLatencyUs(tally.matchUs, us);
      tally.matched += slice.latenciesUs.length;
      tally.timeouts += slice.timeouts;
      check.passes += slice.latenciesUs.length - Math.min(slice.fails, slice.latenciesUs.length);
      check.fails += Math.min(slice.fails, slice.latenciesUs.length);
      recorder.runsStarted += slice.latenciesUs.length + slice.timeouts;
      recorder.runsCompleted += slice.latenciesUs.length;
      recorder.runsTimedOut += slice.timeouts;
      recorder.countUnsolicited('STOCK_UPDATE');
      snapshots.push(snapshot(workerId, index, recorder.takeInterval(RUN_LATENCIES)));
    });
    const result = recorder.result();
    recorder.dispose();
    return result;
  });
  return { snapshots, totals };
}

const slice = fc.record({ latenciesUs: fc.array(fc.integer({ min: 1, max: 5_000_000 }), { maxLength: 30 }), timeouts: fc.nat(5), fails: fc.nat(5) });

describe('flow figures per interval', () => {
  it('are each interval’s values exactly, every worker merged, and sum to the whole-run figures', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }).chain((intervals) => fc.array(fc.array(slice, { minLength: intervals, maxLength: intervals }), { minLength: 1, maxLength: 3 })), (perWorker) => {
        const { snapshots, totals } = record(perWorker);
        const intervals = buildIntervals(snapshots);
        const whole = flowReport(totals);
        expect(intervals).toHaveLength(perWorker[0]!.length);
        intervals.forEach((interval, index) => {
          const values = perWorker.flatMap((slices) => slices[index]!.latenciesUs);
          const step = interval.flow!.awaits['reserved']!;
          expect(step.matched).toBe(values.length);
          expect(step.timeouts).toBe(perWorker.reduce((sum, slices) => sum + slices[index]!.timeouts, 0));
          const own = createLatencyHistogram();
          for (const us of values) own.recordValue(us);
          expect(step.matchHistogram).toBe(values.length ? encodeHistogram(own) : '');
          expect(step.latencyMs === undefined).toBe(values.length === 0);
          if (values.length) expect(step.latencyMs!.p99).toBeCloseTo(own.getValueAtPercentile(99) / 1000, 6);
          expect(interval.flow!.unsolicited).toBe(perWorker.length);
        });
        const sum = (pick: (flow: NonNullable<(typeof intervals)[number]['flow']>) => number): number => intervals.reduce((total, i) => total + pick(i.flow!), 0);
        expect(sum((f) => f.awaits['reserved']!.matched)).toBe(whole.awaits['reserved']!.matched);
        expect(sum((f) => f.awaits['reserved']!.timeouts)).toBe(whole.awaits['reserved']!.timeouts);
        expect(sum((f) => f.checks['ok']!.passes)).toBe(whole.checks['ok']!.passes);
        expect(sum((f) => f.checks['ok']!.fails)).toBe(whole.checks['ok']!.fails);
        expect(sum((f) => f.runsStarted)).toBe(whole.runsStarted);
        expect(sum((f) => f.runsCompleted)).toBe(whole.runsCompleted);
        expect(sum((f) => f.runsTimedOut)).toBe(whole.runsTimedOut);
        expect(sum((f) => f.unsolicited)).toBe(Object.values(whole.unsolicited).reduce((a, b) => a + b, 0));
        // The intervals' histograms merge to the run's: every value was recorded in exactly one interval.
        const merged = mergeHistograms(intervals.map((i) => i.flow!.awaits['reserved']!.matchHistogram).filter(Boolean));
        expect(encodeHistogram(merged)).toBe(whole.awaits['reserved']!.matchHistogram);
        // An interval report merges again through the same function, unchanged.
        for (const interval of intervals) expect(flowInterval([interval.flow!])).toEqual(interval.flow);
      }),
      { numRuns: 30 },
    );
  });

  it('rebuild a worker’s flow figures from its snapshots (a crashed worker, a run journal) with the counts and histograms they carry', () => {
    const perWorker: Slice[][] = [
      [{ latenciesUs: [1000, 2000], timeouts: 1, fails: 1 }, { latenciesUs: [40_000], timeouts: 0, fails: 0 }],
      [{ latenciesUs: [3000], timeouts: 2, fails: 0 }],
    ];
    const { snapshots, totals } = record(perWorker);
    totals.forEach((total, workerId) => {
      const rebuilt = resultFromSnapshots(workerId, snapshots).flow!;
      expect(rebuilt).toMatchObject({ runsStarted: total.runsStarted, runsCompleted: total.runsCompleted, runsTimedOut: total.runsTimedOut, checks: total.checks, sends: {}, unsolicited: { [UNKNOWN_STATUS]: perWorker[workerId]!.length } });
      expect(rebuilt.runsUnfinished).toBe(total.runsStarted - total.runsCompleted - total.runsTimedOut);
      expect(rebuilt.awaits['reserved']).toMatchObject({ matched: total.awaits['reserved']!.matched, timeouts: total.awaits['reserved']!.timeouts, matchHistogram: total.awaits['reserved']!.matchHistogram });
    });
    expect(resultFromSnapshots(0, [snapshot(0, 0, undefined)]).flow).toBeUndefined();
  });

  it('add up live, snapshot by snapshot, to the whole-run figures: counts, check rates, every match merged, the last interval’s P99', () => {
    fc.assert(
      fc.property(fc.array(fc.array(slice, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }), (perWorker) => {
        const { snapshots, totals } = record(perWorker);
        const whole = flowReport(totals);
        const tracker = new LiveStatusTracker();
        for (const snapshot of snapshots) tracker.add(snapshot);
        const live = tracker.current().flow!;
        expect({ runsStarted: live.runsStarted, runsCompleted: live.runsCompleted, runsTimedOut: live.runsTimedOut }).toEqual({ runsStarted: whole.runsStarted, runsCompleted: whole.runsCompleted, runsTimedOut: whole.runsTimedOut });
        expect(live.unsolicited).toBe(whole.unsolicited['STOCK_UPDATE']);
        expect(live.checks).toEqual(whole.checks);
        const step = live.awaits['reserved']!;
        expect({ matched: step.matched, timeouts: step.timeouts }).toEqual({ matched: whole.awaits['reserved']!.matched, timeouts: whole.awaits['reserved']!.timeouts });
        expect(step.latencyMs).toEqual(whole.awaits['reserved']!.latencyMs);
        // Each worker's latest interval with matches; the busiest of them.
        const lastP99sUs = perWorker.map((slices) => {
          const last = [...slices].reverse().find((s) => s.latenciesUs.length > 0);
          const own = createLatencyHistogram();
          for (const us of last?.latenciesUs ?? []) own.recordValue(us);
          return last ? own.getValueAtPercentile(99) : 0;
        });
        expect(step.p99Ms).toBe(Math.max(...lastP99sUs) / 1000);
      }),
      { numRuns: 30 },
    );
    expect(new LiveStatusTracker().add(snapshot(0, 0, undefined)).flow, 'no flow, no live flow figures').toBeUndefined();
  });

  it('leave intervals without a flow as they were', () => {
    const [interval] = buildIntervals([snapshot(0, 0, undefined)]);
    expect(interval!.flow).toBeUndefined();
  });
});
