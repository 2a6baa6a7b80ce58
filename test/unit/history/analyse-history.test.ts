import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateSeries } from '../../../bench/history-series.js';
import { syntheticRecord } from '../../../bench/history-records.js';
import { analyseHistory, DEFAULT_HISTORY_OPTIONS } from '../../../src/history/analyse-history.js';
import type { RunRecord } from '../../../src/history/run-record.js';
import { findingLine } from '../../../src/reporters/history-finding-line.js';

/** A series of p99 values (ms) and messages/s, one record per run. */
function history(p99: number[], messagesPerSec: number[] = p99.map(() => 1000)): RunRecord[] {
  return p99.map((value, index) => syntheticRecord({ index, metrics: { p99: value, messagesPerSec: messagesPerSec[index]!, errorRate: 0 } }));
}

const flat = (runs: number, seed: number, base = 2): number[] => generateSeries({ runs, base, noise: 0.03, steps: [], outliers: 0 }, seed);

describe('analyseHistory: the gate on the newest run', () => {
  it('passes a steady history, with no finding', () => {
    const analysis = analyseHistory(history(flat(30, 1)));
    expect(analysis.verdict).toBe('pass');
    expect(analysis.findings).toEqual([]);
  });

  it('suspects a regression when the newest run alone is far outside its segment, and fails only with failOnSuspected', () => {
    const p99 = [...flat(20, 2), 4];
    const analysis = analyseHistory(history(p99));
    expect(analysis.findings).toMatchObject([{ metric: 'p99', kind: 'regression', status: 'suspected', firstRun: 20, lastGoodRun: 19, runsSince: 1 }]);
    expect(analysis.verdict).toBe('pass');
    expect(analyseHistory(history(p99), { ...DEFAULT_HISTORY_OPTIONS, failOnSuspected: true }).verdict).toBe('fail');
  });

  it('confirms a regression once the change holds over later runs, naming the first run after it and the last before', () => {
    const p99 = [...flat(20, 3), ...flat(4, 4, 3)];
    const analysis = analyseHistory(history(p99));
    expect(analysis.verdict).toBe('fail');
    const finding = analysis.findings[0]!;
    expect(finding).toMatchObject({ metric: 'p99', kind: 'regression', status: 'confirmed', firstRun: 20, lastGoodRun: 19, runsSince: 4 });
    expect(finding.relativeChange).toBeGreaterThan(0.4);
    const line = findingLine(finding, analysis.series[0]!);
    expect(line).toContain('regression confirmed: nightly-gate · pb.OrderService/CreateOrderStream: P99');
    expect(line).toContain('from run 21 of 24');
    expect(line).toContain('commit=c20');
    expect(line).toContain('last run before: run 20 of 24');
    expect(line).toContain('commit=c19');
  });

  it('stops failing once the change is older than the recent window (it is then the new normal)', () => {
    const p99 = [...flat(20, 5), ...flat(DEFAULT_HISTORY_OPTIONS.recentRuns + 1, 6, 3)];
    const analysis = analyseHistory(history(p99));
    expect(analysis.series[0]!.metrics.find((m) => m.spec.metric === 'p99')!.changePoints.map((c) => c.runIndex)).toEqual([20]);
    expect(analysis.verdict).toBe('pass');
  });

  it('reports an improvement (lower latency, more messages/s) and never fails it', () => {
    const p99 = [...flat(20, 7), ...flat(4, 8, 1)];
    const rate = [...flat(20, 9, 1000), ...flat(4, 10, 1500)];
    const analysis = analyseHistory(history(p99, rate));
    expect(analysis.verdict).toBe('pass');
    expect(analysis.findings.map((f) => [f.metric, f.kind, f.status])).toEqual([
      ['p99', 'improvement', 'confirmed'],
      ['messagesPerSec', 'improvement', 'confirmed'],
    ]);
  });

  it('counts fewer messages/s as a regression', () => {
    const rate = [...flat(20, 11, 1000), ...flat(4, 12, 700)];
    const analysis = analyseHistory(history(flat(24, 13), rate));
    expect(analysis.findings).toMatchObject([{ metric: 'messagesPerSec', kind: 'regression', status: 'confirmed' }]);
  });

  it('keeps series apart by scenario name, call and version', () => {
    const records = [
      ...[...flat(20, 14), ...flat(4, 15, 3)].map((p99, index) => syntheticRecord({ index, metrics: { p99 }, version: 'v2' })),
      ...flat(24, 16).map((p99, index) => syntheticRecord({ index: index + 100, metrics: { p99 }, version: 'v1' })),
      ...flat(24, 17).map((p99, index) => syntheticRecord({ index: index + 200, metrics: { p99 }, name: 'other' })),
    ];
    const analysis = analyseHistory(records);
    expect(analysis.series.map((s) => s.key)).toEqual([
      'nightly-gate · pb.OrderService/CreateOrderStream · v1',
      'nightly-gate · pb.OrderService/CreateOrderStream · v2',
      'other · pb.OrderService/CreateOrderStream',
    ]);
    expect(analysis.findings.map((f) => f.seriesKey)).toEqual(['nightly-gate · pb.OrderService/CreateOrderStream · v2']);
  });

  it('gives no finding for a metric the newest run has no value for, and skips runs without a value', () => {
    const records = flat(24, 18).map((p99, index) => syntheticRecord({ index, metrics: { p99, targetMemoryGrowth: null } }));
    const analysis = analyseHistory(records);
    const memory = analysis.series[0]!.metrics.find((m) => m.spec.metric === 'targetMemoryGrowth')!;
    expect(memory.values.every((v) => v === null)).toBe(true);
    expect(memory.changePoints).toEqual([]);
  });

  it('does not depend on the order the records were read in, nor on the order of their tags', () => {
    const p99 = [...flat(20, 19), ...flat(5, 20, 3)];
    const records = p99.map((value, index) => syntheticRecord({ index, metrics: { p99: value }, tags: { commit: `c${index}`, branch: 'main', build: String(index) } }));
    const expected = JSON.stringify(analyseHistory(records));
    fc.assert(
      fc.property(fc.shuffledSubarray(records, { minLength: records.length, maxLength: records.length }), fc.boolean(), (shuffled, reverseTags) => {
        const retagged = shuffled.map((r) => ({ ...r, tags: Object.fromEntries(reverseTags ? Object.entries(r.tags).reverse() : Object.entries(r.tags)) }));
        expect(JSON.stringify(analyseHistory(retagged))).toBe(expected);
      }),
      { numRuns: 30 },
    );
  });

  it('shows a tag with control characters without them', () => {
    const records = [...flat(20, 22), ...flat(4, 23, 3)].map((p99, index) => syntheticRecord({ index, metrics: { p99 }, tags: { commit: `c${index}\u001b[31m\nforged line` } }));
    const analysis = analyseHistory(records);
    const line = findingLine(analysis.findings[0]!, analysis.series[0]!);
    expect(line).toContain('commit=c20?[31m?forged line');
    expect(line).not.toMatch(/[\u0000-\u001f]/);
  });

  it('counts a run recorded twice once', () => {
    const records = history(flat(10, 21));
    expect(analyseHistory([...records, records[3]!]).series[0]!.runs).toHaveLength(10);
  });
});
