import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flowMetricValue } from '../../src/compare/flow-metric-value.js';
import { countStatus, FlowRecorder, MAX_STATUS_VALUES } from '../../src/driver/flow-recorder.js';
import { compileResponseCondition } from '../../src/driver/response-condition.js';
import { ShareRecorder, type LiveFigures } from '../../src/driver/share-recorder.js';
import { flowReport } from '../../src/report/flow-report.js';
import { createLatencyHistogram, decodeHistogram, encodeHistogram, recordLatencyUs } from '../../src/stats/latency-histogram.js';
import type { FlowFigures, FlowSettings } from '../../src/types/flow-settings.js';

describe('response conditions', () => {
  const response = { status: 'RESERVED', reservation_id: 'res-7', count: '12', stock: { sku_id: 's_1', available: 3 }, items: [] };

  it.each([
    [{ status: 'RESERVED' }, true],
    [{ status: 'ACCEPTED' }, false],
    [{ status: ['CONFIRMED', 'RESERVED'] }, true],
    [{ reservation_id: { present: true } }, true],
    [{ order_id: { present: true } }, false],
    [{ order_id: { present: false } }, true],
    [{ items: { present: true } }, false],
    [{ 'stock.sku_id': 's_1', 'stock.available': 3 }, true],
    [{ 'stock.sku_id': 's_1', status: 'ACCEPTED' }, false],
    [{ 'missing.field': 'x' }, false],
    [{ count: 12 }, true],
    [{ reservation_id: '{{reservation}}' }, true],
    [{ reservation_id: 'res-{{other}}' }, false],
  ] as const)('%j holds: %s', (predicate, holds) => {
    expect(compileResponseCondition(predicate as never)(response, { reservation: 'res-7', other: '8' })).toBe(holds);
  });
});

describe('counting by status', () => {
  it('keeps at most MAX_STATUS_VALUES distinct values, counting the rest as (other): memory stays bounded whatever the server sends', () => {
    const tally: Record<string, number> = {};
    for (let i = 0; i < 1000; i++) countStatus(tally, `id-${i % 100}`);
    expect(Object.keys(tally)).toHaveLength(MAX_STATUS_VALUES + 1);
    expect(Object.values(tally).reduce((a, b) => a + b, 0)).toBe(1000);
    expect(tally['id-0']).toBe(10);
    expect(tally['(other)']).toBe(1000 - MAX_STATUS_VALUES * 10);
  });
});

const FLOW: FlowSettings = {
  onTimeout: 'continue',
  steps: [{ send: 'order' }, { repeat: 2, steps: [{ await: 'reserved', until: { status: 'RESERVED' }, within: 100, checks: { ok: { status: 'RESERVED' } } }] }],
};

/** One worker's figures with these match latencies (µs) at the await. */
function workerFigures(latenciesUs: number[], passes: number, fails: number): FlowFigures {
  const recorder = new FlowRecorder(FLOW);
  const tally = recorder.awaits.get('reserved')!;
  for (const us of latenciesUs) recordLatencyUs(tally.matchUs, us);
  tally.matched = latenciesUs.length;
  tally.byStatus['RESERVED'] = latenciesUs.length;
  recorder.checks.get('ok')!.passes = passes;
  recorder.checks.get('ok')!.fails = fails;
  recorder.sends.get('order')!.sent = latenciesUs.length;
  recorder.runsStarted = latenciesUs.length;
  recorder.countUnsolicited('STOCK_UPDATE');
  const figures = recorder.result();
  recorder.dispose();
  return figures;
}

