import { describe, expect, it } from 'vitest';
import { benchErrorOf } from '../helpers/bench-error-of.js';
import { mergeSegmentReports, type SegmentReportFile } from '../../src/compare/merge-segments.js';
import type { Report } from '../../src/report/report.js';
import { createLatencyHistogram, encodeHistogram, mergeHistograms, recordLatencyUs } from '../../src/stats/latency-histogram.js';
import { summarizeLatency } from '../../src/stats/summarize-latency.js';
import { latencySpread, syntheticReport } from '../helpers/synthetic-report.js';

const THRESHOLDS = [
  { metric: 'p99', condition: '<1s', abortOnFail: false },
  { metric: 'p50', condition: '<15ms', abortOnFail: false },
];

/** Segment `index` of `count`: its own latencies around `centerMs`, a 100-message budget. */
function segment(index: number, count: number, centerMs: number, patch: Partial<Report> = {}): SegmentReportFile {
  const report = syntheticReport([{ latenciesMs: latencySpread(centerMs, 100) }, { latenciesMs: latencySpread(centerMs, 50) }], {
    startedAt: `2026-01-01T00:00:0${index}.000Z`,
  });
  report.segment = { index, count };
  report.settings = { ...report.settings, messages: 150, calls: 8, thresholds: THRESHOLDS };
  const callLatency = createLatencyHistogram();
  for (const ms of latencySpread(centerMs * 2, 8)) recordLatencyUs(callLatency, ms * 1000);
  report.calls = { kind: 'unary', count: 8, perSec: 8, latencyMs: summarizeLatency(callLatency), histogram: encodeHistogram(callLatency) };
  return { file: `seg-${index}.json`, report: { ...report, ...patch } };
}