describe('flow figures over workers', () => {
  it('sum counts and merge histograms losslessly: the report equals one histogram of every value', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 1, max: 5_000_000 }), { maxLength: 40 }), { minLength: 1, maxLength: 4 }), fc.nat(50), fc.nat(50), (perWorker, passes, fails) => {
        const report = flowReport(perWorker.map((values, i) => workerFigures(values, i === 0 ? passes : 0, i === 0 ? fails : 0)));
        const all = createLatencyHistogram();
        for (const us of perWorker.flat()) all.recordValue(us);
        const step = report.awaits['reserved']!;
        expect(step.matched).toBe(perWorker.flat().length);
        expect(decodeHistogram(step.matchHistogram).totalCount).toBe(all.totalCount);
        expect(step.matchHistogram).toBe(encodeHistogram(all));
        expect(report.sends).toEqual({ order: perWorker.flat().length });
        expect(report.unsolicited).toEqual({ STOCK_UPDATE: perWorker.length });
        expect(report.checks['ok']).toEqual({ passes, fails, ...(passes + fails ? { rate: passes / (passes + fails) } : {}) });
        // A report merges again through the same function, unchanged.
        expect(flowReport([report])).toEqual(report);
      }),
      { numRuns: 40 },
    );
  });

  it('give thresholds their figures in the threshold’s unit, and none without data', () => {
    const report = flowReport([workerFigures([1000, 2000, 40_000], 9, 1)]);
    expect(flowMetricValue({ subject: 'step', name: 'reserved', statistic: 'count' }, report)).toBe(3);
    expect(flowMetricValue({ subject: 'step', name: 'reserved', statistic: 'max' }, report)).toBeCloseTo(40, 0);
    expect(flowMetricValue({ subject: 'checks', name: 'ok', statistic: 'rate' }, report)).toBeCloseTo(90, 10);
    expect(flowMetricValue({ subject: 'checks', name: 'ok', statistic: 'fails' }, report)).toBe(1);
    expect(flowMetricValue({ subject: 'step', name: 'reserved', statistic: 'p99' }, flowReport([workerFigures([], 0, 0)]))).toBeUndefined();
    expect(flowMetricValue({ subject: 'checks', name: 'ok', statistic: 'rate' }, flowReport([workerFigures([], 0, 0)]))).toBeUndefined();
    expect(flowMetricValue({ subject: 'step', name: 'reserved', statistic: 'p99' }, undefined)).toBeUndefined();
  });
});

/** An interval's live figures, which these tests do not look at. */
const LIVE: LiveFigures = { type: 'interval', workerId: 0, index: 0, durationMs: 1000, endMs: 1000, warmup: false, activeStreams: 1, activeConnections: 1, inFlight: 0, heapUsedBytes: 0, eventLoopUtilization: 0 };

describe('matches that are the first response', () => {
  it('are recorded once and count in both the match and the first-response figures and in the run latencies, over intervals and in the totals', () => {
    type Latency = { us: number; kind: 'firstMatch' | 'laterMatch' | 'firstOnly' };
    const latency = fc.record({ us: fc.integer({ min: 1, max: 5_000_000 }), kind: fc.constantFrom<Latency['kind']>('firstMatch', 'laterMatch', 'firstOnly') });
    fc.assert(
      fc.property(fc.array(fc.array(latency, { maxLength: 30 }), { minLength: 1, maxLength: 4 }), (intervals) => {
        const recorder = new FlowRecorder(FLOW);
        const tally = recorder.awaits.get('reserved')!;
        const wantMatches = createLatencyHistogram();
        const wantFirst = createLatencyHistogram();
        // The share's run latencies: a flow's matches reach them only through the flow recorder's intervals.
        const share = new ShareRecorder({ uncorrected: false, labelled: false });
        let intervalMatches = 0;
        for (const values of intervals) {
          const wantInterval = createLatencyHistogram();
          for (const { us, kind } of values) {
            recordLatencyUs(kind === 'firstMatch' ? tally.firstMatchUs : kind === 'laterMatch' ? tally.matchUs : tally.firstResponseUs, us);
            if (kind !== 'firstOnly') {
              recordLatencyUs(wantMatches, us);
              recordLatencyUs(wantInterval, us);
            }
            if (kind !== 'laterMatch') recordLatencyUs(wantFirst, us);
          }
          const interval = recorder.takeInterval(share).awaits['reserved']!;
          const inInterval = values.filter((v) => v.kind !== 'firstOnly').length;
          expect(interval.matchHistogram === '' ? 0 : decodeHistogram(interval.matchHistogram).totalCount).toBe(inInterval);
          const runInterval = share.takeInterval(LIVE);
          expect(encodeHistogram(decodeHistogram(runInterval.histogram))).toBe(encodeHistogram(wantInterval));
          intervalMatches += inInterval;
        }
        const totals = recorder.result().awaits['reserved']!;
        expect(decodeHistogram(totals.matchHistogram).totalCount).toBe(intervalMatches);
        expect(encodeHistogram(decodeHistogram(totals.matchHistogram))).toBe(encodeHistogram(wantMatches));
        expect(encodeHistogram(decodeHistogram(totals.firstResponseHistogram))).toBe(encodeHistogram(wantFirst));
        recorder.dispose();
        share.dispose();
      }),
      { numRuns: 30 },
    );
  });
});