describe('mergeSegmentReports', () => {
  it('joins the segments of one run and judges the thresholds again on the merged report', () => {
    const parts = [segment(2, 3, 20), segment(1, 3, 10), segment(3, 3, 30)];
    const { report, warnings } = mergeSegmentReports(parts);

    expect(warnings).toEqual([]);
    expect(report.segment).toBeUndefined();
    expect(report.mergedSegments).toEqual({ count: 3, indexes: [1, 2, 3] });
    expect(report.partial).toBe(false);
    expect(report.counts.messagesSent).toBe(450);
    expect(report.settings.messages).toBe(450);
    expect(report.settings.calls).toBe(24);
    // Calls: counted from the merged status codes, their latencies merged losslessly.
    expect(report.calls?.kind).toBe('unary');
    expect(report.calls?.count).toBe(Object.values(report.statusCodes).reduce((a, b) => a + b, 0));
    expect(report.calls?.latencyMs).toEqual(summarizeLatency(mergeHistograms(parts.map((p) => p.report.calls!.histogram))));
    expect(report.settings.streams).toBe(24);
    expect(report.startedAt).toBe('2026-01-01T00:00:01.000Z');
    // The segments started 1 s apart: their 1 s intervals line up by wall-clock time, not by number.
    expect(report.intervals.map((i) => [i.tMs, i.messagesSent])).toEqual([
      [1000, 100],
      [2000, 150],
      [3000, 150],
      [4000, 50],
    ]);
    const expected = summarizeLatency(mergeHistograms(parts.map((p) => p.report.histogram)));
    expect(report.latencyMs).toEqual(expected);
    // Each segment alone passes p50 < 15ms only for segment 1; the merged run (median ≈ 20 ms) fails it.
    expect(report.thresholds?.results.map((r) => [r.metric, r.pass])).toEqual([
      ['p99', true],
      ['p50', false],
    ]);
    expect(report.thresholds?.results[1]?.actual).toBe(expected.p50);
    expect(report.thresholds?.passed).toBe(false);
  });

  it('adds the segments’ client RSS per interval but keeps the one target’s highest reading, never a sum', () => {
    const withMemory = (part: SegmentReportFile, rss: number, target: number): SegmentReportFile => ({
      ...part,
      report: { ...part.report, intervals: part.report.intervals.map((i) => ({ ...i, clientRssBytes: rss, targetMemoryBytes: target })) },
    });
    // Both segments started at the same second, so their intervals line up one to one.
    const one = withMemory(segment(1, 2, 10, { startedAt: '2026-01-01T00:00:01.000Z' }), 100, 5000);
    const two = withMemory(segment(2, 2, 10, { startedAt: '2026-01-01T00:00:01.000Z' }), 40, 5200);
    const { report } = mergeSegmentReports([one, two]);
    expect(report.intervals.map((i) => [i.clientRssBytes, i.targetMemoryBytes])).toEqual([[140, 5200], [140, 5200]]);
    // An old segment without the fields: the merged intervals have none rather than a partial sum.
    const old = segment(2, 2, 10, { startedAt: '2026-01-01T00:00:01.000Z' });
    expect(mergeSegmentReports([one, old]).report.intervals.every((i) => i.clientRssBytes === undefined && i.targetMemoryBytes === undefined)).toBe(true);
  });

  it('warns about missing segments and marks the merged report partial', () => {
    const { report, warnings } = mergeSegmentReports([segment(1, 3, 10), segment(3, 3, 10)]);
    expect(warnings).toEqual(['segment 2 of 3 missing: the merged report covers 2 of 3 segments, not the whole run']);
    expect(report.partial).toBe(true);
    expect(report.partialReason).toBe('segment 2 of 3 missing');
    expect(report.mergedSegments).toEqual({ count: 3, indexes: [1, 3] });
  });

  it('carries an abortOnFail stop of a segment into the merged verdict', () => {
    const aborted = segment(2, 2, 10);
    aborted.report.thresholds = { results: [], passed: false, abortedBy: 'p99 <1s' };
    const { report } = mergeSegmentReports([segment(1, 2, 10), aborted]);
    expect(report.thresholds?.abortedBy).toBe('p99 <1s');
    expect(report.thresholds?.passed).toBe(false);
  });

  it('carries a stop by a flow threshold (abortOnFail) of a segment into the merged verdict', () => {
    const flowThresholds = [...THRESHOLDS, { metric: 'checks.confirmed.rate', condition: '>=99%', abortOnFail: true }];
    const parts = [segment(1, 2, 10), segment(2, 2, 10)];
    for (const part of parts) part.report.settings.thresholds = flowThresholds;
    parts[1]!.report.thresholds = { results: [], passed: false, abortedBy: 'checks.confirmed.rate >=99%' };
    const { report } = mergeSegmentReports(parts);
    expect(report.thresholds?.abortedBy).toBe('checks.confirmed.rate >=99%');
    expect(report.thresholds?.passed).toBe(false);
  });

  it('reports without thresholds merge without a verdict', () => {
    const parts = [segment(1, 2, 10), segment(2, 2, 10)];
    for (const part of parts) delete part.report.settings.thresholds;
    expect(mergeSegmentReports(parts).report.thresholds).toBeUndefined();
  });

  it.each<[string, () => SegmentReportFile[], string, string]>([
    [
      'reports of different calls',
      () => [segment(1, 2, 10), segment(2, 2, 10, { call: 'chat.Chat/Talk' })],
      'USAGE',
      'merge: seg-2.json is a run of chat.Chat/Talk but seg-1.json of pb.OrderService/CreateOrderStream; only segments of one run merge',
    ],
    [
      'different segment counts',
      () => [segment(1, 2, 10), segment(2, 3, 10)],
      'USAGE',
      'merge: seg-2.json is segment 2/3 but seg-1.json is segment 1/2; only segments of one run merge',
    ],
    ['the same segment twice', () => [segment(1, 2, 10), { ...segment(1, 2, 10), file: 'copy.json' }], 'USAGE', 'merge: seg-1.json and copy.json are both segment 1/2'],
    [
      'a report that is not a segment',
      () => [segment(1, 2, 10), { file: 'whole.json', report: syntheticReport([{ latenciesMs: [1] }]) }],
      'USAGE',
      'merge: whole.json is not the report of a segment (it has no "segment"); run each part with --segment i/n',
    ],
    [
      'other thresholds',
      () => {
        const other = segment(2, 2, 10);
        other.report.settings.thresholds = [{ metric: 'p99', condition: '<2s', abortOnFail: false }];
        return [segment(1, 2, 10), other];
      },
      'USAGE',
      'merge: seg-2.json has other thresholds than seg-1.json; only segments of one scenario merge',
    ],
    ['a malformed segment', () => [segment(1, 2, 10, { segment: { index: 3, count: 2 } })], 'REPORT_INVALID', 'seg-1.json: segment: expected { index, count } with 1 ≤ index ≤ count, got {"index":3,"count":2}'],
    ['nothing', () => [], 'USAGE', "merge: no reports given; expected the report.json of every segment"],
  ])('refuses %s with one line', (_name, parts, code, message) => {
    const error = benchErrorOf(() => mergeSegmentReports(parts()));
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });

  it('refuses a threshold it cannot parse, naming the file', () => {
    const parts = [segment(1, 1, 10)];
    parts[0]!.report.settings.thresholds = [{ metric: 'p99', condition: 'fast', abortOnFail: false }];
    const error = benchErrorOf(() => mergeSegmentReports(parts));
    expect(error.code).toBe('REPORT_INVALID');
    expect(error.message).toMatch(/^seg-1\.json: settings\.thresholds\.p99: expected an operator/);
  });
});
